package dev.ratchet.project;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;

/**
 * An API key as stored: its id and prefix identify it in listings; {@code secret} is set only on the
 * value returned by creation, the one time the plain key exists outside the caller's hands.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ApiKey(String id, String projectId, String name, Role role, String prefix, Instant createdAt,
        String secret) {
}
