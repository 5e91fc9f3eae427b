package dev.ratchet.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import org.flywaydb.core.Flyway;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.HandleCallback;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.SqlStatements;
import org.jdbi.v3.core.transaction.TransactionIsolationLevel;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

/**
 * An open, migrated database. Thread-safe; one per process and data directory.
 *
 * <p>Writes go through {@link #write}: all or nothing, committed before it returns. On SQLite the
 * connection runs with {@code journal_mode=WAL} and {@code synchronous=FULL}, so a commit has reached
 * the disk (the WAL is fsynced) when it returns; writes run on one writer thread that commits the writes
 * queued meanwhile together ({@link GroupCommitWriter}), so they never meet SQLite's busy lock and share
 * fsyncs under load. Readers run concurrently with the writer (WAL).
 */
public final class Database implements AutoCloseable {

    /** The file name of the embedded database inside a data directory. */
    public static final String SQLITE_FILE = "ratchet.db";

    private final Dialect dialect;
    private final HikariDataSource dataSource;
    private final Jdbi jdbi;
    private final GroupCommitWriter writer;

    private Database(Dialect dialect, HikariDataSource dataSource) {
        this.dialect = dialect;
        this.dataSource = dataSource;
        this.jdbi = Jdbi.create(dataSource);
        // Stores bind every optional filter and let the SQL text decide which ones it uses.
        this.jdbi.getConfig(SqlStatements.class).setUnusedBindingAllowed(true);
        this.writer = dialect == Dialect.SQLITE ? new GroupCommitWriter(jdbi, "ratchet-sqlite-writer") : null;
    }

    /** Opens (creating if needed) the embedded SQLite database in {@code dataDir} and migrates it. */
    public static Database embedded(Path dataDir) {
        try {
            Files.createDirectories(dataDir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create data directory " + dataDir, e);
        }
        return open("jdbc:sqlite:" + dataDir.resolve(SQLITE_FILE).toAbsolutePath());
    }

    /** Opens the database a JDBC URL names (SQLite or PostgreSQL) and migrates it to the current schema. */
    public static Database open(String jdbcUrl) {
        Dialect dialect = Dialect.ofJdbcUrl(jdbcUrl);
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(jdbcUrl);
        config.setPoolName("ratchet-" + dialect.name().toLowerCase(java.util.Locale.ROOT));
        if (dialect == Dialect.SQLITE) {
            config.setMaximumPoolSize(8);
            config.addDataSourceProperty("journal_mode", "WAL");
            config.addDataSourceProperty("synchronous", "FULL");
            config.addDataSourceProperty("busy_timeout", "30000");
            config.addDataSourceProperty("foreign_keys", "true");
        } else {
            config.setMaximumPoolSize(16);
        }
        HikariDataSource ds = new HikariDataSource(config);
        try {
            Flyway.configure()
                    .dataSource(ds)
                    .locations(dialect.migrationLocation())
                    .load()
                    .migrate();
        } catch (RuntimeException e) {
            ds.close();
            throw e;
        }
        return new Database(dialect, ds);
    }

    public Dialect dialect() {
        return dialect;
    }

    /**
     * Runs {@code work} atomically and commits it durably before returning; if it throws, none of its
     * writes are kept and the exception is rethrown. On SQLite the work runs on the writer thread (keep it
     * to database work: prepare values before calling) and may share its transaction with other writes,
     * each isolated by a savepoint; a write nested inside a write joins the outer one.
     */
    public <R, X extends Exception> R write(HandleCallback<R, X> work) throws X {
        if (writer == null) {
            return jdbi.inTransaction(TransactionIsolationLevel.READ_COMMITTED, work::withHandle);
        }
        return writer.write(work);
    }

    /** Runs read-only work on a pooled connection. Concurrent with writes. */
    public <R, X extends Exception> R read(HandleCallback<R, X> work) throws X {
        return jdbi.withHandle(work);
    }

    /**
     * Whether {@code e}, or one of its causes, is a unique constraint (or primary key) that refused a write,
     * on either engine: SQLSTATE 23505 on PostgreSQL, {@code SQLITE_CONSTRAINT_UNIQUE} or {@code _PRIMARYKEY}
     * on SQLite. Stores use it to tell "another writer got there first" from a failure.
     */
    public static boolean isUniqueViolation(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLiteException s) {
                SQLiteErrorCode code = s.getResultCode();
                if (code == SQLiteErrorCode.SQLITE_CONSTRAINT_UNIQUE || code == SQLiteErrorCode.SQLITE_CONSTRAINT_PRIMARYKEY) {
                    return true;
                }
            } else if (t instanceof SQLException s && "23505".equals(s.getSQLState())) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether {@code e}, or one of its causes, says that a concurrent writer made this transaction fail, so
     * that deciding it again against the database's new state may succeed: a {@linkplain #isUniqueViolation
     * unique violation}, or on PostgreSQL a serialization failure (40001) or a deadlock (40P01).
     */
    public static boolean isWriteConflict(Throwable e) {
        if (isUniqueViolation(e)) {
            return true;
        }
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException s && ("40001".equals(s.getSQLState()) || "40P01".equals(s.getSQLState()))) {
                return true;
            }
        }
        return false;
    }

    /** The SQLite writer, null on PostgreSQL (for tests in this package). */
    GroupCommitWriter writer() {
        return writer;
    }

    /** For tests and tools that need a raw handle. */
    public Handle open() {
        return jdbi.open();
    }

    @Override
    public void close() {
        if (writer != null) {
            writer.close();
        }
        dataSource.close();
    }
}
