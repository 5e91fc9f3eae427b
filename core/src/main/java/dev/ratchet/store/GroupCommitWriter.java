package dev.ratchet.store;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.HandleCallback;
import org.jdbi.v3.core.Jdbi;

/**
 * SQLite's one writer, with group commit. SQLite serialises writers anyway; doing it here, on one
 * thread, lets the writes that queued up while a commit was being synced share the next transaction
 * and its fsync. Each job runs inside its own savepoint, so a job that fails is rolled back alone and
 * the others of its group still commit: to each caller it looks exactly like a transaction of its own,
 * acknowledged only once committed durably.
 *
 * <p>Why a class of its own: durability and throughput of ingest both live here, and the subtle parts
 * (savepoints, nested writes, failures of the commit itself) should be read in one place.
 */
final class GroupCommitWriter implements AutoCloseable {

    /** Most jobs in one transaction; bounds the latency a job adds to the others in its group. */
    static final int MAX_GROUP = 32;

    private static final Job<?> STOP = new Job<>(null);

    private final Jdbi jdbi;
    private final BlockingQueue<Job<?>> queue = new LinkedBlockingQueue<>();
    private final Thread thread;
    /** The handle of the transaction in progress, visible to a job that writes again (runs inline). */
    private final ThreadLocal<Handle> current = new ThreadLocal<>();
    private volatile boolean closed;

    GroupCommitWriter(Jdbi jdbi, String name) {
        this.jdbi = jdbi;
        this.thread = Thread.ofPlatform().daemon().name(name).start(this::loop);
    }

    /** Runs {@code work} in the next group transaction and returns once that transaction is committed. */
    <R, X extends Exception> R write(HandleCallback<R, X> work) throws X {
        Handle inProgress = current.get();
        if (inProgress != null) {
            return work.withHandle(inProgress); // a write nested in a write joins its transaction
        }
        if (closed) {
            throw new IllegalStateException("database is closed");
        }
        Job<R> job = new Job<>(work);
        queue.add(job);
        if (closed && queue.remove(job)) {
            throw new IllegalStateException("database is closed"); // closed while we were enqueueing
        }
        try {
            return job.result.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for a commit; the write may still be committed", e);
        } catch (ExecutionException e) {
            throw Job.<X>rethrow(e.getCause());
        }
    }

    /** Jobs waiting for the writer (for tests that need a group to form). */
    int queued() {
        return queue.size();
    }

    private void loop() {
        List<Job<?>> group = new ArrayList<>(MAX_GROUP);
        while (true) {
            group.clear();
            try {
                group.add(queue.take());
            } catch (InterruptedException e) {
                return;
            }
            queue.drainTo(group, MAX_GROUP - 1);
            boolean stop = group.remove(STOP);
            if (!group.isEmpty()) {
                runGroup(group);
            }
            if (stop) {
                failPending();
                return;
            }
        }
    }

    private void runGroup(List<Job<?>> group) {
        List<Object> results = new ArrayList<>(group.size());
        Handle h = null;
        try {
            h = jdbi.open();
            current.set(h);
            h.begin();
            boolean alone = group.size() == 1;
            for (Job<?> job : group) {
                if (alone) {
                    results.add(job.work.withHandle(h)); // a failure rolls back the whole (single-job) transaction
                    continue;
                }
                h.savepoint("job");
                try {
                    results.add(job.work.withHandle(h));
                    h.releaseSavepoint("job");
                } catch (Exception | Error e) {
                    h.rollbackToSavepoint("job"); // Jdbi forgets it; the engine drops it at commit
                    results.add(new Failure(e));
                }
            }
            h.commit();
        } catch (Exception | Error e) {
            // The transaction as a whole failed (or the single job did): nothing of it was committed. Errors
            // too are handed to the callers: the writer thread must outlive any one job, or every later
            // write would wait forever.
            rollbackQuietly(h, e);
            for (Job<?> job : group) {
                job.result.completeExceptionally(e);
            }
            return;
        } finally {
            current.remove();
            if (h != null) {
                h.close();
            }
        }
        for (int i = 0; i < group.size(); i++) {
            Object r = results.get(i);
            if (r instanceof Failure f) {
                group.get(i).result.completeExceptionally(f.cause());
            } else {
                group.get(i).complete(r);
            }
        }
    }

    private static void rollbackQuietly(Handle h, Throwable cause) {
        if (h == null) {
            return;
        }
        try {
            if (h.isInTransaction()) {
                h.rollback();
            }
        } catch (RuntimeException e) {
            cause.addSuppressed(e);
        }
    }

    private void failPending() {
        List<Job<?>> rest = new ArrayList<>();
        queue.drainTo(rest);
        for (Job<?> job : rest) {
            job.result.completeExceptionally(new IllegalStateException("database closed before this write ran"));
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        queue.add(STOP);
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private record Failure(Throwable cause) {
    }

    private static final class Job<R> {
        final HandleCallback<R, ? extends Exception> work;
        final CompletableFuture<R> result = new CompletableFuture<>();

        Job(HandleCallback<R, ? extends Exception> work) {
            this.work = work;
        }

        @SuppressWarnings("unchecked")
        void complete(Object value) {
            result.complete((R) value);
        }

        /** Rethrows a job's failure on the caller's thread as the exception type the callback declared. */
        @SuppressWarnings("unchecked")
        static <X extends Exception> X rethrow(Throwable t) throws X {
            if (t instanceof RuntimeException re) {
                throw re;
            }
            if (t instanceof Error err) {
                throw err;
            }
            throw (X) t;
        }
    }
}
