package dev.ratchet.curation;

import dev.ratchet.store.Database;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The curation contract on embedded SQLite, one fresh data directory per test. */
class SqliteCurationTest extends CurationContract {

    @TempDir
    Path dataDir;

    @Override
    protected Database openDatabase() {
        return Database.embedded(dataDir);
    }
}
