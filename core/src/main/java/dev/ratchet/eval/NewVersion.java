package dev.ratchet.eval;

import dev.ratchet.common.JsonText;

/**
 * A change to an agent, proposed as a candidate version ({@link AgentRegistry#propose}).
 *
 * @param version       the new version's label: 1 to 128 of letters, digits and {@code . _ : -}, new for the agent
 * @param configuration the whole bundle of layers (model and adapter weights by content hash, instructions, rules,
 *                      tools, memory snapshot id, parameters), required; handed to the agent in every run of it
 * @param parent        the label of the version it changes, an existing version of the same agent; null for a root
 * @param layer         which layer it changes, one of {@link AgentRegistry#LAYERS}; null when not said
 * @param evidence      what produced it, a JSON object (e.g. {@code traces}, {@code feedback}, {@code cases},
 *                      {@code datasetVersion}, {@code evalRuns}, {@code gate}); null when there is none
 */
public record NewVersion(String version, JsonText configuration, String parent, String layer, JsonText evidence) {
}
