package dev.ratchet.trace;

/** Tokens consumed by a model call or a whole trace; either count may be unknown (null). */
public record Usage(Long inputTokens, Long outputTokens) {

    public static Usage of(Long inputTokens, Long outputTokens) {
        return inputTokens == null && outputTokens == null ? null : new Usage(inputTokens, outputTokens);
    }
}
