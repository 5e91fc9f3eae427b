package dev.ratchet.eval;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * How an agent under test makes its tool, retrieval and model calls, so that replay can answer them from the
 * case's fixtures. An agent that calls the world directly is not replayable; one that goes through here is.
 * Implementations handed to an agent by the runner are thread-safe (an agent may call in parallel).
 */
public interface Tools {

    /**
     * Calls tool {@code name} with {@code arguments}.
     *
     * @throws CallFailedException when the call failed (in replay: when the recorded call failed)
     * @throws MissingFixtureException in strict replay, when the case has no fixture for the call
     */
    JsonNode tool(String name, JsonNode arguments);

    /** Retrieves documents for {@code query}. Same exceptions as {@link #tool}. */
    JsonNode retrieve(String query);

    /** Calls {@code model} with chat {@code messages}; returns its answer. Same exceptions as {@link #tool}. */
    JsonNode model(String model, JsonNode messages);

    /** A call that was made and failed; the message says why, as recorded. */
    final class CallFailedException extends RuntimeException {
        public CallFailedException(String message) {
            super(message);
        }
    }

    /**
     * A call that strict replay cannot answer: the case has no fixture for it. The case fails with this message
     * even if the agent catches it, since its answer would rest on a call that was never recorded.
     */
    final class MissingFixtureException extends RuntimeException {
        public MissingFixtureException(String message) {
            super(message);
        }
    }
}
