package dev.ratchet.memory;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The memory store contract on embedded SQLite, fresh database files in a temporary folder per test. */
class SqliteMemoryStoreTest extends MemoryStoreContract {

    @TempDir
    Path dataDir;

    private int databases;

    @Override
    protected String newDatabaseUrl() {
        return "jdbc:sqlite:" + dataDir.resolve("memory-" + ++databases + ".db");
    }
}
