package dev.ratchet.eval;

import dev.ratchet.store.Database;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The eval contract on embedded SQLite, one fresh data directory per test. */
class SqliteEvalStoreTest extends EvalStoreContract {

    @TempDir
    Path dataDir;

    @Override
    protected Database openDatabase() {
        return Database.embedded(dataDir);
    }
}
