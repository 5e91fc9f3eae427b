package dev.ratchet.dataset;

import dev.ratchet.store.Database;
import dev.ratchet.store.PostgresCluster;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The dataset pipeline contract on PostgreSQL: one throwaway cluster for the class, a fresh database per test. */
class PostgresDatasetPipelineTest extends DatasetPipelineContract {

    @RegisterExtension
    static final PostgresCluster POSTGRES = new PostgresCluster();

    @Override
    protected Database openDatabase() {
        return Database.open(POSTGRES.newDatabaseUrl());
    }
}
