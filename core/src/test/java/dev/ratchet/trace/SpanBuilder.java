package dev.ratchet.trace;

import dev.ratchet.common.JsonText;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.time.Instant;

/**
 * Builds {@link Span}s for tests. Starts from the smallest span a store accepts: an id, kind OTHER, a
 * name, a start time, status OK. Unlike the REST parser it checks nothing, so a test can build a span
 * the store must refuse.
 */
public final class SpanBuilder {

    private final String id;
    private String parentId;
    private SpanKind kind = SpanKind.OTHER;
    private String name;
    private JsonNode input;
    private JsonNode output;
    private ObjectNode attributes;
    private Instant startTime;
    private Instant endTime;
    private Status status = Status.OK;
    private String error;
    private String model;
    private Usage usage;
    private BigDecimal cost;
    private String toolName;
    private String toolCallId;

    private SpanBuilder(String id, Instant startTime) {
        this.id = id;
        this.name = "step " + id;
        this.startTime = startTime;
    }

    public static SpanBuilder span(String id, Instant startTime) {
        return new SpanBuilder(id, startTime);
    }

    public SpanBuilder parentId(String value) {
        parentId = value;
        return this;
    }

    public SpanBuilder kind(SpanKind value) {
        kind = value;
        return this;
    }

    public SpanBuilder name(String value) {
        name = value;
        return this;
    }

    public SpanBuilder input(String jsonText) {
        input = TraceBuilder.json(jsonText);
        return this;
    }

    public SpanBuilder output(String jsonText) {
        output = TraceBuilder.json(jsonText);
        return this;
    }

    public SpanBuilder attributes(String jsonObjectText) {
        attributes = (ObjectNode) TraceBuilder.json(jsonObjectText);
        return this;
    }

    public SpanBuilder endTime(Instant value) {
        endTime = value;
        return this;
    }

    public SpanBuilder status(Status value) {
        status = value;
        return this;
    }

    public SpanBuilder error(String value) {
        error = value;
        return this;
    }

    public SpanBuilder model(String value) {
        model = value;
        return this;
    }

    public SpanBuilder usage(Long inputTokens, Long outputTokens) {
        usage = Usage.of(inputTokens, outputTokens);
        return this;
    }

    public SpanBuilder cost(String decimal) {
        cost = new BigDecimal(decimal);
        return this;
    }

    public SpanBuilder toolName(String value) {
        toolName = value;
        return this;
    }

    public SpanBuilder toolCallId(String value) {
        toolCallId = value;
        return this;
    }

    public Span build() {
        return new Span(id, parentId, kind, name, JsonText.of(input), JsonText.of(output), JsonText.of(attributes), startTime, endTime, status, error,
                model, usage, cost, toolName, toolCallId);
    }
}
