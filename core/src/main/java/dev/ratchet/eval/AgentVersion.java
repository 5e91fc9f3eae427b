package dev.ratchet.eval;

import dev.ratchet.common.JsonText;
import java.time.Instant;

/**
 * One version of a registered agent and its configuration (any JSON, or null), handed to the agent with every case of
 * a run of that version. Immutable once registered.
 *
 * @param createdAt when it was registered; null in a registration that is not stored yet
 */
public record AgentVersion(String version, JsonText configuration, Instant createdAt) {

    public static AgentVersion of(String version, JsonText configuration) {
        return new AgentVersion(version, configuration, null);
    }
}
