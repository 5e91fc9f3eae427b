package dev.ratchet.bench;

import static dev.ratchet.common.Times.nanos;
import static dev.ratchet.common.Times.nanosOrNull;

import dev.ratchet.common.Json;
import dev.ratchet.common.JsonText;
import dev.ratchet.store.Database;
import dev.ratchet.trace.Span;
import dev.ratchet.trace.Trace;
import dev.ratchet.trace.Usage;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import org.jdbi.v3.core.Handle;

/**
 * The baseline: the rows the store would write, written the cheapest reasonable way. Plain {@code INSERT}
 * through two prepared statements kept open, {@code addBatch}/{@code executeBatch}, one transaction per
 * batch, one thread, column values prepared beforehand (JSON already text). The database is opened by
 * the production {@link Database} code, so the schema (same Flyway migration) and the pragmas
 * ({@code journal_mode=WAL}, {@code synchronous=FULL}) are the ones the server runs with; {@link #open}
 * checks both on the connection it uses. Not thread-safe.
 */
final class RawInsert implements AutoCloseable {

    static final String INSERT_TRACE = """
            INSERT INTO traces (project_id, id, agent, version, session_id, user_id, start_ns, end_ns, input,
                instructions, output, status, error, model, input_tokens, output_tokens, cost, latency_ms, tags,
                metadata, ingested_ns, updated_ns)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""";

    static final String INSERT_SPAN = """
            INSERT INTO spans (project_id, trace_id, id, parent_id, kind, name, input, output, attributes, start_ns,
                end_ns, status, error, model, input_tokens, output_tokens, cost, tool_name, tool_call_id)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""";

    private final Database db;
    private final Handle handle;
    private final Connection connection;
    private final PreparedStatement traceInsert;
    private final PreparedStatement spanInsert;
    private final String pragmas;

    private RawInsert(Database db, Handle handle, Connection connection, PreparedStatement traceInsert,
            PreparedStatement spanInsert, String pragmas) {
        this.db = db;
        this.handle = handle;
        this.connection = connection;
        this.traceInsert = traceInsert;
        this.spanInsert = spanInsert;
        this.pragmas = pragmas;
    }

    /**
     * Creates and migrates a database in {@code dataDir} and prepares the inserts.
     *
     * @throws IllegalStateException if the connection does not run with WAL and {@code synchronous=FULL},
     *                               which would make the baseline incomparable
     */
    static RawInsert open(Path dataDir) throws SQLException {
        Database db = Database.embedded(dataDir);
        Handle handle = null;
        try {
            handle = db.open();
            Connection c = handle.getConnection();
            String journal = pragma(c, "journal_mode");
            String synchronous = pragma(c, "synchronous");
            if (!journal.equalsIgnoreCase("wal") || !synchronous.equals("2")) {
                throw new IllegalStateException("baseline connection runs with journal_mode=" + journal
                        + ", synchronous=" + synchronous + "; expected wal and 2 (FULL) as in production");
            }
            c.setAutoCommit(false);
            return new RawInsert(db, handle, c, c.prepareStatement(INSERT_TRACE), c.prepareStatement(INSERT_SPAN),
                    "journal_mode=" + journal + ", synchronous=" + synchronous + " (FULL)");
        } catch (SQLException | RuntimeException e) {
            if (handle != null) {
                handle.close();
            }
            db.close();
            throw e;
        }
    }

    /** The pragmas checked on the connection, for the report. */
    String pragmas() {
        return pragmas;
    }

    /** Inserts one batch in one transaction; durable when this returns. */
    void insert(Batch batch, long nowNanos) throws SQLException {
        for (Object[] row : batch.traceRows()) {
            bindAll(traceInsert, row);
            traceInsert.setLong(row.length + 1, nowNanos);
            traceInsert.setLong(row.length + 2, nowNanos);
            traceInsert.addBatch();
        }
        traceInsert.executeBatch();
        for (Object[] row : batch.spanRows()) {
            bindAll(spanInsert, row);
            spanInsert.addBatch();
        }
        spanInsert.executeBatch();
        connection.commit();
    }

    /** The trace columns up to {@code metadata}, valued exactly as {@code JdbcTraceStore} binds them. */
    static Object[] traceRow(String projectId, Trace t) {
        Usage u = t.usage();
        return new Object[] {
            projectId, t.id(), t.agent(), t.version(), t.sessionId(), t.userId(),
            nanos(t.startTime()), nanosOrNull(t.endTime()),
            jsonOrNull(t.input()), jsonOrNull(t.instructions()), jsonOrNull(t.output()),
            t.status().wire(), t.error(), t.model(),
            u == null ? null : u.inputTokens(), u == null ? null : u.outputTokens(),
            t.cost(), t.latencyMs(),
            t.tags() == null ? null : Json.write(t.tags()), jsonOrNull(t.metadata()),
        };
    }

    /** All span columns, valued exactly as {@code JdbcTraceStore} binds them. */
    static Object[] spanRow(String projectId, String traceId, Span s) {
        Usage u = s.usage();
        return new Object[] {
            projectId, traceId, s.id(), s.parentId(), s.kind().wire(), s.name(),
            jsonOrNull(s.input()), jsonOrNull(s.output()), jsonOrNull(s.attributes()),
            nanos(s.startTime()), nanosOrNull(s.endTime()),
            s.status().wire(), s.error(), s.model(),
            u == null ? null : u.inputTokens(), u == null ? null : u.outputTokens(),
            s.cost(), s.toolName(), s.toolCallId(),
        };
    }

    static List<Object[]> spanRows(String projectId, List<Trace> traces) {
        List<Object[]> rows = new ArrayList<>(traces.size() * TraceGenerator.SPANS_PER_TRACE);
        for (Trace t : traces) {
            if (t.spans() != null) {
                for (Span s : t.spans()) {
                    rows.add(spanRow(projectId, t.id(), s));
                }
            }
        }
        return rows;
    }

    private static void bindAll(PreparedStatement ps, Object[] row) throws SQLException {
        for (int i = 0; i < row.length; i++) {
            Object v = row[i];
            int p = i + 1;
            switch (v) {
                case null -> ps.setNull(p, Types.NULL);
                case String s -> ps.setString(p, s);
                case Long l -> ps.setLong(p, l);
                case Integer n -> ps.setInt(p, n);
                case BigDecimal d -> ps.setBigDecimal(p, d);
                default -> throw new IllegalArgumentException("unexpected column value " + v.getClass());
            }
        }
    }

    private static String jsonOrNull(JsonText value) {
        return value == null ? null : value.text();
    }

    private static String pragma(Connection c, String name) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("PRAGMA " + name)) {
            return rs.next() ? rs.getString(1) : "?";
        }
    }

    @Override
    public void close() {
        try {
            traceInsert.close();
            spanInsert.close();
            connection.setAutoCommit(true);
        } catch (SQLException e) {
            // Closing after a finished run: nothing left to lose, and the pool discards the connection.
        } finally {
            handle.close();
            db.close();
        }
    }
}
