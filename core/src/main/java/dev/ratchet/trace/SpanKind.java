package dev.ratchet.trace;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** What a step of an agent did. A closed set: anything else is {@link #OTHER}. */
public enum SpanKind {
    AGENT, LLM, TOOL, RETRIEVAL, MEMORY, REASONING, GUARDRAIL, OTHER;

    @JsonValue
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<SpanKind> parse(String wire) {
        return Arrays.stream(values()).filter(k -> k.wire().equals(wire)).findFirst();
    }

    static String allowed() {
        return String.join(", ", Arrays.stream(values()).map(SpanKind::wire).toList());
    }
}
