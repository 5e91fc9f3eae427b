package dev.ratchet.trace;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.POJONode;
import dev.ratchet.common.BadInputException;
import dev.ratchet.common.Json;
import dev.ratchet.common.JsonText;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Set;

/**
 * Reads a REST ingest body into the tree {@link TraceJson} validates, except that the payload fields of
 * traces and spans (input, output, instructions, metadata, attributes) are not built as trees: their
 * text is cut out of the body and carried as {@link JsonText} (in a {@link POJONode}). The streaming
 * parser still reads every byte of them, so malformed JSON and invalid UTF-8 are refused as before; what
 * is saved is building the trees and writing them back to text for storage, which profiling showed to be
 * most of the CPU an ingest request costs.
 */
final class BatchEnvelope {

    private static final Set<String> TRACE_PAYLOADS = Set.of("input", "output", "instructions", "metadata");
    private static final Set<String> SPAN_PAYLOADS = Set.of("input", "output", "attributes");
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private BatchEnvelope() {
    }

    static JsonNode read(byte[] body) {
        if (body.length == 0) {
            throw new BadInputException("$", "request body is empty; expected JSON");
        }
        try (JsonParser p = Json.MAPPER.createParser(body)) {
            JsonToken first = p.nextToken();
            if (first == null) {
                throw new BadInputException("$", "request body is empty; expected JSON");
            }
            JsonNode root = first == JsonToken.START_OBJECT ? root(p, body) : p.readValueAsTree();
            if (p.nextToken() != null) {
                throw new BadInputException("$", "malformed JSON" + at(p) + ": content after the end of the JSON value");
            }
            return root;
        } catch (JsonProcessingException e) {
            throw Json.malformed(e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static ObjectNode root(JsonParser p, byte[] body) throws IOException {
        ObjectNode root = NODES.objectNode();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken value = p.nextToken();
            if (name.equals("traces") && value == JsonToken.START_ARRAY) {
                root.set(name, array(p, body, TRACE_PAYLOADS));
            } else {
                root.set(name, p.readValueAsTree());
            }
        }
        return root;
    }

    /** An array whose object elements are read with {@code payloads} kept as text; other elements as trees. */
    private static ArrayNode array(JsonParser p, byte[] body, Set<String> payloads) throws IOException {
        ArrayNode array = NODES.arrayNode();
        while (p.nextToken() != JsonToken.END_ARRAY) {
            if (p.currentToken() == JsonToken.START_OBJECT) {
                array.add(object(p, body, payloads));
            } else {
                array.add((JsonNode) p.readValueAsTree());
            }
        }
        return array;
    }

    private static ObjectNode object(JsonParser p, byte[] body, Set<String> payloads) throws IOException {
        ObjectNode object = NODES.objectNode();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken value = p.nextToken();
            if (payloads == TRACE_PAYLOADS && name.equals("spans") && value == JsonToken.START_ARRAY) {
                object.set(name, array(p, body, SPAN_PAYLOADS));
            } else if (payloads.contains(name) && value.isStructStart()) {
                object.set(name, new POJONode(slice(p, body)));
            } else {
                object.set(name, p.readValueAsTree()); // scalars are small; the tree is cheap
            }
        }
        return object;
    }

    /** The text of the object or array starting at the current token, read (and so checked) to its end. */
    private static JsonText slice(JsonParser p, byte[] body) throws IOException {
        int start = (int) p.currentTokenLocation().getByteOffset();
        p.skipChildren();
        int end = (int) p.currentLocation().getByteOffset();
        return JsonText.ofValid(new String(body, start, end - start, StandardCharsets.UTF_8));
    }

    private static String at(JsonParser p) {
        return " at line " + p.currentLocation().getLineNr() + ", column " + p.currentLocation().getColumnNr();
    }
}
