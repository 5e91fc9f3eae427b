package dev.ratchet.server.otlp;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ratchet.common.Json;
import java.util.Map;
import java.util.TreeMap;

/**
 * Typed reads of a set of OTLP attributes (a span's, a resource's or an event's, already as JSON). Each
 * read takes several names and answers from the first one present, which is how one call covers the
 * current GenAI name, its older spelling and the OpenInference one. Never mutates the attributes, and
 * the nodes it returns may be shared with them: callers copy before they change anything.
 */
record AttributeView(ObjectNode node) {

    boolean has(String key) {
        JsonNode v = node.get(key);
        return v != null && !v.isNull();
    }

    /**
     * The first non-blank value among {@code keys} as text (numbers and booleans in their text form),
     * fit for a text column ({@link OtlpValues#text}).
     */
    String string(String... keys) {
        for (String key : keys) {
            JsonNode v = node.get(key);
            if (v != null && v.isValueNode() && !v.isNull()) {
                String text = OtlpValues.text(v.asText());
                if (!text.isBlank()) {
                    return text;
                }
            }
        }
        return null;
    }

    /** The first value among {@code keys} that is a non-negative whole number, also when sent as text. */
    Long count(String... keys) {
        for (String key : keys) {
            JsonNode v = node.get(key);
            if (v == null) {
                continue;
            }
            if (v.isIntegralNumber() && v.canConvertToLong() && v.longValue() >= 0) {
                return v.longValue();
            }
            if (v.isFloatingPointNumber() && v.doubleValue() >= 0 && v.doubleValue() == Math.rint(v.doubleValue())
                    && v.doubleValue() <= Long.MAX_VALUE) {
                return (long) v.doubleValue();
            }
            if (v.isTextual()) {
                try {
                    long n = Long.parseLong(v.textValue().trim());
                    if (n >= 0) {
                        return n;
                    }
                } catch (NumberFormatException e) {
                    // not a count; try the next name
                }
            }
        }
        return null;
    }

    /** The first value among {@code keys}, with a string holding a JSON object or array parsed. */
    JsonNode json(String... keys) {
        for (String key : keys) {
            JsonNode v = node.get(key);
            if (v != null && !v.isNull()) {
                return parseIfJson(v);
            }
        }
        return null;
    }

    /**
     * Attributes flattened with an index, as OpenInference and OpenLLMetry write lists
     * ({@code llm.input_messages.0.message.role}, {@code gen_ai.prompt.1.content}), rebuilt into a JSON
     * array of objects. A numeric path segment becomes an array position. {@code wrapper}, when not null, is
     * a single key each element is nested under ({@code message}, {@code document}) and is removed.
     *
     * @return the array in index order, or null when no attribute has that prefix and an index
     */
    JsonNode indexed(String prefix, String wrapper) {
        String start = prefix + ".";
        ObjectNode root = OtlpValues.NODES.objectNode();
        for (Map.Entry<String, JsonNode> e : node.properties()) {
            String key = e.getKey();
            if (!key.startsWith(start)) {
                continue;
            }
            String[] path = key.substring(start.length()).split("\\.", -1);
            if (isIndex(path[0])) {
                put(root, path, e.getValue());
            }
        }
        if (root.isEmpty()) {
            return null;
        }
        JsonNode list = arrays(root);
        if (wrapper == null || !list.isArray()) {
            return list;
        }
        ArrayNode out = OtlpValues.NODES.arrayNode();
        for (JsonNode element : list) {
            JsonNode inner = element.get(wrapper);
            out.add(element.size() == 1 && inner != null ? inner : element);
        }
        return out;
    }

    /** A string that holds a JSON object or array, parsed; anything else (plain text included) as it is. */
    static JsonNode parseIfJson(JsonNode v) {
        if (!v.isTextual()) {
            return v;
        }
        String text = v.textValue().strip();
        if (!(text.startsWith("{") && text.endsWith("}") || text.startsWith("[") && text.endsWith("]"))) {
            return v;
        }
        try {
            JsonNode parsed = Json.MAPPER.readTree(text);
            return parsed == null ? v : parsed;
        } catch (JsonProcessingException e) {
            return v;
        }
    }

    private static void put(ObjectNode root, String[] path, JsonNode value) {
        ObjectNode at = root;
        for (int i = 0; i < path.length - 1; i++) {
            JsonNode next = at.get(path[i]);
            if (next == null) {
                next = at.putObject(path[i]);
            } else if (!next.isObject()) {
                return; // a value already sits where this path needs an object; keep the value
            }
            at = (ObjectNode) next;
        }
        String last = path[path.length - 1];
        if (!at.has(last)) {
            at.set(last, value);
        }
    }

    /** Objects whose keys are all indexes become arrays, in index order, all the way down. */
    private static JsonNode arrays(JsonNode n) {
        if (!n.isObject() || n.isEmpty()) {
            return n;
        }
        boolean allIndexes = true;
        for (Map.Entry<String, JsonNode> e : n.properties()) {
            allIndexes &= isIndex(e.getKey());
        }
        if (allIndexes) {
            TreeMap<Integer, JsonNode> ordered = new TreeMap<>();
            n.properties().forEach(e -> ordered.put(Integer.parseInt(e.getKey()), arrays(e.getValue())));
            ArrayNode a = OtlpValues.NODES.arrayNode();
            ordered.values().forEach(a::add);
            return a;
        }
        ObjectNode o = OtlpValues.NODES.objectNode();
        n.properties().forEach(e -> o.set(e.getKey(), arrays(e.getValue())));
        return o;
    }

    private static boolean isIndex(String segment) {
        if (segment.isEmpty() || segment.length() > 6) {
            return false;
        }
        for (int i = 0; i < segment.length(); i++) {
            char c = segment.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }
}
