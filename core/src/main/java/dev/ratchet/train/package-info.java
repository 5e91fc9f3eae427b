/**
 * Training: the trainable part of an agent, fitted on verified examples.
 *
 * <p>The reference agent classifies text with a frozen encoder (an {@link dev.ratchet.memory.Embedder}) and a
 * {@link dev.ratchet.train.LinearHead} over its embeddings, a softmax classifier that is the agent's "weights".
 * {@link dev.ratchet.train.HeadTrainer} fits a head on labelled embeddings, or on a dataset version's
 * {@code classification-csv} export, from scratch or continuing from an earlier head (labels only grow), with the
 * options of {@link dev.ratchet.train.HeadTraining}. Training is deterministic: the same data and seed give the same
 * bytes, and a head is stored under the SHA-256 of its bytes ({@link dev.ratchet.train.LinearHead#contentHash()}).
 *
 * <p>Where it sits in the loop: after the data pipeline ({@code dataset}), before release. It reads exported files
 * and embeddings and writes nothing itself; the caller stores the head.
 */
package dev.ratchet.train;
