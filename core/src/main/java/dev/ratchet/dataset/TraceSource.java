package dev.ratchet.dataset;

import static dev.ratchet.common.Times.nanos;

import dev.ratchet.store.Database;
import dev.ratchet.store.Dialect;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.UnableToExecuteStatementException;
import org.jdbi.v3.core.transaction.TransactionIsolationLevel;

/**
 * The selected traces of a build, read as a stream of pages in (start time, id) order: each page is one keyset query
 * over {@code traces} joined with {@code outcomes}, plus one query for the feedback and (when a chat format needs
 * them) one for the tool spans of the same key range, so a million traces cost a few thousand queries and no more
 * than a page is in memory at once. The whole stream is read in one transaction, so a build sees one snapshot of the
 * database however long it runs (on SQLite, WAL readers do not block writers).
 */
final class TraceSource {

    /** One trace as a build sees it: raw JSON texts, its outcome, its feedback and tool calls. */
    record Row(String id, String agent, String version, long startNs, String input, String instructions,
            String output, String tags, String outcome, double confidence, boolean reviewed, List<Fb> feedback,
            List<Tool> tools, String toolDefinitions) {
    }

    /** A feedback item (only the kinds the build needs). {@code onSpan}: about one span, not the whole trace. */
    record Fb(String kind, String source, String value, double confidence, long createdNs, boolean onSpan) {
    }

    /** A tool span: the tool, the model's call id, arguments and result as JSON text, whether it failed. */
    record Tool(String name, String callId, String input, String output, boolean error) {
    }

    /** Receives each page in order; may block (that is the back-pressure on the reader). */
    interface PageConsumer {
        void accept(List<Row> page) throws InterruptedException;
    }

    private final Database db;
    private final String project;
    private final DatasetSpec.Selection selection;
    private final boolean spans;
    private final List<String> feedbackKinds;

    TraceSource(Database db, String project, DatasetSpec.Selection selection, boolean spans, Set<String> feedbackKinds) {
        this.db = db;
        this.project = project;
        this.selection = selection;
        this.spans = spans;
        this.feedbackKinds = List.copyOf(new java.util.TreeSet<>(feedbackKinds));
    }

    /** How many traces the SQL part of the selection matches (tags and feedback filters apply later). */
    long count() {
        List<Object> params = new ArrayList<>();
        String sql = "SELECT COUNT(*)" + FROM + where(params);
        return db.read(h -> query(h.getConnection(), sql, params, rs -> {
            rs.next();
            return rs.getLong(1);
        }));
    }

    /** Whether the SQL part of the selection matches any trace. */
    boolean any() {
        List<Object> params = new ArrayList<>();
        String sql = "SELECT t.id" + FROM + where(params) + " LIMIT 1";
        return db.read(h -> query(h.getConnection(), sql, params, ResultSet::next));
    }

    private static final String FROM = " FROM traces t LEFT JOIN outcomes o ON o.project_id = t.project_id AND o.trace_id = t.id";

    private String where(List<Object> params) {
        StringBuilder sql = new StringBuilder(" WHERE t.project_id = ?");
        params.add(project);
        in(sql, params, "t.agent", selection.agents());
        in(sql, params, "t.version", selection.versions());
        if (selection.from() != null) {
            sql.append(" AND t.start_ns >= ?");
            params.add(nanos(selection.from()));
        }
        if (selection.to() != null) {
            sql.append(" AND t.start_ns < ?");
            params.add(nanos(selection.to()));
        }
        List<String> outcomes = selection.outcomes();
        sql.append(" AND (o.status IN (");
        for (int i = 0; i < outcomes.size(); i++) {
            sql.append(i == 0 ? "?" : ", ?");
            params.add(outcomes.get(i));
        }
        sql.append(")").append(outcomes.contains("unknown") ? " OR o.status IS NULL)" : ")");
        return sql.toString();
    }

    private static void in(StringBuilder sql, List<Object> params, String column, List<String> values) {
        if (values.isEmpty()) {
            return;
        }
        sql.append(" AND ").append(column).append(" IN (");
        for (int i = 0; i < values.size(); i++) {
            sql.append(i == 0 ? "?" : ", ?");
            params.add(values.get(i));
        }
        sql.append(')');
    }

    /** Reads every page, in order, into {@code consumer}, all in one read transaction. */
    void stream(int pageSize, PageConsumer consumer) throws InterruptedException {
        try {
            db.read(h -> {
                if (db.dialect() == Dialect.POSTGRESQL) {
                    return h.inTransaction(TransactionIsolationLevel.REPEATABLE_READ, t -> pages(t, pageSize, consumer));
                }
                h.begin(); // SQLite: a deferred transaction holds one WAL snapshot from its first read
                try {
                    return pages(h, pageSize, consumer);
                } finally {
                    h.rollback();
                }
            });
        } catch (Interrupted e) {
            throw e.cause;
        }
    }

