package dev.ratchet.server;

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
 * @param datasetDir         where dataset versions' files go; null for {@code <dataDir>/datasets}. Replicas of one
 *                           PostgreSQL database should share it, so that any of them serves any version's files
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
        Path datasetDir) {

    public static final int DEFAULT_PORT = 7070;
    public static final long DEFAULT_MAX_BODY_BYTES = 20L * 1024 * 1024;
    public static final int DEFAULT_MAX_CONCURRENT_INGEST = 64;

    public ServerConfig {
        if (datasetDir == null && dataDir != null) {
            datasetDir = dataDir.resolve("datasets");
        }
    }

    /** A configuration with the default dataset directory, {@code <dataDir>/datasets}. */
    public ServerConfig(String host, int port, Path dataDir, String dbUrl, long maxBodyBytes, int maxConcurrentIngest,
            String bootstrapKey, Clock clock) {
        this(host, port, dataDir, dbUrl, maxBodyBytes, maxConcurrentIngest, bootstrapKey, clock, null);
    }

    public static ServerConfig defaults(Path dataDir) {
        String datasets = blankToNull(System.getenv("RATCHET_DATASET_DIR"));
        return new ServerConfig("0.0.0.0", DEFAULT_PORT, dataDir, null, DEFAULT_MAX_BODY_BYTES,
                DEFAULT_MAX_CONCURRENT_INGEST, blankToNull(System.getenv("RATCHET_BOOTSTRAP_KEY")), Clock.systemUTC(),
                datasets == null ? null : Path.of(datasets));
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }

    public ServerConfig withPort(int newPort) {
        return new ServerConfig(host, newPort, dataDir, dbUrl, maxBodyBytes, maxConcurrentIngest, bootstrapKey, clock,
                datasetDir);
    }

    public ServerConfig withDbUrl(String url) {
        return new ServerConfig(host, port, dataDir, url, maxBodyBytes, maxConcurrentIngest, bootstrapKey, clock,
                datasetDir);
    }

    public ServerConfig withBootstrapKey(String key) {
        return new ServerConfig(host, port, dataDir, dbUrl, maxBodyBytes, maxConcurrentIngest, key, clock, datasetDir);
    }

    public ServerConfig withLimits(long bodyBytes, int concurrentIngest) {
        return new ServerConfig(host, port, dataDir, dbUrl, bodyBytes, concurrentIngest, bootstrapKey, clock,
                datasetDir);
    }

    public ServerConfig withDatasetDir(Path dir) {
        return new ServerConfig(host, port, dataDir, dbUrl, maxBodyBytes, maxConcurrentIngest, bootstrapKey, clock, dir);
    }
}
