package dev.ratchet.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ratchet.common.BadInputException;
import dev.ratchet.project.ApiKey;
import dev.ratchet.project.Principal;
import dev.ratchet.project.ProjectStore;
import dev.ratchet.project.Role;
import io.javalin.http.Context;
import java.util.Iterator;
import java.util.Map;

/**
 * Projects and keys. Creating either needs an admin key; {@code GET /api/v1/whoami} tells any caller
 * which project its key acts for.
 */
public final class ProjectRoutes {

    private static final long MAX_BODY = 64 * 1024;

    private final ProjectStore projects;

    public ProjectRoutes(ProjectStore projects) {
        this.projects = projects;
    }

    public void whoami(Context ctx) {
        Principal p = Auth.principal(ctx);
        ctx.json(Map.of("project", p.projectId(), "keyId", p.keyId(), "role", p.role()));
    }

    public void list(Context ctx) {
        Auth.admin(ctx);
        ctx.json(Map.of("items", projects.projects()));
    }

    public void create(Context ctx) {
        Auth.admin(ctx);
        JsonNode body = Bodies.json(Bodies.read(ctx, MAX_BODY));
        onlyFields(body, "id");
        ApiKey key = projects.createProject(text(body, "id"));
        ctx.status(201).json(Map.of("project", key.projectId(), "key", key));
    }

    public void createKey(Context ctx) {
        Auth.admin(ctx);
        JsonNode body = Bodies.json(Bodies.read(ctx, MAX_BODY));
        onlyFields(body, "name", "role");
        String roleText = body.has("role") ? text(body, "role") : "member";
        Role role = switch (roleText == null ? "" : roleText) {
            case "member" -> Role.MEMBER;
            case "admin" -> Role.ADMIN;
            default -> throw new BadInputException("role", "must be member or admin");
        };
        ApiKey key = projects.createKey(ctx.pathParam("id"), text(body, "name"), role);
        ctx.status(201).json(key);
    }

    private static void onlyFields(JsonNode body, String... allowed) {
        if (!body.isObject()) {
            throw new BadInputException("$", "body must be a JSON object");
        }
        for (Iterator<String> it = body.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!java.util.Arrays.asList(allowed).contains(f)) {
                throw new BadInputException(f, "unknown field");
            }
        }
    }

    private static String text(JsonNode body, String field) {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) {
            throw new BadInputException(field, "required");
        }
        if (!v.isTextual()) {
            throw new BadInputException(field, "must be a string");
        }
        return v.textValue();
    }
}
