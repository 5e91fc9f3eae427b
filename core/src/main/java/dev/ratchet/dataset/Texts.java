package dev.ratchet.dataset;

import com.fasterxml.jackson.databind.JsonNode;
import java.text.Normalizer;
import java.util.List;

/**
 * The text of JSON payloads, and the normal form that duplicates and leaks are compared in. Pure functions.
 */
final class Texts {

    /** Fields that hold an input's text, tried in this order (as curation reads inputs). */
    private static final List<String> INPUT_FIELDS = List.of("text", "query", "question", "input", "prompt", "message",
            "content");
    /** Fields that hold an output's text, tried in this order. */
    private static final List<String> OUTPUT_FIELDS = List.of("text", "answer", "output", "content");
    /** Fields that hold instructions' text. */
    private static final List<String> INSTRUCTION_FIELDS = List.of("text", "content", "system", "prompt",
            "instructions");

    private Texts() {
    }

    /**
     * The text of an input: a string as it is; an object's first string field of {@code text, query, question, input,
     * prompt, message, content}; for chat messages (an array, or an object's {@code messages}) the last user message;
     * otherwise the JSON itself. Null for no input.
     */
    static String input(JsonNode n) {
        if (n == null || n.isNull() || n.isMissingNode()) {
            return null;
        }
        if (n.isTextual()) {
            return n.textValue();
        }
        if (n.isObject()) {
            String field = firstText(n, INPUT_FIELDS);
            if (field != null) {
                return field;
            }
            String chat = lastUserMessage(n.get("messages"));
            if (chat != null) {
                return chat;
            }
        }
        if (n.isArray()) {
            String chat = lastUserMessage(n);
            if (chat != null) {
                return chat;
            }
        }
        return n.isValueNode() ? n.asText() : n.toString();
    }

    /** The text of an output: a string; an object's {@code text, answer, output, content}; else the JSON. */
    static String output(JsonNode n) {
        return text(n, OUTPUT_FIELDS);
    }

    /** The text of instructions: a string; an object's {@code text, content, system, prompt, instructions}. */
    static String instructions(JsonNode n) {
        return text(n, INSTRUCTION_FIELDS);
    }

    private static String text(JsonNode n, List<String> fields) {
        if (n == null || n.isNull() || n.isMissingNode()) {
            return null;
        }
        if (n.isTextual()) {
            return n.textValue();
        }
        if (n.isObject()) {
            String field = firstText(n, fields);
            if (field != null) {
                return field;
            }
        }
        return n.isValueNode() ? n.asText() : n.toString();
    }

    /** The value at a dot path ({@code result.category}) as text; null when absent or not a scalar. */
    static String field(JsonNode n, String path) {
        if (n == null) {
            return null;
        }
        JsonNode at = n;
        int from = 0;
        while (true) {
            int dot = path.indexOf('.', from);
            String name = dot < 0 ? path.substring(from) : path.substring(from, dot);
            at = at.isObject() ? at.get(name) : null;
            if (at == null) {
                return null;
            }
            if (dot < 0) {
                break;
            }
            from = dot + 1;
        }
        return at.isValueNode() && !at.isNull() ? at.asText() : null;
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

    /**
     * The hash of each word of a text in normal form: Unicode NFKC (only when the text is not plain ASCII), lower
     * case, split at every run of characters that are neither letters nor digits, so equal texts up to case, spacing
     * and punctuation have equal hashes. Computed without making the words: this is the hot path of sketching, where
     * a million texts would otherwise allocate tens of millions of strings.
     */
    static long[] wordHashes(String text) {
        if (text == null) {
            return new long[0];
        }
        String t = text;
        for (int i = 0; i < t.length(); i++) {
            if (t.charAt(i) >= 0x80) {
                t = Normalizer.normalize(t, Normalizer.Form.NFKC);
                break;
            }
        }
        long[] out = new long[Math.max(4, t.length() / 4)];
        int count = 0;
        long h = 0;
        boolean in = false;
        for (int i = 0; i <= t.length(); i++) {
            char c = i < t.length() ? t.charAt(i) : ' ';
            boolean word;
            if (c < 0x80) {
                word = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z');
                if (c >= 'A' && c <= 'Z') {
                    c = (char) (c + 32);
                }
            } else {
                word = Character.isLetterOrDigit(c);
                c = Character.toLowerCase(c);
            }
            if (word) {
                if (!in) {
                    h = 0xCBF29CE484222325L;
                    in = true;
                }
                h = (h ^ c) * 0x100000001B3L;
            } else if (in) {
                if (count == out.length) {
                    out = java.util.Arrays.copyOf(out, count * 2);
                }
                out[count++] = MinHash.mix(h);
                in = false;
            }
        }
        return java.util.Arrays.copyOf(out, count);
    }
}
