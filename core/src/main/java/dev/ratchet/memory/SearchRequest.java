package dev.ratchet.memory;

import dev.ratchet.common.BadInputException;

/**
 * A search of a {@link HybridIndex}: up to {@code k} hits out of the union of the {@code candidates} best of
 * each signal, under {@code filter} (so a hybrid search returns at most {@code 2 * candidates}). {@code vectorWeight} in [0, 1] is the share of the vector signal in the
 * fused score (BM25 gets the rest); see {@link HybridIndex} for why {@link #DEFAULT_VECTOR_WEIGHT} is the default.
 */
public record SearchRequest(
        String text, float[] vector, IndexFilter filter, int k, int candidates, RetrievalMode mode, double vectorWeight) {

    public static final double DEFAULT_VECTOR_WEIGHT = 0.9;

    /** Hard cap on either pool; HNSW cost grows with it and fusion needs no more. */
    public static final int MAX_CANDIDATES = 10_000;

    public SearchRequest {
        if (filter == null) {
            throw new BadInputException("filter", "must not be null");
        }
        if (mode == null) {
            throw new BadInputException("mode", "must not be null");
        }
        if (k < 1) {
            throw new BadInputException("k", "must be at least 1");
        }
        if (candidates < 1 || candidates > MAX_CANDIDATES) {
            throw new BadInputException("candidates", "must be between 1 and " + MAX_CANDIDATES);
        }
        if (!(vectorWeight >= 0 && vectorWeight <= 1)) {
            throw new BadInputException("vectorWeight", "must be between 0 and 1");
        }
        if (mode != RetrievalMode.VECTOR_ONLY && text == null) {
            throw new BadInputException("text", "must not be null in mode " + mode);
        }
        if (mode != RetrievalMode.BM25_ONLY && vector == null) {
            throw new BadInputException("vector", "must not be null in mode " + mode);
        }
    }

    /** A hybrid search with the default weight. */
    public static SearchRequest hybrid(String text, float[] vector, IndexFilter filter, int k, int candidates) {
        return new SearchRequest(text, vector, filter, k, candidates, RetrievalMode.HYBRID, DEFAULT_VECTOR_WEIGHT);
    }
}
