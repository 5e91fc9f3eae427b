package dev.ratchet.memory;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * Where a memory item stands. Only {@link #ACTIVE} items are searched; the others are kept as history:
 * {@link #SUPERSEDED} by a newer item with the same key, {@link #EXPIRED} by capacity pruning, {@link
 * #REJECTED} by a reviewer (later).
 */
public enum MemoryStatus {
    ACTIVE,
    SUPERSEDED,
    EXPIRED,
    REJECTED;

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<MemoryStatus> parse(String wire) {
        return Arrays.stream(values()).filter(s -> s.wire().equals(wire)).findFirst();
    }
}
