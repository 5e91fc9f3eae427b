package dev.ratchet.eval;

import dev.ratchet.common.JsonText;
import java.math.BigDecimal;

/**
 * What an agent under test answered.
 *
 * @param output  its answer, scored by the case's expectations
 * @param trace   its own trace of the case as JSON, if it keeps one (stored with the result)
 * @param traceId the id of its trace, if it sent one elsewhere (e.g. to Ratchet)
 * @param cost    what answering cost, if it knows; else the recorded cost of the fixtures it used is taken
 * @param error   set when the agent reports that it failed (the HTTP contract's way to throw)
 */
public record AgentAnswer(JsonText output, JsonText trace, String traceId, BigDecimal cost, String error) {

    public static AgentAnswer of(JsonText output) {
        return new AgentAnswer(output, null, null, null, null);
    }
}
