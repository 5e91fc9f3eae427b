package dev.ratchet.eval;

/**
 * What the gate decides on: a candidate's runs against the baseline's, on the same suite versions.
 *
 * @param evalBaselineRunId        the baseline's run of an {@code eval} suite version (required)
 * @param evalCandidateRunId       the candidate's run of the same version (required)
 * @param regressionBaselineRunId  the baseline's run of a {@code regression} suite version; optional: without it,
 *                                 every regression case the candidate fails counts as broken
 * @param regressionCandidateRunId the candidate's run of that version; optional (no regression suite yet)
 * @param margin                   how much lower the candidate's eval success rate may be, 0 to 0.5; null for
 *                                 {@value EvalGate#DEFAULT_MARGIN}
 * @param alpha                    one-sided significance level of the non-inferiority test, (0, 0.5); null for
 *                                 {@value EvalGate#DEFAULT_ALPHA}
 * @param change                   what the candidate is (a version id, a proposal), kept with the evidence
 */
public record GateRequest(String evalBaselineRunId, String evalCandidateRunId, String regressionBaselineRunId,
        String regressionCandidateRunId, Double margin, Double alpha, String change) {

    public static GateRequest of(String evalBaseline, String evalCandidate, String regressionBaseline,
            String regressionCandidate) {
        return new GateRequest(evalBaseline, evalCandidate, regressionBaseline, regressionCandidate, null, null, null);
    }
}
