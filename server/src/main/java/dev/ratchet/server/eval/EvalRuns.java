package dev.ratchet.server.eval;

import dev.ratchet.common.BadInputException;
import dev.ratchet.common.FieldError;
import dev.ratchet.common.Json;
import dev.ratchet.common.NotFoundException;
import dev.ratchet.eval.Agent;
import dev.ratchet.eval.AgentDefinition;
import dev.ratchet.eval.AgentRegistry;
import dev.ratchet.eval.AgentVersion;
import dev.ratchet.eval.CaseResult;
import dev.ratchet.eval.EvalRunner;
import dev.ratchet.eval.EvalStore;
import dev.ratchet.eval.HttpAgent;
import dev.ratchet.eval.Run;
import dev.ratchet.eval.RunListener;
import dev.ratchet.eval.RunOptions;
import dev.ratchet.eval.RunRequest;
import dev.ratchet.eval.RunStatus;
import dev.ratchet.eval.SuiteVersion;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The eval runs of one server: started asynchronously, tracked while they run, stopped when the server stops.
 *
 * <p><b>Starting.</b> {@link #start} resolves the suite version and the registered agent version (bad references
 * are {@link BadInputException}s naming the field, and start nothing), then hands the run to {@link EvalRunner} on a
 * thread of its own and returns as soon as the run is stored as {@code running}, so a caller can poll it by id. At
 * most {@code maxActive} runs go at once on a server; one more is refused with {@link Busy} rather than queued, so
 * a started run is always a running one.
 *
 * <p><b>HTTP agents</b> fetch their fixtures from this server's own port: each run gets a random token, handed to
 * the agent with every case, and the fixtures URL of case {@code c} is {@code <public url>/replay/v1/runs/<run>/cases/<c>}.
 * {@link #fixture} answers it only while the run is in progress here, the case is in flight and the token matches.
 * So with several replicas, a run's agents must reach the replica that runs it (its public URL).
 *
 * <p><b>Stopping.</b> {@link #close} interrupts the runs in progress; each is stored as {@code failed} with the
 * results it has. A server that dies without closing leaves its runs {@code running}.
 *
 * <p>Thread-safe.
 */
public final class EvalRuns implements AutoCloseable {

    /** Runs in progress at once on one server. */
    public static final int DEFAULT_MAX_ACTIVE = 8;
    /** The path under which HTTP agents fetch fixtures; outside {@code /api}, since they present a run token. */
    public static final String REPLAY_PATH = "/replay/v1/runs/";

    private static final Logger LOG = LoggerFactory.getLogger(EvalRuns.class);
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Duration START_WAIT = Duration.ofSeconds(60);
    private static final Duration STOP_WAIT = Duration.ofSeconds(20);

    private final EvalStore store;
    private final EvalRunner runner;
    private final AgentRegistry agents;
    private final BuiltInAgents builtIns;
    private final Supplier<String> publicUrl;
    private final Semaphore slots;
    private final int maxActive;
    private final ExecutorService threads = Executors.newThreadPerTaskExecutor(
            Thread.ofVirtual().name("ratchet-eval-run-", 0).factory());
    private final Map<String, Active> active = new ConcurrentHashMap<>();

    /**
     * @param publicUrl the URL agents reach this server at (known once it listens), without a trailing slash
     */
    public EvalRuns(EvalStore store, EvalRunner runner, AgentRegistry agents, BuiltInAgents builtIns,
            Supplier<String> publicUrl, int maxActive) {
        this.store = Objects.requireNonNull(store, "store");
        this.runner = Objects.requireNonNull(runner, "runner");
        this.agents = Objects.requireNonNull(agents, "agents");
        this.builtIns = Objects.requireNonNull(builtIns, "builtIns");
        this.publicUrl = Objects.requireNonNull(publicUrl, "publicUrl");
        this.maxActive = maxActive;
        this.slots = new Semaphore(maxActive);
    }

    /**
     * What to run.
     *
     * @param suite         the suite's id or name
     * @param suiteVersion  null for the latest
     * @param agent         a registered agent's name
     * @param agentVersion  one of its registered versions
     * @param concurrency   null for the runner's default
     * @param caseTimeoutMs null for the runner's default
     */
    public record Start(String suite, Integer suiteVersion, String agent, String agentVersion, Integer concurrency,
            Long caseTimeoutMs, boolean allowLive) {
    }

    /** How far a run is: cases finished of its total. */
    public record Progress(int done, int total) {
    }

    /** Too many runs in progress on this server; the caller may retry later. */
    public static final class Busy extends RuntimeException {
        Busy(int max) {
            super(max + " eval runs are in progress on this server, its limit; retry when one has finished");
        }
    }

    /** A run in progress on this server. */
    private record Active(String project, String runId, byte[] token, HttpAgent http, int total, AtomicInteger done) {
    }

    /**
     * Starts a run and returns it once it is stored (status {@code running}); its cases run afterwards.
     *
     * @throws BadInputException for an unknown suite, suite version, agent or agent version, a built-in that this
     *         server does not embed, or bad options; nothing is started then
     * @throws Busy when {@value #DEFAULT_MAX_ACTIVE} (or the configured number of) runs are in progress
     */
    public Run start(String project, Start s) {
        List<FieldError> errors = new ArrayList<>();
        SuiteVersion version = null;
        if (s.suite() == null || s.suite().isBlank()) {
            errors.add(FieldError.of("suite", "required: a suite id or name"));
        } else {
            try {
                version = store.version(project, s.suite(), s.suiteVersion());
            } catch (NotFoundException e) {
                boolean suiteExists = exists(project, s.suite());
                errors.add(suiteExists
                        ? FieldError.of("suiteVersion", "suite '" + s.suite() + "' has no version " + s.suiteVersion()
                                + "; the latest is " + store.suite(project, s.suite()).latestVersion())
                        : FieldError.of("suite", "no suite '" + s.suite() + "' in this project"));
            }
        }
        AgentDefinition def = null;
        AgentVersion agentVersion = null;
        Agent inProcess = null;
        if (s.agent() == null || s.agent().isBlank()) {
            errors.add(FieldError.of("agent", "required: the name of a registered agent"));
        } else {
            def = agents.get(project, s.agent()).orElse(null);
            if (def == null) {
                errors.add(FieldError.of("agent", "no agent '" + s.agent() + "' is registered in this project;"
                        + " register it with POST /api/v1/agents"));
            } else if (def.builtin() != null) {
                inProcess = builtIns.get(def.builtin()).orElse(null);
                if (inProcess == null) {
                    errors.add(FieldError.of("agent", "agent '" + def.name() + "' runs the built-in '" + def.builtin()
                            + "', which this server does not embed; embedded: " + names()));
                }
            }
        }
        if (s.agentVersion() == null || s.agentVersion().isBlank()) {
            errors.add(FieldError.of("agentVersion", "required: a registered version of the agent"));
        } else if (def != null) {
            agentVersion = def.versions().stream().filter(v -> v.version().equals(s.agentVersion())).findFirst().orElse(null);
            if (agentVersion == null) {
                errors.add(FieldError.of("agentVersion", "agent '" + def.name() + "' has no version '" + s.agentVersion()
                        + "'; registered: " + (def.versions().isEmpty() ? "none"
                                : String.join(", ", def.versions().stream().map(AgentVersion::version).toList()))));
            }
        }
        if (s.concurrency() != null && (s.concurrency() < 1 || s.concurrency() > RunOptions.MAX_CONCURRENCY)) {
            errors.add(FieldError.of("concurrency", "must be 1 to " + RunOptions.MAX_CONCURRENCY));
        }
        if (s.caseTimeoutMs() != null && (s.caseTimeoutMs() < 1 || s.caseTimeoutMs() > RunOptions.MAX_CASE_TIMEOUT_MS)) {
            errors.add(FieldError.of("caseTimeoutMs", "must be 1 to " + RunOptions.MAX_CASE_TIMEOUT_MS + " (an hour)"));
        }
        if (!errors.isEmpty()) {
            throw new BadInputException(errors);
        }
        Duration caseTimeout = s.caseTimeoutMs() == null ? null : Duration.ofMillis(s.caseTimeoutMs());
        RunRequest request = new RunRequest(version.suiteId(), version.version(), def.name(), agentVersion.version(),
                agentVersion.configuration(), s.concurrency(), caseTimeout, s.allowLive());
        if (!slots.tryAcquire()) {
            throw new Busy(maxActive);
        }
        byte[] token = null;
        HttpAgent http = null;
        Agent agent = inProcess;
        try {
            if (def.endpoint() != null) {
                token = new byte[32];
                RANDOM.nextBytes(token);
                Duration requestTimeout = def.timeoutMs() != null ? Duration.ofMillis(def.timeoutMs())
                        : caseTimeout != null ? caseTimeout : Duration.ofMillis(RunOptions.DEFAULT_CASE_TIMEOUT_MS);
                String base = publicUrl.get();
                http = HttpAgent.servedBy(URI.create(def.endpoint()), requestTimeout,
                        (run, c) -> URI.create(base + REPLAY_PATH + segment(run) + "/cases/" + segment(c)),
                        HexFormat.of().formatHex(token));
                agent = http;
            }
            return submit(project, request, agent, http, token);
        } catch (RuntimeException e) {
            if (http != null) {
                http.close();
            }
            slots.release();
            throw e;
        }
    }

    private Run submit(String project, RunRequest request, Agent agent, HttpAgent http, byte[] token) {
        CompletableFuture<Run> started = new CompletableFuture<>();
        AtomicReference<Active> mine = new AtomicReference<>();
        RunListener listener = new RunListener() {
            @Override
            public void started(Run run, int total) {
                Active a = new Active(project, run.id(), token, http, total, new AtomicInteger());
                mine.set(a);
                active.put(run.id(), a);
                started.complete(run);
            }

            @Override
            public void caseFinished(CaseResult result, int done, int total) {
                mine.get().done().accumulateAndGet(done, Math::max);
            }
        };
        try {
            threads.submit(() -> {
                try {
                    runner.run(project, request, agent, listener);
                } catch (RuntimeException e) {
                    if (!started.completeExceptionally(e)) {
                        LOG.error("eval run {} of project {} broke off", mine.get().runId(), project, e);
                    }
                } finally {
                    Active a = mine.get();
                    if (a != null) {
                        active.remove(a.runId());
                    }
                    if (http != null) {
                        http.close();
                    }
                    slots.release();
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            throw new IllegalStateException("the server is stopping; no new eval runs", e);
        }
        try {
            return started.get(START_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException(e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("the eval run was not stored within " + START_WAIT.toSeconds() + " s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while starting the eval run", e);
        }
    }

    /**
     * How far a run of the project is. A run in progress on this server reports cases finished; one in progress
     * elsewhere, results stored; a finished one, its totals.
     */
    public Progress progress(String project, Run run) {
        Active a = active.get(run.id());
        if (a != null && a.project().equals(project)) {
            return new Progress(a.done().get(), a.total());
        }
        if (run.status() == RunStatus.COMPLETED && run.summary() != null) {
            return new Progress(run.summary().total(), run.summary().total());
        }
        int total = store.version(project, run.suiteId(), run.suiteVersion()).caseIds().size();
        return new Progress(store.results(project, run.id()).size(), total);
    }

    /**
     * Answers an HTTP agent's call for a fixture ({@code POST /replay/v1/runs/{run}/cases/{case}}): 401 unless
     * {@code authorization} is {@code Bearer <the run's token>}; 404 {@code {"missing": ..}} when the run is not in
     * progress on this server or the case is not in flight; otherwise what the contract says
     * ({@link HttpAgent#call}).
     */
    public HttpAgent.FixtureReply fixture(String runId, String caseId, String authorization, byte[] body) {
        Active a = runId == null ? null : active.get(runId);
        if (a == null || a.http() == null) {
            return new HttpAgent.FixtureReply(404, Json.MAPPER.createObjectNode()
                    .put("missing", "no run in progress on this server has this URL"));
        }
        String presented = authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)
                ? authorization.substring(7).trim() : "";
        byte[] expected = HexFormat.of().formatHex(a.token()).getBytes(StandardCharsets.US_ASCII);
        if (!MessageDigest.isEqual(expected, presented.getBytes(StandardCharsets.US_ASCII))) {
            return new HttpAgent.FixtureReply(401, Json.MAPPER.createObjectNode().put("error", "unauthorized")
                    .put("message", "send Authorization: Bearer <fixtures.token> as handed to the agent with the case"));
        }
        return a.http().call(caseId, body);
    }

    /** Names of the built-in agents this server embeds, for messages. */
    private String names() {
        return builtIns.names().isEmpty() ? "none" : String.join(", ", builtIns.names());
    }

    /** Whether a run is in progress on this server (tests). */
    public boolean inProgress(String runId) {
        return active.containsKey(runId);
    }

    private boolean exists(String project, String suite) {
        try {
            store.suite(project, suite);
            return true;
        } catch (NotFoundException e) {
            return false;
        }
    }

    private static String segment(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /**
     * Stops: no new runs; the runs in progress are interrupted and stored as failed with the results they have.
     * Waits up to {@code STOP_WAIT} for them.
     */
    @Override
    public void close() {
        threads.shutdownNow();
        try {
            if (!threads.awaitTermination(STOP_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                LOG.warn("eval runs still stopping after {} s: {}", STOP_WAIT.toSeconds(), active.keySet());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
