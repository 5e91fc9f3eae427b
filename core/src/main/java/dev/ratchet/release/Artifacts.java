package dev.ratchet.release;

import static dev.ratchet.common.Times.instant;
import static dev.ratchet.common.Times.nanos;

import dev.ratchet.common.BadInputException;
import dev.ratchet.common.FieldError;
import dev.ratchet.common.Hashing;
import dev.ratchet.store.Database;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Content-addressed artifacts in the database (the bytes of adapter weights, exported snapshots and the like that
 * agent versions name by hash); the same SQL on SQLite and PostgreSQL. Thread-safe. Scoped by project: another
 * project's artifact is answered like an absent one, even when it holds the same bytes.
 *
 * <p>An artifact is named by the SHA-256 of its bytes, so it never changes: storing the same bytes again stores
 * nothing and answers the same hash (and keeps the media type given first). Artifacts are at most {@link #MAX_BYTES}
 * and are read whole: they are the small layers of a version (an adapter head is kilobytes to megabytes), not models.
 */
public final class Artifacts {

    /** The largest artifact stored: 64 MiB. */
    public static final int MAX_BYTES = 64 * 1024 * 1024;
    /** The media type of bytes stored without one. */
    public static final String DEFAULT_MEDIA_TYPE = "application/octet-stream";

    private static final Pattern HASH = Pattern.compile("[0-9a-fA-F]{64}");
    // type "/" subtype, then optional parameters (RFC 6838 names; parameters kept as given).
    private static final Pattern MEDIA_TYPE = Pattern.compile(
            "[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}(\\s*;\\s*[\\x21-\\x7e]+=[\\x20-\\x7e]+)*");
    private static final int MAX_MEDIA_TYPE = 255;

    private final Database db;
    private final Clock clock;

    public Artifacts(Database db, Clock clock) {
        this.db = Objects.requireNonNull(db, "db");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * Stores bytes, once: durable when it returns. Idempotent: the same bytes stored again, concurrently or not,
     * change nothing.
     *
     * @param mediaType what the bytes are ({@code type/subtype}, with parameters if any); null for
     *                  {@value #DEFAULT_MEDIA_TYPE}
     * @return the SHA-256 of the bytes in lower-case hex, the artifact's name
     * @throws BadInputException naming {@code mediaType} (malformed) or {@code bytes} (missing, or over
     *         {@link #MAX_BYTES}); then nothing is stored
     */
    public String put(String project, String mediaType, byte[] bytes) {
        requireProject(project);
        List<FieldError> errors = new ArrayList<>();
        String type = mediaType == null ? DEFAULT_MEDIA_TYPE : mediaType.strip();
        if (type.length() > MAX_MEDIA_TYPE || !MEDIA_TYPE.matcher(type).matches()) {
            errors.add(FieldError.of("mediaType", "must be a media type such as application/octet-stream or"
                    + " application/json; at most " + MAX_MEDIA_TYPE + " characters"));
        }
        if (bytes == null) {
            errors.add(FieldError.of("bytes", "required"));
        } else if (bytes.length > MAX_BYTES) {
            errors.add(FieldError.of("bytes", "at most " + MAX_BYTES + " bytes (64 MiB); got " + bytes.length));
        }
        if (!errors.isEmpty()) {
            throw new BadInputException(errors);
        }
        String hash = Hashing.sha256Hex(bytes);
        long now = nanos(clock.instant());
        db.write(h -> h.createUpdate("""
                        INSERT INTO artifacts (project_id, hash, media_type, size, bytes, created_ns)
                        VALUES (:p, :h, :t, :size, :bytes, :now) ON CONFLICT (project_id, hash) DO NOTHING""")
                .bind("p", project).bind("h", hash).bind("t", type).bind("size", (long) bytes.length)
                .bind("bytes", bytes).bind("now", now).execute());
        return hash;
    }

    /**
     * The bytes named by a hash, if the project stored them.
     *
     * @throws BadInputException on field {@code hash} if it is not 64 hex digits
     */
    public Optional<byte[]> get(String project, String hash) {
        String h = normalise(project, hash);
        return db.read(x -> x.createQuery("SELECT bytes FROM artifacts WHERE project_id = :p AND hash = :h")
                .bind("p", project).bind("h", h).map((rs, ctx) -> rs.getBytes(1)).findOne());
    }

    /**
     * What is known of the artifact named by a hash, without its bytes, if the project stored it.
     *
     * @throws BadInputException on field {@code hash} if it is not 64 hex digits
     */
    public Optional<Artifact> info(String project, String hash) {
        String h = normalise(project, hash);
        return db.read(x -> x.createQuery("SELECT hash, media_type, size, created_ns FROM artifacts"
                        + " WHERE project_id = :p AND hash = :h")
                .bind("p", project).bind("h", h)
                .map((rs, ctx) -> new Artifact(rs.getString(1), rs.getString(2), rs.getLong(3), instant(rs.getLong(4))))
                .findOne());
    }

    /**
     * Whether the project stored the bytes named by a hash.
     *
     * @throws BadInputException on field {@code hash} if it is not 64 hex digits
     */
    public boolean exists(String project, String hash) {
        return info(project, hash).isPresent();
    }

    /** Whether a text names an artifact: a SHA-256 in hex (either case). */
    public static boolean isHash(String hash) {
        return hash != null && HASH.matcher(hash).matches();
    }

    private static String normalise(String project, String hash) {
        requireProject(project);
        if (!isHash(hash)) {
            throw new BadInputException("hash", "must be a SHA-256 in hex: 64 of 0-9 and a-f");
        }
        return hash.toLowerCase(Locale.ROOT);
    }

    private static void requireProject(String project) {
        if (project == null || project.isBlank()) {
            throw new BadInputException("project", "required");
        }
    }
}
