package dev.ratchet.memory;

import java.time.Instant;

/**
 * An immutable record of which items (and which versions of them) were active in a scope at one moment.
 * {@code id} is derived from the scope and the content, so the same state always gives the same id.
 */
public record MemorySnapshot(String project, String id, String agent, String user, String session, Instant createdAt,
        int itemCount, String contentHash) {
}
