package dev.ratchet.eval;

import static dev.ratchet.common.Times.instant;
import static dev.ratchet.common.Times.nanos;

import dev.ratchet.common.BadInputException;
import dev.ratchet.common.FieldError;
import dev.ratchet.common.Ids;
import dev.ratchet.common.JsonText;
import dev.ratchet.common.NotFoundException;
import dev.ratchet.store.Database;
import java.net.URI;
import java.net.URISyntaxException;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
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
 *
 * <p><b>Every change is a new version.</b> Whatever its layer, a change is {@linkplain #propose proposed} as a
 * {@code candidate} version with its parent, the layer it changes and the evidence that produced it; once verified it
 * is {@linkplain #promote promoted} or {@linkplain #reject rejected}, once, with the decision that says why. The
 * agent's {@linkplain #current current} version is its latest promoted one. Versions are listed in the order they
 * were stored: each gets a creation time after every earlier version of its agent (ties, possible only between
 * concurrent writers on PostgreSQL, are ordered by label), and each decision a time after every earlier one.
 *
 * <p>Reads answer an unknown agent or version, or another project's, with an empty result; writes with a
 * {@link NotFoundException}.
 */
public final class AgentRegistry {

    /** The layers a version may say it changes ({@link NewVersion#layer}). */
    public static final List<String> LAYERS = List.of("model", "weights", "instructions", "rules", "tools", "memory",
            "parameters");
    /** The most characters of a configuration, evidence or decision (JSON text) a proposal or decision may carry. */
    public static final int MAX_JSON_CHARS = 1_000_000;
    /** The most versions {@link #lineage} walks: a guard against cycles and runaway chains. */
    public static final int MAX_LINEAGE = 10_000;

    static final int MAX_VERSIONS_PER_REGISTRATION = 1_000;
    static final long MAX_TIMEOUT_MS = 3_600_000;
    private static final int MAX_ENDPOINT = 2_000;
    private static final String VERSION_COLUMNS = "version, configuration, parent, layer, evidence, status, decision,"
            + " created_ns, decided_ns";

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
            long created = nextCreated(h, project, r.name(), now); // listed in the order given
            for (AgentVersion v : versions.values()) {
                String config = v.configuration() == null ? null : v.configuration().text();
                h.createUpdate("""
                                INSERT INTO eval_agent_versions (project_id, agent, version, configuration, created_ns)
                                VALUES (:p, :a, :v, :c, :created) ON CONFLICT (project_id, agent, version) DO NOTHING""")
                        .bind("p", project).bind("a", r.name()).bind("v", v.version()).bind("c", config)
                        .bind("created", created++).execute();
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
        return new AgentDefinition(a.name(), a.endpoint(), a.builtin(), a.timeoutMs(), versions(h, project, a.name()),
                a.createdAt(), a.updatedAt());
    }

    /**
     * Proposes a change to a registered agent: stores it as a {@code candidate} version, to be verified and then
     * promoted or rejected. Atomic and durable. Idempotent: proposing again what is already stored under the label (the
     * same configuration, parent, layer and evidence, whatever has been decided since) changes nothing and returns it.
     *
     * @return the version as stored
     * @throws NotFoundException if the project has no agent of this name
     * @throws BadInputException naming each bad field ({@code version}: malformed, or already taken by another
     *         version; {@code parent}: malformed, the version itself, or no version of this agent; {@code layer}: not
     *         one of {@link #LAYERS}; {@code configuration}: missing or too long; {@code evidence}: not a JSON object
     *         or too long); then nothing is stored
     */
    public AgentVersion propose(String project, String agent, NewVersion v) {
        requireProject(project);
        requireAgent(agent);
        if (v == null) {
            throw new BadInputException("$", "required");
        }
        List<FieldError> errors = new ArrayList<>();
        if (!Ids.isValidClientId(v.version())) {
            errors.add(FieldError.of("version", "required: 1 to 128 of letters, digits and . _ : -"));
        }
        if (v.parent() != null && !Ids.isValidClientId(v.parent())) {
            errors.add(FieldError.of("parent", "1 to 128 of letters, digits and . _ : -, or null for a root version"));
        } else if (v.parent() != null && v.parent().equals(v.version())) {
            errors.add(FieldError.of("parent", "a version cannot be its own parent"));
        }
        if (v.layer() != null && !LAYERS.contains(v.layer())) {
            errors.add(FieldError.of("layer", "unknown layer '" + v.layer() + "'; one of " + String.join(", ", LAYERS)));
        }
        if (v.configuration() == null) {
            errors.add(FieldError.of("configuration", "required: the version's whole bundle of layers as JSON"));
        } else {
            jsonProblem(v.configuration(), false).ifPresent(why -> errors.add(FieldError.of("configuration", why)));
        }
        jsonProblem(v.evidence(), true).ifPresent(why -> errors.add(FieldError.of("evidence", why)));
        if (!errors.isEmpty()) {
            throw new BadInputException(errors);
        }
        long now = nanos(clock.instant());
        return db.write(h -> {
            requireRegistered(h, project, agent);
            if (v.parent() != null && findVersion(h, project, agent, v.parent()).isEmpty()) {
                throw new BadInputException("parent", "agent '" + agent + "' has no version '" + v.parent() + "'");
            }
            h.createUpdate("""
                            INSERT INTO eval_agent_versions (project_id, agent, version, configuration, parent, layer,
                                evidence, status, created_ns)
                            VALUES (:p, :a, :v, :c, :parent, :layer, :evidence, :status, :created)
                            ON CONFLICT (project_id, agent, version) DO NOTHING""")
                    .bind("p", project).bind("a", agent).bind("v", v.version()).bind("c", v.configuration().text())
                    .bind("parent", v.parent()).bind("layer", v.layer()).bind("evidence", text(v.evidence()))
                    .bind("status", VersionStatus.CANDIDATE.wire()).bind("created", nextCreated(h, project, agent, now))
                    .execute();
            AgentVersion stored = findVersion(h, project, agent, v.version()).orElseThrow();
            boolean same = stored.status() != VersionStatus.REGISTERED
                    && Objects.equals(stored.configuration(), v.configuration())
                    && Objects.equals(stored.parent(), v.parent()) && Objects.equals(stored.layer(), v.layer())
                    && Objects.equals(stored.evidence(), v.evidence());
            if (!same) {
                throw new BadInputException("version", "version '" + v.version() + "' of agent '" + agent + "' already"
                        + " exists (" + stored.status().wire() + ") and is not this proposal; a version never changes:"
                        + " propose a new label");
            }
            return stored;
        });
    }

    /**
     * Promotes a candidate: it becomes the agent's {@linkplain #current current} version. Atomic and durable; of two
     * concurrent decisions on one candidate exactly one is applied, the other is refused as for a decided version.
     *
     * @param decision why (e.g. the gate verdict's id and reasons), a JSON object, or null
     * @return the version as decided
     * @throws NotFoundException if the project has no such agent or version
     * @throws BadInputException on field {@code status} if the version is not a candidate (saying what it is), on
     *         {@code decision} if it is not a JSON object or too long; then nothing changes
     */
    public AgentVersion promote(String project, String agent, String version, JsonText decision) {
        return decide(project, agent, version, decision, VersionStatus.PROMOTED);
    }

    /**
     * Rejects a candidate: it stays listed, with the decision, and is never current. Atomic and durable; of two
     * concurrent decisions on one candidate exactly one is applied.
     *
     * @param decision why (e.g. the gate verdict's id and reasons), a JSON object, or null
     * @return the version as decided
     * @throws NotFoundException if the project has no such agent or version
     * @throws BadInputException as for {@link #promote}
     */
    public AgentVersion reject(String project, String agent, String version, JsonText decision) {
        return decide(project, agent, version, decision, VersionStatus.REJECTED);
    }

    private AgentVersion decide(String project, String agent, String version, JsonText decision, VersionStatus to) {
        requireProject(project);
        requireAgent(agent);
        if (version == null) {
            throw new BadInputException("version", "required");
        }
        jsonProblem(decision, true).ifPresent(why -> {
            throw new BadInputException("decision", why);
        });
        long now = nanos(clock.instant());
        return db.write(h -> {
            long decided = Math.max(now, h.createQuery("SELECT COALESCE(MAX(decided_ns), 0) FROM eval_agent_versions"
                            + " WHERE project_id = :p AND agent = :a")
                    .bind("p", project).bind("a", agent).mapTo(Long.class).one() + 1);
            // Conditional on the status, so that of two deciders the database lets exactly one through.
            int changed = h.createUpdate("UPDATE eval_agent_versions SET status = :to, decision = :d, decided_ns = :t"
                            + " WHERE project_id = :p AND agent = :a AND version = :v AND status = :candidate")
                    .bind("to", to.wire()).bind("d", text(decision)).bind("t", decided).bind("p", project)
                    .bind("a", agent).bind("v", version).bind("candidate", VersionStatus.CANDIDATE.wire()).execute();
            Optional<AgentVersion> stored = findVersion(h, project, agent, version);
            if (stored.isEmpty()) {
                requireRegistered(h, project, agent);
                throw new NotFoundException("agent version", agent + " " + version);
            }
            if (changed == 0) {
                String verb = to == VersionStatus.PROMOTED ? "promoted" : "rejected";
                throw new BadInputException("status", "version '" + version + "' of agent '" + agent + "' is "
                        + stored.get().status().wire() + "; only a candidate can be " + verb);
            }
            return stored.get();
        });
    }

    /**
     * The agent's current version: its latest promoted one (by decision time, then creation), or empty when none has
     * been promoted (or there is no such agent).
     */
    public Optional<AgentVersion> current(String project, String agent) {
        requireProject(project);
        if (agent == null) {
            return Optional.empty();
        }
        return db.read(h -> h.createQuery("SELECT " + VERSION_COLUMNS + " FROM eval_agent_versions"
                        + " WHERE project_id = :p AND agent = :a AND status = :promoted"
                        + " ORDER BY decided_ns DESC, created_ns DESC, version DESC LIMIT 1")
                .bind("p", project).bind("a", agent).bind("promoted", VersionStatus.PROMOTED.wire())
                .map((rs, ctx) -> versionRow(rs)).findOne());
    }

    /** The agent's versions in the order they were stored; empty when there is no such agent. */
    public List<AgentVersion> versions(String project, String agent) {
        requireProject(project);
        if (agent == null) {
            return List.of();
        }
        return db.read(h -> versions(h, project, agent));
    }

    /** One version of the agent, if it exists. */
    public Optional<AgentVersion> version(String project, String agent, String version) {
        requireProject(project);
        if (agent == null || version == null) {
            return Optional.empty();
        }
        return db.read(h -> findVersion(h, project, agent, version));
    }

    /**
     * The version and its ancestors, parent after child, up to the root: where it came from. Empty when there is no
     * such version. At most {@link #MAX_LINEAGE} versions, and each once: the walk stops where a chain would loop.
     */
    public List<AgentVersion> lineage(String project, String agent, String version) {
        requireProject(project);
        if (agent == null || version == null) {
            return List.of();
        }
        String recursive = VERSION_COLUMNS.replaceAll("(\\w+)", "e.$1");
        List<AgentVersion> chain = db.read(h -> h.createQuery("WITH RECURSIVE chain AS ("
                        + " SELECT " + VERSION_COLUMNS + ", 0 AS depth FROM eval_agent_versions"
                        + " WHERE project_id = :p AND agent = :a AND version = :v"
                        + " UNION ALL SELECT " + recursive + ", c.depth + 1 FROM eval_agent_versions e"
                        + " JOIN chain c ON e.version = c.parent"
                        + " WHERE e.project_id = :p AND e.agent = :a AND c.depth < :max)"
                        + " SELECT " + VERSION_COLUMNS + " FROM chain ORDER BY depth")
                .bind("p", project).bind("a", agent).bind("v", version).bind("max", MAX_LINEAGE - 1)
                .map((rs, ctx) -> versionRow(rs)).list());
        Set<String> seen = new HashSet<>();
        List<AgentVersion> out = new ArrayList<>();
        for (AgentVersion v : chain) {
            if (!seen.add(v.version())) {
                break;
            }
            out.add(v);
        }
        return out;
    }

    private static List<AgentVersion> versions(Handle h, String project, String agent) {
        return h.createQuery("SELECT " + VERSION_COLUMNS + " FROM eval_agent_versions"
                        + " WHERE project_id = :p AND agent = :a ORDER BY created_ns, version")
                .bind("p", project).bind("a", agent).map((rs, ctx) -> versionRow(rs)).list();
    }

    private static Optional<AgentVersion> findVersion(Handle h, String project, String agent, String version) {
        return h.createQuery("SELECT " + VERSION_COLUMNS + " FROM eval_agent_versions"
                        + " WHERE project_id = :p AND agent = :a AND version = :v")
                .bind("p", project).bind("a", agent).bind("v", version).map((rs, ctx) -> versionRow(rs)).findOne();
    }

    /** A creation time after every version the agent has, so that creation order is listing order. */
    private static long nextCreated(Handle h, String project, String agent, long now) {
        return Math.max(now, h.createQuery("SELECT COALESCE(MAX(created_ns), 0) FROM eval_agent_versions"
                        + " WHERE project_id = :p AND agent = :a")
                .bind("p", project).bind("a", agent).mapTo(Long.class).one() + 1);
    }

    private static void requireRegistered(Handle h, String project, String agent) {
        boolean registered = h.createQuery("SELECT COUNT(*) FROM eval_agents WHERE project_id = :p AND name = :n")
                .bind("p", project).bind("n", agent).mapTo(Long.class).one() > 0;
        if (!registered) {
            throw new NotFoundException("agent", agent);
        }
    }

    private static AgentVersion versionRow(ResultSet rs) throws SQLException {
        long decided = rs.getLong("decided_ns");
        Instant decidedAt = rs.wasNull() ? null : instant(decided);
        VersionStatus status = VersionStatus.parse(rs.getString("status"))
                .orElseThrow(() -> new IllegalStateException("unknown version status in the database"));
        return new AgentVersion(rs.getString("version"), JsonText.ofValid(rs.getString("configuration")),
                rs.getString("parent"), rs.getString("layer"), JsonText.ofValid(rs.getString("evidence")), status,
                JsonText.ofValid(rs.getString("decision")), instant(rs.getLong("created_ns")), decidedAt);
    }

    /** Why a JSON value cannot be kept as a configuration ({@code object} false), evidence or decision, if it cannot. */
    private static Optional<String> jsonProblem(JsonText value, boolean object) {
        if (value == null) {
            return Optional.empty();
        }
        if (object && !value.isObject()) {
            return Optional.of("must be a JSON object");
        }
        if (value.text().length() > MAX_JSON_CHARS) {
            return Optional.of("at most " + MAX_JSON_CHARS + " characters of JSON; got " + value.text().length());
        }
        return Optional.empty();
    }

    private static String text(JsonText value) {
        return value == null ? null : value.text();
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

    private static void requireAgent(String agent) {
        if (agent == null || agent.isBlank()) {
            throw new BadInputException("agent", "required");
        }
    }

    private static void requireProject(String project) {
        if (project == null || project.isBlank()) {
            throw new BadInputException("project", "required");
        }
    }
}
