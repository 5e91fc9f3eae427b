package dev.ratchet.feedback;

import java.util.List;

/**
 * When a trace goes to human review (any rule suffices), and how many annotators label each item.
 *
 * @param disputed       review every disputed outcome
 * @param belowConfidence review outcomes whose confidence is below this (0 disables)
 * @param samplePercent  review this percentage of ingested traces, chosen by a hash of the trace id
 *                       (deterministic: the same trace is always in or out of the sample)
 * @param tags           review every trace carrying one of these tags (high-risk areas)
 * @param labelsPerItem  annotators that label an item before it is done (1 or more)
 */
public record ReviewRules(boolean disputed, double belowConfidence, double samplePercent, List<String> tags,
        int labelsPerItem) {

    public static ReviewRules defaults() {
        return new ReviewRules(true, 0.0, 0.0, List.of(), 1);
    }
}
