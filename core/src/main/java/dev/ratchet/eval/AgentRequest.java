package dev.ratchet.eval;

import dev.ratchet.common.JsonText;

/**
 * One case as an agent under test receives it.
 *
 * @param configuration the configuration of the agent version under test (from the run); may be null
 * @param context       the memory snapshot and documents the case was recorded with
 */
public record AgentRequest(String runId, String caseId, JsonText input, JsonText configuration, CaseContext context) {
}
