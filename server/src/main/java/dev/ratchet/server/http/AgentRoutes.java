package dev.ratchet.server.http;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ratchet.common.BadInputException;
import dev.ratchet.common.FieldError;
import dev.ratchet.common.Json;
import dev.ratchet.common.JsonText;
import dev.ratchet.common.NotFoundException;
import dev.ratchet.eval.AgentDefinition;
import dev.ratchet.eval.AgentRegistration;
import dev.ratchet.eval.AgentRegistry;
import dev.ratchet.eval.AgentVersion;
import dev.ratchet.eval.NewVersion;
import dev.ratchet.server.eval.BuiltInAgents;
import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The agents a project runs suites against: register or move one and add versions ({@code POST /api/v1/agents}, with
 * an admin key, since the server will call the endpoint it names), list them with the built-ins this server embeds,
 * get one. Their versions: list them with the current one, get one with its lineage, propose a candidate, promote or
 * reject it (an admin key: a release decision). Always the key's project. A version's configuration never changes
 * once stored ({@link AgentRegistry}).
 */
public final class AgentRoutes {

    private static final long MAX_BODY = 4L * 1024 * 1024;
    private static final Set<String> FIELDS = Set.of("name", "endpoint", "builtin", "timeoutMs", "versions");
    private static final Set<String> VERSION_FIELDS = Set.of("version", "configuration");
    private static final Set<String> PROPOSAL_FIELDS = Set.of("version", "configuration", "parent", "layer", "evidence");
    private static final Set<String> DECISION_FIELDS = Set.of("decision");

    private final AgentRegistry agents;
    private final BuiltInAgents builtIns;

    public AgentRoutes(AgentRegistry agents, BuiltInAgents builtIns) {
        this.agents = agents;
        this.builtIns = builtIns;
    }

    /** 200 with the agent as stored, all its versions included. */
    public void register(Context ctx) {
        String project = Auth.admin(ctx).projectId();
        JsonNode body = JsonFields.object(Bodies.json(Bodies.read(ctx, MAX_BODY)), "$");
        JsonFields.unknown(body, FIELDS, "");
        List<FieldError> errors = new ArrayList<>();
        String name = null;
        String endpoint = null;
        String builtin = null;
        Long timeoutMs = null;
        List<AgentVersion> versions = List.of();
        try {
            name = JsonFields.text(body, "name", "");
            endpoint = JsonFields.text(body, "endpoint", "");
            builtin = JsonFields.text(body, "builtin", "");
            timeoutMs = JsonFields.longValue(body, "timeoutMs", "");
            versions = versions(body);
        } catch (BadInputException e) {
            errors.addAll(e.errors());
        }
        if (builtin != null && endpoint == null && builtIns.get(builtin).isEmpty()) {
            errors.add(FieldError.of("builtin", "this server embeds no agent '" + builtin + "'; embedded: "
                    + (builtIns.names().isEmpty() ? "none" : String.join(", ", builtIns.names()))));
        }
        if (!errors.isEmpty()) {
            throw new BadInputException(errors);
        }
        ctx.json(agents.register(project, new AgentRegistration(name, endpoint, builtin, timeoutMs, versions)));
    }

