package dev.ratchet.memory;

import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A real {@link Embedder} whose first {@link #embedAll} call waits at a gate until the test opens it, so
 * that a test can make work queue up behind a busy model; and which fails every call that holds one of the
 * {@code failing} texts, so that a test can see who else fails with it.
 */
class GatedEmbedder extends CountingEmbedder {

    private final CountDownLatch entered = new CountDownLatch(1);
    private final CountDownLatch gate = new CountDownLatch(1);
    private final Set<String> failing;

    GatedEmbedder(Embedder delegate, Set<String> failing) {
        super(delegate);
        this.failing = Set.copyOf(failing);
    }

    @Override
    public List<float[]> embedAll(List<String> batch) {
        if (entered.getCount() > 0) {
            entered.countDown();
            try {
                if (!gate.await(2, TimeUnit.MINUTES)) {
                    throw new IllegalStateException("the test never opened the gate");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        List<float[]> out = super.embedAll(batch);
        if (batch.stream().anyMatch(failing::contains)) {
            throw new EmbeddingException("refused on purpose: " + batch);
        }
        return out;
    }

    /** Waits until the first call is at the gate. */
    void awaitFirstCall() throws InterruptedException {
        if (!entered.await(2, TimeUnit.MINUTES)) {
            throw new IllegalStateException("no call reached the gate");
        }
    }

    void open() {
        gate.countDown();
    }
}
