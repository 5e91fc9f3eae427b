/**
 * Release: the versions an agent is released as and the versioned artifacts they point to.
 *
 * <p>A version's configuration names large, binary layers (adapter weights, exported snapshots) by the SHA-256 of
 * their bytes; {@link dev.ratchet.release.Artifacts} keeps those bytes, content-addressed and immutable, per project,
 * so that a version always means the same bytes and any replica can load them. The versions themselves, with their
 * lineage, evidence and promote or reject decisions, are in {@link dev.ratchet.eval.AgentRegistry}, where runs find
 * them.
 *
 * <p>Where it sits in the loop: last. Learning and training write candidates and their artifacts; verification
 * decides them; release reads what was promoted.
 */
package dev.ratchet.release;
