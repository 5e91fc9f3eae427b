package dev.ratchet.server.cli;

import dev.ratchet.eval.OpenAiJudge;
import dev.ratchet.memory.MemoryConfig;
import dev.ratchet.memory.SearchRequest;
import dev.ratchet.server.Credentials;
import dev.ratchet.server.RatchetServer;
import dev.ratchet.server.ServerConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code ratchet serve}: runs the server in the foreground until interrupted. */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Run the Ratchet server (embedded SQLite in the data directory unless --db-url is given).")
final class ServeCommand implements Callable<Integer> {

    @Option(names = "--port", description = "HTTP port (default: ${DEFAULT-VALUE}; 0 picks a free one)",
            defaultValue = "${env:RATCHET_PORT:-" + ServerConfig.DEFAULT_PORT + "}")
    int port;

    @Option(names = "--host", description = "Interface to bind (default: ${DEFAULT-VALUE})", defaultValue = "0.0.0.0")
    String host;

    @Option(names = "--data-dir", description = "Data directory: database, credentials, indexes (default: ${DEFAULT-VALUE})",
            defaultValue = "${env:RATCHET_DATA_DIR:-data}")
    Path dataDir;

    @Option(names = "--db-url", description = "JDBC URL of a PostgreSQL database (server mode), e.g. jdbc:postgresql://localhost:5432/ratchet?user=ratchet (default: $RATCHET_DB_URL, else embedded SQLite)")
    String dbUrl;

    @Option(names = "--dataset-dir", description = "Where dataset versions' files go; replicas of one database should"
            + " share it (default: $RATCHET_DATASET_DIR, else <data-dir>/datasets)")
    Path datasetDir;

    @Option(names = "--max-body-mb", description = "Largest request body after decompression, in MiB (default: ${DEFAULT-VALUE})",
            defaultValue = "20")
    int maxBodyMb;

    @Option(names = "--max-concurrent-ingest", description = "Ingest requests served at once before answering 503 (default: ${DEFAULT-VALUE})",
            defaultValue = "" + ServerConfig.DEFAULT_MAX_CONCURRENT_INGEST)
    int maxConcurrentIngest;

    @Option(names = "--memory-merge-threshold", defaultValue = "0.92",
            description = "Cosine at or above which a memory write merges into a near-duplicate of its scope (default: ${DEFAULT-VALUE})")
    double mergeThreshold;

    @Option(names = "--memory-capacity", defaultValue = "10000",
            description = "Active memory items an agent may hold before the least valuable expire (default: ${DEFAULT-VALUE})")
    int memoryCapacity;

    @Option(names = "--memory-half-life-days", defaultValue = "30",
            description = "Time scale of a memory item's freshness, for recency and pruning, in days (default: ${DEFAULT-VALUE})")
    double halfLifeDays;

    @Option(names = "--memory-recency-weight", defaultValue = "0.1",
            description = "How much freshness lifts a memory search score, 0 (off) to 10 (default: ${DEFAULT-VALUE})")
    double recencyWeight;

    @Option(names = "--memory-vector-weight", defaultValue = "" + SearchRequest.DEFAULT_VECTOR_WEIGHT,
            description = "Vector share of the fused memory search score, 0 (BM25 only) to 1 (vectors only) (default: ${DEFAULT-VALUE})")
    double vectorWeight;

    @Option(names = "--public-url", description = "The URL agents under test reach this server at, for their fixtures"
            + " (default: $RATCHET_PUBLIC_URL, else http://<host>:<port>)")
    String publicUrl;

    @Option(names = "--judge-url", description = "OpenAI-compatible chat endpoint that llm_judge scorers call, e.g."
            + " http://localhost:11434 for Ollama (default: $RATCHET_JUDGE_URL, else none; its key, if any, is read from"
            + " $RATCHET_JUDGE_API_KEY)")
    String judgeUrl;

    @Option(names = "--judge-model", description = "Model the judge uses unless a scorer names one (default:"
            + " $RATCHET_JUDGE_MODEL; required with a judge URL)")
    String judgeModel;

