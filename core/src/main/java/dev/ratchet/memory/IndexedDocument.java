package dev.ratchet.memory;

import dev.ratchet.common.BadInputException;
import java.time.Instant;

/**
 * One document of a {@link HybridIndex}: the text searched by BM25, its vector searched by HNSW, and the
 * keyword fields a search filters on. {@code project} and {@code id} are required; the scope fields
 * ({@code agent}, {@code user}, {@code session}) and {@code kind}, {@code status} may be null, meaning
 * "not set" (a filter on that field then does not match the document). The document is valid from
 * {@code validFrom} (inclusive, null: always was) until {@code validTo} (exclusive, null: never expires).
 */
public record IndexedDocument(
        String id,
        String project,
        String agent,
        String user,
        String session,
        String kind,
        String status,
        String text,
        float[] vector,
        Instant validFrom,
        Instant validTo) {

    public IndexedDocument {
        if (id == null || id.isEmpty()) {
            throw new BadInputException("id", "must not be empty");
        }
        if (project == null || project.isEmpty()) {
            throw new BadInputException("project", "must not be empty");
        }
        if (text == null) {
            throw new BadInputException("text", "must not be null");
        }
        if (vector == null) {
            throw new BadInputException("vector", "must not be null");
        }
        if (validFrom != null && validTo != null && !validFrom.isBefore(validTo)) {
            throw new BadInputException("validTo", "must be after validFrom");
        }
    }
}
