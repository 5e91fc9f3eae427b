package dev.ratchet.feedback;

import java.time.Instant;
import java.util.List;

/**
 * A trace waiting for (or done with) human review.
 *
 * @param reason    which rule put it in the queue
 * @param status    open (needs labels) or done (has the labels it needs)
 * @param assignees annotators it is assigned to and who have not labelled or skipped it yet
 * @param labels    the labels given so far
 */
public record ReviewItem(String id, String traceId, String reason, Status status, int labelsRequired,
        List<String> assignees, List<ReviewLabel> labels, Instant createdAt, Instant updatedAt) {

    public enum Status {
        OPEN, DONE;

        @com.fasterxml.jackson.annotation.JsonValue
        public String wire() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }
}
