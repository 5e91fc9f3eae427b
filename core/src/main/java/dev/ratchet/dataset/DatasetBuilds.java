package dev.ratchet.dataset;

import dev.ratchet.common.BadInputException;
import dev.ratchet.common.Ids;
import dev.ratchet.common.NotFoundException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Dataset builds as asynchronous jobs: {@link #submit} checks the spec and the selection at once (bad input is
 * refused there, before anything is queued) and returns a queued {@link Build}; builds then run one at a time, on a
 * thread of their own, and record their stage and progress in the database, where any replica can read them. One at
 * a time because a build already uses every core of the machine; the others wait their turn in order.
 *
 * <p>Thread-safe. {@link #close} stops the worker; a build it interrupts, or one queued behind it, is reported as
 * abandoned once its heartbeat is old (see {@link DatasetStore#ABANDONED_AFTER}).
 */
public final class DatasetBuilds implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(DatasetBuilds.class);
    private static final long PROGRESS_EVERY_MS = 500;
    private static final long HEARTBEAT_SECONDS = 20;

    private final DatasetPipeline pipeline;
    private final DatasetStore store;
    private final Clock clock;
    private final String owner;
    private final ExecutorService worker;
    private final ScheduledExecutorService heartbeat;

    public DatasetBuilds(DatasetPipeline pipeline, DatasetStore store, Clock clock) {
        this.pipeline = Objects.requireNonNull(pipeline, "pipeline");
        this.store = Objects.requireNonNull(store, "store");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.owner = Ids.newId(Clock.systemUTC());
        this.worker = Executors.newSingleThreadExecutor(r -> Thread.ofPlatform().name("ratchet-dataset-build")
                .daemon().unstarted(r));
        this.heartbeat = Executors.newSingleThreadScheduledExecutor(r -> Thread.ofPlatform()
                .name("ratchet-dataset-heartbeat").daemon().unstarted(r));
        heartbeat.scheduleWithFixedDelay(this::beat, HEARTBEAT_SECONDS, HEARTBEAT_SECONDS, TimeUnit.SECONDS);
    }

    /**
     * Queues a build of a spec written as JSON or YAML.
     *
     * @throws BadInputException naming the field, for a bad spec, a spec naming another project or a selection that
     *         matches no trace; then nothing is queued
     */
    public Build submit(String project, String specText) {
        return submit(project, DatasetSpecs.parse(specText));
    }

    /** Queues a build of a checked spec. @throws BadInputException as {@link #submit(String, String)} */
    public Build submit(String project, DatasetSpec spec) {
        pipeline.check(project, spec);
        String id = Ids.newId(clock);
        store.insertBuild(project, id, spec.name(), spec.canonicalJson(), owner);
        worker.execute(() -> run(project, id, spec));
        return get(project, id);
    }

    private void run(String project, String id, DatasetSpec spec) {
        long[] last = {0};
        String[] lastStage = {null};
        BuildProgress progress = (stage, done, total) -> {
            long now = System.currentTimeMillis();
            if (!stage.equals(lastStage[0]) || now - last[0] >= PROGRESS_EVERY_MS || done == total) {
                last[0] = now;
                lastStage[0] = stage;
                store.progress(project, id, stage, done, total);
            }
        };
        try {
            store.progress(project, id, "starting", 0, 0);
            Manifest m = pipeline.build(project, spec, progress);
            store.finish(project, id, Build.Status.SUCCEEDED, m.id(), null, List.of());
        } catch (BadInputException e) {
            store.finish(project, id, Build.Status.FAILED, null, e.getMessage(), e.errors());
        } catch (RuntimeException | Error e) {
            LOG.error("dataset build {} of project {} failed", id, project, e);
            store.finish(project, id, Build.Status.FAILED, null, "internal error: " + e.getMessage()
                    + " (see the server log)", List.of());
        }
    }

    public DatasetPipeline pipeline() {
        return pipeline;
    }

    public DatasetStore store() {
        return store;
    }

    /** A build of the project. @throws NotFoundException when the project has none with this id */
    public Build get(String project, String id) {
        return store.build(project, id).orElseThrow(() -> new NotFoundException("dataset build", id));
    }

    /** The project's builds, newest first. */
    public List<Build> list(String project, int limit) {
        return store.builds(project, limit);
    }

    /**
     * Waits until a build has finished, or {@code timeout} has passed, and returns it as it then stands (for tools and
     * tests; clients poll {@link #get}).
     */
    public Build await(String project, String id, Duration timeout) throws InterruptedException {
        long until = System.nanoTime() + timeout.toNanos();
        while (true) {
            Build b = get(project, id);
            if (b.status().finished() || System.nanoTime() > until) {
                return b;
            }
            Thread.sleep(20);
        }
    }

    private void beat() {
        try {
            store.heartbeat(owner);
        } catch (RuntimeException e) {
            LOG.warn("dataset build heartbeat failed", e);
        }
    }

    @Override
    public void close() {
        heartbeat.shutdownNow();
        worker.shutdownNow();
        try {
            worker.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
