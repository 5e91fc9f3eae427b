/**
 * The OTLP/HTTP trace receiver ({@code POST /v1/traces}): {@link dev.ratchet.server.otlp.OtlpReceiver}
 * decodes protobuf or OTLP/JSON export requests and answers in kind;
 * {@link dev.ratchet.server.otlp.OtlpTraceMapper}, a pure function, maps OpenTelemetry GenAI and
 * OpenInference spans onto Ratchet's trace model (the mapping is documented there and in
 * {@code docs/otlp.md}). Everything but those two classes and their result type is package-private.
 */
package dev.ratchet.server.otlp;
