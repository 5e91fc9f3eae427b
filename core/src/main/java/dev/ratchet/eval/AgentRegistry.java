package dev.ratchet.eval;

import static dev.ratchet.common.Times.instant;
import static dev.ratchet.common.Times.nanos;

import dev.ratchet.common.BadInputException;
import dev.ratchet.common.FieldError;
import dev.ratchet.common.Ids;
import dev.ratchet.common.JsonText;
import dev.ratchet.store.Database;
import java.net.URI;
import java.net.URISyntaxException;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.jdbi.v3.core.Handle;

/**
 * The agents each project runs suites against ({@link AgentDefinition}), in the database; the same SQL on SQLite and
 * PostgreSQL. Thread-safe. Scoped by project: another project's agent is answered like an unknown one.
 *
 * <p><b>Versions are immutable.</b> A version is registered once with its configuration; registering it again with
 * the same configuration changes nothing, with another is refused, so a run of "desk v2" always means the same
 * configuration. Where the agent runs (endpoint or built-in, timeout) may change: that is where it is, not what it
 * is. Concurrent registrations of one version are ordered by the database: the loser sees the winner's
 * configuration and is refused if it differs.
 */
public final class AgentRegistry {

    static final int MAX_VERSIONS_PER_REGISTRATION = 1_000;
    static final long MAX_TIMEOUT_MS = 3_600_000;
    private static final int MAX_ENDPOINT = 2_000;

    private final Database db;
    private final Clock clock;

