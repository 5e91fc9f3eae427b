package dev.ratchet.dataset;

import dev.ratchet.store.Database;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The dataset pipeline contract on embedded SQLite, one fresh data directory per test. */
class SqliteDatasetPipelineTest extends DatasetPipelineContract {

    @TempDir
    Path dataDir;

    @Override
    protected Database openDatabase() {
        return Database.embedded(dataDir);
    }
}
