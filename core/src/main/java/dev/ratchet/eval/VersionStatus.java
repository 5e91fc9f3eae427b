package dev.ratchet.eval;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * Where an agent version stands on the path propose → verify → release. A version registered with its agent is
 * {@code registered}; one proposed as a change is a {@code candidate} until it is decided, once, as {@code promoted}
 * or {@code rejected} ({@link AgentRegistry}). A decided version never changes again.
 */
public enum VersionStatus {
    REGISTERED, CANDIDATE, PROMOTED, REJECTED;

    @JsonValue
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<VersionStatus> parse(String wire) {
        return Arrays.stream(values()).filter(s -> s.wire().equals(wire)).findFirst();
    }
}
