package dev.ratchet.server.otlp;

import java.time.Instant;

/** A span event as the mapper reads it: its name, when it happened, and its attributes as JSON. */
record EventView(String name, Instant time, AttributeView attributes) {
}
