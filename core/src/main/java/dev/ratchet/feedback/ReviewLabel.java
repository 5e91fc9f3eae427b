package dev.ratchet.feedback;

import java.time.Instant;

/**
 * One annotator's judgement of a review item.
 *
 * @param verdict  the outcome the annotator saw: success or failure
 * @param label    an optional category (e.g. the intent the agent should have chosen)
 * @param comment  free text
 */
public record ReviewLabel(String annotatorId, OutcomeStatus verdict, String label, String comment, Instant createdAt) {
}
