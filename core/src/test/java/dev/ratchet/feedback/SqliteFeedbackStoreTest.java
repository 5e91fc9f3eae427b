package dev.ratchet.feedback;

import dev.ratchet.store.Database;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The feedback store contract on embedded SQLite, one fresh data directory per test. */
class SqliteFeedbackStoreTest extends FeedbackStoreContract {

    @TempDir
    Path dataDir;

    @Override
    protected Database openDatabase() {
        return Database.embedded(dataDir);
    }
}
