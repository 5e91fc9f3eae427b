package dev.ratchet.eval;

import dev.ratchet.common.JsonText;

/**
 * A call the agent made during a case, as replay saw it: what was asked and how it was answered.
 *
 * @param source where the answer came from
 */
public record Call(CallKind kind, String name, JsonText request, Source source) {

    /** How a call was answered. */
    public enum Source {
        /** from the case's fixtures */
        FIXTURE,
        /** made live, because the run allowed it and no fixture matched */
        LIVE,
        /** not answered: no fixture matched and the run was strict (the case fails) */
        MISSING;

        @com.fasterxml.jackson.annotation.JsonValue
        public String wire() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }
}
