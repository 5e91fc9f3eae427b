package dev.ratchet.eval;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.ratchet.common.JsonText;
import java.time.Instant;

/**
 * One version of a registered agent: an immutable bundle of its layers as configuration (any JSON, or null), handed
 * to the agent with every case of a run of that version, with where it came from and why. Immutable once stored,
 * except that a candidate is decided once ({@link AgentRegistry#promote}, {@link AgentRegistry#reject}).
 *
 * <p>Written as JSON with every field, null where not set, so that its shape does not depend on its history.
 *
 * @param parent    the label of the version of the same agent this one changes; null for a root
 * @param layer     which layer this version changes ({@link AgentRegistry#LAYERS}); null when not said
 * @param evidence  what produced it (traces, feedback, cases, dataset version, eval runs, gate verdict), a JSON object
 * @param status    {@code registered} for a version added with its agent, else candidate, promoted or rejected
 * @param decision  why it was promoted or rejected (e.g. the gate verdict's id and reasons), a JSON object
 * @param createdAt when it was stored; null in a registration that is not stored yet
 * @param decidedAt when it was promoted or rejected; null while undecided
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
@JsonPropertyOrder({"version", "parent", "layer", "status", "configuration", "evidence", "decision", "createdAt",
        "decidedAt"})
public record AgentVersion(String version, JsonText configuration, String parent, String layer, JsonText evidence,
        VersionStatus status, JsonText decision, Instant createdAt, Instant decidedAt) {

    /** A registered version without lineage (how versions are added with their agent). */
    public AgentVersion(String version, JsonText configuration, Instant createdAt) {
        this(version, configuration, null, null, null, VersionStatus.REGISTERED, null, createdAt, null);
    }

    /** A version to register with its agent ({@link AgentRegistration}). */
    public static AgentVersion of(String version, JsonText configuration) {
        return new AgentVersion(version, configuration, null);
    }
}
