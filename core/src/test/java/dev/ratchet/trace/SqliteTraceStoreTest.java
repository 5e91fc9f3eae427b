package dev.ratchet.trace;

import dev.ratchet.store.Database;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The trace store contract on embedded SQLite, one fresh data directory per test. */
class SqliteTraceStoreTest extends TraceStoreContract {

    @TempDir
    Path dataDir;

    @Override
    protected Database openDatabase() {
        return Database.embedded(dataDir);
    }
}
