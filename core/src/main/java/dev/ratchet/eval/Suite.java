package dev.ratchet.eval;

import java.time.Instant;

/** A named, versioned set of cases. {@code latestVersion} is the newest version (versions count from 1). */
public record Suite(String id, String name, SuiteKind kind, String description, int latestVersion, Instant createdAt,
        Instant updatedAt) {
}
