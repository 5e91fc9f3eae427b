package dev.ratchet.eval;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The agent registry's versions on embedded SQLite, fresh database files in a temporary folder per test. */
class SqliteAgentRegistryTest extends AgentRegistryContract {

    @TempDir
    Path dataDir;

    private int databases;

    @Override
    protected String newDatabaseUrl() {
        return "jdbc:sqlite:" + dataDir.resolve("registry-" + ++databases + ".db");
    }
}
