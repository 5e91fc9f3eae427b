package dev.ratchet.dataset;

import static dev.ratchet.common.Times.instant;
import static dev.ratchet.common.Times.nanos;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import dev.ratchet.common.FieldError;
import dev.ratchet.common.Json;
import dev.ratchet.store.Database;
import java.io.UncheckedIOException;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Dataset versions (their manifests) and builds in the database; the same SQL on SQLite and PostgreSQL. Thread-safe.
 * Everything is scoped by project. Versions are immutable: {@link #insertVersion} never replaces one.
 *
 * <p>A build's row is written by the process running it. That process refreshes {@code updated_ns} of its unfinished
 * builds ({@link #heartbeat}); a build not refreshed for {@link #ABANDONED_AFTER} is reported as failed, because the
 * process that ran it is gone (a restart, a crash) and nothing will finish it.
 */
public final class DatasetStore {

    /** How long an unfinished build may go without a heartbeat before it is reported as abandoned. */
    public static final Duration ABANDONED_AFTER = Duration.ofMinutes(2);

    private static final TypeReference<List<FieldError>> ERRORS = new TypeReference<>() { };
    private static final String BUILD_COLUMNS = "id, name, status, stage, done, total, version_id, message, errors,"
            + " created_ns, updated_ns, finished_ns";

    private final Database db;
    private final Clock clock;

    public DatasetStore(Database db, Clock clock) {
        this.db = Objects.requireNonNull(db, "db");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    // --- versions ---

    /**
     * Stores a version unless the project has one with its id already; durable when this returns.
     *
     * @return whether it was stored (false: the same content was built before, and the first manifest stands)
     */
    public boolean insertVersion(String project, Manifest m) {
        return db.write(h -> h.createUpdate("""
                        INSERT INTO dataset_versions (project_id, id, name, content_hash, spec_hash, pipeline_version,
                            example_count, manifest, created_ns)
                        VALUES (:p, :id, :name, :hash, :spec, :pipeline, :count, :manifest, :created)
                        ON CONFLICT DO NOTHING""")
                .bind("p", project).bind("id", m.id()).bind("name", m.name()).bind("hash", m.contentHash())
                .bind("spec", m.specHash()).bind("pipeline", m.pipelineVersion()).bind("count", m.summary().examples())
                .bind("manifest", Json.write(m)).bind("created", nanos(m.createdAt())).execute() > 0);
    }

    /** The manifest of a version, if the project has it. */
    public Optional<Manifest> manifest(String project, String id) {
        return db.read(h -> h.createQuery("SELECT manifest FROM dataset_versions WHERE project_id = :p AND id = :id")
                .bind("p", project).bind("id", id).mapTo(String.class).findOne()).map(DatasetStore::manifest);
    }

    /** The project's versions, newest first, of one dataset name (null: any), at most {@code limit}. */
    public List<DatasetVersion> versions(String project, String name, int limit) {
        return db.read(h -> h.createQuery("SELECT manifest FROM dataset_versions WHERE project_id = :p"
                        + (name == null ? "" : " AND name = :name") + " ORDER BY created_ns DESC, id DESC LIMIT :limit")
                .bind("p", project).bind("name", name).bind("limit", limit).mapTo(String.class).list())
                .stream().map(t -> manifest(t).summary()).toList();
    }

    private static Manifest manifest(String text) {
        try {
            return Json.MAPPER.readValue(text, Manifest.class);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException("a stored dataset manifest cannot be read", e);
        }
    }

    // --- builds ---

    void insertBuild(String project, String id, String name, String spec, String owner) {
        long now = nanos(clock.instant());
        db.write(h -> h.execute("INSERT INTO dataset_builds (project_id, id, name, spec, owner, status, done, total,"
                + " created_ns, updated_ns) VALUES (?, ?, ?, ?, ?, ?, 0, 0, ?, ?)", project, id, name, spec, owner,
                Build.Status.QUEUED.wire(), now, now));
    }

    void progress(String project, String id, String stage, long done, long total) {
        long now = nanos(clock.instant());
        db.write(h -> h.createUpdate("UPDATE dataset_builds SET status = :status, stage = :stage, done = :done,"
                        + " total = :total, updated_ns = :now WHERE project_id = :p AND id = :id")
                .bind("status", Build.Status.RUNNING.wire()).bind("stage", stage).bind("done", done)
                .bind("total", total).bind("now", now).bind("p", project).bind("id", id).execute());
    }

    void finish(String project, String id, Build.Status status, String versionId, String message,
            List<FieldError> errors) {
        long now = nanos(clock.instant());
        db.write(h -> h.createUpdate("UPDATE dataset_builds SET status = :status, version_id = :version,"
                        + " message = :message, errors = :errors, updated_ns = :now, finished_ns = :now"
                        + " WHERE project_id = :p AND id = :id")
                .bind("status", status.wire()).bind("version", versionId).bind("message", message)
                .bind("errors", errors == null || errors.isEmpty() ? null : Json.write(errors)).bind("now", now)
                .bind("p", project).bind("id", id).execute());
    }

    /** Marks every unfinished build of {@code owner} as alive now. */
    void heartbeat(String owner) {
        long now = nanos(clock.instant());
        db.write(h -> h.createUpdate("UPDATE dataset_builds SET updated_ns = :now WHERE owner = :owner"
                        + " AND status IN ('queued', 'running')")
                .bind("now", now).bind("owner", owner).execute());
    }

    /** A build of the project, as it stands (an abandoned one reads as failed). */
    public Optional<Build> build(String project, String id) {
        return db.read(h -> h.createQuery("SELECT " + BUILD_COLUMNS + " FROM dataset_builds WHERE project_id = :p"
                        + " AND id = :id")
                .bind("p", project).bind("id", id).map((rs, ctx) -> buildRow(rs)).findOne());
    }

    /** The project's builds, newest first, at most {@code limit}. */
    public List<Build> builds(String project, int limit) {
        return db.read(h -> h.createQuery("SELECT " + BUILD_COLUMNS + " FROM dataset_builds WHERE project_id = :p"
                        + " ORDER BY created_ns DESC, id DESC LIMIT :limit")
                .bind("p", project).bind("limit", limit).map((rs, ctx) -> buildRow(rs)).list());
    }

    private Build buildRow(ResultSet rs) throws SQLException {
        Build.Status status = Build.Status.parse(rs.getString("status")).orElseThrow();
        Instant updated = instant(rs.getLong("updated_ns"));
        String message = rs.getString("message");
        long finishedNs = rs.getLong("finished_ns");
        Instant finished = rs.wasNull() ? null : instant(finishedNs);
        if (!status.finished() && updated.plus(ABANDONED_AFTER).isBefore(clock.instant())) {
            status = Build.Status.FAILED;
            message = "abandoned: the server running this build stopped before it finished; submit it again";
        }
        String errors = rs.getString("errors");
        List<FieldError> list;
        try {
            list = errors == null ? List.of() : Json.MAPPER.readValue(errors, ERRORS);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
        return new Build(rs.getString("id"), rs.getString("name"), status, rs.getString("stage"), rs.getLong("done"),
                rs.getLong("total"), rs.getString("version_id"), message, list, instant(rs.getLong("created_ns")), updated,
                finished);
    }
}
