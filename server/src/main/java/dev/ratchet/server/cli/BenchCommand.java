package dev.ratchet.server.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/**
 * Listed here so that {@code ratchet --help} shows it; the benchmarks live in the bench module (they
 * depend on the server, not the other way round) and the {@code ./ratchet} launcher runs them from there.
 */
@Command(name = "bench", description = "Benchmarks (ingest; see docs/benchmarks.md). Run as './ratchet bench --help'.")
final class BenchCommand implements Callable<Integer> {

    @Override
    public Integer call() {
        System.err.println("error: benchmarks run from the bench module; use the launcher: ./ratchet bench --help");
        return 2;
    }
}
