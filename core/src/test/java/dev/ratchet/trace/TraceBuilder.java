package dev.ratchet.trace;

import dev.ratchet.common.JsonText;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ratchet.common.Json;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds {@link Trace}s for tests, so that a test names only the fields it is about. Starts from the
 * smallest trace a store accepts: an id, agent {@code desk}, a start time, status OK, no spans.
 */
public final class TraceBuilder {

    private final String id;
    private String agent = "desk";
    private String version;
    private String sessionId;
    private String userId;
    private Instant startTime;
    private Instant endTime;
    private JsonNode input;
    private JsonNode instructions;
    private JsonNode output;
    private Status status = Status.OK;
    private String error;
    private String model;
    private Usage usage;
    private BigDecimal cost;
    private Long latencyMs;
    private List<String> tags;
    private ObjectNode metadata;
    private final List<Span> spans = new ArrayList<>();

    private TraceBuilder(String id, Instant startTime) {
        this.id = id;
        this.startTime = startTime;
    }

    public static TraceBuilder trace(String id, Instant startTime) {
        return new TraceBuilder(id, startTime);
    }

    /** Parses JSON text with Ratchet's mapper (the one the stores read back with). */
    public static JsonNode json(String text) {
        return Json.readTree(text);
    }

    public TraceBuilder agent(String value) {
        agent = value;
        return this;
    }

    public TraceBuilder version(String value) {
        version = value;
        return this;
    }

    public TraceBuilder sessionId(String value) {
        sessionId = value;
        return this;
    }

    public TraceBuilder userId(String value) {
        userId = value;
        return this;
    }

    public TraceBuilder startTime(Instant value) {
        startTime = value;
        return this;
    }

    public TraceBuilder endTime(Instant value) {
        endTime = value;
        return this;
    }

    public TraceBuilder input(String jsonText) {
        input = json(jsonText);
        return this;
    }

    public TraceBuilder instructions(String jsonText) {
        instructions = json(jsonText);
        return this;
    }

    public TraceBuilder output(String jsonText) {
        output = json(jsonText);
        return this;
    }

    public TraceBuilder status(Status value) {
        status = value;
        return this;
    }

    public TraceBuilder error(String value) {
        error = value;
        return this;
    }

    public TraceBuilder model(String value) {
        model = value;
        return this;
    }

    public TraceBuilder usage(Long inputTokens, Long outputTokens) {
        usage = Usage.of(inputTokens, outputTokens);
        return this;
    }

    public TraceBuilder cost(String decimal) {
        cost = new BigDecimal(decimal);
        return this;
    }

    public TraceBuilder latencyMs(Long value) {
        latencyMs = value;
        return this;
    }

    public TraceBuilder tags(String... values) {
        tags = List.of(values);
        return this;
    }

    public TraceBuilder metadata(String jsonObjectText) {
        metadata = (ObjectNode) json(jsonObjectText);
        return this;
    }

    public TraceBuilder span(Span span) {
        spans.add(span);
        return this;
    }

    public Trace build() {
        return new Trace(id, agent, version, sessionId, userId, startTime, endTime, JsonText.of(input),
                JsonText.of(instructions), JsonText.of(output), status, error, model, usage, cost, latencyMs, tags,
                JsonText.of(metadata), null, null, null, List.copyOf(spans));
    }
}
