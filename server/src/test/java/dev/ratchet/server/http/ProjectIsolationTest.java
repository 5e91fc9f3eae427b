package dev.ratchet.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ratchet.server.TestServer;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The endpoint matrix for tenancy: for every endpoint, a key of one project neither reads nor changes
 * another project's data, and member keys cannot manage projects.
 */
class ProjectIsolationTest {

    @TempDir
    static Path dir;
    static TestServer server;
    static String keyA;
    static String keyB;

    @BeforeAll
    static void start() {
        server = TestServer.start(dir);
        keyA = server.createProject("alpha");
        keyB = server.createProject("beta");
        ingest(keyA, "only-a", "alpha secret", "sa");
        ingest(keyA, "a-target", "alpha target", "sa");
        ingest(keyA, "shared-id", "alpha version", "sa");
        ingest(keyB, "shared-id", "beta version", "sb");
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static void ingest(String key, String id, String text, String spanId) {
        String body = """
                {"traces":[{"id":"%s","agent":"iso","startTime":"2026-11-21T10:00:00Z","input":{"text":"%s"},
                 "spans":[{"id":"%s","kind":"agent","name":"run","startTime":"2026-11-21T10:00:00Z"}]}]}"""
                .formatted(id, text, spanId);
        assertThat(server.post("/api/v1/traces", key, body).status()).isEqualTo(200);
    }

    @Test
    void getTrace_ofAnotherProject_is404_likeAMissingOne() {
        assertThat(server.get("/api/v1/traces/only-a", keyB).status()).isEqualTo(404);
        assertThat(server.get("/api/v1/traces/only-a", TestServer.ADMIN_KEY).status()).isEqualTo(404);
        assertThat(server.get("/api/v1/traces/only-a", keyA).status()).isEqualTo(200);
    }

    @Test
    void sameTraceId_inTwoProjects_isTwoTraces() {
        assertThat(server.get("/api/v1/traces/shared-id", keyA).json().path("input").path("text").asText()).isEqualTo("alpha version");
        assertThat(server.get("/api/v1/traces/shared-id", keyB).json().path("input").path("text").asText()).isEqualTo("beta version");
    }

    @Test
    void listAndSearch_neverShowAnotherProjectsTraces() {
        JsonNode items = server.get("/api/v1/traces?limit=1000", keyB).json().path("items");
        assertThat(items.findValuesAsText("id")).doesNotContain("only-a").contains("shared-id");
        assertThat(server.get("/api/v1/traces?q=alpha", keyB).json().path("items")).isEmpty();
        assertThat(server.get("/api/v1/traces?limit=1000", TestServer.ADMIN_KEY).json().path("items").findValuesAsText("id"))
                .doesNotContain("only-a", "shared-id", "a-target");
    }

    @Test
    void writingToAnotherProjectsTraceId_createsOwnTrace_andLeavesTheirsUnchanged() {
        ingest(keyB, "a-target", "beta intrusion", "sx");
        JsonNode a = server.get("/api/v1/traces/a-target", keyA).json();
        assertThat(a.path("input").path("text").asText()).isEqualTo("alpha target");
        assertThat(a.path("spans").findValuesAsText("id")).containsExactly("sa");
    }

    @Test
    void otlpIngest_isScopedToTheKeysProject() {
        String otlp = """
                {"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"iso-svc"}}]},
                 "scopeSpans":[{"spans":[{"traceId":"0af7651916cd43dd8448eb211c80319c","spanId":"b7ad6b7169203331",
                 "name":"root","kind":1,"startTimeUnixNano":"1763719200000000000","endTimeUnixNano":"1763719201000000000"}]}]}]}""";
        assertThat(server.post("/v1/traces", keyA, otlp).status()).isEqualTo(200);
        assertThat(server.get("/api/v1/traces/0af7651916cd43dd8448eb211c80319c", keyA).status()).isEqualTo(200);
        assertThat(server.get("/api/v1/traces/0af7651916cd43dd8448eb211c80319c", keyB).status()).isEqualTo(404);
    }

    @Test
    void whoami_reportsTheKeysOwnProject() {
        assertThat(server.get("/api/v1/whoami", keyA).json().path("project").asText()).isEqualTo("alpha");
        assertThat(server.get("/api/v1/whoami", keyB).json().path("project").asText()).isEqualTo("beta");
        assertThat(server.get("/api/v1/whoami", keyA).json().path("role").asText()).isEqualTo("member");
    }

    @Test
    void memberKeys_cannotManageProjectsOrKeys() {
        assertThat(server.get("/api/v1/projects", keyA).status()).isEqualTo(403);
        assertThat(server.post("/api/v1/projects", keyA, "{\"id\":\"gamma\"}").status()).isEqualTo(403);
        assertThat(server.post("/api/v1/projects/beta/keys", keyA, "{\"name\":\"steal\"}").status()).isEqualTo(403);
        assertThat(server.get("/api/v1/projects", TestServer.ADMIN_KEY).json().path("items").findValuesAsText("id"))
                .contains("alpha", "beta", "default").doesNotContain("gamma");
    }

    @Test
    void adminCreatesKeys_andBadProjectRequestsAreRefused() {
        TestServer.Response created = server.post("/api/v1/projects/beta/keys", TestServer.ADMIN_KEY, "{\"name\":\"ci\"}");
        assertThat(created.status()).isEqualTo(201);
        String newKey = created.json().path("secret").asText();
        assertThat(server.get("/api/v1/whoami", newKey).json().path("project").asText()).isEqualTo("beta");

        assertThat(server.post("/api/v1/projects", TestServer.ADMIN_KEY, "{\"id\":\"Bad Id!\"}").json()
                .path("errors").get(0).path("field").asText()).isEqualTo("id");
        assertThat(server.post("/api/v1/projects", TestServer.ADMIN_KEY, "{\"id\":\"alpha\"}").status()).isEqualTo(400);
        assertThat(server.post("/api/v1/projects", TestServer.ADMIN_KEY, "{\"id\":\"x\",\"extra\":1}").status()).isEqualTo(400);
        assertThat(server.post("/api/v1/projects", TestServer.ADMIN_KEY, "{}").json().path("errors").get(0).path("reason").asText())
                .isEqualTo("required");
        assertThat(server.post("/api/v1/projects/nope/keys", TestServer.ADMIN_KEY, "{\"name\":\"k\"}").status()).isEqualTo(404);
        assertThat(server.post("/api/v1/projects/beta/keys", TestServer.ADMIN_KEY, "{\"name\":\"k\",\"role\":\"root\"}")
                .json().path("errors").get(0).path("field").asText()).isEqualTo("role");
    }
}
