package dev.ratchet.server.http;

import dev.ratchet.project.Principal;
import dev.ratchet.project.ProjectStore;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.javalin.http.Context;
import java.time.Duration;

/**
 * Resolves {@code Authorization: Bearer <key>} to a {@link Principal} before any protected route runs.
 * Every route handler then takes the project from the principal, never from the request, which is what
 * makes cross-project access impossible rather than merely forbidden. A key that authenticated is
 * remembered for {@link #KEY_CACHE_TTL} (a SHA-256 and a query saved per request); revoking a key
 * therefore takes up to that long to apply.
 */
public final class Auth {

    private static final String ATTRIBUTE = "ratchet.principal";

    /** How long a recognised key is trusted without asking the database again. */
    static final Duration KEY_CACHE_TTL = Duration.ofSeconds(30);

    private final ProjectStore projects;
    // Only keys that authenticated are cached, so random guesses cannot fill it with misses.
    private final Cache<String, Principal> recognised = Caffeine.newBuilder()
            .maximumSize(10_000)
            .expireAfterWrite(KEY_CACHE_TTL)
            .build();

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
        String key = header.substring(7).trim();
        Principal principal = recognised.getIfPresent(key);
        if (principal == null) {
            principal = projects.authenticate(key)
                    .orElseThrow(() -> HttpError.unauthorized("unknown or revoked API key"));
            recognised.put(key, principal);
        }
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
