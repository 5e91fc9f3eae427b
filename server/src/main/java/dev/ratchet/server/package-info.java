/**
 * The Ratchet server: {@link dev.ratchet.server.RatchetServer} wires core's stores to HTTP (REST under
 * {@code /api/v1}, OTLP/HTTP at {@code /v1/traces}, fixtures for agents under test at {@code /replay/v1}) and owns the process-level concerns: the data
 * directory, first-start bootstrap, limits and overload protection.
 */
package dev.ratchet.server;
