package dev.ratchet.server;

import dev.ratchet.eval.OpenAiJudge;
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
 * @param datasetDir         where dataset versions' files go; null for {@code <dataDir>/datasets}. Replicas of one
 *                           PostgreSQL database should share it, so that any of them serves any version's files
 * @param memory             tuning of the memory store (merging, capacity, recency, fusion weight); null for defaults
 * @param judge              the OpenAI-compatible chat endpoint that {@code llm_judge} scorers call, or null for none
 *                           (such scorers then fail their case, saying that no judge is configured)
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
        Path datasetDir,
        MemoryConfig memory,
        OpenAiJudge.Settings judge) {

    public static final int DEFAULT_PORT = 7070;
    public static final long DEFAULT_MAX_BODY_BYTES = 20L * 1024 * 1024;
    public static final int DEFAULT_MAX_CONCURRENT_INGEST = 64;

    public ServerConfig {
        if (datasetDir == null && dataDir != null) {
            datasetDir = dataDir.resolve("datasets");
        }
        if (memory == null) {
            memory = MemoryConfig.defaults();
        }
    }

    /** A configuration without a public URL (the server's own URL is used), with the default dataset directory and memory. */
    public ServerConfig(String host, int port, Path dataDir, String dbUrl, long maxBodyBytes, int maxConcurrentIngest,
            String bootstrapKey, Clock clock) {
        this(host, port, dataDir, dbUrl, maxBodyBytes, maxConcurrentIngest, bootstrapKey, clock, null, null, null, null);
    }

    /** The defaults, with the environment's RATCHET_BOOTSTRAP_KEY, RATCHET_PUBLIC_URL and RATCHET_DATASET_DIR. */
    public static ServerConfig defaults(Path dataDir) {
        String datasets = blankToNull(System.getenv("RATCHET_DATASET_DIR"));
        return new ServerConfig("0.0.0.0", DEFAULT_PORT, dataDir, null, DEFAULT_MAX_BODY_BYTES,
                DEFAULT_MAX_CONCURRENT_INGEST, blankToNull(System.getenv("RATCHET_BOOTSTRAP_KEY")), Clock.systemUTC(),
                blankToNull(System.getenv("RATCHET_PUBLIC_URL")), datasets == null ? null : Path.of(datasets), null, null);
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }

    public ServerConfig withPort(int newPort) {
        return new ServerConfig(host, newPort, dataDir, dbUrl, maxBodyBytes, maxConcurrentIngest, bootstrapKey, clock,
                publicUrl, datasetDir, memory, judge);
    }

    public ServerConfig withDbUrl(String url) {
        return new ServerConfig(host, port, dataDir, url, maxBodyBytes, maxConcurrentIngest, bootstrapKey, clock,
                publicUrl, datasetDir, memory, judge);
    }

    public ServerConfig withBootstrapKey(String key) {
        return new ServerConfig(host, port, dataDir, dbUrl, maxBodyBytes, maxConcurrentIngest, key, clock, publicUrl,
                datasetDir, memory, judge);
    }

    public ServerConfig withLimits(long bodyBytes, int concurrentIngest) {
        return new ServerConfig(host, port, dataDir, dbUrl, bodyBytes, concurrentIngest, bootstrapKey, clock, publicUrl,
                datasetDir, memory, judge);
    }

    public ServerConfig withPublicUrl(String url) {
        return new ServerConfig(host, port, dataDir, dbUrl, maxBodyBytes, maxConcurrentIngest, bootstrapKey, clock,
                blankToNull(url), datasetDir, memory, judge);
    }

    public ServerConfig withDatasetDir(Path dir) {
        return new ServerConfig(host, port, dataDir, dbUrl, maxBodyBytes, maxConcurrentIngest, bootstrapKey, clock,
                publicUrl, dir, memory, judge);
    }

    public ServerConfig withMemory(MemoryConfig newMemory) {
        return new ServerConfig(host, port, dataDir, dbUrl, maxBodyBytes, maxConcurrentIngest, bootstrapKey, clock,
                publicUrl, datasetDir, newMemory, judge);
    }

    public ServerConfig withJudge(OpenAiJudge.Settings newJudge) {
        return new ServerConfig(host, port, dataDir, dbUrl, maxBodyBytes, maxConcurrentIngest, bootstrapKey, clock,
                publicUrl, datasetDir, memory, newJudge);
    }
}
