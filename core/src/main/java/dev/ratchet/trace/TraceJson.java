package dev.ratchet.trace;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.POJONode;
import dev.ratchet.common.JsonText;
import dev.ratchet.common.BadInputException;
import dev.ratchet.common.FieldError;
import dev.ratchet.common.Hashing;
import dev.ratchet.common.Ids;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * Reads the REST ingest format ({@code {"traces":[...]}}, documented in docs/api.md) into validated
 * {@link Trace}s. The batch is validated as a whole and every problem is reported with the item index
 * and field path, so a client fixes a batch in one round trip. Unknown fields are errors: a misspelt
 * {@code sesionId} silently dropped would be data lost.
 */
public final class TraceJson {

    public static final int MAX_TRACES_PER_BATCH = 1000;
    public static final int MAX_SPANS_PER_TRACE = 10_000;
    private static final int MAX_SHORT = 256;
    private static final int MAX_NAME = 512;
    private static final int MAX_ERROR = 65_536;
    private static final int MAX_TAGS = 64;

    private static final Set<String> TRACE_FIELDS = Set.of("id", "agent", "version", "sessionId", "userId",
            "startTime", "endTime", "input", "instructions", "output", "status", "error", "model", "usage",
            "cost", "latencyMs", "tags", "metadata", "spans");
    private static final Set<String> SPAN_FIELDS = Set.of("id", "parentId", "kind", "name", "input", "output",
            "attributes", "startTime", "endTime", "status", "error", "model", "usage", "cost", "toolName",
            "toolCallId");
    private static final Set<String> USAGE_FIELDS = Set.of("inputTokens", "outputTokens");

    private TraceJson() {
    }

    /**
     * Parses and validates a batch sent as bytes (UTF-8 JSON). Payload fields are kept as the text the
     * client sent instead of being parsed into trees and written out again (see {@link BatchEnvelope}).
     *
     * @throws BadInputException for malformed JSON or invalid UTF-8 (field {@code $}, with the position),
     *                           and for everything {@link #parseBatch(JsonNode, Clock)} refuses
     */
    public static List<Trace> parseBatch(byte[] body, Clock clock) {
        return parseBatch(readEnvelope(body), clock);
    }

    /**
     * The request as a tree whose payload fields are kept as text (see {@link BatchEnvelope}), for
     * callers that read more of the body than the traces: {@code parseBatch(JsonNode, Clock)} takes it.
     *
     * @throws BadInputException for an empty body, malformed JSON or invalid UTF-8
     */
    public static JsonNode readEnvelope(byte[] body) {
        return BatchEnvelope.read(body);
    }

