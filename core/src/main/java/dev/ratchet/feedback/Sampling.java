package dev.ratchet.feedback;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Deterministic sampling by hash: the same key is always in or always out of a sample of a given size, on
 * every replica and after every restart, and samples of growing size contain the smaller ones.
 */
final class Sampling {

    private Sampling() {
    }

    /** The first 8 bytes of SHA-256 of the key's UTF-8, as an unsigned 64-bit number. */
    static long hash64(String key) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
            return ByteBuffer.wrap(digest, 0, 8).getLong();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JVM", e);
        }
    }

    /** Whether {@code key} falls in a sample of {@code percent} (0 to 100) percent, to 0.01 %. */
    static boolean inPercent(String key, double percent) {
        return Long.remainderUnsigned(hash64(key), 10_000) < percent * 100;
    }

    /** Whether {@code key} falls in a sample of share {@code rate} (0: never, 1: always). */
    static boolean inRate(String key, double rate) {
        double u = (hash64(key) >>> 11) * 0x1.0p-53; // uniform in [0, 1)
        return u < rate;
    }
}
