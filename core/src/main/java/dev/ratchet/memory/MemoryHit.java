package dev.ratchet.memory;

import java.util.Set;

/** One search result: the item, its final score in [0, 1] (fused relevance times recency), and which signals found it. */
public record MemoryHit(MemoryItem item, double score, Set<Signal> signals) {

    public MemoryHit {
        signals = Set.copyOf(signals);
    }
}
