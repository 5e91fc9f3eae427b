package dev.ratchet.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ratchet.common.BadInputException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * Reading fields of a request body strictly: each reader names the field (prefixed by {@code at}, the path of
 * the enclosing object) and the reason when the value has the wrong type, and gives null (or an empty list)
 * when the field is absent or null.
 */
final class JsonFields {

    private JsonFields() {
    }

    static JsonNode object(JsonNode node, String field) {
        if (node == null || !node.isObject()) {
            throw new BadInputException(field, "must be a JSON object");
        }
        return node;
    }

    static void unknown(JsonNode node, Set<String> known, String at) {
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!known.contains(f)) {
                throw new BadInputException(at + f, "unknown field; expected one of "
                        + String.join(", ", known.stream().sorted().toList()));
            }
        }
    }

    static String text(JsonNode node, String field, String at) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isTextual()) {
            throw new BadInputException(at + field, "must be a string");
        }
        return v.asText();
    }

    static Integer integer(JsonNode node, String field, String at) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isIntegralNumber() || !v.canConvertToInt()) {
            throw new BadInputException(at + field, "must be an integer");
        }
        return v.asInt();
    }

    static Long longValue(JsonNode node, String field, String at) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isIntegralNumber() || !v.canConvertToLong()) {
            throw new BadInputException(at + field, "must be an integer");
        }
        return v.asLong();
    }

    static Double number(JsonNode node, String field, String at) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isNumber()) {
            throw new BadInputException(at + field, "must be a number");
        }
        return v.asDouble();
    }

    static boolean bool(JsonNode node, String field, String at) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return false;
        }
        if (!v.isBoolean()) {
            throw new BadInputException(at + field, "must be true or false");
        }
        return v.asBoolean();
    }

    static List<String> strings(JsonNode node, String field, String at) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return List.of();
        }
        if (!v.isArray()) {
            throw new BadInputException(at + field, "must be an array of strings");
        }
        List<String> out = new ArrayList<>();
        for (int i = 0; i < v.size(); i++) {
            if (!v.get(i).isTextual()) {
                throw new BadInputException(at + field + "[" + i + "]", "must be a string");
            }
            out.add(v.get(i).asText());
        }
        return out;
    }
}
