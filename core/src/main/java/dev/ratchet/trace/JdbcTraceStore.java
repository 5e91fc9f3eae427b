package dev.ratchet.trace;

import static dev.ratchet.common.Times.instant;
import static dev.ratchet.common.Times.nanos;
import static dev.ratchet.common.Times.nanosOrNull;
import static java.sql.Types.BIGINT;
import static java.sql.Types.NUMERIC;
import static java.sql.Types.VARCHAR;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ratchet.common.BadInputException;
import dev.ratchet.common.Json;
import dev.ratchet.common.JsonText;
import dev.ratchet.store.Database;
import dev.ratchet.store.JdbcBatch;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.Query;
import org.jdbi.v3.core.statement.UnableToExecuteStatementException;

/**
 * {@link TraceStore} over a {@link Database}, the same SQL on SQLite and PostgreSQL. A batch is one
 * atomic write: two JDBC batches (traces, spans) of {@code INSERT .. ON CONFLICT DO UPDATE}, so a re-sent
 * trace merges instead of duplicating. Reads join the {@code outcomes} table (written by the feedback store)
 * for each trace's outcome and score; sorting by score orders every trace of the project that passes the
 * filters, so it costs a sort where the time order walks an index.
 */
public final class JdbcTraceStore implements TraceStore {

    private static final String UPSERT_TRACE = """
            INSERT INTO traces (project_id, id, agent, version, session_id, user_id, start_ns, end_ns, input,
                instructions, output, status, error, model, input_tokens, output_tokens, cost, latency_ms, tags,
                metadata, ingested_ns, updated_ns)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (project_id, id) DO UPDATE SET
                agent = COALESCE(excluded.agent, traces.agent),
                version = COALESCE(excluded.version, traces.version),
                session_id = COALESCE(excluded.session_id, traces.session_id),
                user_id = COALESCE(excluded.user_id, traces.user_id),
                start_ns = CASE WHEN excluded.start_ns < traces.start_ns THEN excluded.start_ns ELSE traces.start_ns END,
                end_ns = CASE WHEN traces.end_ns IS NULL OR excluded.end_ns > traces.end_ns
                              THEN COALESCE(excluded.end_ns, traces.end_ns) ELSE traces.end_ns END,
                input = COALESCE(excluded.input, traces.input),
                instructions = COALESCE(excluded.instructions, traces.instructions),
                output = COALESCE(excluded.output, traces.output),
                status = CASE WHEN excluded.status = 'unset' THEN traces.status ELSE excluded.status END,
                error = COALESCE(excluded.error, traces.error),
                model = COALESCE(excluded.model, traces.model),
                input_tokens = COALESCE(excluded.input_tokens, traces.input_tokens),
                output_tokens = COALESCE(excluded.output_tokens, traces.output_tokens),
                cost = COALESCE(excluded.cost, traces.cost),
                latency_ms = COALESCE(excluded.latency_ms, traces.latency_ms),
                tags = COALESCE(excluded.tags, traces.tags),
                metadata = COALESCE(excluded.metadata, traces.metadata),
                updated_ns = excluded.updated_ns
            """;

    private static final String UPSERT_SPAN = """
            INSERT INTO spans (project_id, trace_id, id, parent_id, kind, name, input, output, attributes, start_ns,
                end_ns, status, error, model, input_tokens, output_tokens, cost, tool_name, tool_call_id)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (project_id, trace_id, id) DO UPDATE SET
                parent_id = excluded.parent_id, kind = excluded.kind, name = excluded.name, input = excluded.input,
                output = excluded.output, attributes = excluded.attributes, start_ns = excluded.start_ns,
                end_ns = excluded.end_ns, status = excluded.status, error = excluded.error, model = excluded.model,
                input_tokens = excluded.input_tokens, output_tokens = excluded.output_tokens, cost = excluded.cost,
                tool_name = excluded.tool_name, tool_call_id = excluded.tool_call_id
            """;

    private static final String TRACE_COLUMNS = """
            t.id, t.agent, t.version, t.session_id, t.user_id, t.start_ns, t.end_ns, t.input, t.instructions,
            t.output, t.status, t.error, t.model, t.input_tokens, t.output_tokens, t.cost, t.latency_ms, t.tags,
            t.metadata, (SELECT COUNT(*) FROM spans s WHERE s.project_id = t.project_id AND s.trace_id = t.id) AS span_count,
            o.status AS outcome_status, o.score AS outcome_score
            """;

    /** Traces with their outcome, if feedback gave them one (the outcomes table belongs to the feedback store). */
    private static final String TRACES_WITH_OUTCOMES =
            " FROM traces t LEFT JOIN outcomes o ON o.project_id = t.project_id AND o.trace_id = t.id";

