/**
 * The memory layer: an agent's curated items, stored in the database and searched through a hybrid index.
 *
 * <ul>
 *   <li>{@link dev.ratchet.memory.Embedder} turns text into L2-normalised vectors. {@link
 *       dev.ratchet.memory.BgeSmallEmbedder} runs bge-small-en-v1.5 in-process (the default: no network, no
 *       key); {@link dev.ratchet.memory.OpenAiEmbedder} calls an OpenAI-compatible {@code /v1/embeddings}
 *       endpoint; {@link dev.ratchet.memory.CachingEmbedder} keeps recent query embeddings.</li>
 *   <li>{@link dev.ratchet.memory.HybridIndex} is a Lucene 10 index on disk: BM25 over the text and HNSW over
 *       the vectors, searched separately under the same filter, the union of both candidate pools fused on
 *       normalised scores. Every hit says which signals found it.</li>
 *   <li>{@link dev.ratchet.memory.MemoryStore} ({@link dev.ratchet.memory.JdbcMemoryStore}) keeps {@link
 *       dev.ratchet.memory.MemoryItem}s: writes merge near-duplicates, supersede by key (history kept), expire
 *       by TTL and prune by capacity; searches are scoped by project, agent, user and session; snapshots pin
 *       the active items of a scope by content hash and can be diffed. Concurrent writers' texts are embedded
 *       together by an {@code EmbeddingStage}; searches count retrievals in a {@code RetrievalCounter} that is
 *       flushed in the background.</li>
 * </ul>
 *
 * The index is derived data: the database is the record (vectors included), and an index can be deleted
 * and rebuilt from it, or caught up with it from the marker of its last commit.
 */
package dev.ratchet.memory;
