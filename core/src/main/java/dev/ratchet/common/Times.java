package dev.ratchet.common;

import java.time.Instant;

/** Instants as stored: epoch nanoseconds in a signed 64-bit column (OTLP's unit; good until 2262). */
public final class Times {

    private Times() {
    }

    public static long nanos(Instant t) {
        return Math.addExact(Math.multiplyExact(t.getEpochSecond(), 1_000_000_000L), t.getNano());
    }

    public static Long nanosOrNull(Instant t) {
        return t == null ? null : nanos(t);
    }

    public static Instant instant(long nanos) {
        return Instant.ofEpochSecond(Math.floorDiv(nanos, 1_000_000_000L), Math.floorMod(nanos, 1_000_000_000L));
    }
}
