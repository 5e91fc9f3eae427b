package dev.ratchet.server;

import dev.ratchet.feedback.FeedbackStore;
import dev.ratchet.feedback.Outcome;
import dev.ratchet.feedback.ReviewQueue;
import dev.ratchet.feedback.ReviewRules;
import dev.ratchet.feedback.Verifiers;
import dev.ratchet.trace.Trace;
import java.util.List;

/**
 * What follows once traces or feedback are stored, whichever door they came in by (REST, OTLP, a
 * feedback token): traces go to the verifiers (queued, never waited for) and, when the project samples
 * or watches tags, to the review rules; outcomes that changed go to the review rules too.
 */
public final class AfterIngest {

    private final ReviewQueue review;
    private final Verifiers verifiers;

    public AfterIngest(ReviewQueue review, Verifiers verifiers) {
        this.review = review;
        this.verifiers = verifiers;
    }

    public void traces(String projectId, List<Trace> traces) {
        verifiers.submit(projectId, traces);
        ReviewRules rules = review.rules(projectId);
        if (rules.samplePercent() <= 0 && (rules.tags() == null || rules.tags().isEmpty())) {
            return; // the only rules that look at new traces are off: skip a queue lookup per trace
        }
        for (Trace t : traces) {
            review.consider(projectId, t.id(), t.tags() == null ? List.of() : t.tags(), null);
        }
    }

    public void feedback(String projectId, FeedbackStore.RecordResult result) {
        for (Outcome o : result.outcomes()) {
            review.consider(projectId, o.traceId(), List.of(), o);
        }
    }
}
