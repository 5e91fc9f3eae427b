package dev.ratchet.feedback;

import static dev.ratchet.common.Times.instant;
import static dev.ratchet.common.Times.nanos;
import static java.sql.Types.BIGINT;
import static java.sql.Types.INTEGER;
import static java.sql.Types.NUMERIC;
import static java.sql.Types.VARCHAR;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.ratchet.common.BadInputException;
import dev.ratchet.common.FieldError;
import dev.ratchet.common.Hashing;
import dev.ratchet.common.Json;
import dev.ratchet.common.JsonText;
import dev.ratchet.store.Database;
import dev.ratchet.store.JdbcBatch;
import dev.ratchet.store.Dialect;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.UnableToExecuteStatementException;

/**
 * {@link FeedbackStore} over a {@link Database}, the same SQL on SQLite and PostgreSQL.
 *
 * <p>Why it is shaped as it is: an outcome is a function of <em>all</em> the feedback of its trace, so two
 * writers recording feedback on one trace at once must not each compute it from only their own items. A
 * {@link #record} therefore (1) checks that every trace and span exists, (2) inserts its items
 * ({@code ON CONFLICT DO NOTHING}: a known id or idempotency key is a duplicate), (3) locks the outcome rows
 * of its traces (an upsert, in trace id order so that two batches never wait on each other in a circle),
 * and only then (4) reads the rules and (5) all feedback of those traces and writes their outcomes. Whoever
 * takes a row lock second reads after the first has committed, so the last writer's outcome includes
 * everything. On SQLite the one writer serialises all of this anyway. Rule changes recompute every outcome
 * of the project; on PostgreSQL they exclude concurrent recording in that project with a transaction-level
 * advisory lock that each {@link #record} takes shared, so no outcome is left computed under the old rules.
 * Row values are prepared before the write, so the write itself only runs statements.
 */
public final class JdbcFeedbackStore implements FeedbackStore {

    private static final String INSERT_FEEDBACK = """
            INSERT INTO feedback (project_id, id, trace_id, span_id, kind, value, scale_min, scale_max, reason, name,
                source, author_id, confidence, created_ns, idempotency_key)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT DO NOTHING
            """;
    private static final int[] FEEDBACK_TYPES = {VARCHAR, VARCHAR, VARCHAR, VARCHAR, VARCHAR, VARCHAR, NUMERIC,
            NUMERIC, VARCHAR, VARCHAR, VARCHAR, VARCHAR, NUMERIC, BIGINT, VARCHAR};

    /** Takes the row lock on an outcome (creating the row if needed); the real values follow in the same transaction. */
    private static final String LOCK_OUTCOME = """
            INSERT INTO outcomes (project_id, trace_id, status, score, confidence, signals, reviewed, reason, updated_ns)
            VALUES (?, ?, 'unknown', 0, 0, 0, 0, NULL, ?)
            ON CONFLICT (project_id, trace_id) DO UPDATE SET updated_ns = excluded.updated_ns
            """;
    private static final int[] LOCK_TYPES = {VARCHAR, VARCHAR, BIGINT};

    private static final String UPSERT_OUTCOME = """
            INSERT INTO outcomes (project_id, trace_id, status, score, confidence, signals, reviewed, reason, updated_ns)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (project_id, trace_id) DO UPDATE SET status = excluded.status, score = excluded.score,
                confidence = excluded.confidence, signals = excluded.signals, reviewed = excluded.reviewed,
                reason = excluded.reason, updated_ns = excluded.updated_ns
            """;
    private static final int[] OUTCOME_TYPES = {VARCHAR, VARCHAR, VARCHAR, NUMERIC, NUMERIC, INTEGER, INTEGER, VARCHAR,
            BIGINT};

    private static final String FEEDBACK_COLUMNS = """
            id, trace_id, span_id, kind, value, scale_min, scale_max, reason, name, source, author_id, confidence,
            created_ns, idempotency_key""";

    /** Ids per {@code IN (...)} list: well below every engine's limit on bound parameters. */
    private static final int CHUNK = 500;

