/**
 * The storage seam. {@link dev.ratchet.store.Database} opens one of two engines behind the same schema:
 * SQLite in a data directory (the embedded default: WAL, {@code synchronous=FULL}, one writer at a time)
 * or PostgreSQL by JDBC URL (server mode). Flyway migrates both from {@code db/migration/<dialect>}.
 * Capability stores ({@code JdbcTraceStore}, {@code JdbcProjectStore}) are written once against it.
 */
package dev.ratchet.store;
