package dev.ratchet.eval;

import dev.ratchet.store.PostgresCluster;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The agent registry's versions on PostgreSQL: one throwaway cluster for the class, a fresh database per test. */
class PostgresAgentRegistryTest extends AgentRegistryContract {

    @RegisterExtension
    static final PostgresCluster POSTGRES = new PostgresCluster();

    @Override
    protected String newDatabaseUrl() {
        return POSTGRES.newDatabaseUrl();
    }
}