    @Override
    public Integer call() throws InterruptedException {
        if (port < 0 || port > 65535) {
            throw new dev.ratchet.common.BadInputException("--port", "must be between 0 and 65535");
        }
        if (maxBodyMb < 1) {
            throw new dev.ratchet.common.BadInputException("--max-body-mb", "must be at least 1");
        }
        if (maxConcurrentIngest < 1) {
            throw new dev.ratchet.common.BadInputException("--max-concurrent-ingest", "must be at least 1");
        }
        if (!(halfLifeDays > 0 && halfLifeDays <= 36_500)) {
            throw new dev.ratchet.common.BadInputException("--memory-half-life-days", "must be above 0 and at most 36500");
        }
        MemoryConfig memory = memoryConfig();
        OpenAiJudge.Settings judge = judgeSettings();
        String url = dbUrl != null ? dbUrl : System.getenv("RATCHET_DB_URL");
        ServerConfig base = ServerConfig.defaults(dataDir);
        String advertised = publicUrl != null ? publicUrl : base.publicUrl();
        if (advertised != null && !advertised.matches("(?i)https?://[^/\\s]+(/\\S*)?")) {
            throw new dev.ratchet.common.BadInputException("--public-url", "must be an http or https URL such as"
                    + " http://ratchet.internal:7070");
        }
        ServerConfig config = new ServerConfig(host, port, dataDir, url, maxBodyMb * 1024L * 1024L,
                maxConcurrentIngest, base.bootstrapKey(), base.clock(), advertised,
                datasetDir != null ? datasetDir : base.datasetDir(), memory, judge);
        RatchetServer server = RatchetServer.start(config);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            stopped.countDown();
        }, "ratchet-shutdown"));
        String store = url == null ? "sqlite " + dataDir.resolve("ratchet.db") : "postgresql";
        System.out.println("Ratchet listening on " + server.url() + " (" + store + ")");
        server.bootstrapKey().ifPresent(k -> {
            if (config.bootstrapKey() == null) {
                System.out.println("Created project 'default' with admin key: " + k.secret());
                System.out.println("The key is shown once; it is saved in " + dataDir.resolve(Credentials.CREDENTIALS_FILE)
                        + " (mode 600), where the CLI finds it.");
            } else {
                System.out.println("Created project 'default' with the admin key from RATCHET_BOOTSTRAP_KEY.");
            }
        });
        System.out.println("Stop with Ctrl-C.");
        stopped.await();
        return 0;
    }

    /** The memory flags as a configuration; a value out of range is refused naming its flag. */
    private MemoryConfig memoryConfig() {
        try {
            return MemoryConfig.defaults().withMergeThreshold(mergeThreshold).withCapacityPerAgent(memoryCapacity)
                    .withRecency(Duration.ofSeconds(Math.round(halfLifeDays * 86_400)), recencyWeight)
                    .withVectorWeight(vectorWeight);
        } catch (dev.ratchet.common.BadInputException e) {
            String field = e.errors().get(0).field();
            String flag = switch (field) {
                case "mergeThreshold" -> "--memory-merge-threshold";
                case "capacityPerAgent" -> "--memory-capacity";
                case "recencyWeight" -> "--memory-recency-weight";
                case "vectorWeight" -> "--memory-vector-weight";
                default -> field;
            };
            throw new dev.ratchet.common.BadInputException(flag, e.errors().get(0).reason());
        }
    }

    /** The judge's endpoint from the flags or the environment; null when none is given. */
    private OpenAiJudge.Settings judgeSettings() {
        String url = judgeUrl != null ? judgeUrl : System.getenv("RATCHET_JUDGE_URL");
        String model = judgeModel != null ? judgeModel : System.getenv("RATCHET_JUDGE_MODEL");
        if (url == null || url.isBlank()) {
            if (model != null && !model.isBlank() && judgeModel != null) {
                throw new dev.ratchet.common.BadInputException("--judge-model", "needs --judge-url");
            }
            return null;
        }
        if (!url.matches("(?i)https?://[^/\\s]+(/\\S*)?")) {
            throw new dev.ratchet.common.BadInputException("--judge-url", "must be an http or https URL such as"
                    + " http://localhost:11434");
        }
        if (model == null || model.isBlank()) {
            throw new dev.ratchet.common.BadInputException("--judge-model", "required with a judge URL");
        }
        String key = System.getenv("RATCHET_JUDGE_API_KEY");
        return new OpenAiJudge.Settings(java.net.URI.create(url), model, key == null || key.isBlank() ? null : key,
                Duration.ofSeconds(60));
    }
}
