package dev.ratchet.memory;

import dev.ratchet.store.Database;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The memory store contract on embedded SQLite, one fresh data directory per test. */
class SqliteMemoryStoreTest extends MemoryStoreContract {

    @TempDir
    Path dataDir;

    @Override
    protected Database openDatabase() {
        return Database.embedded(dataDir);
    }
}
