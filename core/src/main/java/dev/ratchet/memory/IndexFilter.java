package dev.ratchet.memory;

import dev.ratchet.common.BadInputException;
import java.time.Instant;
import java.util.Set;

/**
 * Which documents a search may return. Every non-null field must match exactly; {@code project} is
 * required, so no search ever crosses projects. {@code users}, {@code sessions}, {@code kinds} and
 * {@code statuses} match any of their values (null or empty: any); a set of users lets the memory store ask
 * for "this user's items or the items shared by all users". {@code validAt}, when set, keeps only documents valid at that instant
 * ({@code validFrom <= validAt < validTo}), which is how expired items are excluded.
 *
 * <p>The filter is applied inside both searches (as a BM25 filter clause and as the HNSW query's
 * pre-filter), never to their results, so a filtered search still finds its {@code candidates} best.
 */
public record IndexFilter(
        String project,
        String agent,
        Set<String> users,
        Set<String> sessions,
        Set<String> kinds,
        Set<String> statuses,
        Instant validAt) {

    public IndexFilter {
        if (project == null || project.isEmpty()) {
            throw new BadInputException("filter.project", "must not be empty");
        }
        users = users == null ? Set.of() : Set.copyOf(users);
        sessions = sessions == null ? Set.of() : Set.copyOf(sessions);
        kinds = kinds == null ? Set.of() : Set.copyOf(kinds);
        statuses = statuses == null ? Set.of() : Set.copyOf(statuses);
    }

    /** Every document of the project, whatever its scope and validity. */
    public static IndexFilter project(String project) {
        return new IndexFilter(project, null, null, null, null, null, null);
    }

    public IndexFilter withAgent(String agent) {
        return new IndexFilter(project, agent, users, sessions, kinds, statuses, validAt);
    }

    /** Only this user's documents (null: any user). */
    public IndexFilter withUser(String user) {
        return withUsers(user == null ? Set.of() : Set.of(user));
    }

    /** Documents of any of these users (empty: any user). */
    public IndexFilter withUsers(Set<String> users) {
        return new IndexFilter(project, agent, users, sessions, kinds, statuses, validAt);
    }

    /** Only this session's documents (null: any session). */
    public IndexFilter withSession(String session) {
        return withSessions(session == null ? Set.of() : Set.of(session));
    }

    /** Documents of any of these sessions (empty: any session). */
    public IndexFilter withSessions(Set<String> sessions) {
        return new IndexFilter(project, agent, users, sessions, kinds, statuses, validAt);
    }

    public IndexFilter withKinds(Set<String> kinds) {
        return new IndexFilter(project, agent, users, sessions, kinds, statuses, validAt);
    }

    public IndexFilter withStatuses(Set<String> statuses) {
        return new IndexFilter(project, agent, users, sessions, kinds, statuses, validAt);
    }

    public IndexFilter validAt(Instant validAt) {
        return new IndexFilter(project, agent, users, sessions, kinds, statuses, validAt);
    }
}
