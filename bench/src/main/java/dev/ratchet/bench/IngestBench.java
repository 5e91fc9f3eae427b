package dev.ratchet.bench;

import static dev.ratchet.common.Times.nanos;

import dev.ratchet.common.Json;
import dev.ratchet.project.ProjectStore;
import dev.ratchet.server.RatchetServer;
import dev.ratchet.server.ServerConfig;
import dev.ratchet.store.Database;
import dev.ratchet.trace.JdbcTraceStore;
import dev.ratchet.trace.Trace;
import dev.ratchet.trace.TraceJson;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code ratchet-bench ingest}: REST trace ingest through real HTTP into the embedded store, against a raw
 * JDBC batch insert of the same rows measured in the same run; writes its section of
 * {@code docs/benchmarks.md}.
 *
 * <p>This class is the run's script, so it is longer than most: set up the server and the three
 * databases (REST, raw baseline, store-only diagnostic), warm every path up, run the rounds with the
 * paths interleaved, check that every database ended up with the same content, report. All payloads
 * of a round are generated, serialised and parsed before any of its clocks start.
 */
@Command(name = "ingest", mixinStandardHelpOptions = true,
        description = "Measure REST trace ingest (HTTP, durable ack) against a raw JDBC insert of the same rows.")
final class IngestBench implements Callable<Integer> {

    static final String API_KEY = "bench-admin-key-0123456789";

    @Spec
    CommandSpec spec;

    @Option(names = "--rounds", defaultValue = "3", description = "Measured rounds per path (default: ${DEFAULT-VALUE}).")
    int rounds;

    @Option(names = "--batches", defaultValue = "200",
            description = "Measured batches per round and path (default: ${DEFAULT-VALUE}).")
    int batches;

    @Option(names = "--warmup", defaultValue = "100", description = "Warm-up batches per path (default: ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--clients", defaultValue = "8",
            description = "Concurrent REST client threads (default: ${DEFAULT-VALUE}).")
    int clients;

    @Option(names = "--traces-per-batch", defaultValue = "100",
            description = "Traces per batch, each with 5 spans (default: ${DEFAULT-VALUE}).")
    int tracesPerBatch;

    @Option(names = "--seed", defaultValue = "42", description = "Payload generator seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--output", defaultValue = "docs/benchmarks.md",
            description = "Markdown file whose ingest section is written (default: ${DEFAULT-VALUE}).")
    Path output;

    @Option(names = "--data-dir",
            description = "Where the temporary databases go; deleted afterwards (default: the system temp directory).")
    Path dataDir;

    private final Clock clock;

    IngestBench() {
        this(Clock.systemUTC());
    }

    IngestBench(Clock clock) {
        this.clock = clock;
    }

    @Override
    public Integer call() throws Exception {
        validate();
        PrintWriter out = spec.commandLine().getOut();
        Path root = TempDirs.create(dataDir, "ratchet-bench-");
        try {
            run(out, root);
            return 0;
        } finally {
            TempDirs.deleteRecursively(root);
        }
    }

    private void validate() {
        atLeast("--rounds", rounds, 1);
        atLeast("--batches", batches, 1);
        atLeast("--warmup", warmup, 0);
        atLeast("--clients", clients, 1);
        atLeast("--traces-per-batch", tracesPerBatch, 1);
        if (tracesPerBatch > TraceJson.MAX_TRACES_PER_BATCH) {
            throw new ParameterException(spec.commandLine(),
                    "--traces-per-batch must be at most " + TraceJson.MAX_TRACES_PER_BATCH + " (the API's limit)");
        }
    }

    private void atLeast(String option, int value, int min) {
        if (value < min) {
            throw new ParameterException(spec.commandLine(), option + " must be at least " + min + ", got " + value);
        }
    }

