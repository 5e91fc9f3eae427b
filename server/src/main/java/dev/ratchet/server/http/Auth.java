package dev.ratchet.server.http;

import dev.ratchet.project.Principal;
import dev.ratchet.project.ProjectStore;
import io.javalin.http.Context;

/**
 * Resolves {@code Authorization: Bearer <key>} to a {@link Principal} before any protected route runs.
 * Every route handler then takes the project from the principal, never from the request, which is what
 * makes cross-project access impossible rather than merely forbidden.
 */
public final class Auth {

    private static final String ATTRIBUTE = "ratchet.principal";

    private final ProjectStore projects;

    public Auth(ProjectStore projects) {
        this.projects = projects;
    }

    /** A before-handler: 401 unless the request carries a valid key. */
    public void require(Context ctx) {
        if (ctx.method().name().equals("OPTIONS")) {
            return;
        }
        String header = ctx.header("Authorization");
        if (header == null || header.isBlank()) {
            throw HttpError.unauthorized("missing Authorization header; send 'Authorization: Bearer <key>'");
        }
        if (!header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            throw HttpError.unauthorized("Authorization header must use the Bearer scheme");
        }
        Principal principal = projects.authenticate(header.substring(7).trim())
                .orElseThrow(() -> HttpError.unauthorized("unknown or revoked API key"));
        ctx.attribute(ATTRIBUTE, principal);
    }

    public static Principal principal(Context ctx) {
        Principal p = ctx.attribute(ATTRIBUTE);
        if (p == null) {
            throw new IllegalStateException("route is not behind Auth.require");
        }
        return p;
    }

    public static Principal admin(Context ctx) {
        Principal p = principal(ctx);
        if (!p.isAdmin()) {
            throw HttpError.forbidden("this operation needs an admin key");
        }
        return p;
    }
}
