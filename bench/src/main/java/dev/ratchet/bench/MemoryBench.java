package dev.ratchet.bench;

import dev.ratchet.memory.BgeSmallEmbedder;
import dev.ratchet.memory.Embedder;
import dev.ratchet.memory.JdbcMemoryStore;
import dev.ratchet.memory.MemoryConfig;
import dev.ratchet.memory.MemoryKind;
import dev.ratchet.memory.MemorySearch;
import dev.ratchet.memory.MemoryWrite;
import dev.ratchet.memory.MemoryWriteResult;
import dev.ratchet.store.Database;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code ratchet-bench memory}: the memory store's own speed, through {@link JdbcMemoryStore} on the embedded
 * SQLite database, as the server runs it.
 *
 * <ul>
 *   <li><b>Write throughput</b> against its baseline, the raw throughput of the same embedding model in the
 *       same run: the store embeds every written text, so the model bounds it, and the ratio says how much
 *       the rest (validation, near-duplicate and key checks, the durable commit, indexing) costs on top.
 *       Concurrent clients each write small batches, as agents do; the raw baseline is {@link Embedder#embedAll}
 *       over as many texts in chunks of {@value #RAW_CHUNK}, measured just before and just after the writes
 *       (their mean is the baseline, since the model's speed drifts with the machine's load).</li>
 *   <li><b>Search latency</b> at each memory size: one agent's scope holding every item (the largest
 *       candidate pools), one thread, each query timed alone around {@link JdbcMemoryStore#search}. Pass one
 *       asks distinct queries, so every query is embedded; pass two asks them again, so their embeddings come
 *       from the query cache and the figure is the search alone.</li>
 * </ul>
 */
@Command(name = "memory", mixinStandardHelpOptions = true,
        description = "Measure the memory store: write throughput against raw embedding, search latency at each size.")
final class MemoryBench implements Callable<Integer> {

    static final String HEADING = "## Memory store (search latency, write throughput)";

    private static final String PROJECT = "bench";
    private static final String AGENT = "support-desk";
    private static final int RAW_CHUNK = 64;
    private static final int FILL_BATCH = 256;

    @Spec
    CommandSpec spec;

    @Option(names = "--sizes", split = ",", defaultValue = "10000,100000",
            description = "Memory sizes (active items) to measure search at, ascending (default: ${DEFAULT-VALUE}).")
    List<Integer> sizes;

    @Option(names = "--queries", defaultValue = "1000", description = "Timed queries per size (default: ${DEFAULT-VALUE}).")
    int queries;

    @Option(names = "--warmup", defaultValue = "100", description = "Untimed queries per size first (default: ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--k", defaultValue = "5", description = "Results per search (default: ${DEFAULT-VALUE}).")
    int k;

    @Option(names = "--writes", defaultValue = "2000",
            description = "Items written in the write-throughput phase (default: ${DEFAULT-VALUE}).")
    int writes;

    @Option(names = "--write-warmup", defaultValue = "2000",
            description = "Items the same clients write, untimed, just before the timed writes (default: ${DEFAULT-VALUE}).")
    int writeWarmup;

    @Option(names = "--clients", defaultValue = "8", description = "Concurrent writers (default: ${DEFAULT-VALUE}).")
    int clients;

    @Option(names = "--write-batch", defaultValue = "4", description = "Items per write call (default: ${DEFAULT-VALUE}).")
    int writeBatch;

    @Option(names = "--seed", defaultValue = "42", description = "Generator seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--output", defaultValue = "docs/benchmarks.md",
            description = "Markdown file whose memory-store section is written, or 'none' (default: ${DEFAULT-VALUE}).")
    String output;

    @Option(names = "--data-dir",
            description = "Where the temporary store goes; deleted afterwards (default: the system temp directory).")
    Path dataDir;

    private final Clock clock;

    MemoryBench() {
        this(Clock.systemUTC());
    }

    MemoryBench(Clock clock) {
        this.clock = clock;
    }

    /** p50 and p99 (nearest rank) in milliseconds. */
    record Latency(double p50, double p99) {
        static Latency of(long[] nanos) {
            long[] s = nanos.clone();
            java.util.Arrays.sort(s);
            return new Latency(RetrievalReport.Latency.percentile(s, 0.50) / 1e6,
                    RetrievalReport.Latency.percentile(s, 0.99) / 1e6);
        }
    }

    record SizeResult(int size, long activeItems, Latency withEmbedding, Latency cached, double fillSeconds) {
    }

    record WriteResult(int items, long created, long merged, long warmCreated, double writeRate, double rawBefore,
            double rawAfter) {
        double raw() {
            return (rawBefore + rawAfter) / 2;
        }

        double ratio() {
            return writeRate / raw();
        }
    }

    @Override
    public Integer call() throws IOException {
        validate();
        Path root = TempDirs.create(dataDir, "ratchet-memory-");
        try {
            run(spec.commandLine().getOut(), root);
            return 0;
        } finally {
            TempDirs.deleteRecursively(root);
        }
    }

    private void validate() {
        if (sizes.isEmpty() || sizes.stream().anyMatch(s -> s < 1)) {
            throw new ParameterException(spec.commandLine(), "--sizes must be positive numbers");
        }
        for (int i = 1; i < sizes.size(); i++) {
            if (sizes.get(i) <= sizes.get(i - 1)) {
                throw new ParameterException(spec.commandLine(), "--sizes must be ascending, got " + sizes);
            }
        }
        if (writes < 1 || writeWarmup < 0 || writes + writeWarmup > sizes.get(0)) {
            throw new ParameterException(spec.commandLine(), "--writes must be between 1 and the first size less"
                    + " --write-warmup (at least 0), got " + writes + " and " + writeWarmup);
        }
        if (queries < 1 || warmup < 0 || k < 1 || k > MemorySearch.MAX_K || clients < 1 || writeBatch < 1
                || writeBatch > 1_000) {
            throw new ParameterException(spec.commandLine(), "--queries, --clients and --write-batch (at most 1000) must be"
                    + " at least 1, --warmup at least 0, --k between 1 and " + MemorySearch.MAX_K);
        }
    }

    private void run(PrintWriter out, Path root) throws IOException {
        Machine machine = Machine.describe(root);
        out.printf(Locale.ROOT, "ratchet-bench memory: sizes %s, %d queries (+%d warm-up), k %d; %d writes by %d clients"
                + " in batches of %d%n", sizes, queries, warmup, k, writes, clients, writeBatch);
        out.printf("machine: %s, %d cores, %s; %s%n", machine.cpu(), machine.cores(), machine.memory(), machine.jvm());
        out.flush();
        MemoryTextGenerator items = new MemoryTextGenerator(seed);
        MemoryTextGenerator questions = new MemoryTextGenerator(seed + 1);
        Embedder embedder = new BgeSmallEmbedder();
        MemoryConfig config = MemoryConfig.defaults().withCapacityPerAgent(sizes.get(sizes.size() - 1) * 2);
        List<SizeResult> results = new ArrayList<>();
        WriteResult writeResult = null;
        try (Database db = Database.embedded(root.resolve("data"));
                JdbcMemoryStore store = new JdbcMemoryStore(db, embedder, root.resolve("index"), Clock.systemUTC(), config)) {
            long active = 0;
            for (int size : sizes) {
                long f0 = System.nanoTime();
                active = fill(out, store, items, active, size - (writeResult == null ? writes + writeWarmup : 0));
                double fillSeconds = (System.nanoTime() - f0) / 1e9;
                if (writeResult == null) {
                    writeResult = writeThroughput(out, store, embedder, items);
                    active += writeResult.warmCreated() + writeResult.created();
                }
                results.add(searchLatency(out, store, questions, size, active, fillSeconds));
            }
        }
        String md = markdown(machine, root, writeResult, results);
        out.println(summary(writeResult, results));
        if (!output.equals("none")) {
            Path file = Path.of(output);
            BenchmarksDoc.write(file, md);
            out.println("wrote " + file.toAbsolutePath().normalize());
        }
        out.flush();
    }

    /** Writes items in bulk until {@code target} are active; returns the active count. */
    private long fill(PrintWriter out, JdbcMemoryStore store, MemoryTextGenerator items, long active, long target) {
        long t0 = System.nanoTime();
        long start = active;
        while (active < target) {
            int n = (int) Math.min(FILL_BATCH, target - active);
            List<MemoryWrite> batch = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                batch.add(MemoryWrite.of(AGENT, MemoryKind.FACT, items.item()));
            }
            active += created(store.write(PROJECT, batch));
            if ((active - start) % (FILL_BATCH * 20) < n || active >= target) {
                double s = (System.nanoTime() - t0) / 1e9;
                out.printf(Locale.ROOT, "filling: %,d/%,d active items (%.0f items/s)%n", active, target,
                        (active - start) / Math.max(s, 1e-9));
                out.flush();
            }
        }
        return active;
    }

    private static long created(List<MemoryWriteResult> results) {
        return results.stream().filter(r -> r.action() != MemoryWriteResult.Action.MERGED
                && r.action() != MemoryWriteResult.Action.DUPLICATE).count();
    }

    private WriteResult writeThroughput(PrintWriter out, JdbcMemoryStore store, Embedder embedder,
            MemoryTextGenerator items) {
        // The clients' code path (small concurrent writes) is compiled by the JIT before it is timed, as the
        // search phase warms up too: what is measured is the store running, not the store starting.
        long warmCreated = writeConcurrently(store, batches(items, writeWarmup));
        List<String> rawTexts = new ArrayList<>(writes);
        for (int i = 0; i < writes; i++) {
            rawTexts.add(items.item());
        }
        double rawBefore = rawRate(embedder, rawTexts);
        out.printf(Locale.ROOT, "raw embedding: %,.0f texts/s%n", rawBefore);
        out.flush();

        List<List<MemoryWrite>> batches = batches(items, writes);
        long t0 = System.nanoTime();
        long created = writeConcurrently(store, batches);
        double writeRate = writes / ((System.nanoTime() - t0) / 1e9);
        out.printf(Locale.ROOT, "store writes: %,.0f items/s (%,d created, %,d merged)%n", writeRate, created,
                writes - created);
        out.flush();
        double rawAfter = rawRate(embedder, rawTexts);
        out.printf(Locale.ROOT, "raw embedding again: %,.0f texts/s%n", rawAfter);
        out.flush();
        return new WriteResult(writes, created, writes - created, warmCreated, writeRate, rawBefore, rawAfter);
    }

    private List<List<MemoryWrite>> batches(MemoryTextGenerator items, int count) {
        List<List<MemoryWrite>> batches = new ArrayList<>();
        for (int i = 0; i < count; i += writeBatch) {
            List<MemoryWrite> batch = new ArrayList<>();
            for (int j = i; j < Math.min(count, i + writeBatch); j++) {
                batch.add(MemoryWrite.of(AGENT, MemoryKind.FACT, items.item()));
            }
            batches.add(batch);
        }
        return batches;
    }

    /** Writes the batches with {@code clients} threads, each taking the next batch; returns the items created. */
    private long writeConcurrently(JdbcMemoryStore store, List<List<MemoryWrite>> batches) {
        AtomicInteger next = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        long created = 0;
        try {
            List<Future<Long>> futures = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                futures.add(pool.submit(() -> {
                    long mine = 0;
                    for (int b; (b = next.getAndIncrement()) < batches.size(); ) {
                        mine += created(store.write(PROJECT, batches.get(b)));
                    }
                    return mine;
                }));
            }
            for (Future<Long> f : futures) {
                created += f.get();
            }
        } catch (Exception e) {
            throw new IllegalStateException("write phase failed", e);
        } finally {
            pool.shutdownNow();
        }
        return created;
    }

    private static double rawRate(Embedder embedder, List<String> texts) {
        long t0 = System.nanoTime();
        for (int from = 0; from < texts.size(); from += RAW_CHUNK) {
            embedder.embedAll(texts.subList(from, Math.min(texts.size(), from + RAW_CHUNK)));
        }
        return texts.size() / ((System.nanoTime() - t0) / 1e9);
    }

    private SizeResult searchLatency(PrintWriter out, JdbcMemoryStore store, MemoryTextGenerator questions, int size,
            long active, double fillSeconds) {
        for (int i = 0; i < warmup; i++) {
            store.search(PROJECT, MemorySearch.of(AGENT, questions.query(), k));
        }
        List<String> qs = new ArrayList<>(queries);
        for (int i = 0; i < queries; i++) {
            qs.add(questions.query() + " (#" + size + "-" + i + ")"); // distinct, so pass one never hits the cache
        }
        long[] cold = time(store, qs);
        long[] cached = time(store, qs);
        SizeResult r = new SizeResult(size, active, Latency.of(cold), Latency.of(cached), fillSeconds);
        out.printf(Locale.ROOT, "%,d items: search with query embedding p50 %.2f ms, p99 %.2f ms; cached embedding"
                + " p50 %.2f ms, p99 %.2f ms%n", active, r.withEmbedding().p50(), r.withEmbedding().p99(),
                r.cached().p50(), r.cached().p99());
        out.flush();
        return r;
    }

    private long[] time(JdbcMemoryStore store, List<String> qs) {
        long[] nanos = new long[qs.size()];
        for (int i = 0; i < qs.size(); i++) {
            long t0 = System.nanoTime();
            store.search(PROJECT, MemorySearch.of(AGENT, qs.get(i), k));
            nanos[i] = System.nanoTime() - t0;
        }
        return nanos;
    }

    private String summary(WriteResult w, List<SizeResult> results) {
        StringBuilder s = new StringBuilder();
        s.append(String.format(Locale.ROOT, "writes: %,.0f items/s = %.2f of raw embedding (%,.0f texts/s)%n",
                w.writeRate(), w.ratio(), w.raw()));
        for (SizeResult r : results) {
            s.append(String.format(Locale.ROOT, "search at %,d items: p99 %.2f ms with embedding, %.2f ms cached%n",
                    r.activeItems(), r.withEmbedding().p99(), r.cached().p99()));
        }
        return s.toString().strip();
    }

    private String markdown(Machine machine, Path root, WriteResult w, List<SizeResult> results) {
        StringBuilder md = new StringBuilder();
        md.append(HEADING).append("\n\n");
        md.append("Measured ").append(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'", Locale.ROOT)
                .format(clock.instant().atZone(ZoneOffset.UTC))).append(" by `ratchet-bench memory`; source tree: ")
                .append(SourceTree.describe(Path.of("").toAbsolutePath())).append(".\n\n");
        md.append("### Method\n\n");
        md.append("One `JdbcMemoryStore` on the embedded SQLite database and its Lucene index, in a temporary data"
                + " directory, with the bge-small-en-v1.5-q model in-process. Items are support-desk facts made by"
                + " Ratchet's own generator (seed ").append(seed).append("): two sentences from six templates over pools"
                + " of customers, account codes, merchants, amounts, products, problems and fixes. Every item is in one"
                + " agent's scope, so each search filters to all of them (the largest candidate pools). Counts are of"
                + " active items; a generated item that is a near-duplicate of an earlier one merges into it and is"
                + " not counted.\n\n");
        md.append(String.format(Locale.ROOT, "- **Write throughput**: after the first fill and %,d untimed warm-up writes"
                + " by the same clients (so the JIT has compiled their path), %,d new items written by %d"
                + " concurrent clients in calls of %d items (`write`, which returns once they are durable and"
                + " searchable). The baseline is the raw throughput of the same model in the same run: `embedAll`"
                + " over %,d other generated texts in chunks of %d by one caller, measured just before and just"
                + " after the writes; the ratio is against their mean.%n", writeWarmup, w.items(), clients, writeBatch,
                w.items(), RAW_CHUNK));
        md.append(String.format(Locale.ROOT, "- **Search latency**: at each size, %d warm-up queries, then %,d distinct"
                + " generated questions (top %d, default fusion and recency), one thread, each `search` call timed"
                + " alone (`System.nanoTime`), p50 and p99 by nearest rank. Pass one embeds every query (the query"
                + " cache has not seen them); pass two asks the same questions again, so their embeddings come from"
                + " the cache and the time is the search alone (index, database reads, retrieval counting).%n%n",
                warmup, queries, k));
        md.append("### Machine\n\n");
        md.append("- CPU: ").append(machine.cpu()).append(", ").append(machine.cores()).append(" cores available to the JVM\n");
        md.append("- Memory: ").append(machine.memory()).append('\n');
        md.append("- JDK: ").append(machine.jvm()).append('\n');
        md.append("- OS: ").append(machine.os()).append('\n');
        md.append("- Data directory: `").append(root.getParent().resolve("ratchet-memory-*")).append("` (")
                .append(machine.disk()).append(")\n\n");
        md.append("### Results\n\n");
        md.append("| Write path | items/s |\n|---|---:|\n");
        md.append(String.format(Locale.ROOT, "| Memory store writes (%d clients × %d items per call) | %,.0f |%n",
                clients, writeBatch, w.writeRate()));
        md.append(String.format(Locale.ROOT, "| Raw embedding, `embedAll` (before / after) | %,.0f / %,.0f |%n",
                w.rawBefore(), w.rawAfter()));
        md.append(String.format(Locale.ROOT, "| **Store / raw** | **%.2f** |%n%n", w.ratio()));
        md.append(String.format(Locale.ROOT, "Of the %,d written items %,d were created and %,d merged into"
                + " near-duplicates.%n%n", w.items(), w.created(), w.merged()));
        md.append("| Active items | search p50 / p99, with query embedding | search p50 / p99, embedding cached |"
                + " fill time |\n|---:|---:|---:|---:|\n");
        for (SizeResult r : results) {
            md.append(String.format(Locale.ROOT, "| %,d | %.2f / %.2f ms | %.2f / %.2f ms | %.0f s |%n",
                    r.activeItems(), r.withEmbedding().p50(), r.withEmbedding().p99(), r.cached().p50(),
                    r.cached().p99(), r.fillSeconds()));
        }
        SizeResult largest = results.get(results.size() - 1);
        md.append("\n### Targets\n\n| Target | Measured | Met |\n|---|---:|---|\n");
        md.append(String.format(Locale.ROOT, "| search p99 ≤ 25 ms including query embedding, at the largest size"
                + " (%,d items) | %.2f ms | %s |%n", largest.activeItems(), largest.withEmbedding().p99(),
                largest.withEmbedding().p99() <= 25 ? "yes" : "no"));
        md.append(String.format(Locale.ROOT, "| writes ≥ 90%% of raw embedding throughput | %.0f%% | %s |%n%n",
                100 * w.ratio(), w.ratio() >= 0.9 ? "yes" : "no"));
        md.append("### Reproduce\n\n```\n./mvnw -q -B -pl bench -am package -DskipTests\n");
        md.append("java --add-modules jdk.incubator.vector -jar bench/target/ratchet-bench.jar memory --sizes ")
                .append(String.join(",", sizes.stream().map(String::valueOf).toList()))
                .append(" --queries ").append(queries).append(" --warmup ").append(warmup).append(" --k ").append(k)
                .append(" --writes ").append(writes).append(" --write-warmup ").append(writeWarmup)
                .append(" --clients ").append(clients)
                .append(" --write-batch ").append(writeBatch).append(" --seed ").append(seed).append("\n```\n");
        return md.toString();
    }

}
