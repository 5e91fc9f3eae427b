package dev.ratchet.project;

import dev.ratchet.common.BadInputException;
import dev.ratchet.common.Hashing;
import dev.ratchet.common.Ids;
import dev.ratchet.common.Times;
import dev.ratchet.store.Database;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Projects and their API keys. Keys are 32 random bytes (base64url, prefixed {@code rk_}); only their
 * SHA-256 is stored, so a stolen database does not yield working keys. Thread-safe.
 */
public final class ProjectStore {

    /** The project created on first start. */
    public static final String DEFAULT_PROJECT = "default";

    private static final Pattern PROJECT_ID = Pattern.compile("[a-z0-9][a-z0-9_-]{0,63}");
    private static final Pattern KEY_SHAPE = Pattern.compile("[A-Za-z0-9._~+/=-]{16,256}");
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Database db;
    private final Clock clock;

    public ProjectStore(Database db, Clock clock) {
        this.db = db;
        this.clock = clock;
    }

    /**
     * Creates project {@link #DEFAULT_PROJECT} and an admin key when the database has no project yet.
     *
     * @param fixedKey the key to register (e.g. from {@code RATCHET_BOOTSTRAP_KEY}); null to generate one
     * @return the admin key with its secret when one was created now; empty when projects already existed
     */
    public Optional<ApiKey> bootstrap(String fixedKey) {
        if (fixedKey != null && !KEY_SHAPE.matcher(fixedKey).matches()) {
            throw new BadInputException("RATCHET_BOOTSTRAP_KEY",
                    "must be 16-256 characters of letters, digits and . _ ~ + / = -");
        }
        return db.write(h -> {
            long projects = h.createQuery("SELECT COUNT(*) FROM projects").mapTo(Long.class).one();
            if (projects > 0) {
                return Optional.<ApiKey>empty();
            }
            long now = nowNanos();
            // Two servers starting together on one PostgreSQL database: only one creates the project.
            int inserted = h.execute("INSERT INTO projects (id, created_ns) VALUES (?, ?) ON CONFLICT (id) DO NOTHING",
                    DEFAULT_PROJECT, now);
            if (inserted == 0) {
                return Optional.<ApiKey>empty();
            }
            return Optional.of(insertKey(h, DEFAULT_PROJECT, "bootstrap admin", Role.ADMIN,
                    fixedKey != null ? fixedKey : newSecret(), now));
        });
    }

    /** Creates a project with a first member key, returned with its secret. */
    public ApiKey createProject(String projectId) {
        if (projectId == null || !PROJECT_ID.matcher(projectId).matches()) {
            throw new BadInputException("id", "must be 1-64 characters of a-z, 0-9, _ and -, starting with a letter or digit");
        }
        return db.write(h -> {
            boolean exists = h.createQuery("SELECT COUNT(*) FROM projects WHERE id = :id")
                    .bind("id", projectId).mapTo(Long.class).one() > 0;
            if (exists) {
                throw new BadInputException("id", "project '" + projectId + "' already exists");
            }
            long now = nowNanos();
            h.execute("INSERT INTO projects (id, created_ns) VALUES (?, ?)", projectId, now);
            return insertKey(h, projectId, "first key", Role.MEMBER, newSecret(), now);
        });
    }

    /** Creates another key for an existing project; the secret is in the returned value only. */
    public ApiKey createKey(String projectId, String name, Role role) {
        if (name == null || name.isBlank() || name.length() > 128) {
            throw new BadInputException("name", "required, at most 128 characters");
        }
        return db.write(h -> {
            if (h.createQuery("SELECT COUNT(*) FROM projects WHERE id = :id").bind("id", projectId)
                    .mapTo(Long.class).one() == 0) {
                throw new dev.ratchet.common.NotFoundException("project", projectId);
            }
            return insertKey(h, projectId, name, role, newSecret(), nowNanos());
        });
    }

    public List<Project> projects() {
        return db.read(h -> h.createQuery("SELECT id, created_ns FROM projects ORDER BY id")
                .map((rs, ctx) -> new Project(rs.getString("id"), Times.instant(rs.getLong("created_ns"))))
                .list());
    }

    /** The principal a presented key stands for, or empty if the key is unknown or revoked. */
    public Optional<Principal> authenticate(String presentedKey) {
        if (presentedKey == null || !KEY_SHAPE.matcher(presentedKey).matches()) {
            return Optional.empty();
        }
        String hash = Hashing.sha256Hex(presentedKey);
        return db.read(h -> h.createQuery(
                        "SELECT id, project_id, role FROM api_keys WHERE key_hash = :hash AND revoked_ns IS NULL")
                .bind("hash", hash)
                .map((rs, ctx) -> new Principal(rs.getString("project_id"), rs.getString("id"),
                        Role.valueOf(rs.getString("role"))))
                .findOne());
    }

    private ApiKey insertKey(org.jdbi.v3.core.Handle h, String projectId, String name, Role role, String secret,
            long now) {
        String id = Ids.newId(clock);
        String prefix = secret.substring(0, Math.min(8, secret.length()));
        h.createUpdate("""
                        INSERT INTO api_keys (id, project_id, key_hash, prefix, name, role, created_ns)
                        VALUES (:id, :project, :hash, :prefix, :name, :role, :now)""")
                .bind("id", id)
                .bind("project", projectId)
                .bind("hash", Hashing.sha256Hex(secret))
                .bind("prefix", prefix)
                .bind("name", name)
                .bind("role", role.name())
                .bind("now", now)
                .execute();
        return new ApiKey(id, projectId, name, role, prefix, Times.instant(now), secret);
    }

    private static String newSecret() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return "rk_" + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private long nowNanos() {
        return Times.nanos(clock.instant());
    }
}
