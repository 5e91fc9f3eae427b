package dev.ratchet.eval;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ratchet.common.Hashing;
import dev.ratchet.common.Json;

/**
 * What identifies a call for replay: its kind, a name and the canonical JSON of what was asked.
 * <ul>
 *   <li>tool: the tool's name and its arguments</li>
 *   <li>retrieval: no name (retrievers are renamed more often than queries change) and the query: the {@code query}
 *       member when the request is an object that has a text one, else the whole request</li>
 *   <li>llm: the model and the messages: the {@code messages} member when the request is an object that has one,
 *       else the whole request</li>
 * </ul>
 * The same rules apply when a case is built from a trace's spans and when an agent makes a call during replay,
 * which is what makes a recorded call found again.
 *
 * @param request canonical JSON text ({@link CanonicalJson})
 */
public record CallKey(CallKind kind, String name, String request) {

    public CallKey {
        name = name == null ? "" : name;
    }

    /** The key of a call of {@code kind} named {@code name} asking {@code request} (any JSON; null is JSON null). */
    public static CallKey of(CallKind kind, String name, JsonNode request) {
        return switch (kind) {
            case TOOL -> new CallKey(kind, name, CanonicalJson.write(request));
            case RETRIEVAL -> new CallKey(kind, "", CanonicalJson.write(member(request, "query", true)));
            case LLM -> new CallKey(kind, name, CanonicalJson.write(member(request, "messages", false)));
        };
    }

    public static CallKey tool(String name, JsonNode arguments) {
        return of(CallKind.TOOL, name, arguments);
    }

    public static CallKey retrieval(String query) {
        return of(CallKind.RETRIEVAL, null, Json.MAPPER.getNodeFactory().textNode(query));
    }

    public static CallKey llm(String model, JsonNode messages) {
        return of(CallKind.LLM, model, messages);
    }

    /** A short, stable digest of the key, for storage and logs. */
    public String digest() {
        return Hashing.sha256Hex(kind.wire() + '\u0000' + name + '\u0000' + request).substring(0, 32);
    }

    /** For reasons: {@code tool 'lookup' {"id":1}}, cut to a readable length. */
    public String describe() {
        String what = request.length() > 200 ? request.substring(0, 199) + "…" : request;
        return switch (kind) {
            case TOOL -> "tool call '" + name + "' with arguments " + what;
            case RETRIEVAL -> "retrieval of " + what;
            case LLM -> "model call to '" + name + "' with messages " + what;
        };
    }

    private static JsonNode member(JsonNode request, String field, boolean mustBeText) {
        if (request != null && request.isObject()) {
            JsonNode m = request.get(field);
            if (m != null && (!mustBeText || m.isTextual())) {
                return m;
            }
        }
        return request;
    }
}
