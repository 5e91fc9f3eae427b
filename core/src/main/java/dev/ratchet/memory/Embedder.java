package dev.ratchet.memory;

import java.util.List;

/**
 * Turns text into a dense vector for similarity search. Implementations are thread-safe and return
 * L2-normalised vectors of exactly {@link #dimension()} components, so a dot product is the cosine.
 * The same text under the same {@link #model()} gives the same vector, which is what makes a cache
 * and a stored index valid.
 */
public interface Embedder {

    /** The model's name, stored beside vectors so that vectors of different models are never mixed. */
    String model();

    /** The number of components of every vector this embedder returns. */
    int dimension();

    /**
     * The vector of one text.
     *
     * @throws dev.ratchet.common.BadInputException if {@code text} is null or blank (it has no meaning to embed)
     * @throws EmbeddingException if the model or the remote service fails
     */
    float[] embed(String text);

    /**
     * The vectors of many texts, in their order, computed in batches. Equal, component by component, to
     * calling {@link #embed} on each text, but cheaper.
     *
     * @throws dev.ratchet.common.BadInputException if the list is null, or one of its texts is null or blank
     * @throws EmbeddingException if the model or the remote service fails
     */
    List<float[]> embedAll(List<String> texts);
}
