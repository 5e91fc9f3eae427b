package dev.ratchet.eval;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** Where a run is: in progress, done (whatever its cases did), or broken off by a failure of Ratchet itself. */
public enum RunStatus {
    RUNNING, COMPLETED, FAILED;

    @JsonValue
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    static Optional<RunStatus> parse(String wire) {
        return Arrays.stream(values()).filter(s -> s.wire().equals(wire)).findFirst();
    }
}
