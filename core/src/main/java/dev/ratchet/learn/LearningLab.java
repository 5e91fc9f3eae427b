package dev.ratchet.learn;

import dev.ratchet.dataset.DatasetPipeline;
import dev.ratchet.dataset.DatasetStore;
import dev.ratchet.eval.AgentRegistry;
import dev.ratchet.eval.EvalRunner;
import dev.ratchet.eval.EvalStore;
import dev.ratchet.eval.ScoringServices;
import dev.ratchet.feedback.JdbcFeedbackStore;
import dev.ratchet.feedback.ProjectSettings;
import dev.ratchet.memory.BgeSmallEmbedder;
import dev.ratchet.memory.CachingEmbedder;
import dev.ratchet.memory.Embedder;
import dev.ratchet.memory.JdbcMemoryStore;
import dev.ratchet.memory.MemoryConfig;
import dev.ratchet.reference.TriageLayers;
import dev.ratchet.release.Artifacts;
import dev.ratchet.store.Database;
import dev.ratchet.trace.JdbcTraceStore;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.Objects;

/**
 * A learning loop with its traffic, over a store of its own in a directory (an embedded SQLite database, the memory
 * index, dataset files), with the real encoder: what the learning benchmark and the tests run. The server's demo
 * uses the server's own stores instead ({@link #of}). Close it to close what it opened.
 */
public final class LearningLab implements AutoCloseable {

    /** Memory capacity for a lab: every verified example of a long stream stays (the default caps at 10,000). */
    static final int CAPACITY = 1_000_000;

    private final LearningLoop.Services services;
    private final LearningLoop loop;
    private final SimulatedTraffic traffic;
    private final AutoCloseable[] owned;

    private LearningLab(LearningLoop.Services services, LearningLoop loop, SimulatedTraffic traffic,
            AutoCloseable... owned) {
        this.services = services;
        this.loop = loop;
        this.traffic = traffic;
        this.owned = owned;
    }

    /** Opens a lab in {@code dir} with the bge-small encoder (cached: the agent and the memory share one cache). */
    public static LearningLab open(Path dir, String project, String agentName, LearningLoop.Options options) {
        return open(dir, project, agentName, options, new CachingEmbedder(new BgeSmallEmbedder(), 200_000));
    }

    /** Opens a lab in {@code dir} with this encoder. */
    public static LearningLab open(Path dir, String project, String agentName, LearningLoop.Options options,
            Embedder embedder) {
        Clock clock = Clock.systemUTC();
        Database db = Database.embedded(dir.resolve("data"));
        JdbcMemoryStore memory = null;
        try {
            memory = new JdbcMemoryStore(db, embedder, dir.resolve("index"), clock,
                    MemoryConfig.defaults().withCapacityPerAgent(CAPACITY));
            EvalStore evals = new EvalStore(db, clock);
            DatasetPipeline datasets = new DatasetPipeline(db, new DatasetStore(db, clock), evals, new ProjectSettings(db, clock),
                    dir.resolve("datasets"), clock, 2);
            LearningLoop.Services services = new LearningLoop.Services(new JdbcTraceStore(db, clock),
                    new JdbcFeedbackStore(db, clock), memory, evals, new EvalRunner(evals, clock, ScoringServices.none()),
                    new AgentRegistry(db, clock), new Artifacts(db, clock), datasets, embedder, clock);
            return of(services, project, agentName, options, memory, db);
        } catch (RuntimeException e) {
            if (memory != null) {
                memory.close();
            }
            db.close();
            throw e;
        }
    }

    /** A lab over existing services; {@code owned} are closed with it (in order). */
    public static LearningLab of(LearningLoop.Services services, String project, String agentName,
            LearningLoop.Options options, AutoCloseable... owned) {
        LearningLoop loop = new LearningLoop(project, agentName, services, options);
        SimulatedTraffic traffic = new SimulatedTraffic(loop, services.traces(), services.feedback(), project, agentName,
                services.clock());
        return new LearningLab(services, loop, traffic, owned);
    }

    /** The first version's layers: each intent described by its text, memory under {@code memoryAgent}. */
    public static TriageLayers initialLayers(Map<String, String> descriptions, String memoryAgent) {
        return TriageLayers.initial(Objects.requireNonNull(descriptions, "descriptions"), memoryAgent,
                TriageLayers.Params.defaults());
    }

    public LearningLoop.Services services() {
        return services;
    }

    public LearningLoop loop() {
        return loop;
    }

    public SimulatedTraffic traffic() {
        return traffic;
    }

    @Override
    public void close() {
        RuntimeException failure = null;
        for (AutoCloseable c : owned) {
            try {
                c.close();
            } catch (Exception e) {
                if (failure == null) {
                    failure = new IllegalStateException("cannot close the lab", e);
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }
}
