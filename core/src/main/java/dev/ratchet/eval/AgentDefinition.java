package dev.ratchet.eval;

import java.time.Instant;
import java.util.List;

/**
 * An agent a project runs suites against, by name: where it runs and the configuration of each registered version.
 * Exactly one of {@code endpoint} and {@code builtin} is set.
 *
 * @param endpoint  the URL where the agent answers the HTTP contract ({@link HttpAgent})
 * @param builtin   the name of an in-process {@link Agent} that the server embeds
 * @param timeoutMs how long one case's request to the agent may take; null for the run's per-case timeout alone
 * @param versions  the registered versions, oldest first
 */
public record AgentDefinition(String name, String endpoint, String builtin, Long timeoutMs, List<AgentVersion> versions,
        Instant createdAt, Instant updatedAt) {

    public AgentDefinition {
        versions = versions == null ? List.of() : List.copyOf(versions);
    }
}
