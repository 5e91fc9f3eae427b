package dev.ratchet.feedback;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.ratchet.common.BadInputException;
import dev.ratchet.common.FieldError;
import dev.ratchet.common.Ids;
import dev.ratchet.common.Json;
import dev.ratchet.common.JsonText;
import dev.ratchet.trace.Trace;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link Verifiers} on a fixed pool of worker threads behind a bounded queue, specs in
 * {@link ProjectSettings} under {@link ProjectSettings#VERIFIERS}.
 *
 * <p>{@link #submit} never blocks and never touches the database: each trace becomes one task, and a trace
 * that finds the queue full is dropped and counted ({@link #dropped}). A worker reads the project's specs
 * (compiled once per distinct spec list and cached, so a change made by another replica is seen at the next
 * trace), runs each spec that samples the trace (a hash of trace id and spec name against the spec's
 * {@code sampleRate}), and records the verdicts as one batch of {@link FeedbackKind#VERIFIER} feedback: value
 * {@code true}/{@code false}, reason the first validation messages, name the spec's name, source system,
 * idempotency key {@code verifier:<spec>:<trace>} (so a trace sent again is not verified twice). A failure
 * to check or record is logged and counted ({@link #failures}), never thrown to anyone.
 */
public final class VerifierRunner implements Verifiers {

    private static final Logger LOG = LoggerFactory.getLogger(VerifierRunner.class);
    private static final TypeReference<List<VerifierSpec>> SPEC_LIST = new TypeReference<>() {
    };
    /** Most verifiers per project. */
    public static final int MAX_SPECS = 100;

    private final ProjectSettings settings;
    private final FeedbackStore feedback;
    private final Clock clock;
    private final ThreadPoolExecutor workers;
    private final Map<String, Compiled> compiled = new ConcurrentHashMap<>();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    private final Object idle = new Object();
    private long pending; // guarded by idle: tasks accepted and not yet finished

    /**
     * Starts {@code threads} workers behind a queue of {@code queueCapacity} traces.
     *
     * @throws IllegalArgumentException when either is below 1
     */
    public VerifierRunner(ProjectSettings settings, FeedbackStore feedback, Clock clock, int threads, int queueCapacity) {
        if (threads < 1 || queueCapacity < 1) {
            throw new IllegalArgumentException("threads and queueCapacity must be at least 1");
        }
        this.settings = settings;
        this.feedback = feedback;
        this.clock = clock;
        AtomicInteger n = new AtomicInteger();
        this.workers = new ThreadPoolExecutor(threads, threads, 0, TimeUnit.MILLISECONDS,
                new ArrayBlockingQueue<>(queueCapacity),
                r -> Thread.ofPlatform().daemon().name("ratchet-verifier-" + n.incrementAndGet()).unstarted(r),
                new ThreadPoolExecutor.AbortPolicy());
    }

    @Override
    public List<VerifierSpec> specs(String projectId) {
        return settings.get(projectId, ProjectSettings.VERIFIERS, SPEC_LIST, List.of());
    }

    /**
     * {@inheritDoc}
     *
     * @throws BadInputException listing every problem, each naming its field ({@code verifiers[1].pattern}):
     *         a blank or repeated {@code name}, an unknown {@code type}, a {@code schema} that is not a JSON
     *         Schema (draft 2020-12 unless its {@code $schema} says otherwise; no remote {@code $ref}), a
     *         {@code pattern} that does not compile, a {@code sampleRate} outside [0, 1], a field the type
     *         needs missing; then nothing is changed
     */
    @Override
    public void setSpecs(String projectId, List<VerifierSpec> specs) {
        Compiled checks = compile(specs);
        settings.put(projectId, ProjectSettings.VERIFIERS, specs);
        compiled.put(projectId, checks);
    }

    static Compiled compile(List<VerifierSpec> specs) {
        if (specs == null) {
            throw new BadInputException("verifiers", "required: a list of verifiers (empty for none)");
        }
        if (specs.size() > MAX_SPECS) {
            throw new BadInputException("verifiers", "at most " + MAX_SPECS + " verifiers per project");
        }
        List<FieldError> errors = new ArrayList<>();
        List<VerifierCheck> checks = new ArrayList<>(specs.size());
        Set<String> names = new HashSet<>();
        for (int i = 0; i < specs.size(); i++) {
            String at = "verifiers[" + i + "]";
            VerifierSpec spec = specs.get(i);
            VerifierCheck check = VerifierCheck.compile(spec, at, errors);
            if (spec != null && spec.name() != null && !spec.name().isBlank() && !names.add(spec.name())) {
                errors.add(FieldError.of(at + ".name", "'" + spec.name() + "' is the name of an earlier verifier"));
            }
            checks.add(check);
        }
        if (!errors.isEmpty()) {
            throw new BadInputException(errors);
        }
        return new Compiled(Json.write(specs), List.copyOf(checks));
    }

    /** {@inheritDoc} Thread-safe; a trace that does not fit in the queue is dropped and counted. */
    @Override
    public void submit(String projectId, List<Trace> traces) {
        // One settings read per batch, on the caller's thread; a project without verifiers costs nothing more.
        List<VerifierCheck> checks;
        try {
            checks = checks(projectId);
        } catch (RuntimeException e) {
            failures.addAndGet(traces.size());
            LOG.warn("project {}: cannot load verifiers; {} traces not verified", projectId, traces.size(), e);
            return;
        }
        if (checks.isEmpty()) {
            return;
        }
        for (Trace trace : traces) {
            synchronized (idle) {
                pending++;
            }
            try {
                workers.execute(() -> verify(projectId, trace, checks));
            } catch (RejectedExecutionException full) {
                dropped.incrementAndGet();
                finished();
            }
        }
    }

    @Override
    public long dropped() {
        return dropped.get();
    }

    /** Traces whose verification failed (a check threw, or recording the verdicts did), since start; logged. */
    public long failures() {
        return failures.get();
    }

    @Override
    public void drain() throws InterruptedException {
        synchronized (idle) {
            while (pending > 0) {
                idle.wait();
            }
        }
    }

    /** Stops taking traces, lets the workers finish what is queued (up to 10 seconds), then stops them. */
    @Override
    public void close() {
        workers.shutdown();
        try {
            if (!workers.awaitTermination(10, TimeUnit.SECONDS)) {
                List<Runnable> never = workers.shutdownNow();
                synchronized (idle) {
                    pending -= never.size();
                    idle.notifyAll();
                }
            }
        } catch (InterruptedException e) {
            workers.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }

    private void verify(String projectId, Trace trace, List<VerifierCheck> checks) {
        try {
            List<Feedback> verdicts = new ArrayList<>();
            for (VerifierCheck check : checks) {
                VerifierSpec spec = check.spec();
                if (!Sampling.inRate(trace.id() + "\u0000" + spec.name(), spec.sampleRate())) {
                    continue;
                }
                Optional<VerifierCheck.Verdict> verdict;
                try {
                    verdict = check.check(trace);
                } catch (VerifierCheck.BudgetExceeded | StackOverflowError e) {
                    // A pathological pattern (or one that recurses too deep on a long output): no verdict.
                    failures.incrementAndGet();
                    LOG.warn("project {}: verifier '{}' on trace {} gave up: {}", projectId, spec.name(), trace.id(),
                            e instanceof StackOverflowError ? "the pattern recursed too deep" : e.getMessage());
                    continue;
                }
                verdict.ifPresent(v -> verdicts.add(new Feedback(Ids.newId(clock), trace.id(), null,
                        FeedbackKind.VERIFIER, JsonText.ofValid(v.passed() ? "true" : "false"), null, v.reason(),
                        spec.name(), FeedbackSource.SYSTEM, null, 1.0, clock.instant(),
                        "verifier:" + spec.name() + ":" + trace.id())));
            }
            if (!verdicts.isEmpty()) {
                feedback.record(projectId, verdicts);
            }
        } catch (RuntimeException e) {
            failures.incrementAndGet();
            LOG.warn("project {}: verifying trace {} failed: {}", projectId, trace.id(), e.toString(), e);
        } finally {
            finished();
        }
    }

    /** The project's compiled checks, recompiled only when its stored spec list changed. */
    private List<VerifierCheck> checks(String projectId) {
        Optional<String> text = settings.text(projectId, ProjectSettings.VERIFIERS);
        if (text.isEmpty()) {
            return List.of();
        }
        Compiled cached = compiled.get(projectId);
        if (cached != null && cached.text().equals(text.get())) {
            return cached.checks();
        }
        Compiled fresh = compile(Json.MAPPER.convertValue(Json.readTree(text.get()), SPEC_LIST));
        Compiled stored = new Compiled(text.get(), fresh.checks());
        compiled.put(projectId, stored);
        return stored.checks();
    }

    private void finished() {
        synchronized (idle) {
            pending--;
            if (pending == 0) {
                idle.notifyAll();
            }
        }
    }

    /** A spec list as stored (JSON text) and its compiled checks. */
    record Compiled(String text, List<VerifierCheck> checks) {
    }
}
