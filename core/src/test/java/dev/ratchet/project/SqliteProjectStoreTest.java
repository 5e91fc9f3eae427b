package dev.ratchet.project;

import dev.ratchet.store.Database;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The project store contract on embedded SQLite, one fresh data directory per test. */
class SqliteProjectStoreTest extends ProjectStoreContract {

    @TempDir
    Path dataDir;

    @Override
    protected Database openDatabase() {
        return Database.embedded(dataDir);
    }
}
