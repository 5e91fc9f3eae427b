package dev.ratchet.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A throwaway PostgreSQL cluster for tests, started from the installed server binaries (there is no
 * Docker here): {@code initdb} into a fresh temporary directory, a server on a free port of 127.0.0.1,
 * a fresh database for each test, and everything stopped and deleted afterwards.
 *
 * <p>One cluster per test class, as a JUnit extension:
 * <pre>{@code
 * @RegisterExtension
 * static final PostgresCluster PG = new PostgresCluster();
 *
 * @BeforeEach
 * void open() {
 *     db = Database.open(PG.newDatabaseUrl());
 * }
 * }</pre>
 * or by hand: {@code PostgresCluster pg = PostgresCluster.start(); ... pg.close();}.
 *
 * <p>The binaries come from the directory in {@code RATCHET_PG_BIN}, else the newest
 * {@code /usr/lib/postgresql/<version>/bin}, else {@code initdb}'s directory on the PATH. Without them,
 * the tests that need the cluster are skipped (JUnit assumptions), with a message saying how to install
 * them. {@code initdb} and {@code pg_ctl} refuse to run as root, so when the JVM is root they run as the
 * {@code postgres} user through {@code runuser}, in a directory that user owns.
 *
 * <p>The server runs with {@code fsync=off}: a test cluster never outlives a crash, and this keeps
 * one-database-per-test cheap. A JVM shutdown hook stops the server if {@link #close()} is never reached.
 */
public final class PostgresCluster implements AutoCloseable, BeforeAllCallback, AfterAllCallback {

    /** The superuser {@code initdb} creates; trust authentication, so no password. */
    public static final String USER = "ratchet";

    private static final String BIN_ENV = "RATCHET_PG_BIN";
    private static final Path DEBIAN_VERSIONS = Path.of("/usr/lib/postgresql");
    private static final String OS_USER = "postgres";
    private static final int START_ATTEMPTS = 3;
    private static final long COMMAND_TIMEOUT_SECONDS = 120;

    private final AtomicInteger databases = new AtomicInteger();
    private Path binDir;
    private boolean asPostgresUser;
    private Path baseDir;
    private Path dataDir;
    private int port;
    private Thread shutdownHook;
    private String owner;

    /** An unstarted cluster; it starts before the test class's first test when registered as an extension. */
    public PostgresCluster() {
    }

    /**
     * Starts a cluster now. Skips the calling test or class (a JUnit assumption fails) when the binaries
     * are not installed; throws {@link IllegalStateException}, with the tools' output, when they fail.
     */
    public static PostgresCluster start() {
        PostgresCluster cluster = new PostgresCluster();
        cluster.startCluster();
        return cluster;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        synchronized (this) {
            if (owner == null) {
                owner = context.getUniqueId();
            }
        }
        startCluster();
    }

    /** Closes the cluster after the class that started it; {@code @Nested} classes inherit it running. */
    @Override
    public synchronized void afterAll(ExtensionContext context) {
        if (context.getUniqueId().equals(owner)) {
            owner = null;
            close();
        }
    }

    /** The port the server listens on, on 127.0.0.1. */
    public synchronized int port() {
        requireStarted();
        return port;
    }

    /** The JDBC URL of {@code database} on this cluster, as user {@link #USER}. */
    public synchronized String jdbcUrl(String database) {
        requireStarted();
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database + "?user=" + USER;
    }

    /** The cluster's directory (data, socket, logs); null when not running. For the harness's own test. */
    synchronized Path directory() {
        return baseDir;
    }

    /**
     * Creates a new, empty database ({@code t_1}, {@code t_2}, ...) and returns its JDBC URL. Thread-safe.
     * Close what you open on it: the server takes 200 connections, and a {@link Database} pools up to 16.
     */
    public String newDatabaseUrl() {
        String name = "t_" + databases.incrementAndGet();
        try (Connection c = DriverManager.getConnection(jdbcUrl("postgres"));
             Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create database " + name + " on " + jdbcUrl("postgres"), e);
        }
        return jdbcUrl(name);
    }

    /** Stops the server (immediate mode: nothing in it is worth a checkpoint) and deletes its directory. Idempotent. */
    @Override
    public synchronized void close() {
        if (shutdownHook != null) {
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            } catch (IllegalStateException shutdownInProgress) {
                // the hook is running or about to; stopping twice is harmless
            }
            shutdownHook = null;
        }
        stopAndDelete();
    }

    private synchronized void startCluster() {
        if (dataDir != null) {
            return;
        }
        Optional<Path> found = findBinaries();
        Assumptions.assumeTrue(found.isPresent(), """
                PostgreSQL server binaries (initdb, pg_ctl, postgres) not found, so the PostgreSQL tests are \
                skipped. Install them (Debian/Ubuntu: apt-get install postgresql; they land in \
                /usr/lib/postgresql/<version>/bin) or set RATCHET_PG_BIN to the directory holding them.""");
        binDir = found.get();
        asPostgresUser = "root".equals(System.getProperty("user.name"));
        Optional<UserPrincipal> postgresUser = asPostgresUser ? postgresUser() : Optional.empty();
        Assumptions.assumeTrue(!asPostgresUser || (postgresUser.isPresent() && which("runuser").isPresent()), """
                The tests run as root, and initdb refuses root; running it as the 'postgres' user needs that \
                user and runuser (apt-get install postgresql creates the user). Run the tests as a non-root \
                user, or install PostgreSQL from the distribution's package.""");
        try {
            baseDir = createBaseDir(postgresUser);
            dataDir = baseDir.resolve("data");
            shutdownHook = new Thread(this::stopAndDelete, "postgres-cluster-stop");
            Runtime.getRuntime().addShutdownHook(shutdownHook);
            run("initdb", List.of("-D", dataDir.toString(), "-A", "trust", "-U", USER, "-E", "UTF8",
                    "--locale=C", "--no-sync"));
            Files.writeString(dataDir.resolve("postgresql.conf"), """

                    # throwaway test cluster (dev.ratchet.store.PostgresCluster)
                    listen_addresses = '127.0.0.1'
                    unix_socket_directories = '%s'
                    max_connections = 200
                    fsync = off
                    synchronous_commit = off
                    full_page_writes = off
                    """.formatted(baseDir), StandardCharsets.UTF_8, StandardOpenOption.APPEND);
            startServer();
        } catch (IOException e) {
            close();
            throw new UncheckedIOException(e);
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /** Starts the server on a free port; retries with another port when the chosen one was taken meanwhile. */
    private void startServer() throws IOException {
        Path log = baseDir.resolve("postgres.log");
        for (int attempt = 1; ; attempt++) {
            port = freePort();
            try {
                run("pg_ctl", List.of("-D", dataDir.toString(), "-l", log.toString(), "-w", "-t", "60",
                        "-o", "-p " + port, "start"));
                return;
            } catch (IllegalStateException e) {
                String serverLog = Files.exists(log) ? Files.readString(log) : "";
                if (attempt >= START_ATTEMPTS || !serverLog.contains("already in use")) {
                    throw new IllegalStateException(e.getMessage() + "\nserver log " + log + ":\n" + serverLog, e);
                }
            }
        }
    }

    private synchronized void stopAndDelete() {
        if (dataDir == null) {
            return;
        }
        try {
            if (Files.exists(dataDir.resolve("postmaster.pid"))) {
                try {
                    run("pg_ctl", List.of("-D", dataDir.toString(), "-m", "immediate", "-w", "-t", "60", "stop"));
                } catch (RuntimeException e) {
                    killPostmaster();
                    System.err.println("PostgresCluster: pg_ctl stop failed, killed the server: " + e.getMessage());
                }
            }
        } finally {
            deleteRecursively(baseDir);
            dataDir = null;
            baseDir = null;
        }
    }

    /**
     * The backstop when pg_ctl cannot stop the server: kills the postmaster this cluster started, by the
     * pid it recorded, unless that pid now belongs to some other program.
     */
    private void killPostmaster() {
        try {
            String pid = Files.readAllLines(dataDir.resolve("postmaster.pid")).get(0).strip();
            ProcessHandle.of(Long.parseLong(pid))
                    .filter(p -> p.info().command().map(c -> c.endsWith("/postgres")).orElse(false))
                    .ifPresent(ProcessHandle::destroyForcibly);
        } catch (IOException | RuntimeException e) {
            System.err.println("PostgresCluster: cannot kill the server of " + dataDir + ": " + e);
        }
    }

    /**
     * Runs one of the cluster's tools, as the postgres user when the JVM is root, in the cluster's own
     * directory (the postgres user may not be able to enter the JVM's working directory).
     *
     * @return the tool's output
     * @throws IllegalStateException with the command and its output when it fails or hangs
     */
    private String run(String tool, List<String> args) {
        List<String> command = new ArrayList<>();
        if (asPostgresUser) {
            command.addAll(List.of(which("runuser").orElseThrow().toString(), "-u", OS_USER, "--"));
        }
        command.add(binDir.resolve(tool).toString());
        command.addAll(args);
        Path output = baseDir.resolve(tool + ".out");
        try {
            ProcessBuilder pb = new ProcessBuilder(command)
                    .directory(baseDir.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(output.toFile());
            // initdb fails on a locale that is set but not installed; the cluster's own locale is C.
            pb.environment().put("LC_ALL", "C");
            pb.environment().put("LANG", "C");
            Process process = pb.start();
            boolean finished = process.waitFor(COMMAND_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            if (!finished) {
                process.destroyForcibly();
            }
            String text = Files.exists(output) ? Files.readString(output) : "";
            if (!finished || process.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", command)
                        + (finished ? " exited with " + process.exitValue() : " timed out") + ":\n" + text);
            }
            return text;
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + String.join(" ", command) + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + String.join(" ", command), e);
        }
    }

    /**
     * A new private directory for the cluster. Under root it lies in /tmp (which every user can traverse)
     * and belongs to the postgres user, mode 700, as initdb and the server require.
     */
    private static Path createBaseDir(Optional<UserPrincipal> owner) throws IOException {
        Path parent = owner.isPresent() ? Path.of("/tmp") : Path.of(System.getProperty("java.io.tmpdir"));
        Path dir = Files.createTempDirectory(parent, "ratchet-pg-",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        if (owner.isPresent()) {
            Files.setOwner(dir, owner.get());
        }
        return dir;
    }

    private static Optional<UserPrincipal> postgresUser() {
        try {
            return Optional.of(Path.of("/").getFileSystem().getUserPrincipalLookupService()
                    .lookupPrincipalByName(OS_USER));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** The directory of initdb, pg_ctl and postgres, as the class comment says. */
    static Optional<Path> findBinaries() {
        String fromEnv = System.getenv(BIN_ENV);
        if (fromEnv != null && !fromEnv.isBlank()) {
            Path dir = Path.of(fromEnv);
            if (!Files.isExecutable(dir.resolve("initdb"))) {
                throw new IllegalStateException(BIN_ENV + "=" + fromEnv + " holds no executable initdb");
            }
            return Optional.of(dir);
        }
        if (Files.isDirectory(DEBIAN_VERSIONS)) {
            try (Stream<Path> versions = Files.list(DEBIAN_VERSIONS)) {
                Optional<Path> newest = versions
                        .filter(v -> Files.isExecutable(v.resolve("bin/initdb")))
                        .max(Comparator.comparingLong(v -> versionKey(v.getFileName().toString())));
                if (newest.isPresent()) {
                    return Optional.of(newest.get().resolve("bin"));
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        // A PATH entry may be a link farm (/usr/local/bin/initdb -> /usr/lib/postgresql/15/bin/initdb):
        // the server binaries sit next to the real initdb.
        return which("initdb").map(PostgresCluster::realParent);
    }

    /** Debian's version directories ("9.6", "15") as numbers, so that 15 is newer than 9.6. */
    private static long versionKey(String version) {
        String[] parts = version.split("\\.");
        try {
            return Long.parseLong(parts[0]) * 1000 + (parts.length > 1 ? Long.parseLong(parts[1]) : 0);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static Path realParent(Path file) {
        try {
            return file.toRealPath().getParent();
        } catch (IOException e) {
            return file.getParent();
        }
    }

    private static Optional<Path> which(String program) {
        String path = System.getenv().getOrDefault("PATH", "") + ":/usr/sbin:/sbin";
        return Arrays.stream(path.split(":"))
                .filter(dir -> !dir.isEmpty())
                .map(dir -> Path.of(dir, program))
                .filter(Files::isExecutable)
                .findFirst();
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private void requireStarted() {
        if (dataDir == null) {
            throw new IllegalStateException("the cluster is not running (not started yet, or closed)");
        }
    }

    private static void deleteRecursively(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            System.err.println("PostgresCluster: cannot delete " + dir + ": " + e);
        }
    }
}
