package dev.ratchet.feedback;

import dev.ratchet.store.Database;
import dev.ratchet.store.PostgresCluster;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The review queue contract on PostgreSQL: one throwaway cluster for the class, a fresh database per test. */
class PostgresReviewQueueTest extends ReviewQueueContract {

    @RegisterExtension
    static final PostgresCluster POSTGRES = new PostgresCluster();

    @Override
    protected Database openDatabase() {
        return Database.open(POSTGRES.newDatabaseUrl());
    }
}
