package dev.ratchet.common;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonRawValue;
import com.fasterxml.jackson.annotation.JsonValue;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * A JSON value carried as its text: the payloads of traces (inputs, outputs, instructions, tool arguments
 * and results, attributes) pass through Ratchet as they arrived. They are parsed once, to validate them,
 * then stored and served as text; a tree is built only for code that looks inside ({@link #node()}).
 * Ingest and query throughput depend on this, since payloads are most of the bytes.
 *
 * <p>Immutable and thread-safe. Equality is equality of the JSON values, not of their spelling.
 */
public final class JsonText {

    private final String text;
    private volatile JsonNode node;

    private JsonText(String text, JsonNode node) {
        this.text = text;
        this.node = node;
    }

    /** The value of a tree; null for null or a JSON null, so an absent payload is one thing. */
    @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
    public static JsonText of(JsonNode node) {
        return node == null || node.isNull() || node.isMissingNode() ? null : new JsonText(Json.write(node), node);
    }

    /**
     * Wraps text that is already known to be one valid JSON value: text Ratchet's parser has just read,
     * or read back from its own database. Not for text from outside; use {@link #parse} for that.
     */
    public static JsonText ofValid(String text) {
        return text == null ? null : new JsonText(text, null);
    }

    /** Parses and wraps text from outside; malformed JSON is bad input naming {@code field}. */
    public static JsonText parse(String text, String field) {
        try {
            return of(Json.MAPPER.readTree(text));
        } catch (java.io.IOException e) {
            throw new BadInputException(field, "not valid JSON");
        }
    }

    /** The JSON text, written as-is (unquoted) when this value is serialised. */
    @JsonValue
    @JsonRawValue
    public String text() {
        return text;
    }

    /** The value as a tree, parsed on first use. */
    public JsonNode node() {
        JsonNode n = node;
        if (n == null) {
            n = Json.readTree(text);
            node = n;
        }
        return n;
    }

    /** Whether the value is a JSON object, known without parsing it. */
    public boolean isObject() {
        return firstChar() == '{';
    }

    /** Shorthand for {@code node().path(field)}. */
    public JsonNode path(String field) {
        return node().path(field);
    }

    private char firstChar() {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (!Character.isWhitespace(c)) {
                return c;
            }
        }
        return 0;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof JsonText other && (text.equals(other.text) || node().equals(other.node()));
    }

    @Override
    public int hashCode() {
        return node().hashCode();
    }

    @Override
    public String toString() {
        return text;
    }
}