    /** The score a listing sorts by: a trace without feedback counts as 0, neither good nor bad. */
    private static final String SCORE = "COALESCE(o.score, 0)";

    private final Database db;
    private final Clock clock;

    public JdbcTraceStore(Database db, Clock clock) {
        this.db = db;
        this.clock = clock;
    }

    /** SQL types of the UPSERT_TRACE parameters, in order, for binding nulls portably. */
    private static final int[] TRACE_TYPES = {VARCHAR, VARCHAR, VARCHAR, VARCHAR, VARCHAR, VARCHAR, BIGINT, BIGINT,
            VARCHAR, VARCHAR, VARCHAR, VARCHAR, VARCHAR, VARCHAR, BIGINT, BIGINT, NUMERIC, BIGINT, VARCHAR, VARCHAR,
            BIGINT, BIGINT};
    private static final int[] SPAN_TYPES = {VARCHAR, VARCHAR, VARCHAR, VARCHAR, VARCHAR, VARCHAR, VARCHAR, VARCHAR,
            VARCHAR, BIGINT, BIGINT, VARCHAR, VARCHAR, VARCHAR, BIGINT, BIGINT, NUMERIC, VARCHAR, VARCHAR};

    /**
     * {@inheritDoc}
     *
     * <p>The row values (JSON serialised to text included) are prepared on the calling thread, so that
     * the single-writer section does nothing but execute two JDBC batches.
     */
    @Override
    public IngestResult ingest(String projectId, List<Trace> traces) {
        long now = nanos(clock.instant());
        List<String> ids = new ArrayList<>(traces.size());
        List<Object[]> traceRows = new ArrayList<>(traces.size());
        List<Object[]> spanRows = new ArrayList<>();
        for (Trace t : traces) {
            ids.add(t.id());
            traceRows.add(traceRow(projectId, t, now));
            if (t.spans() != null) {
                for (Span s : t.spans()) {
                    spanRows.add(spanRow(projectId, t.id(), s));
                }
            }
        }
        db.write(h -> {
            Connection c = h.getConnection();
            try {
                JdbcBatch.execute(c, UPSERT_TRACE, TRACE_TYPES, traceRows);
                JdbcBatch.execute(c, UPSERT_SPAN, SPAN_TYPES, spanRows);
            } catch (SQLException e) {
                throw new UnableToExecuteStatementException(e, null);
            }
            return null;
        });
        return new IngestResult(List.copyOf(ids), spanRows.size());
    }

    private static Object[] traceRow(String projectId, Trace t, long now) {
        Usage u = t.usage();
        return new Object[] {projectId, t.id(), t.agent(), t.version(), t.sessionId(), t.userId(),
                nanos(t.startTime()), nanosOrNull(t.endTime()), jsonOrNull(t.input()), jsonOrNull(t.instructions()),
                jsonOrNull(t.output()), t.status().wire(), t.error(), t.model(),
                u == null ? null : u.inputTokens(), u == null ? null : u.outputTokens(), t.cost(), t.latencyMs(),
                t.tags() == null ? null : Json.write(t.tags()), jsonOrNull(t.metadata()), now, now};
    }

    private static Object[] spanRow(String projectId, String traceId, Span s) {
        Usage u = s.usage();
        return new Object[] {projectId, traceId, s.id(), s.parentId(), s.kind().wire(), s.name(),
                jsonOrNull(s.input()), jsonOrNull(s.output()), jsonOrNull(s.attributes()), nanos(s.startTime()),
                nanosOrNull(s.endTime()), s.status().wire(), s.error(), s.model(),
                u == null ? null : u.inputTokens(), u == null ? null : u.outputTokens(), s.cost(), s.toolName(),
                s.toolCallId()};
    }

    @Override
    public Optional<Trace> get(String projectId, String traceId) {
        return db.read(h -> {
            Optional<Trace> trace = h.createQuery("SELECT " + TRACE_COLUMNS + TRACES_WITH_OUTCOMES
                            + " WHERE t.project_id = :project AND t.id = :id")
                    .bind("project", projectId)
                    .bind("id", traceId)
                    .map((rs, ctx) -> readTrace(rs))
                    .findOne();
            return trace.map(t -> t.withSpans(spans(h, projectId, traceId)));
        });
    }

