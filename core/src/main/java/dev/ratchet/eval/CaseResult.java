package dev.ratchet.eval;

import dev.ratchet.common.JsonText;
import java.math.BigDecimal;
import java.util.List;

/**
 * One case of a run.
 *
 * @param position  the case's place in the suite version
 * @param score     the mean of the expectations' scores, 0 to 1 (0 when the agent gave no answer)
 * @param trace     the agent's own trace of the case, when it returned one as JSON
 * @param traceId   the id of the agent's trace, when it named one (e.g. a trace it sent to Ratchet)
 * @param reason    why it did not pass; null when it passed
 * @param cost      what the case cost: the agent's report, else the recorded cost of the fixtures it used
 * @param latencyMs wall time of the agent's answer
 * @param scores    each expectation's verdict, in order
 * @param calls     the calls the agent made through the fixtures, in order
 */
public record CaseResult(String caseId, int position, CaseStatus status, double score, JsonText output,
        JsonText trace, String traceId, String reason, BigDecimal cost, long latencyMs, List<Score> scores,
        List<Call> calls) {

    public CaseResult {
        scores = scores == null ? List.of() : List.copyOf(scores);
        calls = calls == null ? List.of() : List.copyOf(calls);
    }

    public boolean passed() {
        return status == CaseStatus.PASSED;
    }
}
