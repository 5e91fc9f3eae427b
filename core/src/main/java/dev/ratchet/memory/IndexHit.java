package dev.ratchet.memory;

import java.util.Set;

/**
 * One search result. {@code score} is the fused score in [0, 1] by which results are ordered (descending).
 * {@code bm25Score} is the raw Lucene BM25 score and {@code vectorScore} the cosine similarity to the query
 * vector, each null when the hit was not in that signal's candidate pool; {@code signals} names the pools
 * it was in.
 */
public record IndexHit(String id, double score, Double bm25Score, Double vectorScore, Set<Signal> signals) {

    public IndexHit {
        signals = Set.copyOf(signals);
    }
}
