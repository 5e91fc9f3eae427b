package dev.ratchet.eval;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** The calls an agent makes that replay serves from fixtures: tools, retrievals, model calls (span kinds of the same name). */
public enum CallKind {
    TOOL, RETRIEVAL, LLM;

    @JsonValue
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<CallKind> parse(String wire) {
        return Arrays.stream(values()).filter(k -> k.wire().equals(wire)).findFirst();
    }

    static String allowed() {
        return String.join(", ", Arrays.stream(values()).map(CallKind::wire).toList());
    }
}
