package dev.ratchet.eval;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import dev.ratchet.common.Json;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * One spelling per JSON value, so that equal values give equal keys and hashes: object members sorted by name,
 * no whitespace, numbers by value ({@code 1}, {@code 1.0} and {@code 1e0} are all {@code 1}; {@code 20} and
 * {@code 2e1} are {@code 20}; fractions and whole numbers from 10^21 up in BigDecimal's scientific form, such as
 * {@code 1.5E-7}). Replay keys calls by
 * the canonical form of their arguments, so an agent that builds the same arguments in another member order (or
 * another language's number formatting) still finds its fixture. Thread-safe.
 */
public final class CanonicalJson {

    private CanonicalJson() {
    }

    /** The canonical text of {@code node}; {@code "null"} for null or a missing node. */
    public static String write(JsonNode node) {
        StringWriter out = new StringWriter();
        try (JsonGenerator g = Json.MAPPER.getFactory().createGenerator(out)) {
            write(g, node);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    private static void write(JsonGenerator g, JsonNode node) throws IOException {
        if (node == null || node.isNull() || node.isMissingNode()) {
            g.writeNull();
        } else if (node.isObject()) {
            List<Map.Entry<String, JsonNode>> fields = new ArrayList<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                fields.add(it.next());
            }
            fields.sort(Map.Entry.comparingByKey());
            g.writeStartObject();
            for (Map.Entry<String, JsonNode> f : fields) {
                g.writeFieldName(f.getKey());
                write(g, f.getValue());
            }
            g.writeEndObject();
        } else if (node.isArray()) {
            g.writeStartArray();
            for (JsonNode element : node) {
                write(g, element);
            }
            g.writeEndArray();
        } else if (node.isNumber()) {
            BigDecimal value = node.decimalValue().stripTrailingZeros();
            // Whole numbers below 10^21 are written out (20, not 2E+1), as JavaScript and RFC 8785 write them.
            boolean plain = value.scale() <= 0 && value.precision() - value.scale() <= 21;
            g.writeNumber(value.signum() == 0 ? "0" : plain ? value.toPlainString() : value.toString());
        } else if (node.isTextual()) {
            g.writeString(node.textValue());
        } else if (node.isBoolean()) {
            g.writeBoolean(node.booleanValue());
        } else {
            g.writeString(node.asText()); // binary or POJO nodes never come from parsed JSON
        }
    }
}
