package dev.ratchet.release;

import dev.ratchet.store.PostgresCluster;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The artifact store on PostgreSQL: one throwaway cluster for the class, a fresh database per test. */
class PostgresArtifactsTest extends ArtifactsContract {

    @RegisterExtension
    static final PostgresCluster POSTGRES = new PostgresCluster();

    @Override
    protected String newDatabaseUrl() {
        return POSTGRES.newDatabaseUrl();
    }
}
