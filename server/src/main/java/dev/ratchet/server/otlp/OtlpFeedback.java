package dev.ratchet.server.otlp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Feedback carried inside OTLP spans, as Ratchet's feedback JSON items (validated afterwards like any
 * other feedback). Two spellings, both documented in docs/otlp.md:
 * <ul>
 *   <li>a span event named {@code ratchet.feedback} with attributes {@code ratchet.feedback.kind} (required),
 *       {@code .value}, {@code .source}, {@code .author_id}, {@code .confidence}, {@code .reason},
 *       {@code .name} — any kind, explicit or implicit;</li>
 *   <li>for implicit signals, a span attribute {@code ratchet.feedback.<kind>} (accepted, retried, edited,
 *       escalated, abandoned, follow_up): {@code true} means the signal happened; for {@code edited} a
 *       string value is the edited output.</li>
 * </ul>
 * The feedback is about the span that carries it. Each item gets an idempotency key derived from where
 * it was found, so an exporter retrying a request does not record it twice.
 */
final class OtlpFeedback {

    static final String EVENT = "ratchet.feedback";
    static final String PREFIX = "ratchet.feedback.";
    private static final Set<String> IMPLICIT = Set.of("accepted", "retried", "edited", "escalated", "abandoned", "follow_up");

    private OtlpFeedback() {
    }

    /** The feedback items found in a request's valid spans, as {@code {"feedback":[...]}}. */
    static ObjectNode extract(ExportTraceServiceRequest request) {
        ObjectNode root = OtlpValues.NODES.objectNode();
        ArrayNode items = root.putArray("feedback");
        for (ResourceSpans rs : request.getResourceSpansList()) {
            for (ScopeSpans ss : rs.getScopeSpansList()) {
                for (Span span : ss.getSpansList()) {
                    if (!OtlpValues.isValidId(span.getTraceId(), OtlpValues.TRACE_ID_BYTES)
                            || !OtlpValues.isValidId(span.getSpanId(), OtlpValues.SPAN_ID_BYTES)) {
                        continue; // the span itself was rejected
                    }
                    String traceId = OtlpValues.hex(span.getTraceId());
                    String spanId = OtlpValues.hex(span.getSpanId());
                    fromAttributes(items, traceId, spanId, span.getAttributesList());
                    for (int e = 0; e < span.getEventsCount(); e++) {
                        Span.Event event = span.getEvents(e);
                        if (event.getName().equals(EVENT)) {
                            items.add(fromEvent(traceId, spanId, e, event.getAttributesList()));
                        }
                    }
                }
            }
        }
        return root;
    }

    private static void fromAttributes(ArrayNode items, String traceId, String spanId, List<KeyValue> attributes) {
        for (KeyValue kv : attributes) {
            if (!kv.getKey().startsWith(PREFIX)) {
                continue;
            }
            String kind = kv.getKey().substring(PREFIX.length()).toLowerCase(Locale.ROOT);
            if (!IMPLICIT.contains(kind)) {
                continue;
            }
            JsonNode value = OtlpValues.json(kv.getValue());
            if (value.isBoolean() && !value.booleanValue()) {
                continue; // "did not happen"
            }
            ObjectNode item = base(traceId, spanId, kind, "otlp:" + traceId + ":" + spanId + ":" + kind);
            if (!value.isBoolean()) {
                item.set("value", value);
            }
            items.add(item);
        }
    }

    private static ObjectNode fromEvent(String traceId, String spanId, int index, List<KeyValue> attributes) {
        ObjectNode item = base(traceId, spanId, null, "otlp:" + traceId + ":" + spanId + ":event:" + index);
        for (KeyValue kv : attributes) {
            if (!kv.getKey().startsWith(PREFIX)) {
                continue;
            }
            JsonNode v = OtlpValues.json(kv.getValue());
            switch (kv.getKey().substring(PREFIX.length())) {
                case "kind" -> item.set("kind", v);
                case "value" -> item.set("value", AttributeView.parseIfJson(v));
                case "source" -> item.set("source", v);
                case "author_id" -> item.set("authorId", v);
                case "confidence" -> item.set("confidence", v);
                case "reason" -> item.set("reason", v);
                case "name" -> item.set("name", v);
                default -> {
                    // other ratchet.feedback.* attributes are kept on the span, not read here
                }
            }
        }
        return item;
    }

    private static ObjectNode base(String traceId, String spanId, String kind, String idempotencyKey) {
        ObjectNode item = OtlpValues.NODES.objectNode();
        item.put("traceId", traceId);
        item.put("spanId", spanId);
        if (kind != null) {
            item.put("kind", kind);
        }
        item.put("idempotencyKey", idempotencyKey);
        return item;
    }
}
