package dev.ratchet.release;

import java.time.Instant;

/**
 * What is known of a stored artifact besides its bytes.
 *
 * @param hash      the SHA-256 of the bytes, 64 lower-case hex digits: the artifact's name
 * @param mediaType what the bytes are, as given when they were first stored
 * @param size      the number of bytes
 * @param createdAt when they were first stored
 */
public record Artifact(String hash, String mediaType, long size, Instant createdAt) {
}
