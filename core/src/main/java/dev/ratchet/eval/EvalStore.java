package dev.ratchet.eval;

import static dev.ratchet.common.Times.instant;
import static dev.ratchet.common.Times.nanos;
import static java.sql.Types.BIGINT;
import static java.sql.Types.DOUBLE;
import static java.sql.Types.INTEGER;
import static java.sql.Types.NUMERIC;
import static java.sql.Types.VARCHAR;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import dev.ratchet.common.BadInputException;
import dev.ratchet.common.FieldError;
import dev.ratchet.common.Hashing;
import dev.ratchet.common.Ids;
import dev.ratchet.common.Json;
import dev.ratchet.common.JsonText;
import dev.ratchet.common.NotFoundException;
import dev.ratchet.store.Database;
import dev.ratchet.store.JdbcBatch;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.UnableToExecuteStatementException;

/**
 * Suites, their versions and cases, runs with their results, and gate verdicts, in the database; the same SQL
 * on SQLite and PostgreSQL. Thread-safe. Everything is scoped by project: nothing here returns another project's
 * data, and an id of another project is answered like an unknown one ({@link NotFoundException}).
 *
 * <p><b>Versions.</b> A suite changes only by a new version, written in one transaction with its new cases; no
 * version or case is ever updated. Membership is stored as intervals ({@code eval_suite_members}: added in version
 * a, removed in version r), so a version costs rows for what changed, not for every case it holds. Concurrent
 * edits are ordered by a conditional update of the suite's latest version: the loser of a race on an explicit base
 * version gets a {@link BadInputException}; an edit without one is retried on the new latest.
 *
 * <p><b>Results</b> are written in batches ({@link #appendResults}) by the runner: one transaction, one JDBC batch
 * per call, so a run of thousands of cases commits (and fsyncs) a few dozen times, not once per case.
 */
public final class EvalStore {

    private static final Pattern NAME = Ids.CLIENT_ID;
    private static final int MAX_CASES_PER_EDIT = 10_000;
    private static final int EDIT_ATTEMPTS = 5;
    private static final TypeReference<List<Fixture>> FIXTURES = new TypeReference<>() { };
    private static final TypeReference<List<JsonText>> JSON_LIST = new TypeReference<>() { };
    private static final TypeReference<List<String>> STRINGS = new TypeReference<>() { };
    private static final TypeReference<List<Score>> SCORES = new TypeReference<>() { };
    private static final TypeReference<List<Call>> CALLS = new TypeReference<>() { };

    private static final String SUITE_COLUMNS = "id, name, kind, description, latest_version, created_ns, updated_ns";
    private static final String CASE_COLUMNS = """
            id, content_hash, input, context, expected, fixtures, expectations, tags, origin_trace_id, created_ns""";
    private static final String INSERT_CASE = """
            INSERT INTO eval_cases (project_id, id, content_hash, input, context, expected, fixtures, expectations, tags,
                origin_trace_id, created_ns) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""";
    private static final int[] CASE_TYPES = {VARCHAR, VARCHAR, VARCHAR, VARCHAR, VARCHAR, VARCHAR, VARCHAR, VARCHAR,
        VARCHAR, VARCHAR, BIGINT};
    private static final String INSERT_MEMBER = """
            INSERT INTO eval_suite_members (project_id, suite_id, case_id, position, added_version, added_ns)
            VALUES (?, ?, ?, ?, ?, ?)""";
    private static final int[] MEMBER_TYPES = {VARCHAR, VARCHAR, VARCHAR, INTEGER, INTEGER, BIGINT};
    private static final String RUN_COLUMNS = """
            id, suite_id, suite_version, agent, agent_version, configuration, options, status, total, passed, failed,
            errors, success_rate, wilson_low, wilson_high, p50_ms, p95_ms, total_cost, error, started_ns, finished_ns""";
    private static final String INSERT_RESULT = """
            INSERT INTO eval_results (project_id, run_id, case_id, position, status, passed, score, output, trace, trace_id,
                reason, cost, latency_ms, scores, calls) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""";
    private static final int[] RESULT_TYPES = {VARCHAR, VARCHAR, VARCHAR, INTEGER, VARCHAR, INTEGER, DOUBLE, VARCHAR,
        VARCHAR, VARCHAR, VARCHAR, NUMERIC, BIGINT, VARCHAR, VARCHAR};
    private static final String RESULT_COLUMNS = """
            case_id, position, status, score, output, trace, trace_id, reason, cost, latency_ms, scores, calls""";

