package dev.ratchet.memory;

import dev.ratchet.common.BadInputException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;

/**
 * An {@link Embedder} that remembers the vectors of the most recently used texts, for query embeddings:
 * agents repeat their queries, and an embedding is the slowest step of a search.
 *
 * <p>Bounded: at most {@code maxEntries} texts are kept, the least recently used evicted first. Thread-safe:
 * a lock guards the map only, never a call to the delegate, so concurrent misses for the same text may both
 * compute it (the results are equal, so this costs time, not correctness). Callers get copies, so a caller
 * that changes a vector does not change the cache.
 */
public final class CachingEmbedder implements Embedder {

    private final Embedder delegate;
    private final int maxEntries;
    private final ReentrantLock lock = new ReentrantLock();
    private final LinkedHashMap<String, float[]> cache;

    public CachingEmbedder(Embedder delegate, int maxEntries) {
        if (delegate == null) {
            throw new BadInputException("delegate", "must not be null");
        }
        if (maxEntries < 1) {
            throw new BadInputException("maxEntries", "must be at least 1");
        }
        this.delegate = delegate;
        this.maxEntries = maxEntries;
        this.cache = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, float[]> eldest) {
                return size() > CachingEmbedder.this.maxEntries;
            }
        };
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
        Vectors.requireText(text);
        float[] cached = get(text);
        if (cached != null) {
            return cached.clone();
        }
        float[] v = delegate.embed(text);
        put(text, v.clone());
        return v;
    }

    /** Looks each text up; the misses go to the delegate in one {@link Embedder#embedAll} call. */
    @Override
    public List<float[]> embedAll(List<String> texts) {
        Vectors.requireTexts(texts);
        float[][] out = new float[texts.size()][];
        Map<String, List<Integer>> missing = new LinkedHashMap<>();
        for (int i = 0; i < texts.size(); i++) {
            float[] cached = get(texts.get(i));
            if (cached != null) {
                out[i] = cached.clone();
            } else {
                missing.computeIfAbsent(texts.get(i), t -> new ArrayList<>()).add(i);
            }
        }
        if (!missing.isEmpty()) {
            List<String> toEmbed = new ArrayList<>(missing.keySet());
            List<float[]> computed = delegate.embedAll(toEmbed);
            Map<String, float[]> fresh = new HashMap<>();
            for (int j = 0; j < toEmbed.size(); j++) {
                fresh.put(toEmbed.get(j), computed.get(j));
            }
            for (Map.Entry<String, List<Integer>> e : missing.entrySet()) {
                float[] v = fresh.get(e.getKey());
                put(e.getKey(), v.clone());
                for (int i : e.getValue()) {
                    out[i] = v.clone();
                }
            }
        }
        return List.of(out);
    }

    /** How many texts are cached now; never more than {@code maxEntries}. */
    public int size() {
        lock.lock();
        try {
            return cache.size();
        } finally {
            lock.unlock();
        }
    }

    private float[] get(String text) {
        lock.lock();
        try {
            return cache.get(text);
        } finally {
            lock.unlock();
        }
    }

    private void put(String text, float[] v) {
        lock.lock();
        try {
            cache.put(text, v);
        } finally {
            lock.unlock();
        }
    }
}
