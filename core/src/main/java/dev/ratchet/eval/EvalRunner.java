package dev.ratchet.eval;

import dev.ratchet.common.BadInputException;
import dev.ratchet.common.FieldError;
import dev.ratchet.common.Ids;
import dev.ratchet.common.JsonText;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs a suite version against an agent: each case replayed through {@link ReplayTools}, scored, and stored.
 *
 * <p><b>Concurrency.</b> At most {@code concurrency} cases are in flight; each runs on a virtual thread and is
 * waited for at most the per-case timeout, after which it is interrupted and recorded as timed out. An agent that
 * ignores the interrupt keeps its thread, but not its slot: the run goes on and completes.
 *
 * <p><b>Writes.</b> Results go to one writer thread that commits them in batches of up to {@link #WRITE_BATCH}
 * (or what has queued when the queue falls idle), so a 2,000-case run commits about ten transactions instead of
 * 2,000, and the agents never wait on the database.
 *
 * <p>Thread-safe; one runner serves any number of runs at once.
 */
public final class EvalRunner {

    /** Most results per transaction. */
    public static final int WRITE_BATCH = 256;
    private static final long IDLE_FLUSH_MS = 50;

    private final EvalStore store;
    private final Clock clock;
    private final ScoringServices services;

    public EvalRunner(EvalStore store, Clock clock, ScoringServices services) {
        this.store = Objects.requireNonNull(store, "store");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.services = services == null ? ScoringServices.none() : services;
    }

    /** {@link #run(String, RunRequest, Agent, RunListener)} without a listener. */
    public Run run(String project, RunRequest request, Agent agent) {
        return run(project, request, agent, RunListener.NONE);
    }

    /**
     * Runs every case of the suite version and returns the completed run with its summary; blocks until then.
     * Cases that fail, throw or time out are results, not errors of the run. Interrupting the calling thread stops
     * the run early: no more cases start, the cases in flight are interrupted, and the run is stored as
     * {@link RunStatus#FAILED} with the results it has and the thread's interrupt status set again.
     *
     * @throws dev.ratchet.common.NotFoundException if the suite or version does not exist
     * @throws BadInputException for a bad request (agent name, concurrency, timeout); nothing is stored then
     */
    public Run run(String project, RunRequest request, Agent agent, RunListener listener) {
        Objects.requireNonNull(agent, "agent");
        RunOptions options = validate(request);
        SuiteVersion version = store.version(project, request.suite(), request.version());
        List<EvalCase> cases = store.cases(project, version.suiteId(), version.version());
        Run run = new Run(Ids.newId(clock), version.suiteId(), version.version(), request.agent(), request.agentVersion(),
                request.configuration(), options, RunStatus.RUNNING, null, null, clock.instant(), null);
        store.insertRun(project, run, cases.size());
        RunListener events = listener == null ? RunListener.NONE : listener;
        events.started(run, cases.size());

        Writer writer = new Writer(project, run.id(), events);
        List<CaseResult> results = new ArrayList<>(cases.size());
        AtomicInteger done = new AtomicInteger();
        Semaphore slots = new Semaphore(options.concurrency());
        // Not closed with try-with-resources: close() would wait for agents that ignore their interrupt.
        ExecutorService threads = Executors.newThreadPerTaskExecutor(
                Thread.ofVirtual().name("ratchet-eval-" + run.id() + "-", 0).factory());
        try {
            boolean interrupted = false;
            int started = 0;
            for (int i = 0; i < cases.size(); i++) {
                EvalCase c = cases.get(i);
                int position = i + 1;
                try {
                    slots.acquire();
                } catch (InterruptedException e) {
                    interrupted = true;
                    break;
                }
                started++;
                threads.submit(() -> {
                    try {
                        CaseResult r;
                        try {
                            r = runCase(run, c, position, agent, options, threads);
                        } catch (RuntimeException e) { // a bug of ours or a scorer's must cost one case, not the run
                            r = failed(c, position, CaseStatus.ERROR, "replay failed: " + e.getClass().getSimpleName()
                                    + ": " + Outputs.cut(e.getMessage()), 0, List.of());
                        }
                        synchronized (results) {
                            results.add(r);
                        }
                        writer.add(r);
                        events.caseFinished(r, done.incrementAndGet(), cases.size());
                    } finally {
                        slots.release();
                    }
                });
            }
            if (interrupted) {
                threads.shutdownNow(); // the cases in flight end now, as interrupted
            }
            slots.acquireUninterruptibly(options.concurrency()); // every case is done (or timed out)
            String failure = writer.close();
            if (interrupted && failure == null) {
                failure = "interrupted after " + started + " of " + cases.size() + " cases were started"
                        + " (the server stopping ends its runs); the results of those are kept";
            }
            RunSummary summary = summarize(results);
            store.finishRun(project, run.id(), failure == null ? RunStatus.COMPLETED : RunStatus.FAILED,
                    failure == null ? summary : null, failure);
            Run finished = store.run(project, run.id()).orElseThrow();
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
            return finished;
        } finally {
            threads.shutdownNow(); // interrupts agents that outlived their timeout; does not wait for them
        }
    }

    private CaseResult runCase(Run run, EvalCase c, int position, Agent agent, RunOptions options, ExecutorService threads) {
        List<FieldError> problems = new ArrayList<>();
        List<Scorer> scorers = c.spec().validate("", null, problems);
        if (scorers == null) {
            return failed(c, position, CaseStatus.ERROR, "the case's expectations no longer compile: "
                    + problems.get(0).field() + ": " + problems.get(0).reason(), 0, List.of());
        }
        ReplayTools tools = new ReplayTools(c.fixtures(), options.allowLive() ? agent.live() : null);
        AgentRequest request = new AgentRequest(run.id(), c.id(), c.input(), run.configuration(), c.context());
        long start = System.nanoTime();
        Future<AgentAnswer> answer;
        try {
            answer = threads.submit(() -> agent.run(request, tools));
        } catch (RejectedExecutionException e) { // the run was interrupted before this case's agent started
            return failed(c, position, CaseStatus.ERROR, "interrupted", 0, List.of());
        }
        AgentAnswer a;
        try {
            a = answer.get(options.caseTimeoutMs(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            answer.cancel(true);
            return failed(c, position, CaseStatus.TIMEOUT, "timed out after " + options.caseTimeoutMs() + " ms",
                    elapsedMs(start), tools.calls());
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            long latency = elapsedMs(start);
            if (!tools.missing().isEmpty()) {
                return failed(c, position, CaseStatus.ERROR, tools.missing().get(0), latency, tools.calls());
            }
            if (cause instanceof InterruptedException) { // the run was interrupted (a timeout returns above)
                return failed(c, position, CaseStatus.ERROR, "interrupted", latency, tools.calls());
            }
            return failed(c, position, CaseStatus.ERROR, "agent threw " + cause.getClass().getSimpleName()
                    + (cause.getMessage() == null ? "" : ": " + Outputs.cut(cause.getMessage())), latency, tools.calls());
        } catch (InterruptedException e) {
            answer.cancel(true);
            Thread.currentThread().interrupt();
            return failed(c, position, CaseStatus.ERROR, "interrupted", elapsedMs(start), tools.calls());
        }
        long latency = elapsedMs(start);
        if (a == null) {
            a = AgentAnswer.of(null);
        }
        BigDecimal cost = a.cost() != null ? a.cost() : tools.fixtureCost();
        if (!tools.missing().isEmpty()) {
            return new CaseResult(c.id(), position, CaseStatus.ERROR, 0, a.output(), a.trace(), a.traceId(),
                    tools.missing().get(0), cost, latency, List.of(), tools.calls());
        }
        if (a.error() != null) {
            return new CaseResult(c.id(), position, CaseStatus.ERROR, 0, a.output(), a.trace(), a.traceId(),
                    "agent reported an error: " + Outputs.cut(a.error()), cost, latency, List.of(), tools.calls());
        }
        Observation o = new Observation(c.input(), c.expected(), a.output(), tools.calls(), latency, cost);
        List<Score> scores = new ArrayList<>(scorers.size());
        for (Scorer s : scorers) {
            try {
                scores.add(s.score(o, services));
            } catch (RuntimeException e) {
                scores.add(Score.fail(s.type(), "scorer failed: " + e.getClass().getSimpleName() + ": " + Outputs.cut(e.getMessage())));
            }
        }
        boolean passed = scores.stream().allMatch(Score::passed);
        double mean = scores.stream().mapToDouble(Score::score).average().orElse(0);
        String reason = passed ? null : Outputs.cut(String.join("; ", scores.stream().filter(s -> !s.passed())
                .map(s -> s.type() + ": " + Objects.requireNonNullElse(s.reason(), "failed")).toList()));
        return new CaseResult(c.id(), position, passed ? CaseStatus.PASSED : CaseStatus.FAILED, mean, a.output(),
                a.trace(), a.traceId(), reason, cost, latency, scores, tools.calls());
    }

    private static CaseResult failed(EvalCase c, int position, CaseStatus status, String reason, long latency, List<Call> calls) {
        return new CaseResult(c.id(), position, status, 0, null, null, null, reason, null, latency, List.of(), calls);
    }

    private static long elapsedMs(long startNanos) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
    }

    /** The summary of a run's results: success rate with its 95% Wilson interval, latency percentiles, cost. */
    static RunSummary summarize(List<CaseResult> results) {
        int total = results.size();
        int passed = 0;
        int errors = 0;
        BigDecimal cost = null;
        long[] latencies = new long[total];
        for (int i = 0; i < total; i++) {
            CaseResult r = results.get(i);
            if (r.passed()) {
                passed++;
            } else if (r.status() == CaseStatus.ERROR || r.status() == CaseStatus.TIMEOUT) {
                errors++;
            }
            if (r.cost() != null) {
                cost = cost == null ? r.cost() : cost.add(r.cost());
            }
            latencies[i] = r.latencyMs();
        }
        Arrays.sort(latencies);
        return new RunSummary(total, passed, total - passed, errors, total == 0 ? 0 : (double) passed / total,
                Statistics.wilson(passed, total, 0.95), Statistics.nearestRank(latencies, 0.50),
                Statistics.nearestRank(latencies, 0.95), cost);
    }

    private static RunOptions validate(RunRequest r) {
        if (r == null) {
            throw new BadInputException("$", "required");
        }
        List<FieldError> errors = new ArrayList<>();
        if (r.suite() == null || r.suite().isBlank()) {
            errors.add(FieldError.of("suite", "required: a suite id or name"));
        }
        if (r.agent() == null || r.agent().isBlank() || r.agent().length() > 256) {
            errors.add(FieldError.of("agent", "required: the agent's name, at most 256 characters"));
        }
        if (r.agentVersion() != null && (r.agentVersion().isBlank() || r.agentVersion().length() > 256)) {
            errors.add(FieldError.of("agentVersion", "1 to 256 characters when given"));
        }
        int concurrency = r.concurrency() == null ? RunOptions.DEFAULT_CONCURRENCY : r.concurrency();
        if (concurrency < 1 || concurrency > RunOptions.MAX_CONCURRENCY) {
            errors.add(FieldError.of("concurrency", "must be 1 to " + RunOptions.MAX_CONCURRENCY));
        }
        Duration timeout = r.caseTimeout() == null ? Duration.ofMillis(RunOptions.DEFAULT_CASE_TIMEOUT_MS) : r.caseTimeout();
        if (timeout.isNegative() || timeout.isZero() || timeout.toMillis() > RunOptions.MAX_CASE_TIMEOUT_MS) {
            errors.add(FieldError.of("caseTimeout", "must be positive and at most an hour"));
        }
        if (!errors.isEmpty()) {
            throw new BadInputException(errors);
        }
        return new RunOptions(concurrency, Math.max(1, timeout.toMillis()), r.allowLive());
    }

    /** The run's writer thread: batches results into transactions. */
    private final class Writer {
        private static final CaseResult END = new CaseResult("", 0, CaseStatus.ERROR, 0, null, null, null, null, null, 0,
                null, null);
        private final BlockingQueue<CaseResult> queue = new LinkedBlockingQueue<>();
        private final Thread thread;
        private final String project;
        private final String runId;
        private final RunListener events;
        private volatile String failure;

        Writer(String project, String runId, RunListener events) {
            this.project = project;
            this.runId = runId;
            this.events = events;
            this.thread = Thread.ofPlatform().daemon().name("ratchet-eval-writer-" + runId).start(this::loop);
        }

        void add(CaseResult r) {
            queue.add(r);
        }

        /** Flushes what is left and stops; returns why writing failed, or null. */
        String close() {
            queue.add(END);
            try {
                thread.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return "interrupted while storing results";
            }
            return failure;
        }

        private void loop() {
            List<CaseResult> batch = new ArrayList<>(WRITE_BATCH);
            boolean end = false;
            while (!end) {
                CaseResult r;
                try {
                    r = queue.poll(IDLE_FLUSH_MS, TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    r = END;
                }
                if (r == END) {
                    end = true;
                } else if (r != null) {
                    batch.add(r);
                    List<CaseResult> more = new ArrayList<>();
                    queue.drainTo(more, WRITE_BATCH - batch.size());
                    for (CaseResult m : more) {
                        if (m == END) {
                            end = true;
                        } else {
                            batch.add(m);
                        }
                    }
                }
                boolean idle = r == null;
                if (!batch.isEmpty() && (batch.size() >= WRITE_BATCH || idle || end)) {
                    flush(batch);
                }
            }
        }

        private void flush(List<CaseResult> batch) {
            if (failure == null) {
                try {
                    store.appendResults(project, runId, batch);
                    events.resultsWritten(batch.size());
                } catch (RuntimeException e) {
                    failure = "storing results failed: " + e.getClass().getSimpleName() + ": " + Outputs.cut(e.getMessage());
                }
            }
            batch.clear();
        }
    }
}
