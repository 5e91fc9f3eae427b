package dev.ratchet.feedback;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JavaType;
import dev.ratchet.common.Json;
import dev.ratchet.common.Times;
import dev.ratchet.store.Database;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.util.Optional;

/**
 * Per-project settings, each a JSON document under a name ({@link #OUTCOME_RULES}, {@link #REVIEW_RULES},
 * {@link #VERIFIERS}), in the {@code project_settings} table. The capability that owns a setting validates
 * it before {@link #put}; this class only stores and reads it with Ratchet's one JSON configuration.
 * Thread-safe.
 *
 * <p>Reads are not cached: a setting changed by another replica (PostgreSQL) is seen at the next read.
 */
public final class ProjectSettings {

    /** {@link OutcomeRules}, owned by the feedback store. */
    public static final String OUTCOME_RULES = "outcome_rules";
    /** {@link ReviewRules}, owned by the review queue. */
    public static final String REVIEW_RULES = "review_rules";
    /** A list of {@link VerifierSpec}, owned by the verifiers. */
    public static final String VERIFIERS = "verifiers";

    private static final String UPSERT = """
            INSERT INTO project_settings (project_id, name, value, updated_ns) VALUES (:project, :name, :value, :now)
            ON CONFLICT (project_id, name) DO UPDATE SET value = excluded.value, updated_ns = excluded.updated_ns
            """;

    private final Database db;
    private final Clock clock;

    public ProjectSettings(Database db, Clock clock) {
        this.db = db;
        this.clock = clock;
    }

    /** The stored JSON text of a setting, if the project ever set it. */
    public Optional<String> text(String projectId, String name) {
        return db.read(h -> h.createQuery("SELECT value FROM project_settings WHERE project_id = :project AND name = :name")
                .bind("project", projectId)
                .bind("name", name)
                .mapTo(String.class)
                .findOne());
    }

    /** The setting read as {@code type}, or {@code defaultValue} when the project never set it. */
    public <T> T get(String projectId, String name, Class<T> type, T defaultValue) {
        return get(projectId, name, Json.MAPPER.constructType(type), defaultValue);
    }

    /** The setting read as a generic {@code type} (e.g. a list), or {@code defaultValue} when never set. */
    public <T> T get(String projectId, String name, TypeReference<T> type, T defaultValue) {
        return get(projectId, name, Json.MAPPER.constructType(type), defaultValue);
    }

    private <T> T get(String projectId, String name, JavaType type, T defaultValue) {
        Optional<String> text = text(projectId, name);
        if (text.isEmpty()) {
            return defaultValue;
        }
        try {
            return Json.MAPPER.readValue(text.get(), type);
        } catch (JsonProcessingException e) {
            // Only validated values are stored, so this is a bug or a hand-edited database: say which setting.
            throw new UncheckedIOException("project " + projectId + ": stored setting '" + name + "' cannot be read as "
                    + type, e);
        }
    }

    /**
     * Stores {@code value} (serialised with Ratchet's mapper) as the project's setting {@code name}, replacing
     * any previous value; durable when this returns. Inside another {@link Database#write} it joins that
     * transaction.
     */
    public void put(String projectId, String name, Object value) {
        String json = Json.write(value);
        long now = Times.nanos(clock.instant());
        db.write(h -> h.createUpdate(UPSERT)
                .bind("project", projectId)
                .bind("name", name)
                .bind("value", json)
                .bind("now", now)
                .execute());
    }
}
