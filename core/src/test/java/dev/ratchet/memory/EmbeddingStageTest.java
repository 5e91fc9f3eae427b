package dev.ratchet.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.IntSupplier;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

/** The write path's embedding stage on the real bge model. */
class EmbeddingStageTest {

    private static final Embedder BGE = MemoryStoreContract.BGE;

    private static void awaitValue(IntSupplier value, int expected) throws InterruptedException {
        long deadline = System.nanoTime() + 120_000_000_000L;
        while (value.getAsInt() != expected) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("still " + value.getAsInt() + ", waiting for " + expected);
            }
            Thread.sleep(5);
        }
    }

    @Test
    void embedAll_requestsQueuedWhileTheModelIsBusy_shareOneCallAndEachGetsItsOwnVectors() throws Exception {
        GatedEmbedder model = new GatedEmbedder(BGE, Set.of());
        ExecutorService callers = Executors.newFixedThreadPool(6);
        try (EmbeddingStage stage = new EmbeddingStage(model, 64, "test-embedder")) {
            Future<List<float[]>> first = callers.submit(() -> stage.embedAll(List.of("The first text.")));
            model.awaitFirstCall();
            List<List<String>> requests = List.of(List.of("Refunds need approval."),
                    List.of("The office opens at nine.", "Lunch is served from noon."), List.of("Passwords rotate."),
                    List.of("Invoices go out monthly."));
            List<Future<List<float[]>>> rest = new ArrayList<>();
            for (List<String> texts : requests) {
                rest.add(callers.submit(() -> stage.embedAll(texts)));
            }
            awaitValue(stage::queued, requests.size());

            model.open();

            assertThat(first.get()).hasSize(1);
            for (int i = 0; i < requests.size(); i++) {
                List<float[]> vectors = rest.get(i).get();
                assertThat(vectors).hasSize(requests.get(i).size());
                for (int j = 0; j < vectors.size(); j++) {
                    assertThat(vectors.get(j)).containsExactly(BGE.embed(requests.get(i).get(j)), Offset.offset(1e-5f));
                }
            }
            assertThat(model.calls()).as("one call for the first, one for all that queued behind it").isEqualTo(2);
            assertThat(model.texts()).isEqualTo(6);
        } finally {
            callers.shutdownNow();
        }
    }

    @Test
    void embedAll_batchLimit_startsANewCall() throws Exception {
        GatedEmbedder model = new GatedEmbedder(BGE, Set.of());
        ExecutorService callers = Executors.newFixedThreadPool(4);
        try (EmbeddingStage stage = new EmbeddingStage(model, 2, "test-embedder")) {
            Future<?> first = callers.submit(() -> stage.embedAll(List.of("The first text.")));
            model.awaitFirstCall();
            List<Future<?>> rest = new ArrayList<>();
            for (String text : List.of("One.", "Two.", "Three.")) {
                rest.add(callers.submit(() -> stage.embedAll(List.of(text))));
                awaitValue(stage::queued, rest.size()); // queued in this order
            }
            model.open();
            first.get();
            for (Future<?> f : rest) {
                f.get();
            }
            assertThat(model.calls()).as("the first, then two, then one").isEqualTo(3);
        } finally {
            callers.shutdownNow();
        }
    }

    @Test
    void embedAll_oneRequestFails_othersOfItsBatchStillGetTheirVectors() throws Exception {
        GatedEmbedder model = new GatedEmbedder(BGE, Set.of("poison"));
        ExecutorService callers = Executors.newFixedThreadPool(4);
        try (EmbeddingStage stage = new EmbeddingStage(model, 64, "test-embedder")) {
            Future<?> first = callers.submit(() -> stage.embedAll(List.of("The first text.")));
            model.awaitFirstCall();
            Future<List<float[]>> before = callers.submit(() -> stage.embedAll(List.of("Refunds need approval.")));
            awaitValue(stage::queued, 1);
            Future<List<float[]>> bad = callers.submit(() -> stage.embedAll(List.of("poison")));
            awaitValue(stage::queued, 2);
            Future<List<float[]>> after = callers.submit(() -> stage.embedAll(List.of("The office opens at nine.")));
            awaitValue(stage::queued, 3);

            model.open();

            first.get();
            assertThat(before.get()).hasSize(1);
            assertThat(after.get()).hasSize(1);
            assertThatThrownBy(bad::get).hasCauseInstanceOf(EmbeddingException.class);
        } finally {
            callers.shutdownNow();
        }
    }

    @Test
    void close_failsWhatIsStillQueuedAndRefusesMore() throws Exception {
        GatedEmbedder model = new GatedEmbedder(BGE, Set.of());
        ExecutorService callers = Executors.newFixedThreadPool(3);
        EmbeddingStage stage = new EmbeddingStage(model, 64, "test-embedder");
        try {
            Future<List<float[]>> inProgress = callers.submit(() -> stage.embedAll(List.of("The first text.")));
            model.awaitFirstCall();
            Future<List<float[]>> queued = callers.submit(() -> stage.embedAll(List.of("Still waiting.")));
            awaitValue(stage::queued, 1);
            Future<?> closing = callers.submit(stage::close);
            model.open();
            closing.get();

            assertThat(inProgress.get()).hasSize(1);
            assertThatThrownBy(queued::get).hasCauseInstanceOf(IllegalStateException.class);
            assertThatThrownBy(() -> stage.embedAll(List.of("Too late."))).isInstanceOf(IllegalStateException.class);
        } finally {
            stage.close();
            callers.shutdownNow();
        }
    }
}
