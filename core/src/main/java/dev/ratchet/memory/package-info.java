/**
 * Groundwork for the memory layer: embeddings and the hybrid index the memory store will search.
 *
 * <ul>
 *   <li>{@link dev.ratchet.memory.Embedder} turns text into L2-normalised vectors. {@link
 *       dev.ratchet.memory.BgeSmallEmbedder} runs bge-small-en-v1.5 in-process (the default: no network, no
 *       key); {@link dev.ratchet.memory.OpenAiEmbedder} calls an OpenAI-compatible {@code /v1/embeddings}
 *       endpoint; {@link dev.ratchet.memory.CachingEmbedder} keeps recent query embeddings.</li>
 *   <li>{@link dev.ratchet.memory.HybridIndex} is a Lucene 10 index on disk: BM25 over the text and HNSW over
 *       the vectors, searched separately under the same filter, the union of both candidate pools fused on
 *       normalised scores. Every hit says which signals found it.</li>
 * </ul>
 *
 * The index is derived data: the database is the record, and an index can be deleted and rebuilt from it.
 */
package dev.ratchet.memory;
