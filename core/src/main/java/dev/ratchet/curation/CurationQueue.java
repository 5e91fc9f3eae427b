package dev.ratchet.curation;

import static dev.ratchet.common.Times.instant;
import static dev.ratchet.common.Times.nanos;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.ratchet.common.Json;
import dev.ratchet.feedback.Feedback;
import dev.ratchet.feedback.FeedbackKind;
import dev.ratchet.store.Database;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jdbi.v3.core.Handle;

/**
 * The SQL of curation: the durable queue of traces to decide ({@code curation_queue}) and the decisions
 * ({@code curation_log}), the same on SQLite and PostgreSQL. A written decision is never overwritten by another
 * status, whoever writes last (a second replica deciding the same trace, say).
 */
final class CurationQueue {

    /** A trace waiting in the queue, at the version read. */
    record Queued(String projectId, String traceId, long version, int attempts) {
    }

    private static final String LOG_COLUMNS = """
            feedback_id, trace_id, decision, reason, memory_id, memory_action, superseded_id, agent, user_id, session_id,
            memory_key, feedback_created_ns, attempts, created_ns, updated_ns""";

    private static final String ENQUEUE = """
            INSERT INTO curation_queue (project_id, trace_id, version, enqueued_ns, attempts, next_attempt_ns, last_error)
            VALUES (:project, :trace, 1, :now, 0, :now, NULL)
            ON CONFLICT (project_id, trace_id) DO UPDATE SET version = curation_queue.version + 1,
                enqueued_ns = excluded.enqueued_ns, next_attempt_ns = excluded.next_attempt_ns
            """;

    private static final String PENDING = "INSERT INTO curation_log (project_id, " + LOG_COLUMNS + """
            ) VALUES (:project, :feedback, :trace, 'pending', 'waiting for the curation worker', NULL, NULL, NULL, NULL,
                NULL, NULL, NULL, :feedbackCreated, 0, :now, :now)
            ON CONFLICT (project_id, feedback_id) DO NOTHING
            """;

    private static final String UPSERT = "INSERT INTO curation_log (project_id, " + LOG_COLUMNS + """
            ) VALUES (:project, :feedback, :trace, :decision, :reason, :memoryId, :memoryAction, :supersededId, :agent,
                :user, :session, :key, :feedbackCreated, :attempts, :now, :now)
            ON CONFLICT (project_id, feedback_id) DO UPDATE SET decision = excluded.decision, reason = excluded.reason,
                memory_id = excluded.memory_id, memory_action = excluded.memory_action,
                superseded_id = excluded.superseded_id, agent = excluded.agent, user_id = excluded.user_id,
                session_id = excluded.session_id, memory_key = excluded.memory_key, attempts = excluded.attempts,
                updated_ns = excluded.updated_ns
            WHERE curation_log.decision <> 'written' OR excluded.decision = 'written'
            """;

    private final Database db;

    CurationQueue(Database db) {
        this.db = db;
    }

    /**
     * In the caller's transaction ({@code h}): queues every trace that received stored feedback and has a
     * correction (stored now or before), and logs each stored correction as pending.
     */
    void enqueue(Handle h, String projectId, List<Feedback> batch, List<String> stored, long nowNs) {
        if (stored.isEmpty()) {
            return;
        }
        Set<String> storedIds = new HashSet<>(stored);
        Set<String> touched = new LinkedHashSet<>();
        Set<String> corrected = new LinkedHashSet<>();
        for (Feedback f : batch) {
            if (!storedIds.contains(f.id())) {
                continue;
            }
            touched.add(f.traceId());
            if (f.kind() == FeedbackKind.CORRECTION) {
                corrected.add(f.traceId());
                h.createUpdate(PENDING)
                        .bind("project", projectId)
                        .bind("feedback", f.id())
                        .bind("trace", f.traceId())
                        .bind("feedbackCreated", nanos(f.createdAt()))
                        .bind("now", nowNs)
                        .execute();
            }
        }
        touched.removeAll(corrected);
        if (!touched.isEmpty()) {
            // Other feedback (a review verdict, a thumbs up) can change the decision on earlier corrections.
            corrected.addAll(h.createQuery("SELECT DISTINCT trace_id FROM feedback WHERE project_id = :project"
                            + " AND kind = 'correction' AND trace_id IN (<traces>)")
                    .bind("project", projectId)
                    .bindList("traces", List.copyOf(touched))
                    .mapTo(String.class)
                    .list());
        }
        for (String traceId : corrected) {
            h.createUpdate(ENQUEUE).bind("project", projectId).bind("trace", traceId).bind("now", nowNs).execute();
        }
    }

