package dev.ratchet.common;

import java.security.SecureRandom;
import java.time.Clock;
import java.util.regex.Pattern;

/**
 * The one id scheme: 26-character, lexicographically time-ordered ids (48 bits of milliseconds then
 * 80 random bits, Crockford base32, lower case, as in ULID). Time order keeps B-tree inserts local;
 * randomness makes ids unguessable across projects. Client-supplied ids are accepted when they match
 * {@link #CLIENT_ID}, so an agent can name its traces before it talks to Ratchet.
 */
public final class Ids {

    /** What a client-supplied id may look like: 1 to 128 of letters, digits and {@code . _ : -}. */
    public static final Pattern CLIENT_ID = Pattern.compile("[A-Za-z0-9._:\\-]{1,128}");

    private static final char[] ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz".toCharArray();
    private static final SecureRandom RANDOM = new SecureRandom();

    private Ids() {
    }

    /** A new id for the current instant of {@code clock}. Thread-safe. */
    public static String newId(Clock clock) {
        long time = clock.millis();
        byte[] random = new byte[10];
        RANDOM.nextBytes(random);
        char[] out = new char[26];
        for (int i = 9; i >= 0; i--) {
            out[i] = ALPHABET[(int) (time & 31)];
            time >>>= 5;
        }
        // 80 random bits into 16 characters of 5 bits.
        long hi = 0;
        for (int i = 0; i < 5; i++) {
            hi = (hi << 8) | (random[i] & 0xff);
        }
        long lo = 0;
        for (int i = 5; i < 10; i++) {
            lo = (lo << 8) | (random[i] & 0xff);
        }
        for (int i = 17; i >= 10; i--) {
            out[i] = ALPHABET[(int) (hi & 31)];
            hi >>>= 5;
        }
        for (int i = 25; i >= 18; i--) {
            out[i] = ALPHABET[(int) (lo & 31)];
            lo >>>= 5;
        }
        return new String(out);
    }

    public static boolean isValidClientId(String id) {
        return id != null && CLIENT_ID.matcher(id).matches();
    }
}
