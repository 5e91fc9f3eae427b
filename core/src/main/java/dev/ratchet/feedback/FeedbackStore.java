package dev.ratchet.feedback;

import java.util.List;
import java.util.Optional;

/**
 * Durable feedback and the outcomes derived from it, scoped by project. Thread-safe.
 */
public interface FeedbackStore {

    /**
     * Records a batch atomically and durably, and recomputes (in the same transaction) the outcome of
     * every trace it touches, under the project's rules.
     *
     * <p>Idempotent: an item whose idempotency key (or id) was already recorded in this project is not
     * stored again and is reported as a duplicate.
     *
     * @throws dev.ratchet.common.BadInputException naming the item and field when a trace or span does not
     *         exist in the project; then nothing of the batch is stored
     */
    RecordResult record(String projectId, List<Feedback> batch);

    /** All feedback on a trace (its spans included), oldest first. Empty for an unknown trace. */
    List<Feedback> forTrace(String projectId, String traceId);

    /** The trace's outcome, if it has feedback. */
    Optional<Outcome> outcome(String projectId, String traceId);

    /** The project's outcome rules, or the defaults if it never set any. */
    OutcomeRules rules(String projectId);

    /** Replaces the project's rules and recomputes the outcome of every trace with feedback. */
    void setRules(String projectId, OutcomeRules rules);

    /** What a {@link #record} call did. */
    record RecordResult(List<String> stored, List<String> duplicates, List<Outcome> outcomes) {
    }
}
