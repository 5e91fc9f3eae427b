package dev.ratchet.eval;

import java.time.Instant;

/** One entry of a suite's history: a case added in a version, or removed in one and why. */
public record SuiteChange(int version, String caseId, Action action, String reason, Instant at) {

    /** Added or removed. */
    public enum Action {
        ADDED, REMOVED;

        @com.fasterxml.jackson.annotation.JsonValue
        public String wire() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }
}
