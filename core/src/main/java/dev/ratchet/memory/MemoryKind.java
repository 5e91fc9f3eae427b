package dev.ratchet.memory;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/** What a memory item is: a fact, a user's preference, a correction of a past mistake, a procedure, an example. */
public enum MemoryKind {
    FACT,
    PREFERENCE,
    CORRECTION,
    PROCEDURE,
    EXAMPLE;

    /** The lower-case name stored and sent on the wire. */
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The kind with this wire name; empty when there is none (or {@code wire} is null). */
    public static Optional<MemoryKind> parse(String wire) {
        return Arrays.stream(values()).filter(k -> k.wire().equals(wire)).findFirst();
    }

    /** The wire names, comma-separated, for error messages. */
    static String names() {
        return Arrays.stream(values()).map(MemoryKind::wire).collect(Collectors.joining(", "));
    }
}
