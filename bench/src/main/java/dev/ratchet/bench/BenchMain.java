package dev.ratchet.bench;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code java -jar bench/target/ratchet-bench.jar <benchmark>}: the benchmark CLI. */
@Command(name = "ratchet-bench", mixinStandardHelpOptions = true,
        description = "Ratchet benchmarks; each writes its section of docs/benchmarks.md.",
        subcommands = {IngestBench.class, RetrievalBench.class, MemoryBench.class, EvalBench.class, LearningBench.class,
                DatasetBench.class, RedactionBench.class, Banking77ToBeir.class, ManPagesToBeir.class})
public final class BenchMain {

    public static void main(String[] args) {
        // Server and pool start-up chatter would bury the progress lines; warnings still show.
        if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
            System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        }
        System.exit(commandLine().execute(args));
    }

    static CommandLine commandLine() {
        return new CommandLine(new BenchMain());
    }
}
