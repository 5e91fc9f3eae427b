package dev.ratchet.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ratchet.common.Json;
import dev.ratchet.dataset.DatasetPipeline;
import dev.ratchet.dataset.DatasetSpec;
import dev.ratchet.dataset.DatasetSpecs;
import dev.ratchet.dataset.DatasetStore;
import dev.ratchet.dataset.Manifest;
import dev.ratchet.eval.EvalStore;
import dev.ratchet.feedback.ProjectSettings;
import dev.ratchet.store.Database;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code ratchet-bench dataset}: one dataset version built from N generated traces on the embedded SQLite database,
 * timed, with the peak heap of the build, against its baseline in the same run: a plain scan of the same rows (the
 * traces joined with their outcomes, input and output parsed as JSON), which is what any build must at least do.
 * The traces are generated straight into the database first ({@link DatasetTraces}) and are not timed.
 */
@Command(name = "dataset", mixinStandardHelpOptions = true,
        description = "Measure a dataset build (select, join, gate, redact, leakage guard, dedupe, split, write) over"
                + " generated traces, against a raw scan of the same rows.")
final class DatasetBench implements Callable<Integer> {

    static final String HEADING = "## Dataset build (traces to one dataset version)";
    static final String SPEC = """
            name: bench
            selection: {agents: [desk]}
            quality: {minConfidence: 0.6}
            label: {field: intent}
            split: {validation: 0.1, seed: 1}
            formats: [openai-chat, trl-dpo, trl-kto, classification-csv]
            """;

    @Spec
    CommandSpec spec;

    @Option(names = "--traces", defaultValue = "1000000", description = "Traces to generate (default: ${DEFAULT-VALUE}).")
    int traces;

    @Option(names = "--eval-cases", defaultValue = "200",
            description = "Cases in the frozen eval suite the leakage guard compares with (default: ${DEFAULT-VALUE}).")
    int evalCases;

    @Option(names = "--batch", defaultValue = "5000", description = "Rows per insert transaction (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--threads", description = "Worker threads of the build (default: the cores available).")
    Integer threads;

    @Option(names = "--seed", defaultValue = "42", description = "Generator seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--output", defaultValue = "docs/benchmarks.md",
            description = "Markdown file whose dataset section is written, or 'none' (default: ${DEFAULT-VALUE}).")
    String output;

    @Option(names = "--data-dir",
            description = "Where the temporary database and files go; deleted afterwards (default: the system temp directory).")
    Path dataDir;

    record Result(DatasetTraces.Stats stats, double generateSeconds, double scanSeconds, long scanned,
            double buildSeconds, double cpuSeconds, long peakHeap, Manifest manifest) {
        double ratio() {
            return buildSeconds / scanSeconds;
        }
    }

    @Override
    public Integer call() throws Exception {
        if (traces < 100 || batch < 1 || evalCases < 0 || (threads != null && threads < 1)) {
            throw new ParameterException(spec.commandLine(), "--traces must be at least 100, --batch and --threads at"
                    + " least 1, --eval-cases at least 0");
        }
        Path root = TempDirs.create(dataDir, "ratchet-dataset-");
        try {
            run(spec.commandLine().getOut(), root);
            return 0;
        } finally {
            TempDirs.deleteRecursively(root);
        }
    }