    private static List<Span> spans(Handle h, String projectId, String traceId) {
        return h.createQuery("""
                        SELECT id, parent_id, kind, name, input, output, attributes, start_ns, end_ns, status, error,
                               model, input_tokens, output_tokens, cost, tool_name, tool_call_id
                        FROM spans WHERE project_id = :project AND trace_id = :trace
                        ORDER BY start_ns, id""")
                .bind("project", projectId)
                .bind("trace", traceId)
                .map((rs, ctx) -> new Span(
                        rs.getString("id"),
                        rs.getString("parent_id"),
                        SpanKind.parse(rs.getString("kind")).orElse(SpanKind.OTHER),
                        rs.getString("name"),
                        JsonText.ofValid(rs.getString("input")),
                        JsonText.ofValid(rs.getString("output")),
                        JsonText.ofValid(rs.getString("attributes")),
                        instant(rs.getLong("start_ns")),
                        instantOrNull(rs, "end_ns"),
                        Status.parse(rs.getString("status")).orElse(Status.UNSET),
                        rs.getString("error"),
                        rs.getString("model"),
                        Usage.of(longOrNull(rs, "input_tokens"), longOrNull(rs, "output_tokens")),
                        rs.getBigDecimal("cost"),
                        rs.getString("tool_name"),
                        rs.getString("tool_call_id")))
                .list();
    }

    @Override
    public TracePage list(String projectId, TraceQuery q) {
        StringBuilder sql = new StringBuilder("SELECT " + TRACE_COLUMNS + TRACES_WITH_OUTCOMES
                + " WHERE t.project_id = :project");
        if (q.agent() != null) {
            sql.append(" AND t.agent = :agent");
        }
        if (q.version() != null) {
            sql.append(" AND t.version = :version");
        }
        if (q.sessionId() != null) {
            sql.append(" AND t.session_id = :session");
        }
        if (q.userId() != null) {
            sql.append(" AND t.user_id = :user");
        }
        if (q.status() != null) {
            sql.append(" AND t.status = :status");
        }
        if (q.from() != null) {
            sql.append(" AND t.start_ns >= :from");
        }
        if (q.to() != null) {
            sql.append(" AND t.start_ns < :to");
        }
        if (q.text() != null && !q.text().isBlank()) {
            sql.append(" AND (LOWER(t.input) LIKE :text ESCAPE '!' OR LOWER(t.output) LIKE :text ESCAPE '!'"
                    + " OR LOWER(t.error) LIKE :text ESCAPE '!')");
        }
        if (q.outcome() != null) {
            sql.append(q.outcome().equals("unknown")
                    ? " AND (o.status IS NULL OR o.status = :outcome)"
                    : " AND o.status = :outcome");
        }
        TraceQuery.Sort sort = q.sort();
        Cursor cursor = q.cursor() == null ? null : Cursor.decode(q.cursor(), sort);
        if (cursor != null) {
            String afterInTime = "(t.start_ns < :cStart OR (t.start_ns = :cStart AND t.id < :cId))";
            switch (sort) {
                // start_ns alone as a bound the time index can seek, so a late page does not scan the earlier ones
                case TIME -> sql.append(" AND t.start_ns <= :cStart AND (t.start_ns < :cStart OR t.id < :cId)");
                case SCORE_ASC -> sql.append(" AND (" + SCORE + " > :cScore OR (" + SCORE + " = :cScore AND "
                        + afterInTime + "))");
                case SCORE_DESC -> sql.append(" AND (" + SCORE + " < :cScore OR (" + SCORE + " = :cScore AND "
                        + afterInTime + "))");
            }
        }
        sql.append(switch (sort) {
            case TIME -> " ORDER BY t.start_ns DESC, t.id DESC";
            case SCORE_ASC -> " ORDER BY " + SCORE + " ASC, t.start_ns DESC, t.id DESC";
            case SCORE_DESC -> " ORDER BY " + SCORE + " DESC, t.start_ns DESC, t.id DESC";
        });
        sql.append(" LIMIT :limit");
        List<Trace> rows = db.read(h -> {
            Query query = h.createQuery(sql.toString())
                    .bind("project", projectId)
                    .bind("agent", q.agent())
                    .bind("version", q.version())
                    .bind("session", q.sessionId())
                    .bind("user", q.userId())
                    .bind("status", q.status() == null ? null : q.status().wire())
                    .bind("from", q.from() == null ? null : nanos(q.from()))
                    .bind("to", q.to() == null ? null : nanos(q.to()))
                    .bind("text", q.text() == null ? null : "%" + likeEscape(q.text().toLowerCase(java.util.Locale.ROOT)) + "%")
                    .bind("outcome", q.outcome())
                    .bind("cScore", cursor == null ? null : cursor.score())
                    .bind("cStart", cursor == null ? null : cursor.startNs())
                    .bind("cId", cursor == null ? null : cursor.id())
                    .bind("limit", q.limit() + 1);
            return query.map((rs, ctx) -> readTrace(rs)).list();
        });
        String next = null;
        if (rows.size() > q.limit()) {
            rows = rows.subList(0, q.limit());
            Trace last = rows.get(rows.size() - 1);
            next = new Cursor(sort, last.score() == null ? 0.0 : last.score(), nanos(last.startTime()), last.id())
                    .encode();
        }
        return new TracePage(List.copyOf(rows), next);
    }

