package dev.ratchet.server.cli;

/** A failure the CLI explains in one sentence (no server, no key, unreadable file). */
final class CliException extends RuntimeException {

    CliException(String message) {
        super(message);
    }

    CliException(String message, Throwable cause) {
        super(message, cause);
    }
}
