package dev.ratchet.bench;

import dev.ratchet.memory.BgeSmallEmbedder;
import dev.ratchet.memory.RetrievalMode;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/** What {@code ratchet-bench retrieval} measured, as console text and as its section of docs/benchmarks.md. */
record RetrievalReport(Settings settings, Context context, List<ModeResult> modes, List<SweepPoint> sweep,
        Throughput throughput) {

    record Settings(Path dataset, int k, int depth, int candidates, double vectorWeight, int limitQueries,
            String output) {

        String command() {
            StringBuilder c = new StringBuilder("java --add-modules jdk.incubator.vector -jar bench/target/ratchet-bench.jar retrieval --dataset " + dataset);
            c.append(" --k ").append(k).append(" --candidates ").append(candidates)
                    .append(String.format(Locale.ROOT, " --vector-weight %s", trim(vectorWeight)));
            if (limitQueries > 0) {
                c.append(" --limit-queries ").append(limitQueries);
            }
            return c.toString();
        }
    }

    /** @param origin the command that produced the dataset folder, or null */
    record Context(String date, String source, Machine machine, Path dataDir, String origin, int documents,
            int queries, int judgedQueries, long judgements, int warmupQueries) {
    }

    record ModeResult(RetrievalMode mode, double ndcg, double recall, Latency search) {

        String label() {
            return switch (mode) {
                case BM25_ONLY -> "BM25 only";
                case VECTOR_ONLY -> "vector only";
                case HYBRID -> "hybrid";
            };
        }
    }

    record SweepPoint(double weight, double ndcg, double recall) {
    }

    /** Median and 99th percentile, in milliseconds. */
    record Latency(double p50, double p99) {

        static Latency of(long[] nanos) {
            long[] s = nanos.clone();
            Arrays.sort(s);
            return new Latency(percentile(s, 0.50) / 1e6, percentile(s, 0.99) / 1e6);
        }

        /** Nearest-rank percentile of sorted values. */
        static double percentile(long[] sorted, double p) {
            if (sorted.length == 0) {
                return Double.NaN;
            }
            int rank = (int) Math.ceil(p * sorted.length);
            return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
        }
    }

    record Throughput(int texts, long embedNanos, long indexNanos, Latency queryEmbedding) {

        double textsPerSecond() {
            return texts * 1e9 / embedNanos;
        }
    }

    ModeResult hybrid() {
        return modes.stream().filter(m -> m.mode() == RetrievalMode.HYBRID).findFirst().orElseThrow();
    }

    ModeResult bm25() {
        return modes.stream().filter(m -> m.mode() == RetrievalMode.BM25_ONLY).findFirst().orElseThrow();
    }

    String summary() {
        StringBuilder s = new StringBuilder();
        s.append(table()).append('\n');
        if (!sweep.isEmpty()) {
            s.append(sweepTable()).append('\n');
        }
        s.append(latencyTable());
        s.append(String.format(Locale.ROOT, "corpus embedding: %,d texts in %.1f s = %,.0f texts/s; indexing %.1f s",
                throughput.texts(), throughput.embedNanos() / 1e9, throughput.textsPerSecond(),
                throughput.indexNanos() / 1e9));
        return s.toString();
    }

    private String table() {
        StringBuilder t = new StringBuilder();
        t.append(String.format(Locale.ROOT, "| Mode | nDCG@%d | recall@%d | nDCG vs BM25 |%n", settings.k(), settings.depth()));
        t.append("|---|---:|---:|---:|\n");
        double base = bm25().ndcg();
        for (ModeResult m : modes) {
            String label = m.mode() == RetrievalMode.HYBRID
                    ? String.format(Locale.ROOT, "hybrid (w = %s)", trim(settings.vectorWeight())) : m.label();
            t.append(String.format(Locale.ROOT, "| %s | %.4f | %.4f | %s |%n", label, m.ndcg(), m.recall(),
                    base > 0 ? String.format(Locale.ROOT, "%.2f×", m.ndcg() / base) : "–"));
        }
        return t.toString();
    }

    private String sweepTable() {
        StringBuilder t = new StringBuilder();
        t.append(String.format(Locale.ROOT, "| Vector weight w | nDCG@%d | recall@%d |%n", settings.k(), settings.depth()));
        t.append("|---:|---:|---:|\n");
        for (SweepPoint p : sweep) {
            t.append(String.format(Locale.ROOT, "| %s | %.4f | %.4f |%n", trim(p.weight()), p.ndcg(), p.recall()));
        }
        return t.toString();
    }

    private String latencyTable() {
        StringBuilder t = new StringBuilder();
        t.append(String.format(Locale.ROOT, "| Step (one query, %,d documents indexed) | p50 | p99 |%n", context.documents()));
        t.append("|---|---:|---:|\n");
        t.append(row("query embedding (`embed`, 1 text)", throughput.queryEmbedding()));
        for (ModeResult m : modes) {
            t.append(row("search, " + m.label() + " (top " + settings.depth() + ")", m.search()));
        }
        return t.toString();
    }

    private static String row(String what, Latency l) {
        return String.format(Locale.ROOT, "| %s | %.2f ms | %.2f ms |%n", what, l.p50(), l.p99());
    }

    String markdown() {
        StringBuilder md = new StringBuilder();
        md.append(RetrievalBench.heading(settings.dataset())).append("\n\n");
        md.append("Measured ").append(context.date()).append(" by `ratchet-bench retrieval`; source tree: ")
                .append(context.source()).append(".\n\n");
        md.append("### Method\n\n");
        md.append(String.format(Locale.ROOT, "Dataset `%s` (BEIR layout): %,d documents, %,d queries with at least one "
                        + "relevant document%s, %,d relevance judgements for them.%s%n%n",
                settings.dataset(), context.documents(), context.queries(),
                context.queries() < context.judgedQueries()
                        ? String.format(Locale.ROOT, " (the first %,d of %,d, `--limit-queries`)", context.queries(),
                                context.judgedQueries())
                        : "",
                context.judgements(),
                context.origin() == null ? "" : " The folder was made by `" + context.origin() + "`."));
        md.append("- Every document (title and text) is embedded with " + BgeSmallEmbedder.MODEL
                + " (bge-small-en-v1.5, int8 ONNX, 384 dimensions, in-process, offline) through `embedAll` in chunks "
                + "of 256, then indexed (text and vector) into one temporary `HybridIndex` (Lucene BM25 with "
                + "`EnglishAnalyzer`: stop words removed, Porter stemming; HNSW over the vectors) and committed.\n");
        md.append(String.format(Locale.ROOT, "- Each query is embedded alone (`embed`) and searched three ways on the "
                        + "same index for its top %d: BM25 only, vector only, and hybrid (each signal's %d best, scores "
                        + "min-max normalised per query, fused as w · vector + (1 − w) · BM25 with w = %s).%n",
                settings.depth(), settings.candidates(), trim(settings.vectorWeight())));
        md.append(String.format(Locale.ROOT, "- Metrics as BEIR (`pytrec_eval`) defines them, averaged over queries: "
                        + "nDCG@%d (gain = graded relevance, discount log2(rank + 1), ideal ranking from the judgements) "
                        + "and recall@%d (relevant documents in the top %d / all relevant documents of the query, so a "
                        + "query with more than %d relevant documents cannot reach 1).%n",
                settings.k(), settings.depth(), settings.depth(), settings.depth()));
        md.append(String.format(Locale.ROOT, "- Latencies: one thread, after %d warm-up queries (not counted); every "
                        + "query's embedding and each of its searches timed alone (`System.nanoTime`), p50 and p99 "
                        + "(nearest rank) over the queries. Throughput: the corpus embedding's wall time.%n%n",
                context.warmupQueries()));
        md.append("### Machine\n\n");
        md.append(String.join("\n", context.machine().markdown(context.dataDir()))).append("\n\n");
        md.append("### Results\n\n");
        md.append(table()).append('\n');
        md.append("### Latency and throughput\n\n");
        md.append(latencyTable()).append('\n');
        md.append(String.format(Locale.ROOT, "Corpus embedding: %,d texts in %.1f s, **%,.0f texts/s**. Indexing "
                        + "(upsert and commit, vectors given): %.1f s.%n%n",
                throughput.texts(), throughput.embedNanos() / 1e9, throughput.textsPerSecond(),
                throughput.indexNanos() / 1e9));
        if (!sweep.isEmpty()) {
            md.append("### Fusion weight sweep\n\n");
            md.append("The same queries, hybrid with other vector weights (same candidates; not timed):\n\n");
            md.append(sweepTable()).append('\n');
        }
        md.append("### Reproduce\n\n```\n");
        if (context.origin() != null) {
            md.append(context.origin()).append('\n');
        }
        md.append(settings.command());
        if (!sweep.isEmpty()) {
            md.append(" --sweep-weights ").append(String.join(",", sweep.stream().map(p -> trim(p.weight())).toList()));
        }
        md.append("\n```\n");
        return md.toString();
    }

    /** 0.5 rather than 0.50000; 0.35 stays 0.35. */
    private static String trim(double w) {
        String s = String.format(Locale.ROOT, "%.3f", w);
        s = s.replaceAll("0+$", "");
        return s.endsWith(".") ? s + "0" : s;
    }
}
