package dev.ratchet.memory;

import dev.ratchet.common.BadInputException;
import java.time.Instant;
import java.util.Set;

/**
 * Which documents a search may return. Every non-null field must match exactly; {@code project} is
 * required, so no search ever crosses projects. {@code kinds} and {@code statuses} match any of their
 * values (null or empty: any). {@code validAt}, when set, keeps only documents valid at that instant
 * ({@code validFrom <= validAt < validTo}), which is how expired items are excluded.
 *
 * <p>The filter is applied inside both searches (as a BM25 filter clause and as the HNSW query's
 * pre-filter), never to their results, so a filtered search still finds its {@code candidates} best.
 */
public record IndexFilter(
        String project,
        String agent,
        String user,
        String session,
        Set<String> kinds,
        Set<String> statuses,
        Instant validAt) {

    public IndexFilter {
        if (project == null || project.isEmpty()) {
            throw new BadInputException("filter.project", "must not be empty");
        }
        kinds = kinds == null ? Set.of() : Set.copyOf(kinds);
        statuses = statuses == null ? Set.of() : Set.copyOf(statuses);
    }

    /** Every document of the project, whatever its scope and validity. */
    public static IndexFilter project(String project) {
        return new IndexFilter(project, null, null, null, null, null, null);
    }

    public IndexFilter withAgent(String agent) {
        return new IndexFilter(project, agent, user, session, kinds, statuses, validAt);
    }

    public IndexFilter withUser(String user) {
        return new IndexFilter(project, agent, user, session, kinds, statuses, validAt);
    }

    public IndexFilter withSession(String session) {
        return new IndexFilter(project, agent, user, session, kinds, statuses, validAt);
    }

    public IndexFilter withKinds(Set<String> kinds) {
        return new IndexFilter(project, agent, user, session, kinds, statuses, validAt);
    }

    public IndexFilter withStatuses(Set<String> statuses) {
        return new IndexFilter(project, agent, user, session, kinds, statuses, validAt);
    }

    public IndexFilter validAt(Instant validAt) {
        return new IndexFilter(project, agent, user, session, kinds, statuses, validAt);
    }
}
