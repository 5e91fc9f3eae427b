package dev.ratchet.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.ratchet.common.BadInputException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The real bge-small-en-v1.5 model, run in-process from the jar. */
class BgeSmallEmbedderTest {

    private final BgeSmallEmbedder embedder = new BgeSmallEmbedder();

    @Test
    void embed_paraphrases_areCloserThanAnUnrelatedSentence() {
        float[] a = embedder.embed("The customer wants a refund for the broken blender.");
        float[] b = embedder.embed("A client is asking to get their money back for a faulty kitchen mixer.");
        float[] c = embedder.embed("The quarterly board meeting moved to Thursday afternoon.");
        assertThat(Vectors.dot(a, b)).isGreaterThan(Vectors.dot(a, c)).isGreaterThan(Vectors.dot(a, c) + 0.05);
    }

    @Test
    void embed_returns384UnitLengthComponents() {
        float[] v = embedder.embed("hello world");
        assertThat(embedder.dimension()).isEqualTo(384);
        assertThat(v).hasSize(384);
        assertThat(Math.sqrt(Vectors.dot(v, v))).isCloseTo(1.0, within(1e-5));
    }

    @Test
    void embed_sameTextTwice_givesTheSameVector() {
        assertThat(embedder.embed("deterministic, please")).containsExactly(embedder.embed("deterministic, please"));
    }

    @Test
    void embed_ourSessionGivesTheVectorsOfLangchain4jsReadyMadeModel() {
        // Our session (one intra-op thread, CLS pooling) must be the same model, not only a similar one.
        var stock = new dev.langchain4j.model.embedding.onnx.bgesmallenv15q.BgeSmallEnV15QuantizedEmbeddingModel();
        for (String text : List.of("Where is my card refund?", "The quarterly board meeting moved to Thursday.")) {
            float[] ours = embedder.embed(text);
            float[] theirs = stock.embed(text).content().vector();
            for (int j = 0; j < ours.length; j++) {
                assertThat(ours[j]).as("component %d of '%s'", j, text).isCloseTo(theirs[j], within(1e-5f));
            }
        }
    }

    @Test
    void embedAll_equalsEmbeddingOneByOne() {
        List<String> texts = List.of("first text", "a second, longer text about invoices", "third");
        List<float[]> all = embedder.embedAll(texts);
        assertThat(all).hasSize(texts.size());
        for (int i = 0; i < texts.size(); i++) {
            float[] one = embedder.embed(texts.get(i));
            for (int j = 0; j < one.length; j++) {
                assertThat(all.get(i)[j]).as("text %d component %d", i, j).isCloseTo(one[j], within(1e-5f));
            }
        }
    }

    @Test
    void embed_nullOrBlank_isBadInput() {
        assertThatThrownBy(() -> embedder.embed(null)).isInstanceOf(BadInputException.class).hasMessageContaining("text");
        assertThatThrownBy(() -> embedder.embedAll(List.of("fine", " ")))
                .isInstanceOf(BadInputException.class).hasMessageContaining("texts[1]");
    }
}
