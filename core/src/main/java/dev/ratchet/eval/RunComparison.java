package dev.ratchet.eval;

import java.util.List;

/**
 * Two runs of one suite version, case by case: the baseline (e.g. the current version) against the candidate.
 *
 * @param fixed             cases the baseline failed and the candidate passed
 * @param broken            cases the baseline passed and the candidate failed
 * @param unchangedPassing  cases both passed
 * @param unchangedFailing  cases both failed
 * @param difference        candidate success rate minus the baseline's
 * @param differenceInterval Newcombe's 95% interval of the difference (paired; {@link Statistics#newcombePaired})
 * @param mcnemarP          two-sided exact McNemar p-value on the fixed and broken counts
 * @param regressionRate    broken / cases the baseline passed (0 when it passed none): how much of what worked broke
 */
public record RunComparison(String baselineRunId, String candidateRunId, String suiteId, int suiteVersion,
        int cases, List<String> fixed, List<String> broken, List<String> unchangedPassing,
        List<String> unchangedFailing, double baselineSuccessRate, double candidateSuccessRate, double difference,
        Interval differenceInterval, double mcnemarP, double regressionRate) {
}
