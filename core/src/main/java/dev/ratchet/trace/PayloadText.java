package dev.ratchet.trace;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * The human text inside a trace's JSON payloads, read one way wherever Ratchet needs it (curation writing
 * memory, the data pipeline writing examples): a string as it is; an object's first string field among the
 * usual names; for chat messages, the last user message. Null when the JSON holds no such text, so that each
 * caller decides what stands for it (usually the JSON itself). Pure functions.
 */
public final class PayloadText {

    /** Fields that hold an input's text, tried in this order. */
    static final List<String> INPUT_FIELDS = List.of("text", "query", "question", "input", "prompt", "message",
            "content");
    /** Fields that hold an output's text, tried in this order. */
    static final List<String> OUTPUT_FIELDS = List.of("text", "answer", "output", "content");
    /** Fields that hold instructions' text, tried in this order. */
    static final List<String> INSTRUCTION_FIELDS = List.of("text", "content", "system", "prompt", "instructions");

    private PayloadText() {
    }

    /**
     * The text of an input: a string; an object's first string field of {@code text, query, question, input,
     * prompt, message, content}; for chat messages (an array, or an object's {@code messages}) the last user
     * message's content; a number or boolean as written. Null for none.
     */
    public static String input(JsonNode n) {
        if (n == null || n.isNull() || n.isMissingNode()) {
            return null;
        }
        if (n.isObject()) {
            String field = firstText(n, INPUT_FIELDS);
            if (field != null) {
                return field;
            }
            return lastUserMessage(n.get("messages"));
        }
        if (n.isArray()) {
            return lastUserMessage(n);
        }
        return n.asText();
    }

    /** The text of an output: a string; an object's first string field of {@code text, answer, output, content}. */
    public static String output(JsonNode n) {
        return text(n, OUTPUT_FIELDS);
    }

    /** The text of instructions: a string; an object's {@code text, content, system, prompt, instructions}. */
    public static String instructions(JsonNode n) {
        return text(n, INSTRUCTION_FIELDS);
    }

    private static String text(JsonNode n, List<String> fields) {
        if (n == null || n.isNull() || n.isMissingNode()) {
            return null;
        }
        if (n.isObject()) {
            return firstText(n, fields);
        }
        return n.isValueNode() ? n.asText() : null;
    }

    private static String firstText(JsonNode object, List<String> fields) {
        for (String f : fields) {
            JsonNode v = object.get(f);
            if (v != null && v.isTextual()) {
                return v.textValue();
            }
        }
        return null;
    }

    /** The content of the last message with role {@code user} (a string, or the text of its parts). */
    private static String lastUserMessage(JsonNode messages) {
        if (messages == null || !messages.isArray()) {
            return null;
        }
        for (int i = messages.size() - 1; i >= 0; i--) {
            JsonNode m = messages.get(i);
            if (!m.isObject() || !"user".equals(m.path("role").asText())) {
                continue;
            }
            JsonNode content = m.get("content");
            if (content != null && content.isTextual()) {
                return content.textValue();
            }
            if (content != null && content.isArray()) {
                StringBuilder sb = new StringBuilder();
                for (JsonNode part : content) {
                    if (part.path("text").isTextual()) {
                        sb.append(sb.isEmpty() ? "" : "\n").append(part.path("text").textValue());
                    }
                }
                if (!sb.isEmpty()) {
                    return sb.toString();
                }
            }
        }
        return null;
    }
}
