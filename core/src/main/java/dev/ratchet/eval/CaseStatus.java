package dev.ratchet.eval;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** How a case ended in a run. Only {@code passed} passes; the others say why it did not. */
public enum CaseStatus {
    /** the agent answered and every expectation held */
    PASSED,
    /** the agent answered and an expectation failed */
    FAILED,
    /** the agent threw, answered with an error, or asked for a call its fixtures do not hold (strict replay) */
    ERROR,
    /** the agent did not answer within the run's per-case timeout */
    TIMEOUT;

    @JsonValue
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    static Optional<CaseStatus> parse(String wire) {
        return Arrays.stream(values()).filter(s -> s.wire().equals(wire)).findFirst();
    }
}
