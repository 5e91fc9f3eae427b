package dev.ratchet.server.otlp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The messages of a model call, read from whichever convention the instrumentation used. Tried in this
 * order, the first that is present wins:
 * <ol>
 *   <li>GenAI semantic conventions (current): {@code gen_ai.input.messages} / {@code gen_ai.output.messages}
 *       (JSON strings, or structured values), with {@code gen_ai.system_instructions} put in front of the
 *       input as a {@code system} message;</li>
 *   <li>GenAI events (older): span events {@code gen_ai.system.message}, {@code gen_ai.user.message},
 *       {@code gen_ai.assistant.message}, {@code gen_ai.tool.message} for the input and
 *       {@code gen_ai.choice} for the output, the body taken from a {@code body} attribute or else from
 *       the event's attributes;</li>
 *   <li>GenAI legacy: attributes {@code gen_ai.prompt} / {@code gen_ai.completion} (whole or flattened
 *       with an index, as OpenLLMetry writes them), or the same attribute on a
 *       {@code gen_ai.content.prompt} / {@code gen_ai.content.completion} event;</li>
 *   <li>OpenInference: {@code llm.input_messages.{i}.message.*} / {@code llm.output_messages.{i}.message.*}.</li>
 * </ol>
 * Messages are kept in the shape the convention gave them; only the role is added where the
 * convention carries it in the event name. Pure functions.
 */
final class LlmMessages {

    private static final Map<String, String> INPUT_EVENT_ROLES = Map.of(
            "gen_ai.system.message", "system",
            "gen_ai.user.message", "user",
            "gen_ai.assistant.message", "assistant",
            "gen_ai.tool.message", "tool");
    private static final String CHOICE_EVENT = "gen_ai.choice";
    /** Event attributes that describe the event, not the message. */
    private static final Set<String> EVENT_ONLY_KEYS = Set.of("gen_ai.system", "gen_ai.provider.name", "event.name");

    private LlmMessages() {
    }

    /** The input messages, or null when the span carries none in any known convention. */
    static JsonNode input(AttributeView a, List<EventView> events) {
        JsonNode messages = a.json("gen_ai.input.messages");
        JsonNode system = a.json("gen_ai.system_instructions");
        if (messages != null || system != null) {
            return withSystem(system, messages);
        }
        ArrayNode fromEvents = OtlpValues.NODES.arrayNode();
        for (EventView e : events) {
            String role = INPUT_EVENT_ROLES.get(e.name());
            if (role != null) {
                fromEvents.add(withRole(body(e.attributes()), role));
            }
        }
        if (!fromEvents.isEmpty()) {
            return fromEvents;
        }
        JsonNode legacy = legacy(a, events, "gen_ai.prompt", "gen_ai.content.prompt");
        return legacy != null ? legacy : a.indexed("llm.input_messages", "message");
    }

    /** The output messages (the model's choices), or null when the span carries none. */
    static JsonNode output(AttributeView a, List<EventView> events) {
        JsonNode messages = a.json("gen_ai.output.messages");
        if (messages != null) {
            return messages;
        }
        ArrayNode choices = OtlpValues.NODES.arrayNode();
        for (EventView e : events) {
            if (e.name().equals(CHOICE_EVENT)) {
                choices.add(choice(body(e.attributes())));
            }
        }
        if (!choices.isEmpty()) {
            return choices;
        }
        JsonNode legacy = legacy(a, events, "gen_ai.completion", "gen_ai.content.completion");
        return legacy != null ? legacy : a.indexed("llm.output_messages", "message");
    }

    private static JsonNode withSystem(JsonNode system, JsonNode messages) {
        if (system == null) {
            return messages;
        }
        ArrayNode out = OtlpValues.NODES.arrayNode();
        ObjectNode systemMessage = out.addObject().put("role", "system");
        if (system.isTextual()) {
            systemMessage.putArray("parts").addObject().put("type", "text").put("content", system.textValue());
        } else {
            systemMessage.set("parts", system);
        }
        if (messages != null && messages.isArray()) {
            out.addAll((ArrayNode) messages);
        } else if (messages != null) {
            out.add(messages);
        }
        return out;
    }

    /** An event's message body: its {@code body} attribute if it has one, else its other attributes. */
    private static ObjectNode body(AttributeView attributes) {
        JsonNode body = attributes.json("body");
        if (body != null && body.isObject()) {
            return ((ObjectNode) body).deepCopy();
        }
        ObjectNode out = OtlpValues.NODES.objectNode();
        if (body != null) {
            out.set("content", body);
            return out;
        }
        for (Map.Entry<String, JsonNode> e : attributes.node().properties()) {
            if (!EVENT_ONLY_KEYS.contains(e.getKey())) {
                out.set(e.getKey(), AttributeView.parseIfJson(e.getValue()));
            }
        }
        return out;
    }

    private static ObjectNode withRole(ObjectNode message, String role) {
        if (message.hasNonNull("role")) {
            return message;
        }
        ObjectNode out = OtlpValues.NODES.objectNode().put("role", role);
        out.setAll(message);
        return out;
    }

    /** A {@code gen_ai.choice} body, {index, finish_reason, message}, as an assistant message. */
    private static ObjectNode choice(ObjectNode body) {
        JsonNode message = body.get("message");
        if (message == null || !message.isObject()) {
            return withRole(body, "assistant");
        }
        ObjectNode out = withRole(((ObjectNode) message).deepCopy(), "assistant");
        if (body.hasNonNull("finish_reason")) {
            out.set("finish_reason", body.get("finish_reason"));
        }
        if (body.hasNonNull("index")) {
            out.set("index", body.get("index"));
        }
        return out;
    }

    private static JsonNode legacy(AttributeView a, List<EventView> events, String attribute, String eventName) {
        JsonNode whole = a.json(attribute);
        if (whole != null) {
            return whole;
        }
        for (EventView e : events) {
            if (e.name().equals(eventName) && e.attributes().has(attribute)) {
                return e.attributes().json(attribute);
            }
        }
        return a.indexed(attribute, null);
    }
}