    public AgentRegistry(Database db, Clock clock) {
        this.db = Objects.requireNonNull(db, "db");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * Registers an agent, or updates where a registered one runs, and adds the given versions; atomic and durable.
     *
     * @return the agent as stored, with all its versions
     * @throws BadInputException naming each bad field (name, neither or both of endpoint and builtin, a malformed
     *         endpoint, timeout, version labels, a version already registered with another configuration); then
     *         nothing is stored
     */
    public AgentDefinition register(String project, AgentRegistration r) {
        requireProject(project);
        if (r == null) {
            throw new BadInputException("$", "required");
        }
        List<FieldError> errors = new ArrayList<>();
        if (r.name() == null || !Ids.CLIENT_ID.matcher(r.name()).matches()) {
            errors.add(FieldError.of("name", "required: 1 to 128 of letters, digits and . _ : -"));
        }
        if ((r.endpoint() == null) == (r.builtin() == null)) {
            errors.add(FieldError.of("endpoint", "exactly one of endpoint (an HTTP agent) and builtin (an in-process"
                    + " agent of the server) is required"));
        } else if (r.endpoint() != null) {
            String why = endpointProblem(r.endpoint());
            if (why != null) {
                errors.add(FieldError.of("endpoint", why));
            }
        } else if (!Ids.CLIENT_ID.matcher(r.builtin()).matches()) {
            errors.add(FieldError.of("builtin", "1 to 128 of letters, digits and . _ : -"));
        }
        if (r.timeoutMs() != null && (r.timeoutMs() < 1 || r.timeoutMs() > MAX_TIMEOUT_MS)) {
            errors.add(FieldError.of("timeoutMs", "must be 1 to " + MAX_TIMEOUT_MS + " (an hour)"));
        }
        if (r.versions().size() > MAX_VERSIONS_PER_REGISTRATION) {
            errors.add(FieldError.of("versions", "at most " + MAX_VERSIONS_PER_REGISTRATION + " at once"));
        }
        Map<String, AgentVersion> versions = new LinkedHashMap<>();
        for (int i = 0; i < r.versions().size() && i < MAX_VERSIONS_PER_REGISTRATION; i++) {
            AgentVersion v = r.versions().get(i);
            if (v == null || v.version() == null || !Ids.CLIENT_ID.matcher(v.version()).matches()) {
                errors.add(FieldError.of("versions[" + i + "].version", "required: 1 to 128 of letters, digits and . _ : -"));
            } else if (versions.putIfAbsent(v.version(), v) != null) {
                errors.add(FieldError.of("versions[" + i + "].version", "version '" + v.version() + "' is given twice"));
            }
        }
        if (!errors.isEmpty()) {
            throw new BadInputException(errors);
        }
        long now = nanos(clock.instant());
        db.write(h -> {
            h.createUpdate("""
                            INSERT INTO eval_agents (project_id, name, endpoint, builtin, timeout_ms, created_ns, updated_ns)
                            VALUES (:p, :n, :endpoint, :builtin, :timeout, :now, :now)
                            ON CONFLICT (project_id, name) DO UPDATE SET endpoint = excluded.endpoint,
                                builtin = excluded.builtin, timeout_ms = excluded.timeout_ms, updated_ns = excluded.updated_ns""")
                    .bind("p", project).bind("n", r.name()).bind("endpoint", r.endpoint()).bind("builtin", r.builtin())
                    .bindBySqlType("timeout", r.timeoutMs(), java.sql.Types.BIGINT).bind("now", now).execute();
            List<FieldError> conflicts = new ArrayList<>();
            for (AgentVersion v : versions.values()) {
                String config = v.configuration() == null ? null : v.configuration().text();
                h.createUpdate("""
                                INSERT INTO eval_agent_versions (project_id, agent, version, configuration, created_ns)
                                VALUES (:p, :a, :v, :c, :now) ON CONFLICT (project_id, agent, version) DO NOTHING""")
                        .bind("p", project).bind("a", r.name()).bind("v", v.version()).bind("c", config).bind("now", now)
                        .execute();
                Optional<String> stored = h.createQuery("SELECT configuration FROM eval_agent_versions"
                                + " WHERE project_id = :p AND agent = :a AND version = :v")
                        .bind("p", project).bind("a", r.name()).bind("v", v.version())
                        .map((rs, ctx) -> Optional.ofNullable(rs.getString(1))).one();
                if (!Objects.equals(JsonText.ofValid(stored.orElse(null)), v.configuration())) {
                    conflicts.add(FieldError.of("versions[" + indexOf(r.versions(), v) + "].configuration", "version '"
                            + v.version() + "' of agent '" + r.name() + "' is registered with another configuration;"
                            + " a version never changes: register a new version"));
                }
            }
            if (!conflicts.isEmpty()) {
                throw new BadInputException(conflicts); // rolls the whole registration back
            }
            return null;
        });
        return get(project, r.name()).orElseThrow();
    }

    /** The agent with this name, if the project registered one. */
    public Optional<AgentDefinition> get(String project, String name) {
        requireProject(project);
        if (name == null) {
            return Optional.empty();
        }
        return db.read(h -> h.createQuery("SELECT name, endpoint, builtin, timeout_ms, created_ns, updated_ns"
                        + " FROM eval_agents WHERE project_id = :p AND name = :n")
                .bind("p", project).bind("n", name).map((rs, ctx) -> row(rs)).findOne()
                .map(a -> withVersions(h, project, a)));
    }

    /** The project's agents, by name, each with its versions. */
    public List<AgentDefinition> list(String project) {
        requireProject(project);
        return db.read(h -> h.createQuery("SELECT name, endpoint, builtin, timeout_ms, created_ns, updated_ns"
                        + " FROM eval_agents WHERE project_id = :p ORDER BY name")
                .bind("p", project).map((rs, ctx) -> row(rs)).list()
                .stream().map(a -> withVersions(h, project, a)).toList());
    }

    private static AgentDefinition withVersions(Handle h, String project, AgentDefinition a) {
        List<AgentVersion> versions = h.createQuery("SELECT version, configuration, created_ns FROM eval_agent_versions"
                        + " WHERE project_id = :p AND agent = :a ORDER BY created_ns, version")
                .bind("p", project).bind("a", a.name())
                .map((rs, ctx) -> new AgentVersion(rs.getString(1), JsonText.ofValid(rs.getString(2)), instant(rs.getLong(3))))
                .list();
        return new AgentDefinition(a.name(), a.endpoint(), a.builtin(), a.timeoutMs(), versions, a.createdAt(), a.updatedAt());
    }

    private static AgentDefinition row(ResultSet rs) throws SQLException {
        long timeout = rs.getLong("timeout_ms");
        Long timeoutMs = rs.wasNull() ? null : timeout;
        return new AgentDefinition(rs.getString("name"), rs.getString("endpoint"), rs.getString("builtin"), timeoutMs,
                List.of(), instant(rs.getLong("created_ns")), instant(rs.getLong("updated_ns")));
    }

    private static int indexOf(List<AgentVersion> versions, AgentVersion v) {
        for (int i = 0; i < versions.size(); i++) {
            if (versions.get(i) == v) {
                return i;
            }
        }
        return -1;
    }

    /** Why an endpoint is not usable, or null. */
    private static String endpointProblem(String endpoint) {
        if (endpoint.length() > MAX_ENDPOINT) {
            return "at most " + MAX_ENDPOINT + " characters";
        }
        try {
            URI u = new URI(endpoint);
            String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
            if (!Set.of("http", "https").contains(scheme) || u.getHost() == null) {
                return "must be an absolute http or https URL with a host, e.g. http://agent.internal:8080/answer";
            }
            return null;
        } catch (URISyntaxException e) {
            return "not a valid URL: " + e.getReason();
        }
    }

    private static void requireProject(String project) {
        if (project == null || project.isBlank()) {
            throw new BadInputException("project", "required");
        }
    }
}
