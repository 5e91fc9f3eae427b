package dev.ratchet.eval;

import java.util.List;

/**
 * One scorer's verdict on one output.
 *
 * @param type   the scorer's type, e.g. {@code exact}
 * @param score  from 0 (worst) to 1 (best); for pass/fail scorers exactly 0 or 1
 * @param reason why it failed (or, for a judge, its rationale); null when there is nothing to say
 * @param parts  the verdicts of a composite's members, empty otherwise
 */
public record Score(String type, boolean passed, double score, String reason, List<Score> parts) {

    public Score {
        parts = parts == null ? List.of() : List.copyOf(parts);
    }

    static Score pass(String type) {
        return new Score(type, true, 1, null, List.of());
    }

    static Score fail(String type, String reason) {
        return new Score(type, false, 0, reason, List.of());
    }

    static Score of(String type, boolean passed, String failReason) {
        return passed ? pass(type) : fail(type, failReason);
    }
}
