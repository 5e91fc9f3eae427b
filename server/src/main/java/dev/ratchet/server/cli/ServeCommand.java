package dev.ratchet.server.cli;

import dev.ratchet.server.Credentials;
import dev.ratchet.server.RatchetServer;
import dev.ratchet.server.ServerConfig;
import java.nio.file.Path;
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
        String url = dbUrl != null ? dbUrl : System.getenv("RATCHET_DB_URL");
        ServerConfig base = ServerConfig.defaults(dataDir);
        ServerConfig config = new ServerConfig(host, port, dataDir, url, maxBodyMb * 1024L * 1024L,
                maxConcurrentIngest, base.bootstrapKey(), base.clock(), datasetDir != null ? datasetDir : base.datasetDir());
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
}
