package dev.ratchet.bench;

import dev.ratchet.memory.BgeSmallEmbedder;
import dev.ratchet.memory.Embedder;
import dev.ratchet.memory.HybridIndex;
import dev.ratchet.memory.IndexFilter;
import dev.ratchet.memory.IndexHit;
import dev.ratchet.memory.IndexedDocument;
import dev.ratchet.memory.RetrievalMode;
import dev.ratchet.memory.SearchRequest;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code ratchet-bench retrieval}: retrieval quality of the memory index on any BEIR folder, hybrid against
 * its two single-signal baselines (BM25 only, vector only) on the same index in the same run, plus the
 * latencies of the query path (embedding one query, one search) and the corpus embedding throughput.
 *
 * <p>The script: read the folder, embed the corpus in batches, index every document into a temporary
 * {@link HybridIndex}, embed each judged query alone, search it in each mode for the top
 * {@value #DEPTH}, score nDCG@k and recall@{@value #DEPTH}, report.
 */
@Command(name = "retrieval", mixinStandardHelpOptions = true,
        description = "Measure memory retrieval quality (nDCG@10, recall@100) and latency on a BEIR-format folder.")
final class RetrievalBench implements Callable<Integer> {

    /** Results retrieved per search: recall is measured at this depth. */
    static final int DEPTH = 100;
    static final String HEADING = "## Memory retrieval (BEIR)";

    /** Each data set gets its own section, named after its folder, so runs on several sets sit side by side. */
    static String heading(Path dataset) {
        Path name = dataset.toAbsolutePath().normalize().getFileName();
        return HEADING + ": " + (name == null ? dataset : name);
    }
    static final String PROJECT = "bench";

    private static final int EMBED_CHUNK = 256;
    private static final int WARMUP_QUERIES = 50;

    @Spec
    CommandSpec spec;

    @Option(names = "--dataset", required = true,
            description = "BEIR folder: corpus.jsonl, queries.jsonl, qrels/test.tsv.")
    Path dataset;

    @Option(names = "--k", defaultValue = "10", description = "Cut-off of nDCG (default: ${DEFAULT-VALUE}).")
    int k;

    @Option(names = "--candidates", defaultValue = "" + DEPTH,
            description = "Candidate pool of each signal, at least " + DEPTH + " (default: ${DEFAULT-VALUE}).")
    int candidates;

    @Option(names = "--vector-weight", defaultValue = "" + SearchRequest.DEFAULT_VECTOR_WEIGHT,
            description = "Share of the vector signal in the hybrid score, 0..1 (default: ${DEFAULT-VALUE}).")
    double vectorWeight;

    @Option(names = "--sweep-weights", split = ",",
            description = "Extra hybrid weights to score too (comma-separated), reported as a sweep; untimed.")
    List<Double> sweepWeights = new ArrayList<>();

    @Option(names = "--limit-queries", defaultValue = "0",
            description = "Use only the first N judged queries (default: all).")
    int limitQueries;

    @Option(names = "--output", defaultValue = "docs/benchmarks.md",
            description = "Markdown file whose retrieval section is written, or 'none' (default: ${DEFAULT-VALUE}).")
    String output;

    @Option(names = "--data-dir",
            description = "Where the temporary index goes; deleted afterwards (default: the system temp directory).")
    Path dataDir;

    private final Clock clock;

    RetrievalBench() {
        this(Clock.systemUTC());
    }

    RetrievalBench(Clock clock) {
        this.clock = clock;
    }

    @Override
    public Integer call() throws IOException {
        validate();
        PrintWriter out = spec.commandLine().getOut();
        Path root = TempDirs.create(dataDir, "ratchet-retrieval-");
        try {
            run(out, root);
            return 0;
        } finally {
            TempDirs.deleteRecursively(root);
        }
    }

    private void validate() {
        if (k < 1 || k > DEPTH) {
            throw new ParameterException(spec.commandLine(), "--k must be between 1 and " + DEPTH + ", got " + k);
        }
        if (candidates < DEPTH || candidates > SearchRequest.MAX_CANDIDATES) {
            throw new ParameterException(spec.commandLine(), "--candidates must be between " + DEPTH + " (recall@"
                    + DEPTH + " needs that many per signal) and " + SearchRequest.MAX_CANDIDATES + ", got " + candidates);
        }
        for (double w : concat(vectorWeight, sweepWeights)) {
            if (!(w >= 0 && w <= 1)) {
                throw new ParameterException(spec.commandLine(), "vector weights must be between 0 and 1, got " + w);
            }
        }
        if (limitQueries < 0) {
            throw new ParameterException(spec.commandLine(), "--limit-queries must be at least 0, got " + limitQueries);
        }
    }

    private void run(PrintWriter out, Path root) throws IOException {
        BeirDataset data = BeirDataset.read(dataset);
        List<String> judged = data.judgedQueries();
        List<String> queryIds = limitQueries > 0 && limitQueries < judged.size() ? judged.subList(0, limitQueries) : judged;
        if (queryIds.isEmpty()) {
            throw new ParameterException(spec.commandLine(), "no query in " + dataset + " has a relevant document");
        }
        long judgements = queryIds.stream().mapToLong(q -> data.qrels().get(q).size()).sum();
        Machine machine = Machine.describe(root);
        out.printf(Locale.ROOT, "ratchet-bench retrieval: %s: %,d documents, %,d of %,d judged queries, "
                        + "%,d judgements; nDCG@%d, recall@%d, %d candidates per signal, vector weight %.2f%n",
                dataset, data.corpus().size(), queryIds.size(), judged.size(), judgements, k, DEPTH, candidates,
                vectorWeight);
        out.printf("machine: %s, %d cores, %s; %s%n", machine.cpu(), machine.cores(), machine.memory(), machine.jvm());
        out.flush();

        Embedder embedder = new BgeSmallEmbedder();
        List<String> texts = data.corpus().stream().map(BeirDataset.Doc::content).toList();
        List<float[]> vectors = new ArrayList<>(texts.size());
        long t0 = System.nanoTime();
        for (int from = 0; from < texts.size(); from += EMBED_CHUNK) {
            vectors.addAll(embedder.embedAll(texts.subList(from, Math.min(texts.size(), from + EMBED_CHUNK))));
            double s = (System.nanoTime() - t0) / 1e9;
            out.printf(Locale.ROOT, "embedding corpus: %,d/%,d (%.0f texts/s, %.0f s)%n", vectors.size(), texts.size(),
                    vectors.size() / s, s);
            out.flush();
        }
        long embedNanos = System.nanoTime() - t0;

        try (HybridIndex index = HybridIndex.open(root.resolve("index"), embedder.dimension())) {
            long i0 = System.nanoTime();
            for (int i = 0; i < data.corpus().size(); i++) {
                BeirDataset.Doc d = data.corpus().get(i);
                index.upsert(new IndexedDocument(d.id(), PROJECT, null, null, null, null, null, d.content(),
                        vectors.get(i), null, null));
            }
            index.commit();
            long indexNanos = System.nanoTime() - i0;
            out.printf(Locale.ROOT, "indexed %,d documents in %.1f s%n", data.corpus().size(), indexNanos / 1e9);
            out.flush();

            IndexFilter filter = IndexFilter.project(PROJECT);
            List<String> queryTexts = queryIds.stream().map(q -> data.queries().get(q)).toList();
            // Warm the JIT and the index's caches up on the first queries; their figures are not kept.
            for (String q : queryTexts.subList(0, Math.min(WARMUP_QUERIES, queryTexts.size()))) {
                float[] v = embedder.embed(q);
                for (RetrievalMode m : RetrievalMode.values()) {
                    index.search(request(q, v, filter, m, vectorWeight));
                }
            }
            int n = queryIds.size();
            long[] embedLatency = new long[n];
            long[][] searchLatency = new long[RetrievalMode.values().length][n];
            double[][] ndcg = new double[RetrievalMode.values().length][n];
            double[][] recall = new double[RetrievalMode.values().length][n];
            double[][] sweepNdcg = new double[sweepWeights.size()][n];
            double[][] sweepRecall = new double[sweepWeights.size()][n];
            long q0 = System.nanoTime();
            for (int i = 0; i < n; i++) {
                String text = queryTexts.get(i);
                Map<String, Integer> rel = data.qrels().get(queryIds.get(i));
                long e0 = System.nanoTime();
                float[] v = embedder.embed(text);
                embedLatency[i] = System.nanoTime() - e0;
                for (RetrievalMode m : RetrievalMode.values()) {
                    long s0 = System.nanoTime();
                    List<IndexHit> hits = index.search(request(text, v, filter, m, vectorWeight));
                    searchLatency[m.ordinal()][i] = System.nanoTime() - s0;
                    List<String> ids = hits.stream().map(IndexHit::id).toList();
                    ndcg[m.ordinal()][i] = RetrievalMetrics.ndcg(ids, rel, k);
                    recall[m.ordinal()][i] = RetrievalMetrics.recall(ids, rel, DEPTH);
                }
                for (int w = 0; w < sweepWeights.size(); w++) {
                    List<String> ids = index.search(request(text, v, filter, RetrievalMode.HYBRID, sweepWeights.get(w)))
                            .stream().map(IndexHit::id).toList();
                    sweepNdcg[w][i] = RetrievalMetrics.ndcg(ids, rel, k);
                    sweepRecall[w][i] = RetrievalMetrics.recall(ids, rel, DEPTH);
                }
                if ((i + 1) % 250 == 0 || i + 1 == n) {
                    double s = (System.nanoTime() - q0) / 1e9;
                    out.printf(Locale.ROOT, "queries: %,d/%,d (%.1f s), hybrid nDCG@%d so far %.4f%n", i + 1, n, s, k,
                            mean(Arrays.copyOf(ndcg[RetrievalMode.HYBRID.ordinal()], i + 1)));
                    out.flush();
                }
            }

            RetrievalReport report = new RetrievalReport(
                    new RetrievalReport.Settings(dataset, k, DEPTH, candidates, vectorWeight, limitQueries, output),
                    new RetrievalReport.Context(
                            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'", Locale.ROOT)
                                    .format(clock.instant().atZone(ZoneOffset.UTC)),
                            SourceTree.describe(Path.of("").toAbsolutePath()), machine,
                            root.getParent().resolve("ratchet-retrieval-*"), origin(dataset),
                            data.corpus().size(), n, judged.size(), judgements, WARMUP_QUERIES),
                    modeResults(ndcg, recall, searchLatency),
                    sweep(sweepNdcg, sweepRecall),
                    new RetrievalReport.Throughput(texts.size(), embedNanos, indexNanos, RetrievalReport.Latency.of(embedLatency)));
            out.println(report.summary());
            if (!output.equals("none")) {
                Path file = Path.of(output);
                BenchmarksDoc.write(file, report.markdown());
                out.println("wrote " + file.toAbsolutePath().normalize());
            }
            out.printf(Locale.ROOT, "hybrid nDCG@%d: %.4f%n", k, report.hybrid().ndcg());
            out.flush();
        }
    }

    private SearchRequest request(String text, float[] vector, IndexFilter filter, RetrievalMode mode, double w) {
        return new SearchRequest(text, vector, filter, DEPTH, candidates, mode, w);
    }

    private List<RetrievalReport.ModeResult> modeResults(double[][] ndcg, double[][] recall, long[][] latency) {
        // Baselines first, hybrid last.
        List<RetrievalReport.ModeResult> rows = new ArrayList<>();
        for (RetrievalMode m : List.of(RetrievalMode.BM25_ONLY, RetrievalMode.VECTOR_ONLY, RetrievalMode.HYBRID)) {
            rows.add(new RetrievalReport.ModeResult(m, mean(ndcg[m.ordinal()]), mean(recall[m.ordinal()]),
                    RetrievalReport.Latency.of(latency[m.ordinal()])));
        }
        return rows;
    }

    private List<RetrievalReport.SweepPoint> sweep(double[][] ndcg, double[][] recall) {
        List<RetrievalReport.SweepPoint> points = new ArrayList<>();
        for (int w = 0; w < sweepWeights.size(); w++) {
            points.add(new RetrievalReport.SweepPoint(sweepWeights.get(w), mean(ndcg[w]), mean(recall[w])));
        }
        points.sort(Comparator.comparingDouble(RetrievalReport.SweepPoint::weight));
        return points;
    }

    /** The command that made the folder, when {@code beir-banking77} (or a like tool) recorded it. */
    private static String origin(Path dir) throws IOException {
        Path f = dir.resolve(Banking77ToBeir.ORIGIN);
        return Files.isRegularFile(f) ? Files.readString(f, StandardCharsets.UTF_8).strip() : null;
    }

    static double mean(double[] values) {
        return Arrays.stream(values).average().orElse(0);
    }

    private static List<Double> concat(double first, List<Double> rest) {
        List<Double> all = new ArrayList<>(List.of(first));
        all.addAll(rest);
        return all;
    }

}
