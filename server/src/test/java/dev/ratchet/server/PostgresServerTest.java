package dev.ratchet.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ratchet.store.PostgresCluster;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Server mode: the same HTTP API on PostgreSQL, and a restart that finds its data and keys again. */
class PostgresServerTest {

    @RegisterExtension
    static final PostgresCluster POSTGRES = new PostgresCluster();

    @TempDir
    Path dataDir;

    @Test
    void serverOnPostgres_ingestsQueriesAndSurvivesRestart() {
        String url = POSTGRES.newDatabaseUrl();
        ServerConfig config = ServerConfig.defaults(dataDir).withPort(0).withBootstrapKey(TestServer.ADMIN_KEY).withDbUrl(url);
        String member;
        try (TestServer server = TestServer.start(config)) {
            assertThat(server.get("/health", null).json().path("database").asText()).isEqualTo("postgresql");
            member = server.createProject("pg-proj");
            String batch = """
                    {"traces":[{"id":"pg-1","agent":"desk","input":{"text":"Where is my CARD?"},"startTime":"2026-11-21T10:00:00Z",
                     "cost":0.25,"usage":{"inputTokens":10,"outputTokens":2},
                     "spans":[{"id":"s","kind":"llm","name":"chat","model":"m","startTime":"2026-11-21T10:00:00.000000123Z"}]}]}""";
            assertThat(server.post("/api/v1/traces", member, batch).status()).isEqualTo(200);
            assertThat(server.post("/api/v1/traces", member, batch).status()).isEqualTo(200);
            assertThat(server.post("/api/v1/traces", member, "{\"traces\":[{\"agent\":1}]}").status()).isEqualTo(400);
            assertThat(server.get("/api/v1/traces?q=card", member).json().path("items")).hasSize(1);
        }
        try (TestServer restarted = TestServer.start(config)) {
            assertThat(restarted.server().bootstrapKey()).isEmpty();
            JsonNode t = restarted.get("/api/v1/traces/pg-1", member).json();
            assertThat(t.path("cost").decimalValue()).isEqualByComparingTo("0.25");
            assertThat(t.path("spans").get(0).path("startTime").asText()).isEqualTo("2026-11-21T10:00:00.000000123Z");
            assertThat(restarted.get("/api/v1/traces/pg-1", TestServer.ADMIN_KEY).status()).isEqualTo(404);
        }
    }
}