    private void run(PrintWriter out, Path root) throws Exception {
        Machine machine = Machine.describe(root);
        int workers = threads != null ? threads : Runtime.getRuntime().availableProcessors();
        out.printf(Locale.ROOT, "ratchet-bench dataset: %,d traces, %d eval cases, %d worker threads%n", traces,
                evalCases, workers);
        out.printf("machine: %s, %d cores, %s; %s%n", machine.cpu(), machine.cores(), machine.memory(), machine.jvm());
        out.flush();
        Clock clock = Clock.systemUTC();
        Result result;
        try (Database db = Database.embedded(root.resolve("data"))) {
            EvalStore evals = new EvalStore(db, clock);
            long g0 = System.nanoTime();
            DatasetTraces.Stats stats = new DatasetTraces(seed, evalCases).generate(db, evals, traces, batch, out);
            double generated = (System.nanoTime() - g0) / 1e9;

            long s0 = System.nanoTime();
            long scanned = scan(db);
            double scanSeconds = (System.nanoTime() - s0) / 1e9;
            out.printf(Locale.ROOT, "raw scan: %,d rows in %.1f s%n", scanned, scanSeconds);
            out.flush();

            DatasetStore store = new DatasetStore(db, clock);
            DatasetPipeline pipeline = new DatasetPipeline(db, store, evals, new ProjectSettings(db, clock),
                    root.resolve("datasets"), clock, workers);
            DatasetSpec dataset = DatasetSpecs.parse(SPEC);
            System.gc();
            MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
            AtomicLong peak = new AtomicLong(memory.getHeapMemoryUsage().getUsed());
            AtomicBoolean sampling = new AtomicBoolean(true);
            Thread sampler = Thread.ofPlatform().daemon().start(() -> {
                while (sampling.get()) {
                    peak.accumulateAndGet(memory.getHeapMemoryUsage().getUsed(), Math::max);
                    try {
                        Thread.sleep(20);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
            long cpu0 = cpuNanos();
            long b0 = System.nanoTime();
            long[] lastPrint = {0};
            Manifest m = pipeline.build(DatasetTraces.PROJECT, dataset, (stage, done, total) -> {
                long now = System.nanoTime();
                if (now - lastPrint[0] > 2_000_000_000L || (done == total && total > 0)) {
                    lastPrint[0] = now;
                    out.printf(Locale.ROOT, "build: %-9s %,d/%,d (%.1f s)%n", stage, done, total, (now - b0) / 1e9);
                    out.flush();
                }
            });
            double buildSeconds = (System.nanoTime() - b0) / 1e9;
            double cpuSeconds = (cpuNanos() - cpu0) / 1e9;
            sampling.set(false);
            sampler.join();
            result = new Result(stats, generated, scanSeconds, scanned, buildSeconds, cpuSeconds, peak.get(), m);
        }
        out.println(summary(result));
        if (!output.equals("none")) {
            Path file = Path.of(output);
            BenchmarksDoc.write(file, markdown(machine, root, workers, result));
            out.println("wrote " + file.toAbsolutePath().normalize());
        }
        out.flush();
    }

    /** CPU time of the whole process so far (every thread), or 0 where the JVM does not say. */
    private static long cpuNanos() {
        return ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
                ? os.getProcessCpuTime() : 0;
    }

    /** The baseline: every selected row with its outcome, input and output parsed, nothing else. */
    private static long scan(Database db) throws java.sql.SQLException {
        return db.<Long, java.sql.SQLException>read(h -> {
            Connection c = h.getConnection();
            long n = 0;
            try (PreparedStatement ps = c.prepareStatement("SELECT t.id, t.input, t.output, o.status, o.confidence"
                    + " FROM traces t LEFT JOIN outcomes o ON o.project_id = t.project_id AND o.trace_id = t.id"
                    + " WHERE t.project_id = ? AND t.agent = ? ORDER BY t.start_ns, t.id")) {
                ps.setString(1, DatasetTraces.PROJECT);
                ps.setString(2, "desk");
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        JsonNode in = Json.readTree(rs.getString(2));
                        JsonNode outNode = Json.readTree(rs.getString(3));
                        if (in != null && outNode != null) {
                            n++;
                        }
                    }
                }
            }
            return n;
        });
    }

    private static String summary(Result r) {
        return String.format(Locale.ROOT, "build: %,d traces -> %,d examples in %.1f s (%,.0f traces/s, %.1f s of CPU),"
                + " peak heap %s; raw scan %.1f s; build / scan = %.1f", r.stats().traces(), r.manifest().sourceTraces(),
                r.buildSeconds(), r.stats().traces() / r.buildSeconds(), r.cpuSeconds(), mib(r.peakHeap()),
                r.scanSeconds(), r.ratio());
    }

    private static String mib(long bytes) {
        return String.format(Locale.ROOT, "%,.0f MiB", bytes / (1024.0 * 1024));
    }

    private String markdown(Machine machine, Path root, int workers, Result r) {
        Manifest m = r.manifest();
        StringBuilder md = new StringBuilder();
        md.append(HEADING).append("\n\n");
        md.append("Measured ").append(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'", Locale.ROOT)
                .format(java.time.Instant.now().atZone(ZoneOffset.UTC))).append(" by `ratchet-bench dataset`; source tree: ")
                .append(SourceTree.describe(Path.of("").toAbsolutePath())).append(".\n\n");
        md.append("### Method\n\n");
        md.append(String.format(Locale.ROOT, "%,d traces of a support-desk agent (20 intents) are generated straight"
                + " into a fresh embedded SQLite database with batched inserts (not timed): outcomes 70%% success, 25%%"
                + " failure, 5%% disputed, an annotator's correction on 40%% of the failures, PII planted in 5%% of the"
                + " questions, 4%% exact and 2%% near (two words changed) repeats of earlier questions, and questions of a"
                + " %d-case frozen eval suite planted word for word and as paraphrases. Then one `DatasetPipeline.build`"
                + " of the spec below, timed from call to return (files written and version stored), with %d worker"
                + " threads; peak heap is sampled every 20 ms during the build, after a GC. The baseline, measured in the"
                + " same run on the same database, is a raw scan: the same rows joined with their outcomes, input and"
                + " output parsed as JSON, nothing else.%n%n", r.stats().traces(), r.stats().evalCases(), workers));
        md.append("```yaml\n").append(SPEC).append("```\n\n");
        md.append("### Machine\n\n");
        for (String line : machine.markdown(root.getParent().resolve("ratchet-dataset-*"))) {
            md.append(line).append('\n');
        }
        md.append("\n### Results\n\n| | value |\n|---|---:|\n");
        md.append(String.format(Locale.ROOT, "| traces generated (not timed) | %,d in %.0f s |%n", r.stats().traces(),
                r.generateSeconds()));
        md.append(String.format(Locale.ROOT, "| raw scan (baseline) | %.1f s |%n", r.scanSeconds()));
        md.append(String.format(Locale.ROOT, "| **dataset build** | **%.1f s** (%,.0f traces/s) |%n", r.buildSeconds(),
                r.stats().traces() / r.buildSeconds()));
        md.append(String.format(Locale.ROOT, "| CPU time of the build (all threads) | %.1f s |%n", r.cpuSeconds()));
        md.append(String.format(Locale.ROOT, "| **build / scan** | **%.1f** |%n", r.ratio()));
        md.append(String.format(Locale.ROOT, "| peak heap during the build | %s |%n%n", mib(r.peakHeap())));
        StringBuilder stages = new StringBuilder();
        m.stages().forEach(s -> stages.append(stages.isEmpty() ? "" : " → ").append(s.stage()).append(' ')
                .append(String.format(Locale.ROOT, "%,d", s.count())));
        md.append("Stages: ").append(stages).append(". Left out: ");
        StringBuilder ex = new StringBuilder();
        m.exclusions().forEach((k, v) -> ex.append(ex.isEmpty() ? "" : ", ").append(k).append(' ')
                .append(String.format(Locale.ROOT, "%,d", v)));
        md.append(ex).append(String.format(Locale.ROOT, ". Planted: %,d eval questions word for word and %,d"
                + " paraphrased, %,d exact and %,d near repeats. Files: ", r.stats().evalExact(), r.stats().evalNear(),
                r.stats().exactDuplicates(), r.stats().nearDuplicates()));
        long bytes = m.files().stream().mapToLong(Manifest.FileEntry::bytes).sum();
        md.append(m.files().size()).append(String.format(Locale.ROOT, ", %,.0f MiB in all.%n%n", bytes / 1048576.0));
        md.append("### Targets\n\n| Target | Measured | Met |\n|---|---:|---|\n");
        md.append(String.format(Locale.ROOT, "| %,d traces to one version in ≤ 60 s%s | %.1f s | %s |%n%n",
                r.stats().traces(), r.stats().traces() == 1_000_000 ? "" : " (the target is stated for 1,000,000)",
                r.buildSeconds(), r.stats().traces() == 1_000_000 ? (r.buildSeconds() <= 60 ? "yes" : "no") : "n/a"));
        md.append("### Reproduce\n\n```\n./mvnw -q -B -pl bench -am package -DskipTests\n");
        md.append("java -jar bench/target/ratchet-bench.jar dataset --traces ").append(traces).append(" --eval-cases ")
                .append(evalCases).append(" --seed ").append(seed)
                .append(threads == null ? "" : " --threads " + threads).append("\n```\n");
        return md.toString();
    }
}
