package dev.ratchet.memory;

import dev.ratchet.common.JsonText;
import java.time.Duration;
import java.time.Instant;

/**
 * A request to remember one item. Required: {@code agent}, {@code kind} (a {@link MemoryKind} wire name),
 * {@code text} (non-blank, at most {@link #MAX_TEXT} characters). Optional: {@code user} and {@code
 * session} (narrow the scope), {@code key} (at most {@link #MAX_KEY} characters: a later write with the same
 * key in the same scope supersedes this one), {@code value} (JSON), {@code provenance}, either {@code ttl}
 * (positive) or {@code validTo} (in the future), and {@code idempotencyKey} (a retry with the same key
 * stores nothing new).
 */
public record MemoryWrite(
        String agent,
        String user,
        String session,
        String kind,
        String text,
        String key,
        JsonText value,
        Provenance provenance,
        Duration ttl,
        Instant validTo,
        String idempotencyKey) {

    public static final int MAX_TEXT = 8_000;
    public static final int MAX_KEY = 256;

    public MemoryWrite {
        provenance = provenance == null ? Provenance.none() : provenance;
    }

    /** The usual case: an agent-wide item of a kind with its text and nothing else. */
    public static MemoryWrite of(String agent, MemoryKind kind, String text) {
        return new MemoryWrite(agent, null, null, kind.wire(), text, null, null, null, null, null, null);
    }

    public MemoryWrite withUser(String user) {
        return new MemoryWrite(agent, user, session, kind, text, key, value, provenance, ttl, validTo, idempotencyKey);
    }

    public MemoryWrite withSession(String session) {
        return new MemoryWrite(agent, user, session, kind, text, key, value, provenance, ttl, validTo, idempotencyKey);
    }

    public MemoryWrite withKey(String key, JsonText value) {
        return new MemoryWrite(agent, user, session, kind, text, key, value, provenance, ttl, validTo, idempotencyKey);
    }

    public MemoryWrite withProvenance(Provenance provenance) {
        return new MemoryWrite(agent, user, session, kind, text, key, value, provenance, ttl, validTo, idempotencyKey);
    }

    public MemoryWrite withTtl(Duration ttl) {
        return new MemoryWrite(agent, user, session, kind, text, key, value, provenance, ttl, validTo, idempotencyKey);
    }

    public MemoryWrite withIdempotencyKey(String idempotencyKey) {
        return new MemoryWrite(agent, user, session, kind, text, key, value, provenance, ttl, validTo, idempotencyKey);
    }
}
