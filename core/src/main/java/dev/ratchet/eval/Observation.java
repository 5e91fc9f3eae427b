package dev.ratchet.eval;

import dev.ratchet.common.JsonText;
import java.math.BigDecimal;
import java.util.List;

/**
 * What scorers judge: one case, what the agent answered and how it got there.
 *
 * @param input     the case's input
 * @param expected  the case's expected output, may be null
 * @param output    the agent's output, may be null
 * @param calls     the calls the agent made, in order
 * @param latencyMs how long the agent took
 * @param cost      what the case cost, if known
 */
public record Observation(JsonText input, JsonText expected, JsonText output, List<Call> calls, long latencyMs,
        BigDecimal cost) {

    public Observation {
        calls = calls == null ? List.of() : List.copyOf(calls);
    }
}