    /** The project's policy as the transaction of {@code h} sees it (a read on the same connection). */
    static CurationPolicy policy(Handle h, String projectId) {
        Optional<String> json = h.createQuery(
                        "SELECT value FROM project_settings WHERE project_id = :project AND name = :name")
                .bind("project", projectId)
                .bind("name", CurationPolicies.SETTING)
                .mapTo(String.class)
                .findOne();
        if (json.isEmpty()) {
            return CurationPolicy.defaults();
        }
        try {
            return Json.MAPPER.readValue(json.get(), CurationPolicy.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored curation policy of project '" + projectId + "' does not parse", e);
        }
    }

    /** Traces due at {@code nowNs}, longest waiting first. */
    List<Queued> due(long nowNs, int limit) {
        return db.read(h -> h.createQuery("SELECT project_id, trace_id, version, attempts FROM curation_queue"
                        + " WHERE next_attempt_ns <= :now ORDER BY enqueued_ns, project_id, trace_id LIMIT :limit")
                .bind("now", nowNs)
                .bind("limit", limit)
                .map((rs, ctx) -> new Queued(rs.getString("project_id"), rs.getString("trace_id"), rs.getLong("version"),
                        rs.getInt("attempts")))
                .list());
    }

    /** The decisions on the trace's corrections, by feedback id. */
    Map<String, CurationDecision> decisions(String projectId, String traceId) {
        Map<String, CurationDecision> out = new LinkedHashMap<>();
        db.read(h -> h.createQuery("SELECT " + LOG_COLUMNS + " FROM curation_log WHERE project_id = :project"
                        + " AND trace_id = :trace")
                .bind("project", projectId)
                .bind("trace", traceId)
                .map((rs, ctx) -> decision(rs))
                .list())
                .forEach(d -> out.put(d.feedbackId(), d));
        return out;
    }

    /**
     * A correction given after {@code createdNs} that is written under the same scope and key, if any: then an
     * older correction of the same input must not replace it.
     */
    Optional<String> newerWritten(String projectId, String agent, String user, String session, String key,
            long createdNs) {
        return db.read(h -> h.createQuery("""
                        SELECT feedback_id FROM curation_log
                        WHERE project_id = :project AND agent = :agent AND memory_key = :key AND decision = 'written'
                          AND COALESCE(user_id, '') = :user AND COALESCE(session_id, '') = :session
                          AND feedback_created_ns > :created
                        ORDER BY feedback_created_ns DESC LIMIT 1""")
                .bind("project", projectId)
                .bind("agent", agent)
                .bind("key", key)
                .bind("user", user == null ? "" : user)
                .bind("session", session == null ? "" : session)
                .bind("created", createdNs)
                .mapTo(String.class)
                .findOne());
    }

    /**
     * Stores the decisions of one round on a trace and settles its queue row, in one transaction: without
     * {@code error}, the row is removed if no feedback queued the trace again meanwhile (its version is still
     * {@code q.version}); with one, it waits until {@code nextAttemptNs}.
     */
    void finish(Queued q, List<CurationDecision> decisions, String error, long nowNs, long nextAttemptNs) {
        db.write(h -> {
            for (CurationDecision d : decisions) {
                upsert(h, q.projectId(), d, nowNs);
            }
            if (error == null) {
                h.createUpdate("DELETE FROM curation_queue WHERE project_id = :project AND trace_id = :trace"
                                + " AND version = :version")
                        .bind("project", q.projectId())
                        .bind("trace", q.traceId())
                        .bind("version", q.version())
                        .execute();
            } else {
                postpone(h, q, error, nextAttemptNs);
            }
            return null;
        });
    }

    /** Postpones the trace after a failure that left no decision to store. */
    void postpone(Queued q, String error, long nextAttemptNs) {
        db.write(h -> {
            postpone(h, q, error, nextAttemptNs);
            return null;
        });
    }

    private static void postpone(Handle h, Queued q, String error, long nextAttemptNs) {
        h.createUpdate("UPDATE curation_queue SET attempts = attempts + 1, next_attempt_ns = :next, last_error = :error"
                        + " WHERE project_id = :project AND trace_id = :trace AND version = :version")
                .bind("next", nextAttemptNs)
                .bind("error", error)
                .bind("project", q.projectId())
                .bind("trace", q.traceId())
                .bind("version", q.version())
                .execute();
    }

    private static void upsert(Handle h, String projectId, CurationDecision d, long nowNs) {
        h.createUpdate(UPSERT)
                .bind("project", projectId)
                .bind("feedback", d.feedbackId())
                .bind("trace", d.traceId())
                .bind("decision", d.status().wire())
                .bind("reason", d.reason())
                .bind("memoryId", d.memoryId())
                .bind("memoryAction", d.memoryAction())
                .bind("supersededId", d.supersededId())
                .bind("agent", d.agent())
                .bind("user", d.user())
                .bind("session", d.session())
                .bind("key", d.key())
                .bind("feedbackCreated", nanos(d.correctedAt()))
                .bind("attempts", d.attempts())
                .bind("now", nowNs)
                .execute();
    }

    /** Decisions newest first, optionally of one trace and one status; at most {@code limit}. */
    List<CurationDecision> list(String projectId, String traceId, CurationDecision.Status status, int limit) {
        return db.read(h -> h.createQuery("SELECT " + LOG_COLUMNS + " FROM curation_log WHERE project_id = :project"
                        + (traceId == null ? "" : " AND trace_id = :trace")
                        + (status == null ? "" : " AND decision = :decision")
                        + " ORDER BY updated_ns DESC, feedback_id DESC LIMIT :limit")
                .bind("project", projectId)
                .bind("trace", traceId)
                .bind("decision", status == null ? null : status.wire())
                .bind("limit", limit)
                .map((rs, ctx) -> decision(rs))
                .list());
    }

    Optional<CurationDecision> get(String projectId, String feedbackId) {
        return db.read(h -> h.createQuery("SELECT " + LOG_COLUMNS + " FROM curation_log WHERE project_id = :project"
                        + " AND feedback_id = :feedback")
                .bind("project", projectId)
                .bind("feedback", feedbackId)
                .map((rs, ctx) -> decision(rs))
                .findOne());
    }

    /** Traces of the project waiting in the queue, and how many of them have failed at least once. */
    long[] queued(String projectId) {
        return db.read(h -> h.createQuery("SELECT COUNT(*) AS queued,"
                        + " COALESCE(SUM(CASE WHEN attempts > 0 THEN 1 ELSE 0 END), 0) AS failing"
                        + " FROM curation_queue WHERE project_id = :project")
                .bind("project", projectId)
                .map((rs, ctx) -> new long[] {rs.getLong("queued"), rs.getLong("failing")})
                .one());
    }

    private static CurationDecision decision(ResultSet rs) throws SQLException {
        return new CurationDecision(
                rs.getString("feedback_id"),
                rs.getString("trace_id"),
                CurationDecision.Status.parse(rs.getString("decision")).orElseThrow(),
                rs.getString("reason"),
                rs.getString("memory_id"),
                rs.getString("memory_action"),
                rs.getString("superseded_id"),
                rs.getString("agent"),
                rs.getString("user_id"),
                rs.getString("session_id"),
                rs.getString("memory_key"),
                rs.getInt("attempts"),
                instant(rs.getLong("feedback_created_ns")),
                instant(rs.getLong("updated_ns")));
    }
}
