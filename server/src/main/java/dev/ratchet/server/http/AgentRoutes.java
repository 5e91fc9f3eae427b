package dev.ratchet.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ratchet.common.BadInputException;
import dev.ratchet.common.FieldError;
import dev.ratchet.common.JsonText;
import dev.ratchet.common.NotFoundException;
import dev.ratchet.eval.AgentRegistration;
import dev.ratchet.eval.AgentRegistry;
import dev.ratchet.eval.AgentVersion;
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
 * get one. Always the key's project. A version's configuration never changes once registered ({@link AgentRegistry}).
 */
public final class AgentRoutes {

    private static final long MAX_BODY = 4L * 1024 * 1024;
    private static final Set<String> FIELDS = Set.of("name", "endpoint", "builtin", "timeoutMs", "versions");
    private static final Set<String> VERSION_FIELDS = Set.of("version", "configuration");

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
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("items", agents.list(Auth.principal(ctx).projectId()));
        out.put("builtins", builtIns.names());
        ctx.json(out);
    }

    public void get(Context ctx) {
        String name = ctx.pathParam("name");
        ctx.json(agents.get(Auth.principal(ctx).projectId(), name).orElseThrow(() -> new NotFoundException("agent", name)));
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
