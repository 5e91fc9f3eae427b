package dev.ratchet.feedback;

import dev.ratchet.store.Database;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The project settings contract on embedded SQLite. */
class SqliteProjectSettingsTest extends ProjectSettingsContract {

    @TempDir
    Path dataDir;

    @Override
    protected Database openDatabase() {
        return Database.embedded(dataDir);
    }
}
