package dev.ratchet.feedback;

import java.util.List;
import java.util.Optional;

/**
 * Human review per project. Items enter by the project's {@link ReviewRules}; annotators take them with
 * {@link #next}, and label or skip them. When an item has its required labels, the majority verdict is
 * recorded as {@link FeedbackKind#REVIEW} feedback (source annotator), which decides the outcome.
 * Thread-safe; two annotators calling {@link #next} at once never get the same slot of the same item.
 */
public interface ReviewQueue {

    ReviewRules rules(String projectId);

    void setRules(String projectId, ReviewRules rules);

    /**
     * Puts the trace in the queue if a rule says so and it has no open item yet; called when a trace is
     * ingested (outcome null) and whenever its outcome changes.
     *
     * @return the item created, if one was
     */
    Optional<ReviewItem> consider(String projectId, String traceId, List<String> tags, Outcome outcome);

    /**
     * Assigns the oldest open item that {@code annotatorId} has not labelled, skipped or been assigned,
     * and that still needs labels (counting current assignees), or returns the item already assigned to them.
     */
    Optional<ReviewItem> next(String projectId, String annotatorId);

    /**
     * Records {@code annotatorId}'s label. An annotator labels an item once; a second label replaces the
     * first. Unknown item: {@link dev.ratchet.common.NotFoundException}; a done item or a verdict other than
     * success/failure: {@link dev.ratchet.common.BadInputException}.
     */
    ReviewItem label(String projectId, String itemId, ReviewLabel label);

    /** Gives the item back; it is not offered to this annotator again. */
    ReviewItem skip(String projectId, String itemId, String annotatorId);

    Optional<ReviewItem> get(String projectId, String itemId);

    /** Items by status (null: all), oldest first, at most {@code limit}. */
    List<ReviewItem> list(String projectId, ReviewItem.Status status, int limit);

    /** Inter-annotator agreement over the project's items with two or more labels. */
    AgreementReport agreement(String projectId);
}
