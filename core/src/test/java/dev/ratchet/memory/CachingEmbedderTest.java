package dev.ratchet.memory;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The cache in front of the real bge model, with a counter between them. */
class CachingEmbedderTest {

    /** Counts the texts that reach the real model. */
    private static final class Counting implements Embedder {
        final Embedder real = new BgeSmallEmbedder();
        final AtomicInteger texts = new AtomicInteger();

        @Override
        public String model() {
            return real.model();
        }

        @Override
        public int dimension() {
            return real.dimension();
        }

        @Override
        public float[] embed(String text) {
            texts.incrementAndGet();
            return real.embed(text);
        }

        @Override
        public List<float[]> embedAll(List<String> list) {
            texts.addAndGet(list.size());
            return real.embedAll(list);
        }
    }

    private final Counting counting = new Counting();

    @Test
    void embed_repeatedText_callsTheModelOnce() {
        CachingEmbedder cache = new CachingEmbedder(counting, 10);
        float[] first = cache.embed("where is my order?");
        float[] second = cache.embed("where is my order?");
        assertThat(second).containsExactly(first);
        assertThat(counting.texts).hasValue(1);
    }

    @Test
    void embedAll_sendsOnlyMissesToTheModel_andKeepsOrder() {
        CachingEmbedder cache = new CachingEmbedder(counting, 10);
        float[] a = cache.embed("alpha");
        List<float[]> all = cache.embedAll(List.of("beta", "alpha", "beta", "gamma"));
        assertThat(counting.texts).hasValue(1 + 2); // alpha, then beta and gamma once each
        assertThat(all.get(1)).containsExactly(a);
        assertThat(all.get(0)).containsExactly(all.get(2));
        assertThat(all.get(3)).containsExactly(counting.real.embed("gamma"));
    }

    @Test
    void embed_beyondCapacity_evictsTheLeastRecentlyUsed() {
        CachingEmbedder cache = new CachingEmbedder(counting, 2);
        cache.embed("one");
        cache.embed("two");
        cache.embed("one"); // "two" is now the least recently used
        cache.embed("three");
        assertThat(cache.size()).isEqualTo(2);
        int before = counting.texts.get();
        cache.embed("one");
        assertThat(counting.texts).hasValue(before);
        cache.embed("two");
        assertThat(counting.texts).hasValue(before + 1);
    }

    @Test
    void embed_callerChangesTheVector_cacheIsUnchanged() {
        CachingEmbedder cache = new CachingEmbedder(counting, 10);
        float[] v = cache.embed("immutable");
        float original = v[0];
        v[0] = 42f;
        assertThat(cache.embed("immutable")[0]).isEqualTo(original);
    }
}