    private final Database db;
    private final ProjectSettings settings;
    private final Clock clock;

    public JdbcFeedbackStore(Database db, Clock clock) {
        this.db = db;
        this.settings = new ProjectSettings(db, clock);
        this.clock = clock;
    }

    /**
     * {@inheritDoc}
     *
     * <p>The result lists the ids stored and, for duplicates, the id already stored under the item's id or
     * idempotency key; its outcomes are those of the distinct traces of the batch, in order of first
     * appearance. Items must be complete (as {@link FeedbackJson} makes them): id, trace id, kind, source and
     * creation time set, confidence from 0 to 1; otherwise {@link BadInputException} and nothing is stored.
     * Safe to call inside another {@link Database#write}, whose transaction it then joins (so feedback can be
     * recorded together with the traces it is about).
     */
    @Override
    public RecordResult record(String projectId, List<Feedback> batch) {
        if (batch.isEmpty()) {
            return new RecordResult(List.of(), List.of(), List.of());
        }
        checkComplete(batch);
        Instant now = clock.instant();
        long nowNs = nanos(now);
        List<Object[]> rows = new ArrayList<>(batch.size());
        Set<String> traceIds = new LinkedHashSet<>();
        Map<String, Set<String>> spansByTrace = new HashMap<>();
        for (Feedback f : batch) {
            rows.add(feedbackRow(projectId, f));
            traceIds.add(f.traceId());
            if (f.spanId() != null) {
                spansByTrace.computeIfAbsent(f.traceId(), t -> new HashSet<>()).add(f.spanId());
            }
        }
        List<String> lockOrder = new ArrayList<>(new TreeSet<>(traceIds));
        List<Object[]> lockRows = lockOrder.stream().map(t -> new Object[] {projectId, t, nowNs}).toList();

        return db.write(h -> {
            Connection c = h.getConnection();
            try {
                checkExists(c, projectId, batch, traceIds, spansByTrace);
                sharedRulesLock(c, projectId);
                int[] counts = JdbcBatch.execute(c, INSERT_FEEDBACK, FEEDBACK_TYPES, rows);
                List<String> stored = new ArrayList<>();
                List<String> duplicates = new ArrayList<>();
                for (int i = 0; i < batch.size(); i++) {
                    Feedback f = batch.get(i);
                    if (counts[i] == 0) {
                        duplicates.add(existingId(c, projectId, f));
                    } else {
                        stored.add(f.id());
                    }
                }
                JdbcBatch.execute(c, LOCK_OUTCOME, LOCK_TYPES, lockRows);
                OutcomeRules rules = readRules(h, projectId);
                Map<String, List<Feedback>> feedback = feedbackOf(c, projectId, lockOrder);
                Map<String, Outcome> outcomes = new LinkedHashMap<>();
                for (String traceId : traceIds) {
                    outcomes.put(traceId, OutcomeEngine.evaluate(traceId,
                            feedback.getOrDefault(traceId, List.of()), rules, now));
                }
                writeOutcomes(c, projectId, outcomes.values());
                return new RecordResult(List.copyOf(stored), List.copyOf(duplicates), List.copyOf(outcomes.values()));
            } catch (SQLException e) {
                throw new UnableToExecuteStatementException(e, null);
            }
        });
    }

    private static void checkComplete(List<Feedback> batch) {
        List<FieldError> errors = new ArrayList<>();
        for (int i = 0; i < batch.size(); i++) {
            Feedback f = batch.get(i);
            if (f == null) {
                errors.add(new FieldError(i, "$", "missing item"));
                continue;
            }
            if (f.id() == null) {
                errors.add(new FieldError(i, "id", "required"));
            }
            if (f.traceId() == null) {
                errors.add(new FieldError(i, "traceId", "required"));
            }
            if (f.kind() == null) {
                errors.add(new FieldError(i, "kind", "required"));
            }
            if (f.source() == null) {
                errors.add(new FieldError(i, "source", "required"));
            }
            if (f.createdAt() == null) {
                errors.add(new FieldError(i, "createdAt", "required"));
            }
            if (!(f.confidence() >= 0 && f.confidence() <= 1)) {
                errors.add(new FieldError(i, "confidence", "must be a number from 0 to 1"));
            }
        }
        if (!errors.isEmpty()) {
            throw new BadInputException(errors);
        }
    }

