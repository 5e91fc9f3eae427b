package dev.ratchet.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

/** The test harness itself: it must hand out independent databases and leave nothing behind. */
class PostgresClusterTest {

    @Test
    void newDatabaseUrl_eachCall_givesAFreshEmptyDatabase() throws SQLException {
        try (PostgresCluster cluster = PostgresCluster.start()) {
            String first = cluster.newDatabaseUrl();
            String second = cluster.newDatabaseUrl();
            try (Connection c = DriverManager.getConnection(first); Statement s = c.createStatement()) {
                s.execute("CREATE TABLE only_in_first (x INT)");
            }

            assertThat(first).startsWith("jdbc:postgresql://127.0.0.1:" + cluster.port() + "/")
                    .endsWith("?user=" + PostgresCluster.USER)
                    .isNotEqualTo(second);
            try (Connection c = DriverManager.getConnection(second); Statement s = c.createStatement()) {
                assertThatThrownBy(() -> s.executeQuery("SELECT * FROM only_in_first"))
                        .hasMessageContaining("only_in_first");
            }
        }
    }

    @Test
    void close_stopsTheServerAndDeletesItsDirectory() {
        PostgresCluster cluster = PostgresCluster.start();
        Path dir = cluster.directory();
        String url = cluster.newDatabaseUrl();

        cluster.close();
        cluster.close();

        assertThat(dir).doesNotExist();
        assertThatThrownBy(() -> DriverManager.getConnection(url).close()).isInstanceOf(SQLException.class);
    }
}
