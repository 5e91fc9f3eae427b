package dev.ratchet.dataset;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ratchet.trace.PayloadText;
import java.text.Normalizer;

/**
 * The text of JSON payloads, and the normal form that duplicates and leaks are compared in. Pure functions.
 */
final class Texts {


    private Texts() {
    }

    /** The text of an input ({@link PayloadText#input}), else the JSON itself; null for no input. */
    static String input(JsonNode n) {
        return orJson(PayloadText.input(n), n);
    }

    /** The text of an output ({@link PayloadText#output}), else the JSON itself; null for no output. */
    static String output(JsonNode n) {
        return orJson(PayloadText.output(n), n);
    }

    /** The text of instructions ({@link PayloadText#instructions}), else the JSON itself; null for none. */
    static String instructions(JsonNode n) {
        return orJson(PayloadText.instructions(n), n);
    }

    private static String orJson(String text, JsonNode n) {
        if (text != null || n == null || n.isNull() || n.isMissingNode()) {
            return text;
        }
        return n.toString();
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
