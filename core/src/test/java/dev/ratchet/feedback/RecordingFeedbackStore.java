package dev.ratchet.feedback;

import static dev.ratchet.common.Times.nanos;

import dev.ratchet.store.Database;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A test double of {@link FeedbackStore} for the review queue and the verifiers: it keeps what
 * {@link #record} was given, in memory, and computes no outcomes. It is not the real store.
 *
 * <p>Given a database, each call also writes its items as bare rows of the {@code feedback} table through
 * {@link Database#write}, as the real store does, so that a test can see whether that nested write joined the
 * caller's transaction (rolled back with it) or not. It can also fail on demand ({@link #failWith}) and block
 * inside {@code record} until released ({@link #blockUntilReleased}), to hold a worker busy.
 */
final class RecordingFeedbackStore implements FeedbackStore {

    private final Database db;
    private final List<Feedback> recorded = new CopyOnWriteArrayList<>();
    private final AtomicInteger calls = new AtomicInteger();
    private volatile RuntimeException failure;
    private volatile CountDownLatch entered;
    private volatile CountDownLatch release;

    /** Keeps calls in memory only. */
    RecordingFeedbackStore() {
        this(null);
    }

    /** Keeps calls in memory and writes them as rows of {@code feedback} in {@code db}. */
    RecordingFeedbackStore(Database db) {
        this.db = db;
    }

    /** Makes every later {@code record} call throw {@code e} (after its write, so the write must roll back). */
    void failWith(RuntimeException e) {
        failure = e;
    }

    /** Makes the next {@code record} calls wait for {@link #release()}; returns a latch opened on entering. */
    CountDownLatch blockUntilReleased() {
        entered = new CountDownLatch(1);
        release = new CountDownLatch(1);
        return entered;
    }

    void release() {
        CountDownLatch r = release;
        if (r != null) {
            r.countDown();
        }
    }

    /** Everything recorded by calls that returned normally, in order. */
    List<Feedback> recorded() {
        return List.copyOf(recorded);
    }

    int calls() {
        return calls.get();
    }

    /** Rows of {@code feedback} in the database (committed ones). */
    int rows() {
        return db.read(h -> h.createQuery("SELECT COUNT(*) FROM feedback").mapTo(Integer.class).one());
    }

    @Override
    public RecordResult record(String projectId, List<Feedback> batch) {
        calls.incrementAndGet();
        CountDownLatch e = entered;
        if (e != null) {
            e.countDown();
            try {
                if (!release.await(60, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("the test never released the feedback store");
                }
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(ie);
            }
        }
        if (db != null) {
            db.write(h -> {
                for (Feedback f : batch) {
                    h.createUpdate("INSERT INTO feedback (project_id, id, trace_id, kind, value, source, confidence,"
                                    + " created_ns, idempotency_key) VALUES (:p, :id, :trace, :kind, :value, :source, 1,"
                                    + " :at, :key)")
                            .bind("p", projectId)
                            .bind("id", f.id())
                            .bind("trace", f.traceId())
                            .bind("kind", f.kind().wire())
                            .bind("value", f.value() == null ? null : f.value().text())
                            .bind("source", f.source().wire())
                            .bind("at", nanos(f.createdAt()))
                            .bind("key", f.idempotencyKey())
                            .execute();
                }
                return null;
            });
        }
        RuntimeException fail = failure;
        if (fail != null) {
            throw fail;
        }
        recorded.addAll(batch);
        return new RecordResult(batch.stream().map(Feedback::id).toList(), List.of(), List.of());
    }

    @Override
    public List<Feedback> forTrace(String projectId, String traceId) {
        return recorded.stream().filter(f -> f.traceId().equals(traceId)).toList();
    }

    @Override
    public Optional<Outcome> outcome(String projectId, String traceId) {
        return Optional.empty();
    }

    @Override
    public OutcomeRules rules(String projectId) {
        return OutcomeRules.defaults();
    }

    @Override
    public void setRules(String projectId, OutcomeRules rules) {
        throw new UnsupportedOperationException("not part of the test double");
    }
}