    private Object[] feedbackRow(String projectId, Feedback f) {
        Scale s = f.scale();
        return new Object[] {projectId, f.id(), f.traceId(), f.spanId(), f.kind().wire(),
                f.value() == null ? null : f.value().text(), s == null ? null : s.min(), s == null ? null : s.max(),
                f.reason(), f.name(), f.source().wire(), f.authorId(), exact(f.confidence()),
                nanos(f.createdAt()), f.idempotencyKey()};
    }

    /**
     * A double for a NUMERIC column such that it reads back as the same double: PostgreSQL would round a
     * float8 to 15 digits on its way into NUMERIC, so it gets the decimal that round-trips; SQLite stores a
     * non-integral NUMERIC as the double itself.
     */
    private Object exact(double v) {
        return db.dialect() == Dialect.POSTGRESQL ? BigDecimal.valueOf(v) : (Object) v;
    }

    /** Refuses the batch, naming every item, when a trace or span it names does not exist in the project. */
    private static void checkExists(Connection c, String projectId, List<Feedback> batch, Set<String> traceIds,
            Map<String, Set<String>> spansByTrace) throws SQLException {
        Set<String> knownTraces = new HashSet<>();
        for (List<String> chunk : chunks(new ArrayList<>(traceIds), CHUNK)) {
            try (PreparedStatement ps = c.prepareStatement("SELECT id FROM traces WHERE project_id = ? AND id IN ("
                    + placeholders(chunk.size()) + ")")) {
                ps.setString(1, projectId);
                for (int i = 0; i < chunk.size(); i++) {
                    ps.setString(i + 2, chunk.get(i));
                }
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        knownTraces.add(rs.getString(1));
                    }
                }
            }
        }
        Set<String> knownSpans = new HashSet<>(); // "traceId\nspanId"
        for (Map.Entry<String, Set<String>> e : spansByTrace.entrySet()) {
            if (!knownTraces.contains(e.getKey())) {
                continue;
            }
            for (List<String> chunk : chunks(new ArrayList<>(e.getValue()), CHUNK)) {
                try (PreparedStatement ps = c.prepareStatement("SELECT id FROM spans WHERE project_id = ? AND trace_id = ?"
                        + " AND id IN (" + placeholders(chunk.size()) + ")")) {
                    ps.setString(1, projectId);
                    ps.setString(2, e.getKey());
                    for (int i = 0; i < chunk.size(); i++) {
                        ps.setString(i + 3, chunk.get(i));
                    }
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            knownSpans.add(e.getKey() + "\n" + rs.getString(1));
                        }
                    }
                }
            }
        }
        List<FieldError> errors = new ArrayList<>();
        for (int i = 0; i < batch.size(); i++) {
            Feedback f = batch.get(i);
            if (!knownTraces.contains(f.traceId())) {
                errors.add(new FieldError(i, "traceId", "no trace '" + f.traceId()
                        + "' in this project; send the trace before its feedback"));
            } else if (f.spanId() != null && !knownSpans.contains(f.traceId() + "\n" + f.spanId())) {
                errors.add(new FieldError(i, "spanId", "no span '" + f.spanId() + "' in trace '" + f.traceId() + "'"));
            }
        }
        if (!errors.isEmpty()) {
            throw new BadInputException(errors);
        }
    }

    /** The id stored under the duplicate's id or idempotency key (by the time the insert was refused, committed). */
    private static String existingId(Connection c, String projectId, Feedback f) throws SQLException {
        if (f.idempotencyKey() != null) {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT id FROM feedback WHERE project_id = ? AND (id = ? OR idempotency_key = ?) ORDER BY"
                            + " CASE WHEN id = ? THEN 0 ELSE 1 END")) {
                ps.setString(1, projectId);
                ps.setString(2, f.id());
                ps.setString(3, f.idempotencyKey());
                ps.setString(4, f.id());
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        return rs.getString(1);
                    }
                }
            }
        }
        return f.id();
    }

    /** All feedback of the given traces, oldest first per trace. */
    private static Map<String, List<Feedback>> feedbackOf(Connection c, String projectId, List<String> traceIds)
            throws SQLException {
        Map<String, List<Feedback>> out = new HashMap<>();
        for (List<String> chunk : chunks(traceIds, CHUNK)) {
            try (PreparedStatement ps = c.prepareStatement("SELECT " + FEEDBACK_COLUMNS
                    + " FROM feedback WHERE project_id = ? AND trace_id IN (" + placeholders(chunk.size())
                    + ") ORDER BY created_ns, id")) {
                ps.setString(1, projectId);
                for (int i = 0; i < chunk.size(); i++) {
                    ps.setString(i + 2, chunk.get(i));
                }
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        Feedback f = readFeedback(rs);
                        out.computeIfAbsent(f.traceId(), t -> new ArrayList<>()).add(f);
                    }
                }
            }
        }
        return out;
    }

    private void writeOutcomes(Connection c, String projectId, Collection<Outcome> outcomes) throws SQLException {
        List<Object[]> rows = new ArrayList<>(outcomes.size());
        for (Outcome o : outcomes) {
            rows.add(new Object[] {projectId, o.traceId(), o.status().wire(), exact(o.score()), exact(o.confidence()),
                    o.signals(), o.reviewed() ? 1 : 0, o.reason(), nanos(o.updatedAt())});
        }
        JdbcBatch.execute(c, UPSERT_OUTCOME, OUTCOME_TYPES, rows);
    }

    @Override
    public List<Feedback> forTrace(String projectId, String traceId) {
        return db.read(h -> h.createQuery("SELECT " + FEEDBACK_COLUMNS
                        + " FROM feedback WHERE project_id = :project AND trace_id = :trace ORDER BY created_ns, id")
                .bind("project", projectId)
                .bind("trace", traceId)
                .map((rs, ctx) -> readFeedback(rs))
                .list());
    }

    @Override
    public Optional<Outcome> outcome(String projectId, String traceId) {
        return db.read(h -> h.createQuery("""
                        SELECT trace_id, status, score, confidence, signals, reviewed, reason, updated_ns
                        FROM outcomes WHERE project_id = :project AND trace_id = :trace""")
                .bind("project", projectId)
                .bind("trace", traceId)
                .map((rs, ctx) -> new Outcome(
                        rs.getString("trace_id"),
                        OutcomeStatus.parse(rs.getString("status")).orElse(OutcomeStatus.UNKNOWN),
                        rs.getDouble("score"),
                        rs.getDouble("confidence"),
                        rs.getInt("signals"),
                        rs.getInt("reviewed") != 0,
                        rs.getString("reason"),
                        instant(rs.getLong("updated_ns"))))
                .findOne());
    }

    @Override
    public OutcomeRules rules(String projectId) {
        return settings.get(projectId, ProjectSettings.OUTCOME_RULES, OutcomeRules.class, OutcomeRules.defaults());
    }

    /**
     * {@inheritDoc}
     *
     * <p>Maps left out (null) keep their defaults. Refused, naming the field, unless the thresholds lie in
     * [-1, 1] with success above failure, weights are ≥ 0, polarities lie in [-1, 1], and strongSignal and
     * evidenceScale are above 0. The new rules and every recomputed outcome commit together. On PostgreSQL,
     * recording feedback in the project waits while this runs.
     *
     * @throws BadInputException listing every problem; then nothing changes
     */
    @Override
    public void setRules(String projectId, OutcomeRules rules) {
        OutcomeRules valid = OutcomeEngine.validated(rules);
        Instant now = clock.instant();
        db.write(h -> {
            Connection c = h.getConnection();
            try {
                exclusiveRulesLock(c, projectId);
                settings.put(projectId, ProjectSettings.OUTCOME_RULES, valid); // a nested write: joins this one
                List<Outcome> outcomes = new ArrayList<>();
                try (PreparedStatement ps = c.prepareStatement("SELECT " + FEEDBACK_COLUMNS
                        + " FROM feedback WHERE project_id = ? ORDER BY trace_id, created_ns, id")) {
                    ps.setString(1, projectId);
                    try (ResultSet rs = ps.executeQuery()) {
                        String current = null;
                        List<Feedback> items = new ArrayList<>();
                        while (rs.next()) {
                            Feedback f = readFeedback(rs);
                            if (current != null && !current.equals(f.traceId())) {
                                outcomes.add(OutcomeEngine.evaluate(current, items, valid, now));
                                items = new ArrayList<>();
                            }
                            current = f.traceId();
                            items.add(f);
                        }
                        if (current != null) {
                            outcomes.add(OutcomeEngine.evaluate(current, items, valid, now));
                        }
                    }
                }
                writeOutcomes(c, projectId, outcomes);
            } catch (SQLException e) {
                throw new UnableToExecuteStatementException(e, null);
            }
            return null;
        });
    }

    /**
     * The rules as this transaction sees them. Not {@link ProjectSettings#get}, which reads on a connection of
     * its own and so would miss rules changed earlier in the same (group) transaction.
     */
    private static OutcomeRules readRules(Handle h, String projectId) {
        Optional<String> json = h.createQuery(
                        "SELECT value FROM project_settings WHERE project_id = :project AND name = :name")
                .bind("project", projectId)
                .bind("name", ProjectSettings.OUTCOME_RULES)
                .mapTo(String.class)
                .findOne();
        if (json.isEmpty()) {
            return OutcomeRules.defaults();
        }
        try {
            return Json.MAPPER.readValue(json.get(), OutcomeRules.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored outcome rules of project '" + projectId + "' do not parse", e);
        }
    }

    /*
     * PostgreSQL only: record() holds this shared and setRules() exclusive, per project, until commit. Without
     * it, a record() that read the old rules could commit after setRules() recomputed, leaving a trace whose
     * first feedback it was computed under the old rules. SQLite's one writer already runs them one at a time.
     */
    private void sharedRulesLock(Connection c, String projectId) throws SQLException {
        advisoryLock(c, "SELECT pg_advisory_xact_lock_shared(?)", projectId);
    }

    private void exclusiveRulesLock(Connection c, String projectId) throws SQLException {
        advisoryLock(c, "SELECT pg_advisory_xact_lock(?)", projectId);
    }

    private void advisoryLock(Connection c, String sql, String projectId) throws SQLException {
        if (db.dialect() != Dialect.POSTGRESQL) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setLong(1, Long.parseUnsignedLong(Hashing.sha256Hex("outcome_rules\n" + projectId).substring(0, 16), 16));
            ps.execute();
        }
    }

    private static Feedback readFeedback(ResultSet rs) throws SQLException {
        BigDecimal min = rs.getBigDecimal("scale_min");
        BigDecimal max = rs.getBigDecimal("scale_max");
        return new Feedback(
                rs.getString("id"),
                rs.getString("trace_id"),
                rs.getString("span_id"),
                FeedbackKind.parse(rs.getString("kind")).orElseThrow(),
                JsonText.ofValid(rs.getString("value")),
                min == null || max == null ? null : new Scale(min, max),
                rs.getString("reason"),
                rs.getString("name"),
                FeedbackSource.parse(rs.getString("source")).orElseThrow(),
                rs.getString("author_id"),
                rs.getDouble("confidence"),
                instant(rs.getLong("created_ns")),
                rs.getString("idempotency_key"));
    }

    private static String placeholders(int n) {
        return String.join(", ", java.util.Collections.nCopies(n, "?"));
    }

    private static <T> List<List<T>> chunks(List<T> list, int size) {
        List<List<T>> out = new ArrayList<>();
        for (int i = 0; i < list.size(); i += size) {
            out.add(list.subList(i, Math.min(list.size(), i + size)));
        }
        return out;
    }
}
