package dev.ratchet.release;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The artifact store on embedded SQLite, fresh database files in a temporary folder per test. */
class SqliteArtifactsTest extends ArtifactsContract {

    @TempDir
    Path dataDir;

    private int databases;

    @Override
    protected String newDatabaseUrl() {
        return "jdbc:sqlite:" + dataDir.resolve("artifacts-" + ++databases + ".db");
    }
}
