package dev.ratchet.memory;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * The embedding of the write path: one thread that runs the model on batches gathered from every waiting
 * writer. Many clients writing one item each would otherwise run the model once per item, on as many
 * threads as there are writers; here the texts queued while the model was busy go into its next {@link
 * Embedder#embedAll} together (up to {@code maxBatch} texts; a larger request runs alone), so the model
 * works on full batches, one at a time, while the writers it has already served do their database and index
 * work.
 *
 * <p>Each caller gets its own vectors, in its order, exactly as {@link Embedder#embedAll} on its texts alone
 * would give them. When a shared call fails, each request of the batch is tried again alone, so that one
 * request never fails another. Thread-safe. {@link #close} stops the thread after the batch in progress;
 * requests still queued then fail with {@link IllegalStateException}.
 */
final class EmbeddingStage implements AutoCloseable {

    private record Request(List<String> texts, CompletableFuture<List<float[]>> result) {
    }

    private static final Request STOP = new Request(List.of(), null);

    private final Embedder embedder;
    private final int maxBatch;
    private final BlockingQueue<Request> queue = new LinkedBlockingQueue<>();
    private final Thread thread;
    private volatile boolean closed;

    EmbeddingStage(Embedder embedder, int maxBatch, String threadName) {
        if (maxBatch < 1) {
            throw new IllegalArgumentException("maxBatch must be at least 1");
        }
        this.embedder = embedder;
        this.maxBatch = maxBatch;
        this.thread = Thread.ofPlatform().daemon().name(threadName).start(this::loop);
    }

    /**
     * The vectors of {@code texts}, in order, once the stage has embedded them (with whatever else was
     * queued). Blocks until then.
     *
     * @throws EmbeddingException or {@link dev.ratchet.common.BadInputException} as {@link Embedder#embedAll}
     * @throws IllegalStateException if the stage is closed, or the caller is interrupted while waiting
     */
    List<float[]> embedAll(List<String> texts) {
        if (closed) {
            throw new IllegalStateException("the memory store is closed");
        }
        Request request = new Request(List.copyOf(texts), new CompletableFuture<>());
        queue.add(request);
        if (closed && queue.remove(request)) {
            throw new IllegalStateException("the memory store is closed"); // closed while we were enqueueing
        }
        try {
            return request.result().get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for embeddings", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            if (e.getCause() instanceof Error err) {
                throw err;
            }
            throw new EmbeddingException("embedding failed: " + e.getCause(), e.getCause());
        }
    }

    /** Requests waiting for the model (for tests that need a batch to form). */
    int queued() {
        return queue.size();
    }

    private void loop() {
        Request carried = null;
        while (true) {
            Request first;
            if (carried != null) {
                first = carried;
                carried = null;
            } else {
                try {
                    first = queue.take();
                } catch (InterruptedException e) {
                    failPending();
                    return;
                }
            }
            if (first == STOP || closed) {
                if (first != STOP) {
                    failClosed(first);
                }
                failPending();
                return;
            }
            List<Request> batch = new ArrayList<>();
            batch.add(first);
            int texts = first.texts().size();
            while (texts < maxBatch) {
                Request next = queue.poll();
                if (next == null) {
                    break;
                }
                if (next == STOP || texts + next.texts().size() > maxBatch) {
                    carried = next; // first in the next batch
                    break;
                }
                batch.add(next);
                texts += next.texts().size();
            }
            run(batch);
        }
    }

    private void run(List<Request> batch) {
        List<String> texts = new ArrayList<>();
        batch.forEach(r -> texts.addAll(r.texts()));
        List<float[]> vectors;
        try {
            vectors = embedder.embedAll(texts);
        } catch (RuntimeException | Error e) {
            // Errors too go to the callers: the thread must outlive any one batch, or every later write waits forever.
            if (batch.size() == 1) {
                batch.get(0).result().completeExceptionally(e);
            } else {
                batch.forEach(this::runAlone);
            }
            return;
        }
        int from = 0;
        for (Request r : batch) {
            r.result().complete(List.copyOf(vectors.subList(from, from + r.texts().size())));
            from += r.texts().size();
        }
    }

    private void runAlone(Request r) {
        try {
            r.result().complete(embedder.embedAll(r.texts()));
        } catch (RuntimeException | Error e) {
            r.result().completeExceptionally(e);
        }
    }

    private void failPending() {
        List<Request> rest = new ArrayList<>();
        queue.drainTo(rest);
        for (Request r : rest) {
            if (r != STOP) {
                failClosed(r);
            }
        }
    }

    private static void failClosed(Request r) {
        r.result().completeExceptionally(new IllegalStateException("the memory store was closed before this write"));
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
}
