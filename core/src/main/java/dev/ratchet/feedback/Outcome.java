package dev.ratchet.feedback;

import java.time.Instant;

/**
 * What Ratchet concludes about a trace from all its feedback.
 *
 * @param score      weighted polarity of the signals, -1 (bad) to +1 (good); 0 without signals
 * @param confidence how much evidence stands behind the status, 0 to 1
 * @param signals    how many feedback items were considered
 * @param reviewed   whether a human review verdict decided it (then it overrides everything else)
 * @param reason     one sentence on what decided it, for people reading a dashboard
 */
public record Outcome(String traceId, OutcomeStatus status, double score, double confidence, int signals,
        boolean reviewed, String reason, Instant updatedAt) {
}
