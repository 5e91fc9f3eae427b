package dev.ratchet.memory;

/**
 * An embedding could not be computed: the remote service refused or failed, answered something that is
 * not an embeddings response, or answered vectors of the wrong dimension. Not a {@link
 * dev.ratchet.common.BadInputException}: the input was fine, the model was not.
 */
public final class EmbeddingException extends RuntimeException {

    public EmbeddingException(String message) {
        super(message);
    }

    public EmbeddingException(String message, Throwable cause) {
        super(message, cause);
    }
}
