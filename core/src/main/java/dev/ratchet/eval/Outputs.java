package dev.ratchet.eval;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import dev.ratchet.common.JsonText;
import java.math.BigDecimal;
import java.text.Normalizer;
import java.util.Locale;

/** How scorers read outputs: a JSON pointer into them, their text, their number. */
final class Outputs {

    private static final int QUOTE = 200;

    private Outputs() {
    }

    /** The value at {@code pointer} ("" or null: the whole value); missing when absent. */
    static JsonNode at(JsonText value, String pointer) {
        if (value == null) {
            return MissingNode.getInstance();
        }
        return pointer == null || pointer.isEmpty() ? value.node() : value.node().at(pointer);
    }

    /**
     * The text of a value: a string itself, an object's {@code text} member when it is a string, else its JSON
     * (the same rule as the regex verifier, so an output reads alike everywhere); null when missing or null.
     */
    static String text(JsonNode v) {
        if (v == null || v.isMissingNode() || v.isNull()) {
            return null;
        }
        if (v.isTextual()) {
            return v.textValue();
        }
        if (v.isObject() && v.path("text").isTextual()) {
            return v.path("text").textValue();
        }
        return CanonicalJson.write(v);
    }

    /** A number, or a string that is one; null otherwise. */
    static BigDecimal number(JsonNode v) {
        if (v == null) {
            return null;
        }
        if (v.isNumber()) {
            return v.decimalValue();
        }
        if (v.isTextual()) {
            try {
                return new BigDecimal(v.textValue().trim());
            } catch (NumberFormatException e) {
                return null;
            }
        }
        return null;
    }

    /** Unicode-compatible, lower case, punctuation dropped, whitespace collapsed and trimmed. */
    static String normalize(String s) {
        if (s == null) {
            return null;
        }
        String n = Normalizer.normalize(s, Normalizer.Form.NFKC).toLowerCase(Locale.ROOT);
        n = n.replaceAll("[\\p{P}\\p{S}]+", " ");
        return n.replaceAll("\\s+", " ").trim();
    }

    /** A value quoted in a reason, cut to a readable length. */
    static String quote(JsonNode v) {
        if (v == null || v.isMissingNode()) {
            return "nothing";
        }
        return cut(CanonicalJson.write(v));
    }

    static String cut(String s) {
        return s == null ? "null" : s.length() > QUOTE ? s.substring(0, QUOTE - 1) + "…" : s;
    }
}
