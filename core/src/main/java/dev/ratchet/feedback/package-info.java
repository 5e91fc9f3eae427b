/**
 * Feedback: what happened after an interaction, attached to the exact trace (or span) it is about, and
 * the outcome per trace that Ratchet derives from it.
 *
 * <ul>
 *   <li>{@link dev.ratchet.feedback.Feedback}: one signal, explicit (rating, thumbs, label, comment,
 *       correction, approval), implicit (accepted, retried, edited, escalated, abandoned, follow-up),
 *       automated (verifier, judge) or a human review verdict, with its source, author and confidence.</li>
 *   <li>{@link dev.ratchet.feedback.FeedbackStore}: durable, idempotent recording; every write
 *       recomputes the trace's {@link dev.ratchet.feedback.Outcome} in the same transaction, under the
 *       project's {@link dev.ratchet.feedback.OutcomeRules}.</li>
 *   <li>{@link dev.ratchet.feedback.ReviewQueue}: human review fed by rules (disputed, low confidence,
 *       sampled, risky tags), several annotators per item, agreement statistics; a reviewed verdict is
 *       authoritative for the outcome.</li>
 *   <li>{@link dev.ratchet.feedback.Verifiers}: automated checks run after ingest, sampled and off the
 *       ingest path, whose results are automated feedback.</li>
 * </ul>
 *
 * Feedback is accepted only for traces that have been ingested (or that arrive in the same request):
 * feedback naming an unknown trace or span is bad input and changes nothing. This keeps every signal
 * attached to something that exists, at the price that a client must send the trace first.
 */
package dev.ratchet.feedback;