    private void run(PrintWriter out, Path root) throws IOException, SQLException, InterruptedException {
        IngestReport.Settings settings = new IngestReport.Settings(rounds, batches, warmup, clients, tracesPerBatch,
                seed);
        Machine machine = Machine.describe(root);
        out.printf(Locale.ROOT, "ratchet-bench ingest: %d rounds x %d batches x %d traces x %d spans per path, "
                        + "%d warm-up batches, %d REST clients, seed %d%n",
                rounds, batches, tracesPerBatch, TraceGenerator.SPANS_PER_TRACE, warmup, clients, seed);
        out.printf("machine: %s, %d cores, %s; %s; data in %s (%s)%n", machine.cpu(), machine.cores(),
                machine.memory(), machine.jvm(), root, machine.disk());
        out.flush();

        TraceGenerator generator = new TraceGenerator(seed, tracesPerBatch);
        Path restDir = root.resolve("rest");
        Path rawDir = root.resolve("raw");
        Path storeDir = root.resolve("store");
        List<IngestReport.Round> results = new ArrayList<>();
        String pragmas;
        double bytesPerSpan;
        ServerConfig config = ServerConfig.defaults(restDir).withPort(0).withBootstrapKey(API_KEY);
        try (RatchetServer server = RatchetServer.start(config);
                RestLoad rest = new RestLoad(server.url(), API_KEY, clients);
                RawInsert raw = RawInsert.open(rawDir);
                Database storeDb = Database.embedded(storeDir)) {
            pragmas = raw.pragmas();
            JdbcTraceStore store = new JdbcTraceStore(storeDb, clock);
            if (warmup > 0) {
                long t0 = System.nanoTime();
                out.printf("warm-up: %d batches per path ... ", warmup);
                out.flush();
                Prepared w = prepare(generator, 0, warmup);
                rest.send(w.batches());
                rawPhase(raw, w.batches());
                storePhase(store, w.batches());
                out.printf(Locale.ROOT, "done in %.1f s%n", (System.nanoTime() - t0) / 1e9);
                out.flush();
            }
            long totalBytes = 0;
            long totalSpans = 0;
            for (int r = 1; r <= rounds; r++) {
                out.printf("round %d/%d: preparing ... ", r, rounds);
                out.flush();
                Prepared p = prepare(generator, warmup + (long) (r - 1) * batches, batches);
                totalBytes += p.bodyBytes();
                totalSpans += p.spans();
                PhaseResult restResult;
                PhaseResult rawResult;
                // Alternate the order so that neither path always runs on a fresher page cache or WAL.
                if (r % 2 == 1) {
                    restResult = timed(out, "REST", () -> rest.send(p.batches()));
                    rawResult = timed(out, "raw", () -> rawPhase(raw, p.batches()));
                } else {
                    rawResult = timed(out, "raw", () -> rawPhase(raw, p.batches()));
                    restResult = timed(out, "REST", () -> rest.send(p.batches()));
                }
                PhaseResult storeResult = timed(out, "store only", () -> storePhase(store, p.batches()));
                IngestReport.Round round = new IngestReport.Round(r, restResult, rawResult, storeResult,
                        p.spans() * 1e9 / p.parseNanos());
                results.add(round);
                out.printf(Locale.ROOT, "| REST/raw %.2f, REST traces/s %,.0f, batch p50 %.0f ms%n",
                        round.ratio(), restResult.tracesPerSecond(), restResult.latencyMillis(0.5));
                out.flush();
            }
            bytesPerSpan = (double) totalBytes / totalSpans;
        }

        long expectedSpans = (long) (warmup + rounds * batches) * tracesPerBatch * TraceGenerator.SPANS_PER_TRACE;
        Contents restContents = Contents.of(restDir);
        Contents rawContents = Contents.of(rawDir);
        Contents storeContents = Contents.of(storeDir);
        if (restContents.spans() != expectedSpans || !restContents.equals(rawContents)
                || !restContents.equals(storeContents)) {
            throw new IllegalStateException("the paths stored different data (expected " + expectedSpans
                    + " spans): REST " + restContents + ", raw " + rawContents + ", store " + storeContents);
        }

        String date = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'", Locale.ROOT)
                .format(clock.instant().atZone(ZoneOffset.UTC));
        IngestReport report = new IngestReport(settings,
                new IngestReport.Context(date, SourceTree.describe(Path.of("").toAbsolutePath()), machine,
                        root.getParent().resolve("ratchet-bench-*"), pragmas, bytesPerSpan, expectedSpans),
                results);
        out.println(report.summary());
        BenchmarksDoc.write(output, report.markdown());
        out.println("wrote " + output.toAbsolutePath().normalize());
        out.flush();
    }

    /** A round's batches, and how long parsing their bodies took (the parse-only diagnostic). */
    private record Prepared(List<Batch> batches, long bodyBytes, long spans, long parseNanos) {
    }

    private Prepared prepare(TraceGenerator generator, long firstBatch, int count) {
        List<Batch> list = new ArrayList<>(count);
        long bytes = 0;
        long spans = 0;
        long parseNanos = 0;
        for (int i = 0; i < count; i++) {
            byte[] body = generator.body(firstBatch + i);
            long t0 = System.nanoTime();
            List<Trace> traces = TraceJson.parseBatch(body, clock);
            parseNanos += System.nanoTime() - t0;
            List<Object[]> traceRows = new ArrayList<>(traces.size());
            for (Trace t : traces) {
                traceRows.add(RawInsert.traceRow(ProjectStore.DEFAULT_PROJECT, t));
            }
            Batch b = new Batch(body, traces, traceRows, RawInsert.spanRows(ProjectStore.DEFAULT_PROJECT, traces));
            list.add(b);
            bytes += body.length;
            spans += b.spanCount();
        }
        return new Prepared(list, bytes, spans, parseNanos);
    }

    private PhaseResult rawPhase(RawInsert raw, List<Batch> list) throws SQLException {
        long start = System.nanoTime();
        for (Batch b : list) {
            raw.insert(b, nanos(clock.instant()));
        }
        return PhaseResult.of(list, System.nanoTime() - start, new long[0]);
    }

    private PhaseResult storePhase(JdbcTraceStore store, List<Batch> list) {
        long start = System.nanoTime();
        for (Batch b : list) {
            store.ingest(ProjectStore.DEFAULT_PROJECT, b.traces());
        }
        return PhaseResult.of(list, System.nanoTime() - start, new long[0]);
    }

    @FunctionalInterface
    private interface Phase {
        PhaseResult run() throws SQLException, InterruptedException;
    }

    private static PhaseResult timed(PrintWriter out, String name, Phase phase)
            throws SQLException, InterruptedException {
        // Collect the previous phase's garbage (and the preparation's) outside the clock of this one.
        System.gc();
        PhaseResult result = phase.run();
        out.printf(Locale.ROOT, "%s %,.0f spans/s ", name, result.spansPerSecond());
        out.flush();
        return result;
    }

    /** What a database holds, compared across paths to prove they stored the same thing. */
    private record Contents(long traces, long spans, long spanJsonChars) {

        static Contents of(Path dir) {
            try (Database db = Database.embedded(dir)) {
                return db.read(h -> h.createQuery("""
                                SELECT (SELECT COUNT(*) FROM traces),
                                       COUNT(*),
                                       TOTAL(LENGTH(input)) + TOTAL(LENGTH(output)) + TOTAL(LENGTH(attributes))
                                FROM spans""")
                        .map((rs, ctx) -> new Contents(rs.getLong(1), rs.getLong(2), rs.getLong(3)))
                        .one());
            }
        }
    }

}
