package dev.ratchet.server;

import dev.ratchet.memory.MemoryConfig;
import java.nio.file.Path;
import java.time.Clock;

/**
 * How a server runs.
 *
 * @param dataDir            holds the SQLite database (when {@code dbUrl} is null), credentials and, later, indexes
 * @param dbUrl              a JDBC URL for PostgreSQL (server mode), or null for the embedded SQLite default
 * @param maxBodyBytes       largest request body accepted, measured after decompression (413 above it)
 * @param maxConcurrentIngest ingest requests served at once; more are answered 503 with Retry-After
 * @param bootstrapKey       the admin key to create on first start (RATCHET_BOOTSTRAP_KEY), or null to generate
 * @param publicUrl          the URL others reach this server at (RATCHET_PUBLIC_URL), e.g. agents under test
 *                           fetching their fixtures; null for {@link RatchetServer#url()}
 * @param memory             tuning of the memory store (merging, capacity, recency, fusion weight)
 */
public record ServerConfig(
        String host,
        int port,
        Path dataDir,
        String dbUrl,
        long maxBodyBytes,
        int maxConcurrentIngest,
        String bootstrapKey,
        Clock clock,
        String publicUrl,
        MemoryConfig memory) {

    public static final int DEFAULT_PORT = 7070;
    public static final long DEFAULT_MAX_BODY_BYTES = 20L * 1024 * 1024;
    public static final int DEFAULT_MAX_CONCURRENT_INGEST = 64;

    /** A configuration without a public URL (the server's own URL is used) and with memory's defaults. */
    public ServerConfig(String host, int port, Path dataDir, String dbUrl, long maxBodyBytes, int maxConcurrentIngest,
            String bootstrapKey, Clock clock) {
        this(host, port, dataDir, dbUrl, maxBodyBytes, maxConcurrentIngest, bootstrapKey, clock, null);
    }

    /** A configuration with memory's defaults. */
    public ServerConfig(String host, int port, Path dataDir, String dbUrl, long maxBodyBytes, int maxConcurrentIngest,
            String bootstrapKey, Clock clock, String publicUrl) {
        this(host, port, dataDir, dbUrl, maxBodyBytes, maxConcurrentIngest, bootstrapKey, clock, publicUrl,
                MemoryConfig.defaults());
    }

    public static ServerConfig defaults(Path dataDir) {
        return new ServerConfig("0.0.0.0", DEFAULT_PORT, dataDir, null, DEFAULT_MAX_BODY_BYTES,
                DEFAULT_MAX_CONCURRENT_INGEST, blankToNull(System.getenv("RATCHET_BOOTSTRAP_KEY")), Clock.systemUTC(),
                blankToNull(System.getenv("RATCHET_PUBLIC_URL")));
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }

    public ServerConfig withPort(int newPort) {
        return new ServerConfig(host, newPort, dataDir, dbUrl, maxBodyBytes, maxConcurrentIngest, bootstrapKey,
                clock, publicUrl, memory);
    }

    public ServerConfig withDbUrl(String url) {
        return new ServerConfig(host, port, dataDir, url, maxBodyBytes, maxConcurrentIngest, bootstrapKey,
                clock, publicUrl, memory);
    }

    public ServerConfig withBootstrapKey(String key) {
        return new ServerConfig(host, port, dataDir, dbUrl, maxBodyBytes, maxConcurrentIngest, key, clock, publicUrl,
                memory);
    }

    public ServerConfig withLimits(long bodyBytes, int concurrentIngest) {
        return new ServerConfig(host, port, dataDir, dbUrl, bodyBytes, concurrentIngest, bootstrapKey,
                clock, publicUrl, memory);
    }

    public ServerConfig withPublicUrl(String url) {
        return new ServerConfig(host, port, dataDir, dbUrl, maxBodyBytes, maxConcurrentIngest, bootstrapKey, clock,
                blankToNull(url), memory);
    }

    public ServerConfig withMemory(MemoryConfig newMemory) {
        return new ServerConfig(host, port, dataDir, dbUrl, maxBodyBytes, maxConcurrentIngest, bootstrapKey, clock,
                publicUrl, newMemory);
    }
}
