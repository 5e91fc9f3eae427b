package dev.ratchet.eval;

import java.time.Instant;
import java.util.List;

/**
 * The gate's decision and its evidence, stored and fetchable by id ({@link EvalStore#gate}).
 *
 * @param inputs             the request, with defaults filled in
 * @param reasons            why it passed or failed, one line per check
 * @param eval               the eval comparison
 * @param evalLowerBound     the one-sided lower confidence bound of candidate minus baseline success rate
 * @param regression         the regression comparison, when a baseline regression run was given
 * @param regressionsBroken  the regression cases the candidate broke (must be none to pass)
 */
public record GateVerdict(String id, boolean passed, List<String> reasons, GateRequest inputs, RunComparison eval,
        double evalLowerBound, RunComparison regression, List<String> regressionsBroken, Instant createdAt) {
}
