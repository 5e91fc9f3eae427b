package dev.ratchet.trace;

import dev.ratchet.common.BadInputException;
import java.time.Instant;

/**
 * Filters for listing traces. All filters are optional and combine with AND. {@code text} matches,
 * case-insensitively, anywhere in the input, output or error. Results come newest first by start time
 * (ties broken by id), a total order, so cursor pages neither skip nor repeat.
 *
 * @param cursor  the {@code nextCursor} of the previous page, or null for the first page
 */
public record TraceQuery(
        String agent,
        String version,
        String sessionId,
        String userId,
        Status status,
        Instant from,
        Instant to,
        String text,
        int limit,
        String cursor) {

    public static final int DEFAULT_LIMIT = 50;
    public static final int MAX_LIMIT = 1000;

    public TraceQuery {
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new BadInputException("limit", "must be between 1 and " + MAX_LIMIT);
        }
        if (from != null && to != null && from.isAfter(to)) {
            throw new BadInputException("from", "must not be after 'to'");
        }
        if (text != null && text.length() > 1000) {
            throw new BadInputException("text", "must be at most 1000 characters");
        }
    }

    public static TraceQuery all() {
        return new TraceQuery(null, null, null, null, null, null, null, null, DEFAULT_LIMIT, null);
    }

    public TraceQuery withCursor(String next) {
        return new TraceQuery(agent, version, sessionId, userId, status, from, to, text, limit, next);
    }
}