    /** {@code {"items": [agents by name], "builtins": [names this server embeds]}}. */
    public void list(Context ctx) {
        String project = Auth.principal(ctx).projectId();
        List<ObjectNode> items = new ArrayList<>();
        for (AgentDefinition a : agents.list(project)) {
            ObjectNode item = Json.MAPPER.valueToTree(a);
            agents.current(project, a.name()).ifPresent(c -> item.put("current", c.version()));
            items.add(item);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("items", items);
        out.put("builtins", builtIns.names());
        ctx.json(out);
    }

    public void get(Context ctx) {
        String name = ctx.pathParam("name");
        ctx.json(agents.get(Auth.principal(ctx).projectId(), name).orElseThrow(() -> new NotFoundException("agent", name)));
    }

    /** {@code {"agent", "current": label or null, "items": [versions in the order stored]}}. */
    public void versions(Context ctx) {
        String project = Auth.principal(ctx).projectId();
        String name = ctx.pathParam("name");
        // Current first: a promotion in between then shows in the items too, never the other way round.
        String current = agents.current(project, name).map(AgentVersion::version).orElse(null);
        AgentDefinition agent = agents.get(project, name).orElseThrow(() -> new NotFoundException("agent", name));
        ctx.json(new VersionList(name, current, agent.versions()));
    }

    /** One version, with {@code "lineage"}: its label and its ancestors' up to the root. */
    public void version(Context ctx) {
        String project = Auth.principal(ctx).projectId();
        String name = ctx.pathParam("name");
        String label = ctx.pathParam("version");
        List<AgentVersion> lineage = agents.lineage(project, name, label);
        if (lineage.isEmpty()) {
            throw agents.get(project, name).isEmpty() ? new NotFoundException("agent", name)
                    : new NotFoundException("agent version", name + " " + label);
        }
        ObjectNode out = Json.MAPPER.valueToTree(lineage.get(0));
        ArrayNode labels = out.putArray("lineage");
        lineage.forEach(v -> labels.add(v.version()));
        ctx.json(out);
    }

    /** 200 with the candidate as stored (also when the same proposal was stored before). */
    public void propose(Context ctx) {
        String project = Auth.principal(ctx).projectId();
        String name = ctx.pathParam("name");
        JsonNode body = JsonFields.object(Bodies.json(Bodies.read(ctx, MAX_BODY)), "$");
        JsonFields.unknown(body, PROPOSAL_FIELDS, "");
        String version = JsonFields.text(body, "version", "");
        String parent = JsonFields.text(body, "parent", "");
        String layer = JsonFields.text(body, "layer", "");
        ctx.json(agents.propose(project, name, new NewVersion(version, JsonText.of(body.get("configuration")), parent,
                layer, JsonText.of(body.get("evidence")))));
    }

    /** Admin key; optional body {@code {"decision": {..}}}; 200 with the version as promoted. */
    public void promote(Context ctx) {
        String project = Auth.admin(ctx).projectId();
        ctx.json(agents.promote(project, ctx.pathParam("name"), ctx.pathParam("version"), decision(ctx)));
    }

    /** Admin key; optional body {@code {"decision": {..}}}; 200 with the version as rejected. */
    public void reject(Context ctx) {
        String project = Auth.admin(ctx).projectId();
        ctx.json(agents.reject(project, ctx.pathParam("name"), ctx.pathParam("version"), decision(ctx)));
    }

    private static JsonText decision(Context ctx) {
        byte[] bytes = Bodies.read(ctx, MAX_BODY);
        if (bytes.length == 0) {
            return null;
        }
        JsonNode body = JsonFields.object(Bodies.json(bytes), "$");
        JsonFields.unknown(body, DECISION_FIELDS, "");
        return JsonText.of(body.get("decision"));
    }

    /** The versions of an agent; {@code current} written as null when no version has been promoted. */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    record VersionList(String agent, String current, List<AgentVersion> items) {
    }

    private static List<AgentVersion> versions(JsonNode body) {
        JsonNode v = body.get("versions");
        if (v == null || v.isNull()) {
            return List.of();
        }
        if (!v.isArray()) {
            throw new BadInputException("versions", "must be an array of {\"version\", \"configuration\"}");
        }
        List<AgentVersion> out = new ArrayList<>();
        for (int i = 0; i < v.size(); i++) {
            String at = "versions[" + i + "]";
            JsonNode item = JsonFields.object(v.get(i), at);
            JsonFields.unknown(item, VERSION_FIELDS, at + ".");
            out.add(AgentVersion.of(JsonFields.text(item, "version", at + "."), JsonText.of(item.get("configuration"))));
        }
        return out;
    }
}
