package dev.ratchet.server.otlp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.ByteString;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;

/**
 * OTLP wire values turned into what Ratchet stores: {@link AnyValue} into natural JSON, ids into
 * lowercase hex. Pure functions.
 */
final class OtlpValues {

    static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    static final int TRACE_ID_BYTES = 16;
    static final int SPAN_ID_BYTES = 8;

    private static final HexFormat HEX = HexFormat.of();

    private OtlpValues() {
    }

    /**
     * An attribute value as JSON: strings, booleans, integers and doubles as themselves, arrays as arrays,
     * key-value lists as objects, bytes as base64 text. Non-finite doubles become text ("NaN",
     * "Infinity"), because JSON has no literal for them and the stored text must parse again.
     */
    static JsonNode json(AnyValue v) {
        return switch (v.getValueCase()) {
            case STRING_VALUE -> NODES.textNode(v.getStringValue());
            case BOOL_VALUE -> NODES.booleanNode(v.getBoolValue());
            case INT_VALUE -> NODES.numberNode(v.getIntValue());
            case DOUBLE_VALUE -> Double.isFinite(v.getDoubleValue())
                    ? NODES.numberNode(v.getDoubleValue())
                    : NODES.textNode(Double.toString(v.getDoubleValue()));
            case ARRAY_VALUE -> {
                ArrayNode a = NODES.arrayNode();
                v.getArrayValue().getValuesList().forEach(e -> a.add(json(e)));
                yield a;
            }
            case KVLIST_VALUE -> object(v.getKvlistValue().getValuesList());
            case BYTES_VALUE -> NODES.textNode(Base64.getEncoder().encodeToString(v.getBytesValue().toByteArray()));
            // A string-table index only means something inside OTLP profiles; spans never carry one.
            case STRING_VALUE_STRINDEX, VALUE_NOT_SET -> NODES.nullNode();
        };
    }

    /** Key-value pairs as one JSON object; a key sent twice keeps its last value. */
    static ObjectNode object(List<KeyValue> pairs) {
        ObjectNode o = NODES.objectNode();
        for (KeyValue kv : pairs) {
            o.set(kv.getKey(), json(kv.getValue()));
        }
        return o;
    }

    /**
     * Text for a plain text column: without NUL characters, which PostgreSQL refuses in text and which
     * would otherwise fail the whole request. (Inside JSON values they are escaped and harmless.)
     */
    static String text(String s) {
        return s == null || s.indexOf('\0') < 0 ? s : s.replace("\0", "");
    }

    static String hex(ByteString id) {
        return HEX.formatHex(id.toByteArray());
    }

    /** Whether an id has the length OTLP requires and is not all zeros (which OTLP calls invalid). */
    static boolean isValidId(ByteString id, int bytes) {
        if (id.size() != bytes) {
            return false;
        }
        for (int i = 0; i < id.size(); i++) {
            if (id.byteAt(i) != 0) {
                return true;
            }
        }
        return false;
    }

    static boolean isHex(String text) {
        if (text.isEmpty() || text.length() % 2 != 0) {
            return false;
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F')) {
                return false;
            }
        }
        return true;
    }
}
