package dev.ratchet.memory;

import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.onnx.bgesmallenv15q.BgeSmallEnV15QuantizedEmbeddingModel;
import java.util.ArrayList;
import java.util.List;

/**
 * bge-small-en-v1.5 (int8-quantized ONNX, 384 dimensions) run in-process by ONNX Runtime. The model ships
 * inside the langchain4j jar, so this works offline and without a key. The model is loaded once per JVM,
 * on first construction (about a second), and shared: it is thread-safe and holds ~35 MB.
 *
 * <p>Texts longer than the model's 512 tokens are split by langchain4j and their vectors averaged.
 */
public final class BgeSmallEmbedder implements Embedder {

    /** The model name stored beside vectors. */
    public static final String MODEL = "bge-small-en-v1.5-q";
    public static final int DIMENSION = 384;

    // Batches bound the memory of one ONNX run; langchain4j parallelises within a call.
    private static final int BATCH = 64;

    private static final class Holder {
        static final BgeSmallEnV15QuantizedEmbeddingModel MODEL = new BgeSmallEnV15QuantizedEmbeddingModel();
    }

    private final BgeSmallEnV15QuantizedEmbeddingModel model;

    public BgeSmallEmbedder() {
        this.model = Holder.MODEL;
    }

    @Override
    public String model() {
        return MODEL;
    }

    @Override
    public int dimension() {
        return DIMENSION;
    }

    @Override
    public float[] embed(String text) {
        Vectors.requireText(text);
        return toVector(model.embed(text).content());
    }

    @Override
    public List<float[]> embedAll(List<String> texts) {
        Vectors.requireTexts(texts);
        List<float[]> out = new ArrayList<>(texts.size());
        for (int from = 0; from < texts.size(); from += BATCH) {
            List<TextSegment> segments = new ArrayList<>();
            for (String text : texts.subList(from, Math.min(texts.size(), from + BATCH))) {
                segments.add(TextSegment.from(text));
            }
            for (Embedding e : model.embedAll(segments).content()) {
                out.add(toVector(e));
            }
        }
        return out;
    }

    private static float[] toVector(Embedding e) {
        float[] v = e.vector();
        if (v.length != DIMENSION) {
            throw new EmbeddingException("model " + MODEL + " returned " + v.length + " dimensions, expected " + DIMENSION);
        }
        // bge vectors are normalised by the model already; normalising again costs nothing and makes it a guarantee.
        return Vectors.normalized(v, "embedding");
    }
}
