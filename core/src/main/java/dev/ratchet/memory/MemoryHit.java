package dev.ratchet.memory;

import java.util.Set;

/**
 * One search result: the item, its final score in [0, 1] (fused relevance times recency), which signals found it,
 * and {@code similarity}, the cosine between the query's embedding and the item's (null when the vector search did
 * not reach the item). The score orders results within one search; the similarity is comparable across searches,
 * so a caller can weigh neighbours by how near they are (a k-nearest-neighbour vote) or set an absolute bar.
 */
public record MemoryHit(MemoryItem item, double score, Set<Signal> signals, Double similarity) {

    public MemoryHit {
        signals = Set.copyOf(signals);
    }
}
