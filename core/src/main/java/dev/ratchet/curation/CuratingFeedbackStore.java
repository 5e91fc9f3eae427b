package dev.ratchet.curation;

import static dev.ratchet.common.Times.nanos;

import dev.ratchet.feedback.Feedback;
import dev.ratchet.feedback.FeedbackStore;
import dev.ratchet.feedback.Outcome;
import dev.ratchet.feedback.OutcomeRules;
import dev.ratchet.store.Database;
import java.time.Clock;
import java.util.List;
import java.util.Optional;

/**
 * A {@link FeedbackStore} that queues curation in the transaction that records the feedback. Every way feedback
 * comes in (REST, feedback carried with traces, OTLP events, feedback tokens, verifiers, review verdicts) records
 * through one {@link FeedbackStore}; the server gives them this one, so no correction can bypass curation, and
 * a correction is committed if and only if its trace is queued for it. The caller never waits for curation
 * itself: it costs the recording transaction one read of the policy and, for traces with a correction, one
 * upsert each.
 *
 * <p>Safe inside another {@link Database#write} (the review queue records verdicts inside its own): it joins
 * it, as the store it wraps does, and reads the policy on the same connection.
 */
final class CuratingFeedbackStore implements FeedbackStore {

    private final Database db;
    private final FeedbackStore store;
    private final CurationQueue queue;
    private final Runnable queued;
    private final Clock clock;

    CuratingFeedbackStore(Database db, FeedbackStore store, CurationQueue queue, Runnable queued, Clock clock) {
        this.db = db;
        this.store = store;
        this.queue = queue;
        this.queued = queued;
        this.clock = clock;
    }

    /**
     * {@inheritDoc}
     *
     * <p>When the project curates, every trace of the batch that received stored feedback and has a correction
     * is queued for the curation worker, and each stored correction is logged as pending, in the same
     * transaction. Duplicates queue nothing, so a replayed correction is decided once.
     */
    @Override
    public RecordResult record(String projectId, List<Feedback> batch) {
        if (batch.isEmpty()) {
            return store.record(projectId, batch);
        }
        long now = nanos(clock.instant());
        RecordResult result = db.write(h -> {
            RecordResult r = store.record(projectId, batch);
            if (!r.stored().isEmpty() && CurationQueue.policy(h, projectId).enabled()) {
                queue.enqueue(h, projectId, batch, r.stored(), now);
            }
            return r;
        });
        queued.run();
        return result;
    }

    @Override
    public List<Feedback> forTrace(String projectId, String traceId) {
        return store.forTrace(projectId, traceId);
    }

    @Override
    public Optional<Outcome> outcome(String projectId, String traceId) {
        return store.outcome(projectId, traceId);
    }

    @Override
    public OutcomeRules rules(String projectId) {
        return store.rules(projectId);
    }

    @Override
    public void setRules(String projectId, OutcomeRules rules) {
        store.setRules(projectId, rules);
    }
}
