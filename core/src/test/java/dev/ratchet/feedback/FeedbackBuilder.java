package dev.ratchet.feedback;

import dev.ratchet.common.Json;
import dev.ratchet.common.JsonText;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Builds {@link Feedback} for tests, so that a test names only what it is about. Starts from trace
 * {@code t-1}, the kind's default source (as {@link FeedbackJson} fills it in), confidence 1, a fresh id and
 * a creation time one second after the previous one built. Like the REST parser's output, but unchecked.
 */
final class FeedbackBuilder {

    static final Instant T0 = Instant.parse("2026-11-21T10:00:00Z");
    private static final AtomicInteger SEQUENCE = new AtomicInteger();

    private String id;
    private String traceId = "t-1";
    private String spanId;
    private final FeedbackKind kind;
    private JsonText value;
    private Scale scale;
    private String reason;
    private String name;
    private FeedbackSource source;
    private String authorId;
    private double confidence = 1.0;
    private Instant createdAt;
    private String idempotencyKey;

    private FeedbackBuilder(FeedbackKind kind, String valueJson) {
        int n = SEQUENCE.incrementAndGet();
        this.id = "f-" + n;
        this.kind = kind;
        this.value = valueJson == null ? null : JsonText.of(Json.readTree(valueJson));
        this.scale = kind == FeedbackKind.RATING ? Scale.DEFAULT : null;
        this.source = switch (kind.category()) {
            case EXPLICIT, IMPLICIT -> FeedbackSource.END_USER;
            case AUTOMATED -> FeedbackSource.SYSTEM;
            case REVIEW -> FeedbackSource.ANNOTATOR;
        };
        this.createdAt = T0.plusSeconds(n);
    }

    /** Feedback of {@code kind} whose value is the JSON text {@code valueJson} (null: no value). */
    static FeedbackBuilder feedback(FeedbackKind kind, String valueJson) {
        return new FeedbackBuilder(kind, valueJson);
    }

    static FeedbackBuilder thumbs(boolean up) {
        return feedback(FeedbackKind.THUMBS, String.valueOf(up));
    }

    static FeedbackBuilder review(String verdict) {
        return feedback(FeedbackKind.REVIEW, "\"" + verdict + "\"");
    }

    static FeedbackBuilder verifier(boolean passed) {
        return feedback(FeedbackKind.VERIFIER, String.valueOf(passed));
    }

    FeedbackBuilder id(String value) {
        id = value;
        return this;
    }

    FeedbackBuilder trace(String value) {
        traceId = value;
        return this;
    }

    FeedbackBuilder span(String value) {
        spanId = value;
        return this;
    }

    FeedbackBuilder scale(String min, String max) {
        scale = new Scale(new BigDecimal(min), new BigDecimal(max));
        return this;
    }

    FeedbackBuilder reason(String value) {
        reason = value;
        return this;
    }

    FeedbackBuilder name(String value) {
        name = value;
        return this;
    }

    FeedbackBuilder source(FeedbackSource value) {
        source = value;
        return this;
    }

    FeedbackBuilder author(String value) {
        authorId = value;
        return this;
    }

    FeedbackBuilder confidence(double value) {
        confidence = value;
        return this;
    }

    FeedbackBuilder at(Instant value) {
        createdAt = value;
        return this;
    }

    FeedbackBuilder key(String value) {
        idempotencyKey = value;
        return this;
    }

    Feedback build() {
        return new Feedback(id, traceId, spanId, kind, value, scale, reason, name, source, authorId, confidence,
                createdAt, idempotencyKey);
    }
}
