package dev.ratchet.feedback;

import java.util.Map;

/**
 * How a project turns feedback into an {@link Outcome}. Stored per project (JSON, the field names below)
 * and replaceable at runtime; every outcome is recomputed under the rules in force when its feedback
 * changes.
 *
 * <p>Each signal has a polarity p in [-1, +1] (a rating's place on its scale, thumbs/approval/verifier
 * ±1, a judge score s as 2s-1, implicit kinds as in {@link #kindPolarity}, labels as in
 * {@link #labelPolarity}) and a weight w = source weight × category weight (or the kind's own weight) ×
 * confidence. The score is Σw·p / Σw, over the signals that pass a judgement (a comment, or a label or
 * implicit kind whose polarity is 0, is counted but not weighed). Then, in order:
 * <ol>
 *   <li>a human review verdict decides, whatever else was said;</li>
 *   <li>a correction means failure (when {@link #correctionMeansFailure});</li>
 *   <li>two strong signals (w·|p| ≥ {@link #strongSignal}) of opposite sign mean disputed;</li>
 *   <li>score ≥ {@link #successThreshold}: success; score ≤ {@link #failureThreshold}: failure;
 *       otherwise, or without signals, unknown.</li>
 * </ol>
 * Confidence is 1 - exp(-Σw·|p| / {@link #evidenceScale}): more and stronger agreeing evidence, closer to 1.
 */
public record OutcomeRules(
        Map<FeedbackSource, Double> sourceWeights,
        Map<FeedbackKind.Category, Double> categoryWeights,
        Map<FeedbackKind, Double> kindWeights,
        Map<FeedbackKind, Double> kindPolarity,
        Map<String, Double> labelPolarity,
        double successThreshold,
        double failureThreshold,
        double strongSignal,
        double evidenceScale,
        boolean correctionMeansFailure) {

    public static OutcomeRules defaults() {
        return new OutcomeRules(
                Map.of(FeedbackSource.END_USER, 1.0, FeedbackSource.ANNOTATOR, 1.5, FeedbackSource.SYSTEM, 0.7),
                Map.of(FeedbackKind.Category.EXPLICIT, 1.0, FeedbackKind.Category.IMPLICIT, 0.5,
                        FeedbackKind.Category.AUTOMATED, 0.6, FeedbackKind.Category.REVIEW, 1.0),
                Map.of(),
                Map.of(FeedbackKind.ACCEPTED, 1.0, FeedbackKind.RETRIED, -1.0, FeedbackKind.EDITED, -0.5,
                        FeedbackKind.ESCALATED, -1.0, FeedbackKind.ABANDONED, -1.0, FeedbackKind.FOLLOW_UP, -0.3,
                        FeedbackKind.COMMENT, 0.0),
                Map.of(),
                0.3, -0.3, 0.8, 1.0, true);
    }
}
