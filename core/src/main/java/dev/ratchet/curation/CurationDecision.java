package dev.ratchet.curation;

import com.fasterxml.jackson.annotation.JsonValue;
import java.time.Instant;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * What curation decided about one correction, as the curation log keeps it.
 *
 * @param feedbackId   the correction
 * @param status       see {@link Status}
 * @param reason       why, in one sentence for a person: the rule that let it through, the rule that held it back,
 *                     or the error of the last failed attempt
 * @param memoryId     the memory item that holds it ({@link Status#WRITTEN} only)
 * @param memoryAction how the memory store took it: {@code created}, {@code merged} (into a near-duplicate),
 *                     {@code superseded} (replaced the item of the same input) or {@code duplicate} (a retry)
 * @param supersededId the item it replaced, for {@code superseded}
 * @param agent        the scope and key it was (or would be) written under; null when it never got that far
 * @param attempts     failed attempts so far
 * @param correctedAt  when the correction was given (of two corrections of one input, the later one wins)
 * @param decidedAt    when this decision was taken
 */
public record CurationDecision(
        String feedbackId,
        String traceId,
        Status status,
        String reason,
        String memoryId,
        String memoryAction,
        String supersededId,
        String agent,
        String user,
        String session,
        String key,
        int attempts,
        Instant correctedAt,
        Instant decidedAt) {

    /**
     * Where a correction stands. {@link #SKIPPED} is not final: new feedback on the trace (a human review that
     * confirms it, say) decides again. {@link #WRITTEN} is final: a correction is written at most once.
     */
    public enum Status {
        /** Stored and waiting for the curation worker. */
        PENDING,
        /** In memory: {@code memoryId} holds it. */
        WRITTEN,
        /** Not written, for {@code reason}. */
        SKIPPED,
        /** Qualified, but writing it failed; the worker tries again (with back-off) until it succeeds. */
        FAILED;

        @JsonValue
        public String wire() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static Optional<Status> parse(String wire) {
            return Arrays.stream(values()).filter(s -> s.wire().equals(wire)).findFirst();
        }
    }
}
