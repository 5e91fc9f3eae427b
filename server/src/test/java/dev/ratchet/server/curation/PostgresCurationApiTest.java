package dev.ratchet.server.curation;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ratchet.server.ServerConfig;
import dev.ratchet.server.TestServer;
import dev.ratchet.server.TestServer.Response;
import dev.ratchet.store.PostgresCluster;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Server mode: a correction sent over HTTP becomes memory on PostgreSQL, and its decision outlives a restart. */
class PostgresCurationApiTest {

    @RegisterExtension
    static final PostgresCluster POSTGRES = new PostgresCluster();

    @TempDir
    Path dataDir;

    @Test
    void correctionOverHttp_isCuratedOnPostgres_andItsDecisionSurvivesARestart() {
        ServerConfig config = ServerConfig.defaults(dataDir).withPort(0).withBootstrapKey(TestServer.ADMIN_KEY)
                .withDbUrl(POSTGRES.newDatabaseUrl());
        String key = TestServer.ADMIN_KEY;
        String fid;
        try (TestServer server = TestServer.start(config)) {
            assertThat(server.post("/api/v1/traces", key, """
                    {"traces":[{"id":"pg-c1","agent":"desk","input":{"text":"Is my card contactless?"},
                     "startTime":"2026-11-21T10:00:00Z"}]}""").status()).isEqualTo(200);
            Response r = server.post("/api/v1/feedback", key, """
                    {"feedback":[{"traceId":"pg-c1","kind":"correction","value":{"text":"Yes, every card since 2020."},
                     "source":"annotator"}]}""");
            assertThat(r.status()).as(r.text()).isEqualTo(200);
            fid = r.json().path("stored").get(0).asText();
            server.server().drainCuration();

            JsonNode hits = server.post("/api/v1/memory/search", key,
                    "{\"query\":\"can I pay by tapping my card\",\"agent\":\"desk\"}").json().path("items");
            assertThat(hits.get(0).path("item").path("provenance").path("feedbackIds").get(0).asText()).isEqualTo(fid);
        }
        try (TestServer restarted = TestServer.start(config)) {
            JsonNode d = restarted.get("/api/v1/curation/log/" + fid, key).json();
            assertThat(d.path("status").asText()).isEqualTo("written");
            assertThat(restarted.get("/api/v1/memory/" + d.path("memoryId").asText(), key).status()).isEqualTo(200);
        }
    }
}
