package dev.ratchet.curation;

import static dev.ratchet.common.Times.nanos;

import dev.ratchet.common.BadInputException;
import dev.ratchet.curation.CurationDecision.Status;
import dev.ratchet.curation.Corrections.Plan;
import dev.ratchet.feedback.Feedback;
import dev.ratchet.feedback.FeedbackStore;
import dev.ratchet.feedback.OutcomeRules;
import dev.ratchet.feedback.ProjectSettings;
import dev.ratchet.memory.MemoryStore;
import dev.ratchet.memory.MemoryWrite;
import dev.ratchet.memory.MemoryWriteResult;
import dev.ratchet.store.Database;
import dev.ratchet.trace.Trace;
import dev.ratchet.trace.TraceStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns validated corrections into memory, off the path that records them.
 *
 * <p><b>Flow.</b> {@link #feedbackStore()} wraps the feedback store: recording a correction (or any feedback on
 * a trace that has one) queues the trace in {@code curation_queue} in the same transaction. A worker thread
 * ({@link #start}) takes due traces, longest waiting first, and decides all corrections of each with {@link
 * Corrections} (the rules are there) under the project's {@link CurationPolicy} and outcome rules; it writes the
 * qualifying ones to the {@link MemoryStore} (where the embedding model runs) and logs every decision in {@code
 * curation_log}. A trace is removed from the queue only once its decisions are stored, and only if no feedback
 * queued it again meanwhile.
 *
 * <p><b>Never twice, never lost.</b> A memory write carries the idempotency key {@code curation:<feedback id>},
 * and a written decision is final, so a replayed correction, a crash between the memory write and the log, or two
 * replicas deciding one trace still write it once. A write that fails (other than by bad input, which is logged
 * as skipped: retrying cannot help) is logged as {@code failed} with the error, and the trace stays queued and is
 * tried again after a back-off that doubles from 1 second up to 5 minutes, until it succeeds; the log and
 * {@link #status} show it meanwhile. Traces left in the queue by a stopped server are taken up at the next start.
 *
 * <p><b>One input, one item.</b> An item's key is the normalised input, so the correction of an input already in
 * memory (in the same scope) supersedes the earlier one, which stays as history, linked by {@code supersededBy}.
 * An older correction decided later (one a review promoted) never replaces a newer one: it is skipped.
 *
 * <p>Thread-safe. Within one process, rounds run one at a time (the worker's and {@link #drain}'s).
 */
public final class Curator implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Curator.class);
    /** Traces taken per round. */
    static final int ROUND = 32;
    /** How often an idle worker looks at the queue without being woken (for traces queued by other replicas). */
    static final Duration POLL = Duration.ofSeconds(1);
    static final Duration FIRST_RETRY = Duration.ofSeconds(1);
    static final Duration MAX_RETRY = Duration.ofMinutes(5);
    /** Most decisions one {@link #log} call returns. */
    public static final int MAX_LIMIT = 1000;

    private final CurationQueue queue;
    private final CurationPolicies policies;
    private final TraceStore traces;
    private final FeedbackStore feedback;
    private final MemoryStore memory;
    private final Clock clock;
    private final FeedbackStore curating;
    private final ReentrantLock rounds = new ReentrantLock();
    private final Object signal = new Object();
    private boolean woken; // guarded by signal
    private volatile boolean closed;
    private volatile Thread worker;

    /**
     * A curator over these stores. {@code feedback} is the store that records feedback; record through {@link
     * #feedbackStore()} instead, so that corrections are queued. Nothing runs until {@link #start} (or {@link
     * #drain}).
     */
    public Curator(Database db, ProjectSettings settings, TraceStore traces, FeedbackStore feedback,
            MemoryStore memory, Clock clock) {
        this.queue = new CurationQueue(db);
        this.policies = new CurationPolicies(settings);
        this.traces = traces;
        this.feedback = feedback;
        this.memory = memory;
        this.clock = clock;
        this.curating = new CuratingFeedbackStore(db, feedback, queue, this::wake, clock);
    }

    /** The feedback store to record through: the wrapped one, queuing curation in each recording transaction. */
    public FeedbackStore feedbackStore() {
        return curating;
    }

    public CurationPolicy policy(String projectId) {
        return policies.get(projectId);
    }

    /**
     * Replaces the project's policy (see {@link CurationPolicies#set}); it applies to every decision from now
     * on, including those on corrections already queued or skipped.
     *
     * @return the policy as stored
     */
    public CurationPolicy setPolicy(String projectId, CurationPolicy policy) {
        return policies.set(projectId, policy);
    }

    /**
     * The project's decisions, most recently decided first, optionally of one trace and one status.
     *
     * @throws BadInputException when {@code limit} is not 1 to {@value #MAX_LIMIT}
     */
    public List<CurationDecision> log(String projectId, String traceId, Status status, int limit) {
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new BadInputException("limit", "must be between 1 and " + MAX_LIMIT);
        }
        return queue.list(projectId, traceId, status, limit);
    }

    /** The decision on one correction, if it was ever queued. */
    public Optional<CurationDecision> decision(String projectId, String feedbackId) {
        return queue.get(projectId, feedbackId);
    }

    /** How much of the project's curation is outstanding. */
    public record QueueStatus(long queued, long failing) {
    }

    /** Traces of the project waiting to be decided, and how many of them have failed at least once. */
    public QueueStatus status(String projectId) {
        long[] q = queue.queued(projectId);
        return new QueueStatus(q[0], q[1]);
    }

    /** Starts the worker thread. */
    public synchronized void start() {
        if (worker != null) {
            throw new IllegalStateException("already started");
        }
        worker = Thread.ofPlatform().daemon().name("ratchet-curator").start(this::loop);
    }

    /** Tells the worker that traces were queued; it looks at once instead of at its next poll. */
    public void wake() {
        synchronized (signal) {
            woken = true;
            signal.notifyAll();
        }
    }

    /**
     * Decides every trace that is due now, round after round, until none is left (tests, tools). Traces whose
     * writing failed are postponed and not waited for.
     */
    public void drain() {
        while (runOnce() > 0) {
            // another round: feedback may have queued more meanwhile
        }
    }

    /** Stops the worker after the round in progress (waiting up to 10 seconds). Queued traces stay queued. */
    @Override
    public void close() {
        closed = true;
        wake();
        Thread w = worker;
        if (w != null) {
            try {
                w.join(Duration.ofSeconds(10));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void loop() {
        while (!closed) {
            int settled;
            try {
                settled = runOnce();
            } catch (RuntimeException e) {
                LOG.error("curation round failed; trying again at the next poll", e);
                settled = 0;
            }
            if (settled > 0) {
                continue;
            }
            synchronized (signal) {
                try {
                    if (!woken && !closed) {
                        signal.wait(POLL.toMillis());
                    }
                } catch (InterruptedException e) {
                    return;
                }
                woken = false;
            }
        }
    }

    /** One round over the due traces; returns how many were settled (decided, or postponed after a failure). */
    int runOnce() {
        rounds.lock();
        try {
            List<CurationQueue.Queued> due = queue.due(nanos(clock.instant()), ROUND);
            int settled = 0;
            for (CurationQueue.Queued q : due) {
                if (closed && worker != null && Thread.currentThread() == worker) {
                    break;
                }
                if (decide(q)) {
                    settled++;
                }
            }
            return settled;
        } finally {
            rounds.unlock();
        }
    }

    /** Decides one queued trace; false when even postponing it failed (it stays due). */
    private boolean decide(CurationQueue.Queued q) {
        String project = q.projectId();
        try {
            Optional<Trace> trace = traces.get(project, q.traceId());
            List<Feedback> all = feedback.forTrace(project, q.traceId());
            Map<String, CurationDecision> before = queue.decisions(project, q.traceId());
            Instant now = clock.instant();
            if (trace.isEmpty()) {
                queue.finish(q, List.of(), null, nanos(now), 0); // nothing to decide on
                return true;
            }
            OutcomeRules rules = feedback.rules(project);
            CurationPolicy policy = policies.get(project);
            Set<String> written = new HashSet<>();
            before.values().stream().filter(d -> d.status() == Status.WRITTEN).forEach(d -> written.add(d.feedbackId()));
            List<CurationDecision> decisions = new ArrayList<>();
            String error = null;
            for (Plan p : Corrections.plan(trace.get(), all, rules, policy, written, now)) {
                CurationDecision old = before.get(p.correction().id());
                CurationDecision d = switch (p.action()) {
                    case KEEP -> p.reason() == null || old == null ? null : withReason(old, p.reason(), now);
                    case SKIP -> decided(q, p.correction(), Status.SKIPPED, p.reason(), null, null, old, now);
                    case WRITE -> write(q, p, old, now);
                };
                if (d != null && d.status() == Status.FAILED) {
                    error = d.reason();
                }
                if (d != null && changed(old, d)) {
                    decisions.add(d);
                }
            }
            queue.finish(q, decisions, error, nanos(now), nanos(now.plus(backoff(q.attempts()))));
            return true;
        } catch (RuntimeException e) {
            LOG.warn("project {}: cannot curate trace {} (attempt {}); trying again later", project, q.traceId(),
                    q.attempts() + 1, e);
            try {
                Instant now = clock.instant();
                queue.postpone(q, message(e), nanos(now.plus(backoff(q.attempts()))));
                return true;
            } catch (RuntimeException again) {
                LOG.warn("project {}: cannot postpone trace {}", project, q.traceId(), again);
                return false;
            }
        }
    }

    /** Writes one qualified correction, unless a newer correction of the same input is already in memory. */
    private CurationDecision write(CurationQueue.Queued q, Plan p, CurationDecision old, Instant now) {
        Feedback c = p.correction();
        MemoryWrite w = p.write();
        Optional<String> newer = queue.newerWritten(q.projectId(), w.agent(), w.user(), w.session(), w.key(),
                nanos(c.createdAt()));
        if (newer.isPresent()) {
            return decided(q, c, Status.SKIPPED, "a later correction of the same input (feedback " + newer.get()
                    + ") is already in memory", w, null, old, now);
        }
        try {
            MemoryWriteResult r = memory.write(q.projectId(), List.of(w)).get(0);
            return decided(q, c, Status.WRITTEN, p.reason(), w, r, old, now);
        } catch (BadInputException e) {
            return decided(q, c, Status.SKIPPED, "memory refused it: " + e.getMessage(), w, null, old, now);
        } catch (RuntimeException e) {
            int attempt = (old == null ? 0 : old.attempts()) + 1;
            LOG.warn("project {}: writing correction {} of trace {} to memory failed (attempt {}); it will be retried",
                    q.projectId(), c.id(), q.traceId(), attempt, e);
            return new CurationDecision(c.id(), q.traceId(), Status.FAILED, "attempt " + attempt + " failed: "
                    + message(e) + "; retried", null, null, null, w.agent(), w.user(), w.session(), w.key(), attempt,
                    c.createdAt(), now);
        }
    }

    private static CurationDecision decided(CurationQueue.Queued q, Feedback c, Status status, String reason,
            MemoryWrite w, MemoryWriteResult r, CurationDecision old, Instant now) {
        return new CurationDecision(c.id(), q.traceId(), status, reason, r == null ? null : r.id(),
                r == null ? null : r.action().name().toLowerCase(Locale.ROOT), r == null ? null : r.supersededId(),
                w == null ? null : w.agent(), w == null ? null : w.user(), w == null ? null : w.session(),
                w == null ? null : w.key(), old == null ? 0 : old.attempts(), c.createdAt(), now);
    }

    private static CurationDecision withReason(CurationDecision d, String reason, Instant now) {
        return new CurationDecision(d.feedbackId(), d.traceId(), d.status(), reason, d.memoryId(), d.memoryAction(),
                d.supersededId(), d.agent(), d.user(), d.session(), d.key(), d.attempts(), d.correctedAt(), now);
    }

    /** Whether storing {@code d} changes anything a reader sees (so an unchanged decision keeps its time). */
    private static boolean changed(CurationDecision old, CurationDecision d) {
        return old == null || old.status() != d.status() || !old.reason().equals(d.reason())
                || d.status() == Status.WRITTEN && old.status() != Status.WRITTEN;
    }

    static Duration backoff(int attempts) {
        long seconds = FIRST_RETRY.toSeconds() << Math.min(attempts, 20);
        return Duration.ofSeconds(Math.min(seconds, MAX_RETRY.toSeconds()));
    }

    private static String message(Throwable e) {
        String m = e.getMessage();
        return e.getClass().getSimpleName() + (m == null ? "" : ": " + (m.length() > 500 ? m.substring(0, 500) : m));
    }
}