    /**
     * Parses and validates a batch.
     *
     * @param clock supplies the ids of traces sent without one and the start time of traces sent without one
     * @throws BadInputException listing every problem found; nothing is returned in part
     */
    public static List<Trace> parseBatch(JsonNode root, Clock clock) {
        List<FieldError> errors = new ArrayList<>();
        if (root == null || !root.isObject()) {
            throw new BadInputException("$", "body must be a JSON object with a 'traces' array");
        }
        for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            // "feedback": sent with the traces, read by the feedback capability (see docs/api.md)
            if (!f.equals("traces") && !f.equals("feedback")) {
                errors.add(FieldError.of(f, "unknown field"));
            }
        }
        JsonNode traces = root.get("traces");
        if (traces == null || !traces.isArray()) {
            errors.add(FieldError.of("traces", "required, must be an array"));
            throw new BadInputException(errors);
        }
        if (traces.isEmpty()) {
            errors.add(FieldError.of("traces", "must not be empty"));
        }
        if (traces.size() > MAX_TRACES_PER_BATCH) {
            errors.add(FieldError.of("traces", "at most " + MAX_TRACES_PER_BATCH + " traces per batch"));
            throw new BadInputException(errors);
        }
        List<Trace> out = new ArrayList<>(traces.size());
        Set<String> seenIds = new HashSet<>();
        for (int i = 0; i < traces.size(); i++) {
            Reader r = new Reader(i, errors);
            Trace t = r.trace(traces.get(i), clock);
            if (t != null && !seenIds.add(t.id())) {
                errors.add(new FieldError(i, "id", "duplicate trace id '" + t.id() + "' in batch"));
            }
            out.add(t);
        }
        if (!errors.isEmpty()) {
            throw new BadInputException(errors);
        }
        return out;
    }

    /** Reads one item of the batch, adding what is wrong with it to the shared error list. */
    private static final class Reader {
        private final int item;
        private final List<FieldError> errors;

        Reader(int item, List<FieldError> errors) {
            this.item = item;
            this.errors = errors;
        }

        private void error(String field, String reason) {
            errors.add(new FieldError(item, field, reason));
        }

        Trace trace(JsonNode n, Clock clock) {
            if (n == null || !n.isObject()) {
                error("$", "each trace must be a JSON object");
                return null;
            }
            unknownFields(n, TRACE_FIELDS, "");
            String id = string(n, "id", "", 128);
            if (id != null && !Ids.isValidClientId(id)) {
                error("id", "must be 1-128 characters of letters, digits and . _ : -");
            }
            String agent = string(n, "agent", "", MAX_SHORT);
            if (agent == null && !hasError("agent")) {
                error("agent", "required");
            } else if (agent != null && agent.isBlank()) {
                error("agent", "must not be blank");
            }
            Instant start = instant(n, "startTime", "");
            Instant end = instant(n, "endTime", "");
            if (start != null && end != null && end.isBefore(start)) {
                error("endTime", "must not be before startTime");
            }
            String error = string(n, "error", "", MAX_ERROR);
            Status status = status(n, "status", "", error);
            List<Span> spans = spans(n.get("spans"));
            String traceId = id != null ? id : Ids.newId(clock);
            return new Trace(
                    traceId,
                    agent,
                    string(n, "version", "", MAX_SHORT),
                    string(n, "sessionId", "", MAX_SHORT),
                    string(n, "userId", "", MAX_SHORT),
                    start != null ? start : clock.instant(),
                    end,
                    json(n.get("input")),
                    json(n.get("instructions")),
                    json(n.get("output")),
                    status,
                    error,
                    string(n, "model", "", MAX_SHORT),
                    usage(n.get("usage"), "usage"),
                    cost(n, "cost", ""),
                    nonNegativeLong(n.get("latencyMs"), "latencyMs"),
                    tags(n.get("tags")),
                    object(n, "metadata", ""),
                    null,
                    null,
                    null,
                    spans == null ? null : withDefaultIds(traceId, spans));
        }

        private boolean hasError(String field) {
            return errors.stream().anyMatch(e -> e.item() != null && e.item() == item && e.field().equals(field));
        }

        private List<Span> spans(JsonNode n) {
            if (n == null || n.isNull()) {
                return List.of();
            }
            if (!n.isArray()) {
                error("spans", "must be an array");
                return null;
            }
            if (n.size() > MAX_SPANS_PER_TRACE) {
                error("spans", "at most " + MAX_SPANS_PER_TRACE + " spans per trace");
                return null;
            }
            List<Span> spans = new ArrayList<>(n.size());
            Set<String> ids = new HashSet<>();
            for (int j = 0; j < n.size(); j++) {
                String p = "spans[" + j + "].";
                JsonNode s = n.get(j);
                if (!s.isObject()) {
                    error("spans[" + j + "]", "must be a JSON object");
                    continue;
                }
                unknownFields(s, SPAN_FIELDS, p);
                String id = string(s, "id", p, 128);
                if (id != null) {
                    if (!Ids.isValidClientId(id)) {
                        error(p + "id", "must be 1-128 characters of letters, digits and . _ : -");
                    } else if (!ids.add(id)) {
                        error(p + "id", "duplicate span id '" + id + "' in trace");
                    }
                }
                String parentId = string(s, "parentId", p, 128);
                if (parentId != null && id != null && parentId.equals(id)) {
                    error(p + "parentId", "a span cannot be its own parent");
                }
                String kindText = string(s, "kind", p, 32);
                SpanKind kind = SpanKind.OTHER;
                if (kindText != null) {
                    kind = SpanKind.parse(kindText).orElse(null);
                    if (kind == null) {
                        error(p + "kind", "unknown kind '" + kindText + "'; one of " + SpanKind.allowed());
                    }
                }
                String name = string(s, "name", p, MAX_NAME);
                if (name == null && !hasError(p + "name")) {
                    error(p + "name", "required");
                } else if (name != null && name.isBlank()) {
                    error(p + "name", "must not be blank");
                }
                Instant start = instant(s, "startTime", p);
                Instant end = instant(s, "endTime", p);
                if (start == null && !hasError(p + "startTime")) {
                    error(p + "startTime", "required");
                }
                if (start != null && end != null && end.isBefore(start)) {
                    error(p + "endTime", "must not be before startTime");
                }
                String err = string(s, "error", p, MAX_ERROR);
                String toolName = string(s, "toolName", p, MAX_NAME);
                if (toolName == null && kind == SpanKind.TOOL) {
                    toolName = name;
                }
                spans.add(new Span(id, parentId, kind, name, json(s.get("input")), json(s.get("output")),
                        object(s, "attributes", p), start, end, status(s, "status", p, err), err,
                        string(s, "model", p, MAX_SHORT), usage(s.get("usage"), p + "usage"), cost(s, "cost", p),
                        toolName, string(s, "toolCallId", p, MAX_SHORT)));
            }
            return spans;
        }

        private void unknownFields(JsonNode n, Set<String> known, String prefix) {
            for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
                String f = it.next();
                if (!known.contains(f)) {
                    error(prefix + f, "unknown field");
                }
            }
        }

        private String string(JsonNode n, String field, String prefix, int max) {
            JsonNode v = n.get(field);
            if (v == null || v.isNull()) {
                return null;
            }
            if (!v.isTextual()) {
                error(prefix + field, "must be a string");
                return null;
            }
            String s = v.textValue();
            if (s.length() > max) {
                error(prefix + field, "must be at most " + max + " characters");
                return null;
            }
            return s;
        }

        private Instant instant(JsonNode n, String field, String prefix) {
            JsonNode v = n.get(field);
            if (v == null || v.isNull()) {
                return null;
            }
            if (!v.isTextual()) {
                error(prefix + field, "must be an ISO-8601 instant string such as 2026-11-21T10:00:00Z");
                return null;
            }
            try {
                return Instant.parse(v.textValue());
            } catch (DateTimeParseException e) {
                error(prefix + field, "not an ISO-8601 instant (e.g. 2026-11-21T10:00:00.100Z): '" + v.textValue() + "'");
                return null;
            }
        }

        private Status status(JsonNode n, String field, String prefix, String errorText) {
            JsonNode v = n.get(field);
            if (v == null || v.isNull()) {
                return errorText != null ? Status.ERROR : Status.OK;
            }
            Status s = v.isTextual() ? Status.parse(v.textValue()).orElse(null) : null;
            if (s == null) {
                error(prefix + field, "must be one of unset, ok, error");
            }
            return s;
        }

        private Usage usage(JsonNode n, String path) {
            if (n == null || n.isNull()) {
                return null;
            }
            if (!n.isObject()) {
                error(path, "must be an object with inputTokens and outputTokens");
                return null;
            }
            unknownFields(n, USAGE_FIELDS, path + ".");
            return Usage.of(nonNegativeLong(n.get("inputTokens"), path + ".inputTokens"),
                    nonNegativeLong(n.get("outputTokens"), path + ".outputTokens"));
        }

        private Long nonNegativeLong(JsonNode v, String path) {
            if (v == null || v.isNull()) {
                return null;
            }
            if (!v.isIntegralNumber() || !v.canConvertToLong() || v.longValue() < 0) {
                error(path, "must be a non-negative integer");
                return null;
            }
            return v.longValue();
        }

        private BigDecimal cost(JsonNode n, String field, String prefix) {
            JsonNode v = n.get(field);
            if (v == null || v.isNull()) {
                return null;
            }
            if (!v.isNumber() || v.decimalValue().signum() < 0) {
                error(prefix + field, "must be a non-negative number");
                return null;
            }
            return v.decimalValue();
        }

        private JsonText object(JsonNode n, String field, String prefix) {
            JsonNode v = n.get(field);
            JsonText value = json(v);
            if (value != null && !value.isObject()) {
                error(prefix + field, "must be a JSON object");
                return null;
            }
            return value;
        }

        private List<String> tags(JsonNode n) {
            if (n == null || n.isNull()) {
                return null;
            }
            if (!n.isArray() || n.size() > MAX_TAGS) {
                error("tags", "must be an array of at most " + MAX_TAGS + " strings");
                return null;
            }
            List<String> tags = new ArrayList<>();
            for (int j = 0; j < n.size(); j++) {
                JsonNode t = n.get(j);
                if (!t.isTextual() || t.textValue().isBlank() || t.textValue().length() > 128) {
                    error("tags[" + j + "]", "must be a non-blank string of at most 128 characters");
                } else {
                    tags.add(t.textValue());
                }
            }
            return tags;
        }
    }

    /** A payload: the raw text the envelope reader kept, or (for a tree built elsewhere) the tree's text. */
    private static JsonText json(JsonNode v) {
        if (v instanceof POJONode pojo && pojo.getPojo() instanceof JsonText raw) {
            return raw;
        }
        return JsonText.of(v);
    }

    /**
     * Spans sent without an id get one derived from their content and position, so that sending the same
     * batch twice stores them once.
     */
    static List<Span> withDefaultIds(String traceId, List<Span> spans) {
        List<Span> out = new ArrayList<>(spans.size());
        for (int i = 0; i < spans.size(); i++) {
            Span s = spans.get(i);
            if (s.id() != null) {
                out.add(s);
                continue;
            }
            String id = "gen-" + Hashing.sha256Hex(traceId + "|" + i + "|" + s.kind() + "|" + s.name() + "|" + s.startTime()).substring(0, 16);
            out.add(new Span(id, s.parentId(), s.kind(), s.name(), s.input(), s.output(), s.attributes(),
                    s.startTime(), s.endTime(), s.status(), s.error(), s.model(), s.usage(), s.cost(), s.toolName(),
                    s.toolCallId()));
        }
        return out;
    }

}