    private final Database db;
    private final Clock clock;

    public EvalStore(Database db, Clock clock) {
        this.db = Objects.requireNonNull(db, "db");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    // --- suites ---

    /**
     * Creates a suite and its version 1 (with the given cases, possibly none), atomically and durably.
     *
     * @throws BadInputException naming each bad field (name taken or malformed, unknown kind, bad cases); then
     *         nothing is stored
     */
    public SuiteVersion createSuite(String project, NewSuite suite) {
        requireProject(project);
        List<FieldError> errors = new ArrayList<>();
        if (suite == null) {
            throw new BadInputException("$", "required");
        }
        if (suite.name() == null || !NAME.matcher(suite.name()).matches()) {
            errors.add(FieldError.of("name", "required: 1 to 128 of letters, digits and . _ : -"));
        }
        SuiteKind kind = null;
        if (suite.kind() == null) {
            errors.add(FieldError.of("kind", "required: one of " + SuiteKind.allowed()));
        } else {
            kind = SuiteKind.parse(suite.kind()).orElse(null);
            if (kind == null) {
                errors.add(FieldError.of("kind", "unknown kind '" + suite.kind() + "': use one of " + SuiteKind.allowed()));
            }
        }
        if (suite.description() != null && suite.description().length() > 10_000) {
            errors.add(FieldError.of("description", "at most 10000 characters"));
        }
        List<Prepared> cases = prepare(suite.cases(), "cases", errors);
        if (!errors.isEmpty()) {
            throw new BadInputException(errors);
        }
        String id = Ids.newId(clock);
        long now = nanos(clock.instant());
        SuiteKind k = kind;
        db.write(h -> {
            boolean taken = h.createQuery("SELECT COUNT(*) FROM eval_suites WHERE project_id = :p AND name = :n")
                    .bind("p", project).bind("n", suite.name()).mapTo(Long.class).one() > 0;
            if (taken) {
                throw new BadInputException("name", "a suite named '" + suite.name() + "' already exists in this project");
            }
            h.execute("INSERT INTO eval_suites (project_id, id, name, kind, description, latest_version, created_ns, updated_ns)"
                    + " VALUES (?, ?, ?, ?, ?, 1, ?, ?)", project, id, suite.name(), k.wire(), suite.description(), now, now);
            List<Prepared> distinct = dedupe(cases, new HashMap<>(), new ArrayList<>());
            insertCases(h, project, id, distinct, 1, 0, now);
            insertVersion(h, project, id, 1, distinct.stream().map(Prepared::hash).toList(), "created", now);
            return null;
        });
        return version(project, id, 1);
    }

    /**
     * Makes a new version of a suite: its latest version, less the removed cases, plus the added ones (a case equal
     * in content to one already in the suite, or earlier in the same edit, is not added twice). An edit that changes
     * nothing makes no version. Atomic and durable.
     *
     * @throws NotFoundException if the suite does not exist in the project
     * @throws BadInputException naming each bad field: a stale or missing base version where one is needed (an
     *         edit never changes an existing version), a removal of a case not in the suite or without a required
     *         reason, bad cases; then nothing is stored
     */
    public EditResult edit(String project, String suite, SuiteEdit edit) {
        requireProject(project);
        Suite s = suite(project, suite);
        if (edit == null) {
            throw new BadInputException("$", "required");
        }
        List<FieldError> errors = new ArrayList<>();
        if (edit.baseVersion() == null && s.kind() == SuiteKind.EVAL) {
            errors.add(FieldError.of("baseVersion", "required for an eval suite: name the version this edit was made"
                    + " from (the latest is " + s.latestVersion() + "); eval versions are frozen and an edit makes a new one"));
        }
        if (edit.add().isEmpty() && edit.remove().isEmpty()) {
            errors.add(FieldError.of("add", "an edit adds or removes at least one case"));
        }
        for (int i = 0; i < edit.remove().size(); i++) {
            SuiteEdit.Removal r = edit.remove().get(i);
            if (r == null || r.caseId() == null || r.caseId().isBlank()) {
                errors.add(FieldError.of("remove[" + i + "].caseId", "required"));
            } else if (s.kind() == SuiteKind.REGRESSION && (r.reason() == null || r.reason().isBlank())) {
                errors.add(FieldError.of("remove[" + i + "].reason", "required: a case leaves a regression suite only"
                        + " for a stated reason, which its history keeps"));
            }
        }
        if (edit.note() != null && edit.note().length() > 10_000) {
            errors.add(FieldError.of("note", "at most 10000 characters"));
        }
        List<Prepared> added = prepare(edit.add(), "add", errors);
        if (!errors.isEmpty()) {
            throw new BadInputException(errors);
        }
        for (int attempt = 1; ; attempt++) {
            try {
                return db.write(h -> applyEdit(h, project, s, edit, added));
            } catch (LostRace e) {
                if (edit.baseVersion() != null || attempt >= EDIT_ATTEMPTS) {
                    throw new BadInputException("baseVersion", "another edit made version " + e.latest
                            + " meanwhile; versions are never changed, so edit the latest again");
                }
            }
        }
    }

    private EditResult applyEdit(Handle h, String project, Suite s, SuiteEdit edit, List<Prepared> added) {
        int latest = h.createQuery("SELECT latest_version FROM eval_suites WHERE project_id = :p AND id = :s")
                .bind("p", project).bind("s", s.id()).mapTo(Integer.class).one();
        if (edit.baseVersion() != null && edit.baseVersion() != latest) {
            String why = edit.baseVersion() < latest && edit.baseVersion() >= 1
                    ? "version " + edit.baseVersion() + " of suite '" + s.name() + "' is frozen and no longer the latest ("
                            + latest + "): an edit never changes a version, it makes a new one from the latest"
                    : "suite '" + s.name() + "' has no version " + edit.baseVersion() + "; the latest is " + latest;
            throw new BadInputException("baseVersion", why);
        }
        List<Member> members = members(h, project, s.id(), latest);
        Map<String, Member> byCase = new HashMap<>();
        Map<String, String> idByHash = new HashMap<>();
        for (Member m : members) {
            byCase.put(m.caseId(), m);
            idByHash.put(m.hash(), m.caseId());
        }
        List<FieldError> errors = new ArrayList<>();
        Set<String> removed = new HashSet<>();
        for (int i = 0; i < edit.remove().size(); i++) {
            String id = edit.remove().get(i).caseId();
            if (!byCase.containsKey(id) || !removed.add(id)) {
                errors.add(FieldError.of("remove[" + i + "].caseId", "case '" + id + "' is not in version " + latest
                        + " of suite '" + s.name() + "'" + (byCase.containsKey(id) ? " (removed twice in this edit)" : "")));
            }
        }
        if (!errors.isEmpty()) {
            throw new BadInputException(errors);
        }
        for (String id : removed) {
            idByHash.remove(byCase.get(id).hash());
        }
        List<String> ids = new ArrayList<>();
        List<Prepared> fresh = dedupe(added, idByHash, ids);
        if (fresh.isEmpty() && removed.isEmpty()) {
            return new EditResult(version(h, project, s.id(), latest), false, ids);
        }
        int next = latest + 1;
        long now = nanos(clock.instant());
        int claimed = h.createUpdate("UPDATE eval_suites SET latest_version = :next, updated_ns = :now"
                        + " WHERE project_id = :p AND id = :s AND latest_version = :latest")
                .bind("next", next).bind("now", now).bind("p", project).bind("s", s.id()).bind("latest", latest).execute();
        if (claimed != 1) {
            throw new LostRace(latest + 1);
        }
        int position = members.stream().mapToInt(Member::position).max().orElse(0);
        Map<String, String> reasons = new HashMap<>();
        edit.remove().forEach(r -> reasons.put(r.caseId(), r.reason()));
        for (String id : removed) {
            h.createUpdate("UPDATE eval_suite_members SET removed_version = :v, removed_reason = :r, removed_ns = :now"
                            + " WHERE project_id = :p AND suite_id = :s AND case_id = :c")
                    .bind("v", next).bind("r", reasons.get(id)).bind("now", now).bind("p", project).bind("s", s.id())
                    .bind("c", id).execute();
        }
        insertCases(h, project, s.id(), fresh, next, position, now);
        List<String> hashes = new ArrayList<>();
        for (Member m : members) {
            if (!removed.contains(m.caseId())) {
                hashes.add(m.hash());
            }
        }
        fresh.forEach(p -> hashes.add(p.hash()));
        insertVersion(h, project, s.id(), next, hashes, edit.note(), now);
        return new EditResult(version(h, project, s.id(), next), true, ids);
    }

    /** The suite with this id (or, failing that, this name). */
    public Suite suite(String project, String idOrName) {
        requireProject(project);
        return db.read(h -> findSuite(h, project, idOrName)).orElseThrow(() -> new NotFoundException("suite", idOrName));
    }

    /** The project's suites, by name. */
    public List<Suite> suites(String project) {
        requireProject(project);
        return db.read(h -> h.createQuery("SELECT " + SUITE_COLUMNS + " FROM eval_suites WHERE project_id = :p ORDER BY name")
                .bind("p", project).map((rs, ctx) -> suiteRow(rs)).list());
    }

    /**
     * A version of a suite; null for the latest.
     *
     * @throws NotFoundException if the suite, or that version of it, does not exist
     */
    public SuiteVersion version(String project, String suite, Integer version) {
        Suite s = suite(project, suite);
        int v = version == null ? s.latestVersion() : version;
        if (v < 1 || v > s.latestVersion()) {
            throw new NotFoundException("version of suite '" + s.name() + "'", String.valueOf(version));
        }
        return db.read(h -> version(h, project, s.id(), v));
    }

    /** The cases of a version, in order. @throws NotFoundException for an unknown suite or version */
    public List<EvalCase> cases(String project, String suite, Integer version) {
        SuiteVersion v = version(project, suite, version);
        return db.read(h -> h.createQuery("SELECT " + prefixed("c.", CASE_COLUMNS) + " FROM eval_suite_members m"
                        + " JOIN eval_cases c ON c.project_id = m.project_id AND c.id = m.case_id"
                        + " WHERE m.project_id = :p AND m.suite_id = :s AND m.added_version <= :v"
                        + " AND (m.removed_version IS NULL OR m.removed_version > :v) ORDER BY m.position")
                .bind("p", project).bind("s", v.suiteId()).bind("v", v.version()).map((rs, ctx) -> caseRow(rs)).list());
    }

    /** A case, if it exists in this project. */
    public Optional<EvalCase> getCase(String project, String caseId) {
        requireProject(project);
        return db.read(h -> h.createQuery("SELECT " + CASE_COLUMNS + " FROM eval_cases WHERE project_id = :p AND id = :id")
                .bind("p", project).bind("id", caseId).map((rs, ctx) -> caseRow(rs)).findOne());
    }

    /** Every addition and removal of the suite, oldest first, with removal reasons. */
    public List<SuiteChange> history(String project, String suite) {
        Suite s = suite(project, suite);
        return db.read(h -> {
            List<SuiteChange> out = new ArrayList<>();
            h.createQuery("SELECT case_id, added_version, added_ns, removed_version, removed_reason, removed_ns"
                            + " FROM eval_suite_members WHERE project_id = :p AND suite_id = :s ORDER BY position")
                    .bind("p", project).bind("s", s.id()).map((rs, ctx) -> {
                        out.add(new SuiteChange(rs.getInt(2), rs.getString(1), SuiteChange.Action.ADDED, null, instant(rs.getLong(3))));
                        int removedIn = rs.getInt(4);
                        if (!rs.wasNull()) {
                            out.add(new SuiteChange(removedIn, rs.getString(1), SuiteChange.Action.REMOVED, rs.getString(5),
                                    instant(rs.getLong(6))));
                        }
                        return null;
                    }).list();
            out.sort(java.util.Comparator.comparingInt(SuiteChange::version));
            return out;
        });
    }

    // --- runs (written by the runner) ---

    void insertRun(String project, Run run, int total) {
        db.write(h -> h.execute("INSERT INTO eval_runs (project_id, id, suite_id, suite_version, agent, agent_version,"
                        + " configuration, options, status, total, started_ns) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                project, run.id(), run.suiteId(), run.suiteVersion(), run.agent(), run.agentVersion(),
                run.configuration() == null ? null : run.configuration().text(), Json.write(run.options()),
                run.status().wire(), total, nanos(run.startedAt())));
    }

    /** Stores results of a run in one transaction and one JDBC batch. */
    void appendResults(String project, String runId, List<CaseResult> results) {
        if (results.isEmpty()) {
            return;
        }
        List<Object[]> rows = new ArrayList<>(results.size());
        for (CaseResult r : results) {
            rows.add(new Object[] {project, runId, r.caseId(), r.position(), r.status().wire(), r.passed() ? 1 : 0,
                r.score(), text(r.output()), text(r.trace()), r.traceId(), r.reason(), r.cost(), r.latencyMs(),
                Json.write(r.scores()), Json.write(r.calls())});
        }
        db.write(h -> batch(h, INSERT_RESULT, RESULT_TYPES, rows));
    }

    void finishRun(String project, String runId, RunStatus status, RunSummary s, String error) {
        long now = nanos(clock.instant());
        db.write(h -> h.createUpdate("""
                        UPDATE eval_runs SET status = :status, passed = :passed, failed = :failed, errors = :errors,
                            success_rate = :rate, wilson_low = :low, wilson_high = :high, p50_ms = :p50, p95_ms = :p95,
                            total_cost = :cost, error = :error, finished_ns = :now
                        WHERE project_id = :p AND id = :id""")
                .bind("status", status.wire())
                .bind("passed", s == null ? null : s.passed())
                .bind("failed", s == null ? null : s.failed())
                .bind("errors", s == null ? null : s.errors())
                .bind("rate", s == null ? null : s.successRate())
                .bind("low", s == null ? null : s.successInterval().lower())
                .bind("high", s == null ? null : s.successInterval().upper())
                .bindBySqlType("p50", s == null ? null : s.p50LatencyMs(), BIGINT)
                .bindBySqlType("p95", s == null ? null : s.p95LatencyMs(), BIGINT)
                .bindBySqlType("cost", s == null ? null : s.totalCost(), NUMERIC)
                .bind("error", error).bind("now", now).bind("p", project).bind("id", runId).execute());
    }

    /** A run, if it exists in this project. */
    public Optional<Run> run(String project, String runId) {
        requireProject(project);
        return db.read(h -> h.createQuery("SELECT " + RUN_COLUMNS + " FROM eval_runs WHERE project_id = :p AND id = :id")
                .bind("p", project).bind("id", runId).map((rs, ctx) -> runRow(rs)).findOne());
    }

    /** Runs of a suite (any version), newest first, at most {@code limit} (1 to 1,000). */
    public List<Run> runs(String project, String suite, int limit) {
        Suite s = suite(project, suite);
        if (limit < 1 || limit > 1_000) {
            throw new BadInputException("limit", "must be 1 to 1000");
        }
        return db.read(h -> h.createQuery("SELECT " + RUN_COLUMNS + " FROM eval_runs WHERE project_id = :p AND suite_id = :s"
                        + " ORDER BY started_ns DESC, id DESC LIMIT :limit")
                .bind("p", project).bind("s", s.id()).bind("limit", limit).map((rs, ctx) -> runRow(rs)).list());
    }

    /** The results of a run, in the suite version's case order. @throws NotFoundException for an unknown run */
    public List<CaseResult> results(String project, String runId) {
        run(project, runId).orElseThrow(() -> new NotFoundException("run", runId));
        return db.read(h -> h.createQuery("SELECT " + RESULT_COLUMNS + " FROM eval_results WHERE project_id = :p"
                        + " AND run_id = :r ORDER BY position")
                .bind("p", project).bind("r", runId).map((rs, ctx) -> resultRow(rs)).list());
    }

    // --- gates ---

    void insertGate(String project, GateVerdict verdict) {
        db.write(h -> h.execute("INSERT INTO eval_gates (project_id, id, passed, evidence, created_ns) VALUES (?, ?, ?, ?, ?)",
                project, verdict.id(), verdict.passed() ? 1 : 0, Json.write(verdict), nanos(verdict.createdAt())));
    }

    /** A gate's stored inputs and verdict, if it exists in this project. */
    public Optional<GateVerdict> gate(String project, String gateId) {
        requireProject(project);
        return db.read(h -> h.createQuery("SELECT evidence FROM eval_gates WHERE project_id = :p AND id = :id")
                .bind("p", project).bind("id", gateId).mapTo(String.class).findOne()).map(t -> read(t, GateVerdict.class));
    }

    // --- internals ---

    /** A validated case, with its content hash and JSON columns, ready to insert. */
    private record Prepared(CaseSpec spec, String hash, String id) {
    }

    private record Member(String caseId, String hash, int position) {
    }

    /** Another edit claimed the next version first. */
    private static final class LostRace extends RuntimeException {
        final int latest;

        LostRace(int latest) {
            super(null, null, false, false);
            this.latest = latest;
        }
    }

    private static List<Prepared> prepare(List<CaseSpec> specs, String field, List<FieldError> errors) {
        if (specs.size() > MAX_CASES_PER_EDIT) {
            errors.add(FieldError.of(field, "at most " + MAX_CASES_PER_EDIT + " cases at once"));
            return List.of();
        }
        List<Prepared> out = new ArrayList<>();
        for (int i = 0; i < specs.size(); i++) {
            CaseSpec c = specs.get(i);
            if (c == null) {
                errors.add(FieldError.of(field + "[" + i + "]", "missing case"));
                continue;
            }
            if (c.validate(field + "[" + i + "].", null, errors) != null) {
                out.add(new Prepared(c, c.contentHash(), null));
            }
        }
        return out;
    }

    /** The cases not yet in {@code idByHash} (which it extends); {@code ids} gets each case's id, new or existing. */
    private List<Prepared> dedupe(List<Prepared> cases, Map<String, String> idByHash, List<String> ids) {
        List<Prepared> fresh = new ArrayList<>();
        for (Prepared p : cases) {
            String existing = idByHash.get(p.hash());
            if (existing != null) {
                ids.add(existing);
                continue;
            }
            String id = Ids.newId(clock);
            idByHash.put(p.hash(), id);
            ids.add(id);
            fresh.add(new Prepared(p.spec(), p.hash(), id));
        }
        return fresh;
    }

    private static void insertCases(Handle h, String project, String suiteId, List<Prepared> fresh, int version,
            int lastPosition, long now) {
        List<Object[]> cases = new ArrayList<>();
        List<Object[]> members = new ArrayList<>();
        int position = lastPosition;
        for (Prepared p : fresh) {
            CaseSpec c = p.spec();
            cases.add(new Object[] {project, p.id(), p.hash(), c.input().text(), Json.write(c.context()), text(c.expected()),
                Json.write(c.fixtures()), Json.write(c.expectations()), Json.write(c.tags()), c.originTraceId(), now});
            members.add(new Object[] {project, suiteId, p.id(), ++position, version, now});
        }
        batch(h, INSERT_CASE, CASE_TYPES, cases);
        batch(h, INSERT_MEMBER, MEMBER_TYPES, members);
    }

    private static int[] batch(Handle h, String sql, int[] types, List<Object[]> rows) {
        try {
            return JdbcBatch.execute(h.getConnection(), sql, types, rows);
        } catch (SQLException e) {
            throw new UnableToExecuteStatementException(e, null);
        }
    }

    private static void insertVersion(Handle h, String project, String suiteId, int version, List<String> hashes,
            String note, long now) {
        String hash = Hashing.sha256Hex(String.join("\n", hashes));
        h.execute("INSERT INTO eval_suite_versions (project_id, suite_id, version, content_hash, case_count, note, created_ns)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?)", project, suiteId, version, hash, hashes.size(), note, now);
    }

    private static List<Member> members(Handle h, String project, String suiteId, int version) {
        return h.createQuery("SELECT m.case_id, c.content_hash, m.position FROM eval_suite_members m"
                        + " JOIN eval_cases c ON c.project_id = m.project_id AND c.id = m.case_id"
                        + " WHERE m.project_id = :p AND m.suite_id = :s AND m.added_version <= :v"
                        + " AND (m.removed_version IS NULL OR m.removed_version > :v) ORDER BY m.position")
                .bind("p", project).bind("s", suiteId).bind("v", version)
                .map((rs, ctx) -> new Member(rs.getString(1), rs.getString(2), rs.getInt(3))).list();
    }

    private static SuiteVersion version(Handle h, String project, String suiteId, int version) {
        Suite s = findSuite(h, project, suiteId).orElseThrow(() -> new NotFoundException("suite", suiteId));
        List<String> ids = members(h, project, suiteId, version).stream().map(Member::caseId).toList();
        return h.createQuery("SELECT content_hash, note, created_ns FROM eval_suite_versions"
                        + " WHERE project_id = :p AND suite_id = :s AND version = :v")
                .bind("p", project).bind("s", suiteId).bind("v", version)
                .map((rs, ctx) -> new SuiteVersion(s.id(), s.name(), s.kind(), version, rs.getString(1), ids,
                        rs.getString(2), instant(rs.getLong(3))))
                .findOne().orElseThrow(() -> new NotFoundException("version of suite '" + s.name() + "'", String.valueOf(version)));
    }

    private static Optional<Suite> findSuite(Handle h, String project, String idOrName) {
        if (idOrName == null) {
            return Optional.empty();
        }
        Optional<Suite> byId = h.createQuery("SELECT " + SUITE_COLUMNS + " FROM eval_suites WHERE project_id = :p AND id = :s")
                .bind("p", project).bind("s", idOrName).map((rs, ctx) -> suiteRow(rs)).findOne();
        if (byId.isPresent()) {
            return byId;
        }
        return h.createQuery("SELECT " + SUITE_COLUMNS + " FROM eval_suites WHERE project_id = :p AND name = :s")
                .bind("p", project).bind("s", idOrName).map((rs, ctx) -> suiteRow(rs)).findOne();
    }

    private static Suite suiteRow(ResultSet rs) throws SQLException {
        return new Suite(rs.getString("id"), rs.getString("name"), SuiteKind.parse(rs.getString("kind")).orElseThrow(),
                rs.getString("description"), rs.getInt("latest_version"), instant(rs.getLong("created_ns")),
                instant(rs.getLong("updated_ns")));
    }

    private static EvalCase caseRow(ResultSet rs) throws SQLException {
        return new EvalCase(rs.getString("id"), rs.getString("content_hash"), JsonText.ofValid(rs.getString("input")),
                read(rs.getString("context"), CaseContext.class), JsonText.ofValid(rs.getString("expected")),
                read(rs.getString("fixtures"), FIXTURES), read(rs.getString("expectations"), JSON_LIST),
                read(rs.getString("tags"), STRINGS), rs.getString("origin_trace_id"), instant(rs.getLong("created_ns")));
    }

    private static Run runRow(ResultSet rs) throws SQLException {
        RunStatus status = RunStatus.parse(rs.getString("status")).orElseThrow();
        RunSummary summary = null;
        if (status == RunStatus.COMPLETED) {
            long p50 = rs.getLong("p50_ms");
            Long p50v = rs.wasNull() ? null : p50;
            long p95 = rs.getLong("p95_ms");
            Long p95v = rs.wasNull() ? null : p95;
            int passed = rs.getInt("passed");
            int failed = rs.getInt("failed");
            summary = new RunSummary(rs.getInt("total"), passed, failed, rs.getInt("errors"), rs.getDouble("success_rate"),
                    new Interval(rs.getDouble("wilson_low"), rs.getDouble("wilson_high")), p50v, p95v,
                    decimal(rs.getBigDecimal("total_cost")));
        }
        long finished = rs.getLong("finished_ns");
        return new Run(rs.getString("id"), rs.getString("suite_id"), rs.getInt("suite_version"), rs.getString("agent"),
                rs.getString("agent_version"), JsonText.ofValid(rs.getString("configuration")),
                read(rs.getString("options"), RunOptions.class), status, summary, rs.getString("error"),
                instant(rs.getLong("started_ns")), rs.wasNull() ? null : instant(finished));
    }

    private static CaseResult resultRow(ResultSet rs) throws SQLException {
        return new CaseResult(rs.getString("case_id"), rs.getInt("position"),
                CaseStatus.parse(rs.getString("status")).orElseThrow(), rs.getDouble("score"),
                JsonText.ofValid(rs.getString("output")), JsonText.ofValid(rs.getString("trace")), rs.getString("trace_id"),
                rs.getString("reason"), decimal(rs.getBigDecimal("cost")), rs.getLong("latency_ms"),
                read(rs.getString("scores"), SCORES), read(rs.getString("calls"), CALLS));
    }

    /** Numbers as stored compare by value; strip the scale an engine may add (NUMERIC in PostgreSQL keeps it, SQLite may not). */
    private static BigDecimal decimal(BigDecimal d) {
        return d == null ? null : d.stripTrailingZeros();
    }

    private static String text(JsonText t) {
        return t == null ? null : t.text();
    }

    private static String prefixed(String prefix, String columns) {
        return String.join(", ", java.util.Arrays.stream(columns.split(",")).map(c -> prefix + c.trim()).toList());
    }

    private static <T> T read(String text, Class<T> type) {
        try {
            return Json.MAPPER.readValue(text, type);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static <T> T read(String text, TypeReference<T> type) {
        try {
            return Json.MAPPER.readValue(text, type);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void requireProject(String project) {
        if (project == null || project.isBlank()) {
            throw new BadInputException("project", "required");
        }
    }
}
