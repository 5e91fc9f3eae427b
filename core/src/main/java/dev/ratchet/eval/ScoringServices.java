package dev.ratchet.eval;

import dev.ratchet.memory.Embedder;

/**
 * What some scorers need from outside: an embedder for {@code embedding_similarity}, a judge for {@code llm_judge}.
 * Either may be null; an expectation that needs a missing one fails its case with a reason that says so.
 */
public record ScoringServices(Embedder embedder, Judge judge) {

    public static ScoringServices none() {
        return new ScoringServices(null, null);
    }
}
