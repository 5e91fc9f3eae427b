package dev.ratchet.memory;

/** A retrieval signal whose candidate pool contained a hit. */
public enum Signal {
    BM25,
    VECTOR,
    /** The query equalled the item's key in the searched scope: an exact lookup, ranked first. */
    KEY
}
