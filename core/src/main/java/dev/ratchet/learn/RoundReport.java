package dev.ratchet.learn;

import java.util.List;
import java.util.Map;

/**
 * What one round of the learning loop did.
 *
 * @param round           the round's number, from 1
 * @param traces          traces read
 * @param accepted        answers the users accepted (verified examples)
 * @param corrected       answers the users corrected (failures)
 * @param quarantined     corrections held back because they contradict validated data (never learned from)
 * @param fixedByLayer    failures fixed, by the layer whose change fixed them ({@code memory}, {@code instructions},
 *                        {@code rules}, {@code weights})
 * @param unfixed         failures no candidate fixed; they stay failures of the traffic, not cases
 * @param candidates      every candidate tried, in order, promoted or not
 * @param version         the agent's current version after the round
 * @param evalSuccessRate the current version's success rate on the frozen eval suite
 * @param regressionCases cases in the regression suite after the round
 * @param regressions     regression cases that a promoted candidate broke (the gate lets none through, so 0 unless
 *                        the gate is misconfigured)
 * @param memoryItems     active items in the agent's memory after the round
 * @param quarantinedTraces the traces whose corrections were quarantined
 */
public record RoundReport(int round, int traces, int accepted, int corrected, int quarantined,
        Map<String, Integer> fixedByLayer, int unfixed, List<Candidate> candidates, String version,
        double evalSuccessRate, int regressionCases, int regressions, int memoryItems, List<String> quarantinedTraces) {

    /**
     * One candidate version: the layer it changed, whether the gate passed it, whether it was promoted, how many of
     * the round's failing cases it fixed, and the gate's reasons when it was refused.
     */
    public record Candidate(String version, String layer, boolean promoted, int fixed, double evalSuccessRate,
            List<String> reasons) {
    }

    /** The failures fixed per layer, by layer name, e.g. {@code instructions 1, memory 45}; "-" for none. */
    public String fixedSummary() {
        if (fixedByLayer.isEmpty()) {
            return "-";
        }
        StringBuilder b = new StringBuilder();
        new java.util.TreeMap<>(fixedByLayer).forEach((k, v) -> b.append(b.isEmpty() ? "" : ", ").append(k).append(' ').append(v));
        return b.toString();
    }

    /** The layers whose changes were promoted this round, in order, e.g. {@code memory+weights}; "-" for none. */
    public String promotedLayers() {
        List<String> l = candidates.stream().filter(Candidate::promoted).map(Candidate::layer).toList();
        return l.isEmpty() ? "-" : String.join("+", l);
    }
}