    private static Trace readTrace(ResultSet rs) throws SQLException {
        Instant start = instant(rs.getLong("start_ns"));
        Instant end = instantOrNull(rs, "end_ns");
        Long latency = longOrNull(rs, "latency_ms");
        if (latency == null && end != null) {
            latency = java.time.Duration.between(start, end).toMillis();
        }
        JsonNode tags = Json.readTree(rs.getString("tags"));
        return new Trace(
                rs.getString("id"),
                rs.getString("agent"),
                rs.getString("version"),
                rs.getString("session_id"),
                rs.getString("user_id"),
                start,
                end,
                JsonText.ofValid(rs.getString("input")),
                JsonText.ofValid(rs.getString("instructions")),
                JsonText.ofValid(rs.getString("output")),
                Status.parse(rs.getString("status")).orElse(Status.UNSET),
                rs.getString("error"),
                rs.getString("model"),
                Usage.of(longOrNull(rs, "input_tokens"), longOrNull(rs, "output_tokens")),
                rs.getBigDecimal("cost"),
                latency,
                tags == null ? null : Json.MAPPER.convertValue(tags,
                        Json.MAPPER.getTypeFactory().constructCollectionType(List.class, String.class)),
                JsonText.ofValid(rs.getString("metadata")),
                rs.getInt("span_count"),
                rs.getString("outcome_status"),
                doubleOrNull(rs, "outcome_score"),
                null);
    }

    /**
     * An opaque position in a listing's order: base64url of {@code "t:startNs:id"} (time) or
     * {@code "sa:score:startNs:id"} / {@code "sd:score:startNs:id"} (score ascending, descending). The sort is
     * part of the cursor so that a cursor is never applied to an order it does not describe.
     */
    record Cursor(TraceQuery.Sort sort, double score, long startNs, String id) {

        private static String code(TraceQuery.Sort sort) {
            return switch (sort) {
                case TIME -> "t";
                case SCORE_ASC -> "sa";
                case SCORE_DESC -> "sd";
            };
        }

        String encode() {
            String text = sort == TraceQuery.Sort.TIME
                    ? code(sort) + ":" + startNs + ":" + id
                    : code(sort) + ":" + score + ":" + startNs + ":" + id;
            return Base64.getUrlEncoder().withoutPadding().encodeToString(text.getBytes(StandardCharsets.UTF_8));
        }

        /** The cursor, which must have come from a listing in {@code expected} order. */
        static Cursor decode(String text, TraceQuery.Sort expected) {
            Cursor c;
            try {
                String s = new String(Base64.getUrlDecoder().decode(text), StandardCharsets.UTF_8);
                String[] parts = s.split(":", s.startsWith("t:") ? 3 : 4); // an id may contain ':'
                TraceQuery.Sort sort = java.util.Arrays.stream(TraceQuery.Sort.values())
                        .filter(v -> code(v).equals(parts[0])).findFirst().orElseThrow();
                boolean time = sort == TraceQuery.Sort.TIME;
                double score = time ? 0 : Double.parseDouble(parts[1]);
                if (!Double.isFinite(score) || parts.length != (time ? 3 : 4)) {
                    throw new IllegalArgumentException("not a cursor");
                }
                c = new Cursor(sort, score, Long.parseLong(parts[time ? 1 : 2]), parts[time ? 2 : 3]);
            } catch (RuntimeException e) {
                throw new BadInputException("cursor", "not a cursor returned by this API");
            }
            if (c.sort != expected) {
                throw new BadInputException("cursor", "this cursor pages a listing sorted by '" + c.sort.wire()
                        + "', not by '" + expected.wire() + "'; start again without a cursor");
            }
            return c;
        }
    }

    private static String likeEscape(String text) {
        return text.replace("!", "!!").replace("%", "!%").replace("_", "!_");
    }

    private static String jsonOrNull(JsonText value) {
        return value == null ? null : value.text();
    }

    private static Instant instantOrNull(ResultSet rs, String column) throws SQLException {
        long v = rs.getLong(column);
        return rs.wasNull() ? null : instant(v);
    }

    private static Double doubleOrNull(ResultSet rs, String column) throws SQLException {
        double v = rs.getDouble(column);
        return rs.wasNull() ? null : v;
    }

    private static Long longOrNull(ResultSet rs, String column) throws SQLException {
        long v = rs.getLong(column);
        return rs.wasNull() ? null : v;
    }
}
