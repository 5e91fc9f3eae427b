package dev.ratchet.memory;

/** A retrieval signal whose candidate pool contained a hit. */
public enum Signal {
    BM25,
    VECTOR
}
