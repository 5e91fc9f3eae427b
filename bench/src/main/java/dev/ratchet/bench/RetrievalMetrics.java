package dev.ratchet.bench;

import java.util.List;
import java.util.Map;

/**
 * The two standard ranking metrics of BEIR, as {@code pytrec_eval} computes them. Relevance judgements map a
 * document id to a grade; grades of 0 or less count as not relevant.
 */
final class RetrievalMetrics {

    private RetrievalMetrics() {
    }

    /**
     * nDCG@k: the sum over the first {@code k} results of {@code rel / log2(rank + 1)} (rank from 1), divided
     * by the same sum for the ideal ranking (the judged documents by grade, descending). 0 when nothing is
     * relevant.
     */
    static double ndcg(List<String> ranked, Map<String, Integer> relevance, int k) {
        if (k < 1) {
            throw new IllegalArgumentException("k must be at least 1, got " + k);
        }
        double dcg = 0;
        for (int i = 0; i < Math.min(k, ranked.size()); i++) {
            int rel = grade(relevance, ranked.get(i));
            if (rel > 0) {
                dcg += rel / log2(i + 2);
            }
        }
        List<Integer> ideal = relevance.values().stream().filter(r -> r > 0)
                .sorted((a, b) -> Integer.compare(b, a)).toList();
        double idcg = 0;
        for (int i = 0; i < Math.min(k, ideal.size()); i++) {
            idcg += ideal.get(i) / log2(i + 2);
        }
        return idcg == 0 ? 0 : dcg / idcg;
    }

    /**
     * recall@k: the share of the relevant documents found in the first {@code k} results. As in BEIR, the
     * denominator is all relevant documents, so a query with more than {@code k} of them cannot reach 1.
     * 0 when nothing is relevant.
     */
    static double recall(List<String> ranked, Map<String, Integer> relevance, int k) {
        if (k < 1) {
            throw new IllegalArgumentException("k must be at least 1, got " + k);
        }
        long relevant = relevance.values().stream().filter(r -> r > 0).count();
        if (relevant == 0) {
            return 0;
        }
        long found = ranked.stream().limit(k).distinct().filter(id -> grade(relevance, id) > 0).count();
        return (double) found / relevant;
    }

    private static int grade(Map<String, Integer> relevance, String id) {
        Integer g = relevance.get(id);
        return g == null ? 0 : g;
    }

    private static double log2(double x) {
        return Math.log(x) / Math.log(2);
    }
}
