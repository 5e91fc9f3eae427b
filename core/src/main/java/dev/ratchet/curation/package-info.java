/**
 * Curation: validated feedback becomes memory by itself. It sits between {@code feedback} and {@code memory} in
 * the loop and depends on both (and on {@code trace} for the input a correction answers); neither depends on it.
 *
 * <ul>
 *   <li>{@link dev.ratchet.curation.CurationPolicy}: per project, which corrections qualify (by source and
 *       confidence, or by a human review that confirms them), the memory kind, scope and lifetime of what is
 *       written; kept by {@link dev.ratchet.curation.CurationPolicies} in the project settings.</li>
 *   <li>{@link dev.ratchet.curation.Curator}: wraps the feedback store so that recording a correction queues its
 *       trace durably in the same transaction, and decides queued traces on a worker thread, writing qualifying
 *       corrections to the {@link dev.ratchet.memory.MemoryStore} (idempotently, by feedback id) and every
 *       decision to the curation log ({@link dev.ratchet.curation.CurationDecision}).</li>
 * </ul>
 *
 * The rules that decide a correction (qualified, disputed, superseded) are stated in one place, the class
 * comment of {@code Corrections}.
 */
package dev.ratchet.curation;
