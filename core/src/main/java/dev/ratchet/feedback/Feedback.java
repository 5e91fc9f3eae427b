package dev.ratchet.feedback;

import dev.ratchet.common.JsonText;
import java.time.Instant;

/**
 * One signal about one trace, or one span of it.
 *
 * @param id             Ratchet's id (or the client's, if it sent one)
 * @param spanId         the span the signal is about, or null for the whole trace
 * @param value          what the kind carries (see {@link FeedbackKind}); null for kinds that need none
 * @param scale          for ratings, the declared scale (default 1 to 5); null otherwise
 * @param reason         why: an approval's or verifier's reason, a judge's rationale
 * @param name           which verifier or judge produced it, or the label set a label belongs to
 * @param confidence     how sure the source is, 0 to 1 (default 1)
 * @param idempotencyKey the client's key: sending the same key again stores nothing new
 */
public record Feedback(
        String id,
        String traceId,
        String spanId,
        FeedbackKind kind,
        JsonText value,
        Scale scale,
        String reason,
        String name,
        FeedbackSource source,
        String authorId,
        double confidence,
        Instant createdAt,
        String idempotencyKey) {
}
