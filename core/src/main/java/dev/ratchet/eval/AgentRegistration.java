package dev.ratchet.eval;

import java.util.List;

/**
 * What {@link AgentRegistry#register} records: an agent's name, where it runs (exactly one of {@code endpoint} and
 * {@code builtin}), and versions to add.
 *
 * @param name      1 to 128 of letters, digits and {@code . _ : -}, unique in the project
 * @param endpoint  an absolute {@code http} or {@code https} URL of the agent contract
 * @param builtin   the name of an in-process agent the server embeds (the server checks that it exists)
 * @param timeoutMs 1 ms to an hour, or null
 * @param versions  versions to register (at most 1,000 at once); those already registered must have the same
 *                  configuration
 */
public record AgentRegistration(String name, String endpoint, String builtin, Long timeoutMs, List<AgentVersion> versions) {

    public AgentRegistration {
        versions = versions == null ? List.of() : versions;
    }
}
