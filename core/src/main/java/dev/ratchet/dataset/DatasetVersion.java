package dev.ratchet.dataset;

import java.time.Instant;

/** A dataset version as listings show it; the whole story is its {@link Manifest}. */
public record DatasetVersion(String id, String name, long examples, long train, long validation,
        String pipelineVersion, Instant createdAt) {
}
