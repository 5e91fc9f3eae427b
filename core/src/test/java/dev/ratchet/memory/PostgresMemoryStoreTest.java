package dev.ratchet.memory;

import dev.ratchet.store.PostgresCluster;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The memory store contract on PostgreSQL: one throwaway cluster for the class, a fresh database per test. */
class PostgresMemoryStoreTest extends MemoryStoreContract {

    @RegisterExtension
    static final PostgresCluster POSTGRES = new PostgresCluster();

    @Override
    protected String newDatabaseUrl() {
        return POSTGRES.newDatabaseUrl();
    }
}
