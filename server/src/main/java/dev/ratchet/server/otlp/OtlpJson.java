package dev.ratchet.server.otlp;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import dev.ratchet.common.BadInputException;
import dev.ratchet.common.Json;
import dev.ratchet.server.http.Bodies;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import java.io.UncheckedIOException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;

/**
 * OTLP/JSON, which is the protobuf JSON mapping with three differences the OTLP specification makes:
 * trace and span ids are hex strings rather than base64, enums may be sent as integers, and unknown
 * fields must be ignored. The ids are rewritten to base64 in the JSON tree, then protobuf's own
 * {@link JsonFormat} parses the rest, so there is one decoder for both encodings' messages.
 */
final class OtlpJson {

    private static final JsonFormat.Parser PARSER = JsonFormat.parser().ignoringUnknownFields();
    private static final JsonFormat.Printer PRINTER = JsonFormat.printer().omittingInsignificantWhitespace();
    private static final String[][] ID_FIELDS = {{"traceId", "trace_id"}, {"spanId", "span_id"},
            {"parentSpanId", "parent_span_id"}};
    private static final String[][] LINK_ID_FIELDS = {{"traceId", "trace_id"}, {"spanId", "span_id"}};

    private OtlpJson() {
    }

    /** Decodes an OTLP/JSON export request; 400 (as {@link BadInputException}) when it is not one. */
    static ExportTraceServiceRequest parse(byte[] body) {
        JsonNode tree = Bodies.json(body);
        if (!tree.isObject()) {
            throw new BadInputException("$", "an OTLP/JSON ExportTraceServiceRequest must be a JSON object");
        }
        hexIdsToBase64(tree);
        ExportTraceServiceRequest.Builder request = ExportTraceServiceRequest.newBuilder();
        try {
            PARSER.merge(Json.MAPPER.writeValueAsString(tree), request);
        } catch (InvalidProtocolBufferException e) {
            throw new BadInputException("$", "not an OTLP/JSON ExportTraceServiceRequest: " + e.getMessage());
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
        return request.build();
    }

    static String print(ExportTraceServiceResponse response) {
        try {
            return PRINTER.print(response);
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException("an OTLP response always prints", e);
        }
    }

    /**
     * Rewrites span, parent and link ids from hex to base64, in place. Both the JSON names and the proto
     * field names are looked at, since {@link JsonFormat} accepts either.
     */
    static void hexIdsToBase64(JsonNode request) {
        for (JsonNode resourceSpans : each(request, "resourceSpans", "resource_spans")) {
            for (JsonNode scopeSpans : each(resourceSpans, "scopeSpans", "scope_spans")) {
                for (JsonNode span : each(scopeSpans, "spans", "spans")) {
                    rewrite(span, ID_FIELDS);
                    for (JsonNode link : each(span, "links", "links")) {
                        rewrite(link, LINK_ID_FIELDS);
                    }
                }
            }
        }
    }

    private static Iterable<JsonNode> each(JsonNode parent, String jsonName, String protoName) {
        if (!parent.isObject()) {
            return List.of();
        }
        JsonNode list = parent.has(jsonName) ? parent.get(jsonName) : parent.get(protoName);
        return list != null && list.isArray() ? list : List.of();
    }

    private static void rewrite(JsonNode holder, String[][] fields) {
        if (!holder.isObject()) {
            return;
        }
        ObjectNode o = (ObjectNode) holder;
        for (String[] names : fields) {
            for (String name : names) {
                JsonNode v = o.get(name);
                if (v != null && v.isTextual()) {
                    o.put(name, toBase64(v.textValue()));
                }
            }
        }
    }

    /**
     * Hex as the specification says; base64 as pre-1.0 exporters sent it, kept for {@link JsonFormat} to
     * decode; anything else becomes empty, so the span is rejected by the mapper with a reason instead of
     * failing the whole request.
     */
    private static String toBase64(String id) {
        if (id.isEmpty()) {
            return id;
        }
        if (OtlpValues.isHex(id)) {
            return Base64.getEncoder().encodeToString(HexFormat.of().parseHex(id));
        }
        try {
            Base64.getDecoder().decode(id);
            return id;
        } catch (IllegalArgumentException notBase64) {
            return "";
        }
    }
}
