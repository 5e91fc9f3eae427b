package dev.ratchet.memory;

/** Which signals a {@link HybridIndex} search uses; the single-signal modes are baselines for benchmarks. */
public enum RetrievalMode {
    /** BM25 and vectors, the union of both pools fused. Needs text and vector. */
    HYBRID,
    /** BM25 over the text only. Needs text. */
    BM25_ONLY,
    /** HNSW over the vectors only. Needs a vector. */
    VECTOR_ONLY
}
