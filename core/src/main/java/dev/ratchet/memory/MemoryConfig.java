package dev.ratchet.memory;

import dev.ratchet.common.BadInputException;
import java.time.Duration;

/**
 * Tuning of a {@link JdbcMemoryStore}.
 *
 * @param mergeThreshold cosine at or above which a new item of the same scope and kind is a near-duplicate
 *     of an active one and merges into it (0 to 1; default 0.92)
 * @param capacityPerAgent active items an agent (within a project) may hold; beyond it the lowest-ranked are
 *     expired (default 10,000)
 * @param halfLife the time scale of freshness, {@code exp(-age / halfLife)}, used by pruning and by the
 *     recency factor of search (default 30 days)
 * @param recencyWeight how much freshness lifts a search score: {@code score * (1 + w * freshness) / (1 + w)}
 *     (0 turns it off; default 0.1)
 * @param retrievalFlushInterval how often the retrieval counts that searches gather in memory are added to
 *     the database (default 1 second); a crash loses at most the counts of the last interval
 * @param indexCommitInterval how often the search index is committed (made durable, an fsync) when it has
 *     changed (default 1 second). Writes never wait for it; after a crash the index catches up from the
 *     database, so a longer interval costs a longer catch-up, not data
 * @param embedBatchSize the most texts of concurrent writes embedded in one call of the model (1 to 1,000;
 *     default 64, the batch size of the bundled model); a larger write is embedded alone
 * @param catchUpInterval on PostgreSQL, where several servers may share one database, how often a store
 *     looks for the others' writes and adds them to its index (default 1 second): they become searchable
 *     here within about this long. Unused on SQLite, whose database belongs to one process
 * @param vectorWeight the vector signal's share of a hybrid search's fused score, BM25 getting the rest (0 to
 *     1; default {@value SearchRequest#DEFAULT_VECTOR_WEIGHT}, see {@link HybridIndex} for why)
 */
public record MemoryConfig(double mergeThreshold, int capacityPerAgent, Duration halfLife, double recencyWeight,
        Duration retrievalFlushInterval, Duration indexCommitInterval, int embedBatchSize, Duration catchUpInterval,
        double vectorWeight) {

    public MemoryConfig {
        if (!(mergeThreshold > 0 && mergeThreshold <= 1)) {
            throw new BadInputException("mergeThreshold", "must be above 0 and at most 1");
        }
        if (capacityPerAgent < 1) {
            throw new BadInputException("capacityPerAgent", "must be at least 1");
        }
        requirePositive("halfLife", halfLife);
        if (!(recencyWeight >= 0 && recencyWeight <= 10)) {
            throw new BadInputException("recencyWeight", "must be between 0 and 10");
        }
        requirePositive("retrievalFlushInterval", retrievalFlushInterval);
        requirePositive("indexCommitInterval", indexCommitInterval);
        if (embedBatchSize < 1 || embedBatchSize > 1_000) {
            throw new BadInputException("embedBatchSize", "must be between 1 and 1000");
        }
        requirePositive("catchUpInterval", catchUpInterval);
        if (!(vectorWeight >= 0 && vectorWeight <= 1)) {
            throw new BadInputException("vectorWeight", "must be between 0 and 1");
        }
    }

    private static void requirePositive(String field, Duration d) {
        if (d == null || d.isNegative() || d.isZero()) {
            throw new BadInputException(field, "must be positive");
        }
    }

    public static MemoryConfig defaults() {
        return new MemoryConfig(0.92, 10_000, Duration.ofDays(30), 0.1, Duration.ofSeconds(1), Duration.ofSeconds(1), 64,
                Duration.ofSeconds(1), SearchRequest.DEFAULT_VECTOR_WEIGHT);
    }

    public MemoryConfig withCapacityPerAgent(int capacity) {
        return new MemoryConfig(mergeThreshold, capacity, halfLife, recencyWeight, retrievalFlushInterval,
                indexCommitInterval, embedBatchSize, catchUpInterval, vectorWeight);
    }

    public MemoryConfig withRetrievalFlushInterval(Duration interval) {
        return new MemoryConfig(mergeThreshold, capacityPerAgent, halfLife, recencyWeight, interval,
                indexCommitInterval, embedBatchSize, catchUpInterval, vectorWeight);
    }

    public MemoryConfig withIndexCommitInterval(Duration interval) {
        return new MemoryConfig(mergeThreshold, capacityPerAgent, halfLife, recencyWeight, retrievalFlushInterval,
                interval, embedBatchSize, catchUpInterval, vectorWeight);
    }

    public MemoryConfig withEmbedBatchSize(int size) {
        return new MemoryConfig(mergeThreshold, capacityPerAgent, halfLife, recencyWeight, retrievalFlushInterval,
                indexCommitInterval, size, catchUpInterval, vectorWeight);
    }

    public MemoryConfig withCatchUpInterval(Duration interval) {
        return new MemoryConfig(mergeThreshold, capacityPerAgent, halfLife, recencyWeight, retrievalFlushInterval,
                indexCommitInterval, embedBatchSize, interval, vectorWeight);
    }

    public MemoryConfig withMergeThreshold(double threshold) {
        return new MemoryConfig(threshold, capacityPerAgent, halfLife, recencyWeight, retrievalFlushInterval,
                indexCommitInterval, embedBatchSize, catchUpInterval, vectorWeight);
    }

    public MemoryConfig withRecency(Duration newHalfLife, double weight) {
        return new MemoryConfig(mergeThreshold, capacityPerAgent, newHalfLife, weight, retrievalFlushInterval,
                indexCommitInterval, embedBatchSize, catchUpInterval, vectorWeight);
    }

    public MemoryConfig withVectorWeight(double weight) {
        return new MemoryConfig(mergeThreshold, capacityPerAgent, halfLife, recencyWeight, retrievalFlushInterval,
                indexCommitInterval, embedBatchSize, catchUpInterval, weight);
    }
}
