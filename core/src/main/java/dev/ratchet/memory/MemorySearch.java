package dev.ratchet.memory;

import java.util.Set;

/**
 * A search of an agent's memory: up to {@code k} (1 to {@link #MAX_K}) active, currently valid items, scored
 * at least {@code minScore} (0 to 1; null: any). With {@code user} (or {@code session}) given, that user's
 * items and the items shared by all users are searched; without, only the shared ones. {@code kinds}: null
 * or empty for any.
 */
public record MemorySearch(String query, String agent, String user, String session, Set<MemoryKind> kinds, int k,
        Double minScore) {

    public static final int MAX_K = 100;

    public MemorySearch {
        kinds = kinds == null ? Set.of() : Set.copyOf(kinds);
    }

    public static MemorySearch of(String agent, String query, int k) {
        return new MemorySearch(query, agent, null, null, null, k, null);
    }

    public MemorySearch withUser(String user) {
        return new MemorySearch(query, agent, user, session, kinds, k, minScore);
    }

    public MemorySearch withSession(String session) {
        return new MemorySearch(query, agent, user, session, kinds, k, minScore);
    }
}
