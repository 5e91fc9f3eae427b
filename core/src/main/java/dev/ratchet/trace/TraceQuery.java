package dev.ratchet.trace;

import com.fasterxml.jackson.annotation.JsonValue;
import dev.ratchet.common.BadInputException;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Filters for listing traces. All filters are optional and combine with AND. {@code text} matches,
 * case-insensitively, anywhere in the input, output or error. Results come in the order {@code sort}
 * names, always completed to a total order (start time desc, then id desc), so cursor pages neither skip
 * nor repeat.
 *
 * @param outcome the outcome status derived from feedback ({@code success}, {@code failure}, {@code disputed},
 *                {@code unknown}); {@code unknown} also matches traces that have no feedback at all
 * @param sort    the order; null means {@link Sort#TIME}
 * @param cursor  the {@code nextCursor} of the previous page of the same listing, or null for the first page
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
        String outcome,
        Sort sort,
        int limit,
        String cursor) {

    public static final int DEFAULT_LIMIT = 50;
    public static final int MAX_LIMIT = 1000;

    /**
     * The outcome statuses a trace can be listed by: the wire names of {@code feedback.OutcomeStatus}, kept
     * here as strings because capture comes before feedback in the loop and must not depend on it.
     */
    public static final List<String> OUTCOMES = List.of("success", "failure", "disputed", "unknown");

    /** Orders of a listing. Every order ends with start time desc, then id desc. */
    public enum Sort {
        /** Newest first. */
        TIME,
        /** Worst outcome first; traces without feedback count as score 0. */
        SCORE_ASC,
        /** Best outcome first; traces without feedback count as score 0. */
        SCORE_DESC;

        @JsonValue
        public String wire() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static Optional<Sort> parse(String wire) {
            return Arrays.stream(values()).filter(s -> s.wire().equals(wire)).findFirst();
        }

        /** The sort a request parameter names; null is {@link #TIME}, anything unknown is bad input on {@code sort}. */
        public static Sort fromWire(String wire) {
            if (wire == null) {
                return TIME;
            }
            return parse(wire).orElseThrow(() -> new BadInputException("sort", "unknown sort '" + wire + "'; one of "
                    + String.join(", ", Arrays.stream(values()).map(Sort::wire).toList())));
        }
    }

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
        if (outcome != null && !OUTCOMES.contains(outcome)) {
            throw new BadInputException("outcome", "unknown outcome '" + outcome + "'; one of " + String.join(", ", OUTCOMES));
        }
        if (sort == null) {
            sort = Sort.TIME;
        }
    }

    /** A query without outcome filter, newest first (the form before outcomes existed). */
    public TraceQuery(String agent, String version, String sessionId, String userId, Status status, Instant from,
            Instant to, String text, int limit, String cursor) {
        this(agent, version, sessionId, userId, status, from, to, text, null, Sort.TIME, limit, cursor);
    }

    public static TraceQuery all() {
        return new TraceQuery(null, null, null, null, null, null, null, null, null, Sort.TIME, DEFAULT_LIMIT, null);
    }

    public TraceQuery withCursor(String next) {
        return new TraceQuery(agent, version, sessionId, userId, status, from, to, text, outcome, sort, limit, next);
    }
}
