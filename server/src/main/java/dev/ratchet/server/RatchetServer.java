package dev.ratchet.server;

import dev.ratchet.common.BadInputException;
import dev.ratchet.common.Json;
import dev.ratchet.common.NotFoundException;
import dev.ratchet.curation.Curator;
import dev.ratchet.dataset.DatasetBuilds;
import dev.ratchet.dataset.DatasetPipeline;
import dev.ratchet.dataset.DatasetStore;
import dev.ratchet.eval.AgentRegistry;
import dev.ratchet.eval.EvalGate;
import dev.ratchet.eval.EvalRunner;
import dev.ratchet.eval.EvalStore;
import dev.ratchet.eval.OpenAiJudge;
import dev.ratchet.eval.ScoringServices;
import dev.ratchet.eval.TraceCases;
import dev.ratchet.feedback.FeedbackStore;
import dev.ratchet.feedback.JdbcFeedbackStore;
import dev.ratchet.feedback.JdbcReviewQueue;
import dev.ratchet.feedback.ProjectSettings;
import dev.ratchet.feedback.ReviewQueue;
import dev.ratchet.feedback.VerifierRunner;
import dev.ratchet.memory.JdbcMemoryStore;
import dev.ratchet.memory.LazyEmbedder;
import dev.ratchet.memory.MemoryStore;
import dev.ratchet.project.FeedbackTokens;
import dev.ratchet.project.ApiKey;
import dev.ratchet.project.ProjectStore;
import dev.ratchet.learn.LearningLoop;
import dev.ratchet.memory.CachingEmbedder;
import dev.ratchet.release.Artifacts;
import dev.ratchet.server.eval.BuiltInAgents;
import dev.ratchet.server.eval.EvalRuns;
import dev.ratchet.server.http.AgentRoutes;
import dev.ratchet.server.http.ApiError;
import dev.ratchet.server.http.ArtifactRoutes;
import dev.ratchet.server.http.Auth;
import dev.ratchet.server.http.CurationRoutes;
import dev.ratchet.server.http.DatasetRoutes;
import dev.ratchet.server.http.EvalRunRoutes;
import dev.ratchet.server.http.HttpError;
import dev.ratchet.server.http.FeedbackRoutes;
import dev.ratchet.server.http.IngestGate;
import dev.ratchet.server.http.MemoryRoutes;
import dev.ratchet.server.http.ProjectRoutes;
import dev.ratchet.server.http.ReviewRoutes;
import dev.ratchet.server.http.SettingsRoutes;
import dev.ratchet.server.http.SuiteRoutes;
import dev.ratchet.server.http.TraceRoutes;
import dev.ratchet.server.otlp.OtlpReceiver;
import dev.ratchet.server.otlp.OtlpStatus;
import dev.ratchet.store.Database;
import dev.ratchet.trace.JdbcTraceStore;
import dev.ratchet.trace.TraceStore;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.javalin.json.JavalinJackson;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running Ratchet server: database, stores and HTTP endpoints. Start it with {@link #start}; close it
 * to stop serving and release the database. Several servers may run in one JVM on different data
 * directories (tests do).
 */
public final class RatchetServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RatchetServer.class);
    private static final int VERIFIER_THREADS = 1;
    private static final int VERIFIER_QUEUE = 10_000;

    private final ServerConfig config;
    private final Database db;
    private final Javalin app;
    private final ApiKey bootstrapKey;
    private final VerifierRunner verifiers;
    private final MemoryStore memory;
    private final LazyEmbedder embedder;
    private final Curator curator;
    private final BuiltInAgents builtInAgents;
    private final EvalRuns evalRuns;
    private final DatasetBuilds datasetBuilds;
    private final Stores stores;
    private final CachingEmbedder cachedEmbedder;

    private RatchetServer(ServerConfig config, Database db, Javalin app, ApiKey bootstrapKey, VerifierRunner verifiers,
            MemoryStore memory, LazyEmbedder embedder, Curator curator, BuiltInAgents builtInAgents, EvalRuns evalRuns,
            DatasetBuilds datasetBuilds, Stores stores, CachingEmbedder cachedEmbedder) {
        this.stores = stores;
        this.cachedEmbedder = cachedEmbedder;
        this.config = config;
        this.db = db;
        this.app = app;
        this.bootstrapKey = bootstrapKey;
        this.verifiers = verifiers;
        this.memory = memory;
        this.embedder = embedder;
        this.curator = curator;
        this.builtInAgents = builtInAgents;
        this.evalRuns = evalRuns;
        this.datasetBuilds = datasetBuilds;
    }

    /** Where the memory store keeps its search index: derived data, rebuilt from the database when stale. */
    public static java.nio.file.Path memoryIndexDir(java.nio.file.Path dataDir) {
        return dataDir.resolve("index").resolve("memory");
    }

    /**
     * Opens (and migrates) the database, creates the default project and admin key on first start, and
     * starts serving. Port 0 picks a free port; {@link #port()} tells which.
     */
    public static RatchetServer start(ServerConfig config) {
        try {
            Files.createDirectories(config.dataDir());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create data directory " + config.dataDir(), e);
        }
        Database db = config.dbUrl() == null ? Database.embedded(config.dataDir()) : Database.open(config.dbUrl());
        VerifierRunner verifiers = null;
        MemoryStore memory = null;
        LazyEmbedder embedder = null;
        Curator curator = null;
        EvalRuns evalRuns = null;
        DatasetBuilds datasetBuilds = null;
        try {
            Clock clock = config.clock();
            ProjectStore projects = new ProjectStore(db, clock);
            Optional<ApiKey> created = projects.bootstrap(config.bootstrapKey());
            created.ifPresent(k -> Credentials.writeKey(config.dataDir(), k.projectId(), k.secret()));
            ProjectSettings settings = new ProjectSettings(db, clock);
            TraceStore traces = new JdbcTraceStore(db, clock);
            // The model loads on the first embedding, so a server that never embeds never loads it.
            embedder = LazyEmbedder.bgeSmall();
            // One cache for the memory store's writes and searches and for in-process agents that embed the same texts.
            CachingEmbedder cached = new CachingEmbedder(embedder, 50_000);
            memory = new JdbcMemoryStore(db, cached, memoryIndexDir(config.dataDir()), clock, config.memory());
            curator = new Curator(db, settings, traces, new JdbcFeedbackStore(db, clock), memory, clock);
            // Every way in (REST, ingest, OTLP, tokens, verifiers, review) records through this one store, which
            // queues corrections for curation in the recording transaction.
            FeedbackStore feedback = curator.feedbackStore();
            verifiers = new VerifierRunner(settings, feedback, clock, VERIFIER_THREADS, VERIFIER_QUEUE);
            EvalStore evalStore = new EvalStore(db, clock);
            AgentRegistry agents = new AgentRegistry(db, clock);
            BuiltInAgents builtInAgents = new BuiltInAgents();
            // Agents fetch fixtures from this server's own port; its URL is known once it listens.
            AtomicReference<String> publicUrl = new AtomicReference<>();
            evalRuns = new EvalRuns(evalStore, new EvalRunner(evalStore, clock, new ScoringServices(embedder,
                    config.judge() == null ? null : new OpenAiJudge(config.judge()))),
                    agents, builtInAgents, publicUrl::get, EvalRuns.DEFAULT_MAX_ACTIVE);
            DatasetStore datasetStore = new DatasetStore(db, clock);
            datasetBuilds = new DatasetBuilds(new DatasetPipeline(db, datasetStore, evalStore, settings,
                    config.datasetDir(), clock, Runtime.getRuntime().availableProcessors()), datasetStore, clock);
            Stores stores = new Stores(db, projects, traces, feedback,
                    new JdbcReviewQueue(db, settings, feedback, clock), verifiers, new FeedbackTokens(db, clock), memory,
                    curator, evalStore, agents, builtInAgents, evalRuns, settings, datasetBuilds,
                    new Artifacts(db, clock));
            curator.start();
            Javalin app = createApp(config, stores).start(config.host(), config.port());
            RatchetServer server = new RatchetServer(config, db, app, created.orElse(null), verifiers, memory, embedder,
                    curator, builtInAgents, evalRuns, datasetBuilds, stores, cached);
            publicUrl.set(config.publicUrl() != null ? config.publicUrl().replaceAll("/+$", "") : server.url());
            Credentials.writeEndpoint(config.dataDir(), server.url());
            return server;
        } catch (RuntimeException e) {
            if (evalRuns != null) {
                evalRuns.close();
            }
            if (verifiers != null) {
                verifiers.close();
            }
            if (curator != null) {
                curator.close();
            }
            if (datasetBuilds != null) {
                datasetBuilds.close();
            }
            if (memory != null) {
                memory.close();
            }
            db.close();
            throw e;
        }
    }

    /** The capabilities one server wires to HTTP. */
    private record Stores(Database db, ProjectStore projects, TraceStore traces, FeedbackStore feedback,
            ReviewQueue review, VerifierRunner verifiers, FeedbackTokens tokens, MemoryStore memory, Curator curator,
            EvalStore eval, AgentRegistry agents, BuiltInAgents builtInAgents, EvalRuns evalRuns,
            ProjectSettings settings, DatasetBuilds datasetBuilds, Artifacts artifacts) {
    }

    private static Javalin createApp(ServerConfig config, Stores s) {
        Clock clock = config.clock();
        Database db = s.db();
        Auth auth = new Auth(s.projects());
        IngestGate gate = new IngestGate(config.maxConcurrentIngest());
        AfterIngest after = new AfterIngest(s.review(), s.verifiers());
        TraceRoutes traceRoutes = new TraceRoutes(s.traces(), s.feedback(), after, gate, config.maxBodyBytes(), clock);
        ProjectRoutes projectRoutes = new ProjectRoutes(s.projects());
        OtlpReceiver otlp = new OtlpReceiver(s.traces(), s.feedback(), after, gate, config.maxBodyBytes(), clock);
        FeedbackRoutes feedbackRoutes = new FeedbackRoutes(s.feedback(), s.traces(), s.tokens(), after::feedback, clock);
        ReviewRoutes reviewRoutes = new ReviewRoutes(s.review(), clock);
        SettingsRoutes settingsRoutes = new SettingsRoutes(s.feedback(), s.review(), s.verifiers());
        MemoryRoutes memoryRoutes = new MemoryRoutes(s.memory());
        CurationRoutes curationRoutes = new CurationRoutes(s.curator());
        SuiteRoutes suiteRoutes = new SuiteRoutes(s.eval(), new TraceCases(s.traces(), s.feedback()), config.maxBodyBytes());
        EvalRunRoutes runRoutes = new EvalRunRoutes(s.eval(), s.evalRuns(), new EvalGate(s.eval(), clock),
                config.maxBodyBytes());
        AgentRoutes agentRoutes = new AgentRoutes(s.agents(), s.builtInAgents());
        ArtifactRoutes artifactRoutes = new ArtifactRoutes(s.artifacts(), config.maxBodyBytes());
        DatasetRoutes datasetRoutes = new DatasetRoutes(s.datasetBuilds(), s.settings());
        return Javalin.create(c -> {
            c.startup.showJavalinBanner = false;
            c.concurrency.useVirtualThreads = true;
            c.http.maxRequestSize = config.maxBodyBytes();
            c.jsonMapper(new JavalinJackson(Json.MAPPER, true));

            c.routes.get("/health", ctx -> health(ctx, db));
            c.routes.before("/api/*", auth::require);
            c.routes.before("/v1/*", auth::require);

            c.routes.post("/api/v1/traces", traceRoutes::ingest);
            c.routes.get("/api/v1/traces", traceRoutes::list);
            c.routes.get("/api/v1/traces/{id}", traceRoutes::get);
            c.routes.get("/api/v1/whoami", projectRoutes::whoami);
            c.routes.get("/api/v1/projects", projectRoutes::list);
            c.routes.post("/api/v1/projects", projectRoutes::create);
            c.routes.post("/api/v1/projects/{id}/keys", projectRoutes::createKey);
            c.routes.post("/v1/traces", otlp::handle);

            c.routes.post("/api/v1/feedback", feedbackRoutes::record);
            c.routes.get("/api/v1/traces/{id}/feedback", feedbackRoutes::list);
            c.routes.post("/api/v1/traces/{id}/feedback-token", feedbackRoutes::issueToken);
            c.routes.before("/public/*", RatchetServer::cors);
            c.routes.options("/public/v1/feedback", ctx -> ctx.status(204));
            c.routes.post("/public/v1/feedback", feedbackRoutes::recordWithToken);

            c.routes.get("/api/v1/review/next", reviewRoutes::next);
            c.routes.get("/api/v1/review/items", reviewRoutes::items);
            c.routes.get("/api/v1/review/items/{id}", reviewRoutes::item);
            c.routes.post("/api/v1/review/{id}/label", reviewRoutes::label);
            c.routes.post("/api/v1/review/{id}/skip", reviewRoutes::skip);
            c.routes.get("/api/v1/review/agreement", reviewRoutes::agreement);

            c.routes.post("/api/v1/memory", memoryRoutes::write);
            c.routes.get("/api/v1/memory", memoryRoutes::list);
            c.routes.post("/api/v1/memory/search", memoryRoutes::search);
            c.routes.post("/api/v1/memory/reindex", memoryRoutes::reindex);
            c.routes.post("/api/v1/memory/snapshots", memoryRoutes::snapshot);
            c.routes.get("/api/v1/memory/snapshots/{a}/diff/{b}", memoryRoutes::diff);
            c.routes.get("/api/v1/memory/{id}", memoryRoutes::get);

            c.routes.get("/api/v1/settings/outcome-rules", settingsRoutes::getOutcomeRules);
            c.routes.put("/api/v1/settings/outcome-rules", settingsRoutes::putOutcomeRules);
            c.routes.get("/api/v1/settings/review-rules", settingsRoutes::getReviewRules);
            c.routes.put("/api/v1/settings/review-rules", settingsRoutes::putReviewRules);
            c.routes.get("/api/v1/settings/verifiers", settingsRoutes::getVerifiers);
            c.routes.put("/api/v1/settings/verifiers", settingsRoutes::putVerifiers);
            c.routes.get("/api/v1/settings/curation", curationRoutes::getPolicy);
            c.routes.put("/api/v1/settings/curation", curationRoutes::putPolicy);
            c.routes.get("/api/v1/curation/log", curationRoutes::log);
            c.routes.get("/api/v1/curation/log/{feedbackId}", curationRoutes::decision);

            c.routes.post("/api/v1/suites", suiteRoutes::create);
            c.routes.get("/api/v1/suites", suiteRoutes::list);
            c.routes.get("/api/v1/suites/{suite}", suiteRoutes::get);
            c.routes.post("/api/v1/suites/{suite}/versions", suiteRoutes::edit);
            c.routes.get("/api/v1/suites/{suite}/versions/{version}", suiteRoutes::version);
            c.routes.post("/api/v1/suites/{suite}/cases", suiteRoutes::addCases);
            c.routes.get("/api/v1/suites/{suite}/history", suiteRoutes::history);
            c.routes.get("/api/v1/suites/{suite}/runs", runRoutes::listForSuite);
            c.routes.get("/api/v1/cases/{id}", suiteRoutes::getCase);
            c.routes.post("/api/v1/cases/from-trace/{traceId}", suiteRoutes::fromTrace);
            c.routes.post("/api/v1/agents", agentRoutes::register);
            c.routes.get("/api/v1/agents", agentRoutes::list);
            c.routes.get("/api/v1/agents/{name}", agentRoutes::get);
            c.routes.get("/api/v1/agents/{name}/versions", agentRoutes::versions);
            c.routes.post("/api/v1/agents/{name}/versions", agentRoutes::propose);
            c.routes.get("/api/v1/agents/{name}/versions/{version}", agentRoutes::version);
            c.routes.post("/api/v1/agents/{name}/versions/{version}/promote", agentRoutes::promote);
            c.routes.post("/api/v1/agents/{name}/versions/{version}/reject", agentRoutes::reject);
            c.routes.post("/api/v1/artifacts", artifactRoutes::put);
            c.routes.get("/api/v1/artifacts/{hash}", artifactRoutes::get);
            c.routes.post("/api/v1/eval-runs", runRoutes::start);
            c.routes.get("/api/v1/eval-runs/{id}", runRoutes::get);
            c.routes.get("/api/v1/eval-runs/{id}/results", runRoutes::results);
            c.routes.get("/api/v1/eval-runs/{id}/compare/{baselineId}", runRoutes::compare);
            c.routes.post("/api/v1/gates", runRoutes::decide);
            c.routes.get("/api/v1/gates/{id}", runRoutes::getGate);
            // HTTP agents under test fetch fixtures here with their run's token, not an API key.
            c.routes.post(EvalRuns.REPLAY_PATH + "{runId}/cases/{caseId}", runRoutes::fixture);
            c.routes.post("/api/v1/datasets", datasetRoutes::create);
            c.routes.get("/api/v1/datasets", datasetRoutes::list);
            c.routes.get("/api/v1/datasets/builds", datasetRoutes::listBuilds);
            c.routes.get("/api/v1/datasets/builds/{id}", datasetRoutes::build);
            c.routes.get("/api/v1/datasets/{a}/diff/{b}", datasetRoutes::diff);
            c.routes.get("/api/v1/datasets/{id}/files/{name}", datasetRoutes::file);
            c.routes.get("/api/v1/datasets/{id}", datasetRoutes::get);
            c.routes.get("/api/v1/settings/redaction", datasetRoutes::getRedaction);
            c.routes.put("/api/v1/settings/redaction", datasetRoutes::putRedaction);

            c.routes.exception(BadInputException.class, (e, ctx) ->
                    error(ctx, 400, new ApiError("bad_request", e.getMessage(), e.errors()), Map.of()));
            c.routes.exception(NotFoundException.class, (e, ctx) ->
                    error(ctx, 404, new ApiError("not_found", e.getMessage(), List.of()), Map.of()));
            c.routes.exception(HttpError.class, (e, ctx) ->
                    error(ctx, e.status(), new ApiError(e.code(), e.getMessage(), List.of()), e.headers()));
            c.routes.exception(HttpResponseException.class, (e, ctx) ->
                    error(ctx, e.getStatus(), new ApiError("http_" + e.getStatus(), e.getMessage(), List.of()), Map.of()));
            c.routes.exception(Exception.class, (e, ctx) -> {
                LOG.error("unhandled error on {} {}", ctx.method(), ctx.path(), e);
                error(ctx, 500, new ApiError("internal", "internal error; see the server log", List.of()), Map.of());
            });
            c.routes.error(404, "*", ctx -> {
                if (ctx.result() == null || ctx.result().isEmpty() || !ctx.result().startsWith("{")) {
                    ctx.json(new ApiError("not_found", "no route for " + ctx.method() + " " + ctx.path(), List.of()));
                }
            });
        });
    }

    /**
     * The one way errors are answered: Ratchet's JSON error body, except on the OTLP endpoint, where the
     * protocol asks for a {@code google.rpc.Status} in the request's encoding.
     */
    private static void error(Context ctx, int status, ApiError body, Map<String, String> headers) {
        if (ctx.path().equals(OtlpStatus.PATH)) {
            OtlpStatus.write(ctx, status, body.message(), headers);
            return;
        }
        headers.forEach(ctx::header);
        ctx.status(status).json(body);
    }

    /** Browsers post end-user feedback from the agent's own pages, on other origins. */
    private static void cors(Context ctx) {
        ctx.header("Access-Control-Allow-Origin", "*");
        ctx.header("Access-Control-Allow-Methods", "POST, OPTIONS");
        ctx.header("Access-Control-Allow-Headers", "Content-Type, " + FeedbackRoutes.TOKEN_HEADER);
        ctx.header("Access-Control-Max-Age", "600");
    }

    private static void health(Context ctx, Database db) {
        db.read(h -> h.createQuery("SELECT 1").mapTo(Integer.class).one());
        ctx.json(Map.of("status", "ok", "database", db.dialect().name().toLowerCase(java.util.Locale.ROOT)));
    }

    public int port() {
        return app.port();
    }

    public String url() {
        String host = config.host().equals("0.0.0.0") ? "localhost" : config.host();
        return "http://" + host + ":" + port();
    }

    /** The admin key created by this start (first start on an empty database), with its secret. */
    public Optional<ApiKey> bootstrapKey() {
        return Optional.ofNullable(bootstrapKey);
    }

    /** Waits until the traces submitted to the verifiers so far have been checked (tests, tools). */
    public void drainVerifiers() throws InterruptedException {
        verifiers.drain();
    }

    /**
     * Waits until every trace queued for curation so far is decided (tests, tools). Traces whose memory write
     * failed are postponed and not waited for; the curation log shows them.
     */
    public void drainCuration() {
        curator.drain();
    }

    /** Dataset builds (tests and tools wait on them). */
    public DatasetBuilds datasetBuilds() {
        return datasetBuilds;
    }

    /** Whether the embedding model has been loaded: only a memory write, search or reindex loads it. */
    boolean embeddingModelLoaded() {
        return embedder.loaded();
    }

    public ServerConfig config() {
        return config;
    }

    /** The in-process agents this server embeds: register one here, then projects can name it as a built-in. */
    /**
     * What an in-process learning loop works through, on this server's stores: the same traces, memory, suites,
     * agent versions, artifacts and data pipeline the API serves. Feedback is recorded straight into the feedback
     * store, not through the curation queue: for an agent the loop learns for, the loop decides what reaches memory.
     */
    public LearningLoop.Services learningServices() {
        Clock clock = config.clock();
        return new LearningLoop.Services(stores.traces(), new JdbcFeedbackStore(db, clock), memory, stores.eval(),
                new EvalRunner(stores.eval(), clock, ScoringServices.none()), stores.agents(), stores.artifacts(),
                datasetBuilds.pipeline(), cachedEmbedder, clock);
    }

    /** {@code base} if the project has no agent of that name yet, else {@code base-2}, {@code base-3}, ... */
    public String freeAgentName(String project, String base) {
        String name = base;
        for (int i = 2; stores.agents().get(project, name).isPresent(); i++) {
            name = base + "-" + i;
        }
        return name;
    }

    public BuiltInAgents builtInAgents() {
        return builtInAgents;
    }

    /** The eval runs of this server (tests look at runs in progress). */
    public EvalRuns evalRuns() {
        return evalRuns;
    }

    @Override
    public void close() {
        evalRuns.close(); // runs in progress are stored as failed while the database is still open
        app.stop();
        verifiers.close();
        curator.close();
        datasetBuilds.close();
        try {
            memory.close();
        } finally {
            db.close();
        }
    }
}
