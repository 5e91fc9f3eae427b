package dev.ratchet.eval;

import dev.ratchet.store.Database;
import dev.ratchet.store.PostgresCluster;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The eval contract on PostgreSQL: one throwaway cluster for the class, a fresh database per test. */
class PostgresEvalStoreTest extends EvalStoreContract {

    @RegisterExtension
    static final PostgresCluster POSTGRES = new PostgresCluster();

    @Override
    protected Database openDatabase() {
        return Database.open(POSTGRES.newDatabaseUrl());
    }
}
