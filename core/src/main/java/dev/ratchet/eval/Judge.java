package dev.ratchet.eval;

import dev.ratchet.common.JsonText;

/**
 * A model that grades an output against a rubric, for {@code llm_judge} expectations. Implementations are
 * thread-safe: a run scores cases concurrently.
 */
public interface Judge {

    /**
     * Grades {@code output}.
     *
     * @param model    the model the expectation asks for; null for the judge's default
     * @param expected the case's expected output, may be null
     * @throws JudgeException when the model cannot be reached or its answer is not a verdict
     */
    Verdict judge(String model, String rubric, JsonText input, JsonText output, JsonText expected);

    /** A score from 0 to 1 and why. */
    record Verdict(double score, String rationale) {
    }

    /** The judge failed to judge; the expectation fails with this message. */
    final class JudgeException extends RuntimeException {
        public JudgeException(String message) {
            super(message);
        }

        public JudgeException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
