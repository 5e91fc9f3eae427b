package dev.ratchet.project;

import java.time.Instant;

/** A tenant. Its id is chosen by whoever creates it and is used in URLs and logs. */
public record Project(String id, Instant createdAt) {
}
