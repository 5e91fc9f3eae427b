package dev.ratchet.feedback;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** Who gave a signal: the agent's user, a human annotator, or a system (verifier, judge, pipeline). */
public enum FeedbackSource {
    END_USER, ANNOTATOR, SYSTEM;

    @JsonValue
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<FeedbackSource> parse(String wire) {
        return Arrays.stream(values()).filter(s -> s.wire().equals(wire)).findFirst();
    }
}