    private Void pages(Handle h, int pageSize, PageConsumer consumer) {
        Connection c = h.getConnection();
        List<Object> base = new ArrayList<>();
        String where = where(base);
        String page = "SELECT t.id, t.agent, t.version, t.start_ns, t.input, t.instructions, t.output, t.tags, o.status,"
                + " o.confidence, o.reviewed" + FROM + where
                + " AND t.start_ns >= ? AND (t.start_ns > ? OR t.id > ?) ORDER BY t.start_ns, t.id LIMIT ?";
        // Keyset bounds written so that start_ns alone is a range the time index can seek (an OR of start_ns and id
        // is not): without it, every page would scan the project's traces from the first, and a build would be
        // quadratic in their number.
        String range = " AND t.start_ns >= ? AND t.start_ns <= ? AND (t.start_ns > ? OR t.id > ?)"
                + " AND (t.start_ns < ? OR t.id <= ?)";
        String feedback = null;
        if (!feedbackKinds.isEmpty()) {
            StringBuilder kinds = new StringBuilder();
            for (int i = 0; i < feedbackKinds.size(); i++) {
                kinds.append(i == 0 ? "?" : ", ?");
            }
            feedback = "SELECT f.trace_id, f.kind, f.source, f.value, f.confidence, f.created_ns, f.span_id"
                    + " FROM traces t JOIN feedback f ON f.project_id = t.project_id AND f.trace_id = t.id"
                    + " LEFT JOIN outcomes o ON o.project_id = t.project_id AND o.trace_id = t.id" + where + range
                    + " AND f.kind IN (" + kinds + ") ORDER BY f.trace_id, f.created_ns, f.id";
        }
        String toolSpans = spans ? "SELECT s.trace_id, s.kind, s.name, s.tool_name, s.tool_call_id,"
                + " CASE WHEN s.kind = 'tool' THEN s.input END, CASE WHEN s.kind = 'tool' THEN s.output END, s.status,"
                + " CASE WHEN s.kind = 'llm' AND s.input LIKE '%\"tools\"%' THEN s.input END"
                + " FROM traces t JOIN spans s ON s.project_id = t.project_id AND s.trace_id = t.id"
                + " LEFT JOIN outcomes o ON o.project_id = t.project_id AND o.trace_id = t.id" + where + range
                + " AND s.kind IN ('tool', 'llm') ORDER BY s.trace_id, s.start_ns, s.id" : null;
        long lastStart = Long.MIN_VALUE;
        String lastId = "";
        while (true) {
            List<Object> params = new ArrayList<>(base);
            params.add(lastStart);
            params.add(lastStart);
            params.add(lastId);
            params.add(pageSize);
            List<Object[]> traces = query(c, page, params, rs -> {
                List<Object[]> out = new ArrayList<>(pageSize);
                while (rs.next()) {
                    long reviewed = rs.getLong(11);
                    out.add(new Object[] {rs.getString(1), rs.getString(2), rs.getString(3), rs.getLong(4),
                        rs.getString(5), rs.getString(6), rs.getString(7), rs.getString(8), rs.getString(9),
                        rs.getDouble(10), reviewed != 0});
                }
                return out;
            });
            if (traces.isEmpty()) {
                return null;
            }
            Object[] last = traces.get(traces.size() - 1);
            List<Object> rangeParams = new ArrayList<>(base);
            rangeParams.add(lastStart);
            rangeParams.add(last[3]);
            rangeParams.add(lastStart);
            rangeParams.add(lastId);
            rangeParams.add(last[3]);
            rangeParams.add(last[0]);
            Map<String, List<Fb>> fb = new HashMap<>();
            if (feedback != null) {
                List<Object> p = new ArrayList<>(rangeParams);
                p.addAll(feedbackKinds);
                query(c, feedback, p, rs -> {
                    while (rs.next()) {
                        fb.computeIfAbsent(rs.getString(1), k -> new ArrayList<>(2)).add(new Fb(rs.getString(2),
                                rs.getString(3), rs.getString(4), rs.getDouble(5), rs.getLong(6), rs.getString(7) != null));
                    }
                    return null;
                });
            }
            Map<String, List<Tool>> tools = new HashMap<>();
            Map<String, String> definitions = new HashMap<>();
            if (toolSpans != null) {
                query(c, toolSpans, rangeParams, rs -> {
                    while (rs.next()) {
                        String trace = rs.getString(1);
                        if ("llm".equals(rs.getString(2))) {
                            String in = rs.getString(9);
                            if (in != null) {
                                definitions.put(trace, in);
                            }
                            continue;
                        }
                        String name = rs.getString(4) != null ? rs.getString(4) : rs.getString(3);
                        tools.computeIfAbsent(trace, k -> new ArrayList<>(2)).add(new Tool(name, rs.getString(5),
                                rs.getString(6), rs.getString(7), "error".equals(rs.getString(8))));
                    }
                    return null;
                });
            }
            List<Row> rows = new ArrayList<>(traces.size());
            for (Object[] t : traces) {
                String id = (String) t[0];
                rows.add(new Row(id, (String) t[1], (String) t[2], (Long) t[3], (String) t[4], (String) t[5],
                        (String) t[6], (String) t[7], (String) t[8], (Double) t[9], (Boolean) t[10],
                        fb.getOrDefault(id, List.of()), tools.getOrDefault(id, List.of()), definitions.get(id)));
            }
            try {
                consumer.accept(rows);
            } catch (InterruptedException e) {
                throw new Interrupted(e);
            }
            if (traces.size() < pageSize) {
                return null;
            }
            lastStart = (Long) last[3];
            lastId = (String) last[0];
        }
    }

    /** Carries an interruption out of the JDBI callback. */
    private static final class Interrupted extends RuntimeException {
        final InterruptedException cause;

        Interrupted(InterruptedException cause) {
            super(cause);
            this.cause = cause;
        }
    }

    private interface Reader<T> {
        T read(ResultSet rs) throws SQLException;
    }

    private static <T> T query(Connection c, String sql, List<Object> params, Reader<T> reader) {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.size(); i++) {
                ps.setObject(i + 1, params.get(i));
            }
            try (ResultSet rs = ps.executeQuery()) {
                return reader.read(rs);
            }
        } catch (SQLException e) {
            throw new UnableToExecuteStatementException(e, null);
        }
    }
}
