package dev.ratchet.memory;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real {@link Embedder} that counts its work: how many texts went through {@link #embedAll} and in how
 * many calls, so a test can tell whether a store re-embedded what it should not have, or batched what it
 * should. {@link #embed} (queries) is not counted.
 */
class CountingEmbedder implements Embedder {

    private final Embedder delegate;
    private final AtomicInteger calls = new AtomicInteger();
    private final AtomicInteger texts = new AtomicInteger();

    CountingEmbedder(Embedder delegate) {
        this.delegate = delegate;
    }

    @Override
    public String model() {
        return delegate.model();
    }

    @Override
    public int dimension() {
        return delegate.dimension();
    }

    @Override
    public float[] embed(String text) {
        return delegate.embed(text);
    }

    @Override
    public List<float[]> embedAll(List<String> batch) {
        calls.incrementAndGet();
        texts.addAndGet(batch.size());
        return delegate.embedAll(batch);
    }

    int calls() {
        return calls.get();
    }

    int texts() {
        return texts.get();
    }

    void reset() {
        calls.set(0);
        texts.set(0);
    }
}
