package dev.ratchet.memory;

import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * An {@link Embedder} that creates its delegate on the first embedding, not before. A server opens its
 * memory store on every start (tests start many), and loading the ONNX model costs seconds and memory that
 * a server which never embeds should not pay. {@link #model()} and {@link #dimension()} are known up front
 * and never load the delegate. Thread-safe: the delegate is created once, however many threads embed first.
 */
public final class LazyEmbedder implements Embedder {

    private final String model;
    private final int dimension;
    private final Supplier<? extends Embedder> factory;
    private volatile Embedder delegate;

    public LazyEmbedder(String model, int dimension, Supplier<? extends Embedder> factory) {
        this.model = Objects.requireNonNull(model, "model");
        this.dimension = dimension;
        this.factory = Objects.requireNonNull(factory, "factory");
    }

    /** The bundled local model, loaded on first use. */
    public static LazyEmbedder bgeSmall() {
        return new LazyEmbedder(BgeSmallEmbedder.MODEL, BgeSmallEmbedder.DIMENSION, BgeSmallEmbedder::new);
    }

    @Override
    public String model() {
        return model;
    }

    @Override
    public int dimension() {
        return dimension;
    }

    @Override
    public float[] embed(String text) {
        Vectors.requireText(text);
        return delegate().embed(text);
    }

    @Override
    public List<float[]> embedAll(List<String> texts) {
        Vectors.requireTexts(texts);
        return delegate().embedAll(texts);
    }

    /** Whether the delegate has been created (tests check that a server start does not load the model). */
    public boolean loaded() {
        return delegate != null;
    }

    private Embedder delegate() {
        Embedder d = delegate;
        if (d == null) {
            synchronized (this) {
                d = delegate;
                if (d == null) {
                    d = Objects.requireNonNull(factory.get(), "factory returned null");
                    if (!d.model().equals(model) || d.dimension() != dimension) {
                        throw new EmbeddingException("expected model " + model + " (" + dimension + " dimensions), got "
                                + d.model() + " (" + d.dimension() + ")");
                    }
                    delegate = d;
                }
            }
        }
        return d;
    }
}
