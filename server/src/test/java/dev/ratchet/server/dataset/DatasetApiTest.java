package dev.ratchet.server.dataset;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ratchet.common.Hashing;
import dev.ratchet.server.TestServer;
import dev.ratchet.server.TestServer.Response;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Datasets over HTTP: asynchronous builds, manifests, file downloads, diffs, redaction settings, bad input. */
class DatasetApiTest {

    static final String KEY = TestServer.ADMIN_KEY;

    @TempDir
    static Path dir;
    static TestServer server;
    static String otherKey;

    @BeforeAll
    static void start() {
        server = TestServer.start(dir);
        otherKey = server.createProject("other");
        StringBuilder traces = new StringBuilder();
        StringBuilder feedback = new StringBuilder();
        for (int i = 0; i < 20; i++) {
            String intent = i % 2 == 0 ? "card_arrival" : "top_up";
            traces.append(i == 0 ? "" : ",").append("""
                    {"id":"api-%d","agent":"desk","input":{"text":"question %d about %s, mail me at user%d@example.com"},
                     "output":{"text":"answer %d","intent":"%s"},"startTime":"2026-11-21T10:00:%02dZ"}"""
                    .formatted(i, i, intent, i, i, intent, i));
            feedback.append(i == 0 ? "" : ",").append("""
                    {"traceId":"api-%d","kind":"thumbs","value":true,"source":"end_user"}""".formatted(i));
        }
        Response t = server.post("/api/v1/traces", KEY, "{\"traces\":[" + traces + "]}");
        assertThat(t.status()).as(t.text()).isEqualTo(200);
        Response f = server.post("/api/v1/feedback", KEY, "{\"feedback\":[" + feedback + "]}");
        assertThat(f.status()).as(f.text()).isIn(200, 201);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static JsonNode built(Response accepted) throws InterruptedException {
        assertThat(accepted.status()).as(accepted.text()).isEqualTo(202);
        String location = accepted.header("Location");
        assertThat(location).isEqualTo("/api/v1/datasets/builds/" + accepted.json().path("id").asText());
        for (int i = 0; i < 600; i++) {
            JsonNode b = server.get(location, KEY).json();
            if (b.path("status").asText().equals("succeeded") || b.path("status").asText().equals("failed")) {
                return b;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("build did not finish");
    }

    @Test
    void build_thenManifestFilesAndList_areServedToTheProjectOnly() throws InterruptedException {
        JsonNode b = built(server.post("/api/v1/datasets", KEY, """
                {"name":"intents","label":{"field":"intent"},"formats":["classification-csv","openai-chat"],
                 "split":{"validation":0.2,"seed":1},"dedupe":{"near":false}}"""));

        assertThat(b.path("status").asText()).as(b.toString()).isEqualTo("succeeded");
        String id = b.path("versionId").asText();
        JsonNode m = server.get("/api/v1/datasets/" + id, KEY).json();
        assertThat(m.path("id").asText()).isEqualTo(id);
        assertThat(m.path("splits").path("validation").asLong()).isEqualTo(4);
        assertThat(m.path("redaction").path("counts").path("EMAIL").asLong()).isEqualTo(20);
        Response csv = server.get("/api/v1/datasets/" + id + "/files/classification-csv.train.csv", KEY);
        assertThat(csv.status()).isEqualTo(200);
        assertThat(csv.header("Content-Type")).startsWith("text/csv");
        assertThat(csv.text()).startsWith("text,label\n").contains("<EMAIL_1>").doesNotContain("@example.com");
        assertThat(csv.header("X-Content-SHA256")).isEqualTo(Hashing.sha256Hex(csv.body()));
        assertThat(server.get("/api/v1/datasets/" + id + "/files/manifest.json", KEY).json().path("id").asText())
                .isEqualTo(id);
        assertThat(server.get("/api/v1/datasets?name=intents", KEY).json().path("items").get(0).path("id").asText())
                .isEqualTo(id);
        assertThat(server.get("/api/v1/datasets/builds", KEY).json().path("items").size()).isPositive();

        assertThat(server.get("/api/v1/datasets/" + id, otherKey).status()).isEqualTo(404);
        assertThat(server.get("/api/v1/datasets/" + id + "/files/classification-csv.train.csv", otherKey).status())
                .isEqualTo(404);
        assertThat(server.get("/api/v1/datasets/builds/" + b.path("id").asText(), otherKey).status()).isEqualTo(404);
        assertThat(server.get("/api/v1/datasets/" + id + "/files/..%2Fratchet.db", KEY).status()).isEqualTo(404);
        assertThat(server.get("/api/v1/datasets/" + id + "/files/spill.bin", KEY).status()).isEqualTo(404);
    }

    @Test
    void build_yamlSpecTwiceAndDiff_sameVersionThenDifferences() throws InterruptedException {
        String yaml = "name: yaml-set\nformats: [trl-kto]\nsplit: {validation: 0}\ndedupe: {near: false}\n";
        JsonNode first = built(yamlPost(yaml));
        JsonNode second = built(yamlPost(yaml));
        assertThat(second.path("versionId").asText()).isEqualTo(first.path("versionId").asText());
        JsonNode other = built(yamlPost(yaml.replace("validation: 0", "validation: 0.5")));

        JsonNode diff = server.get("/api/v1/datasets/" + first.path("versionId").asText() + "/diff/"
                + other.path("versionId").asText(), KEY).json();

        assertThat(diff.path("specChanges").toString()).contains("split.validation");
        assertThat(diff.path("moved").path("count").asLong()).isEqualTo(10);
    }

    private static Response yamlPost(String yaml) {
        return server.post("/api/v1/datasets", KEY, yaml.getBytes(StandardCharsets.UTF_8),
                Map.of("Content-Type", "application/yaml"));
    }

    @Test
    void create_badSpecUnknownFormatOrEmptySelection_is400NamingTheFieldAndQueuesNothing() {
        int before = server.get("/api/v1/datasets/builds", KEY).json().path("items").size();

        Response bad = server.post("/api/v1/datasets", KEY, "{\"name\":\"x\",\"dedupe\":{\"threshold\":2}}");
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.json().path("errors").get(0).path("field").asText()).isEqualTo("dedupe.threshold");
        Response format = server.post("/api/v1/datasets", KEY, "{\"name\":\"x\",\"formats\":[\"xlsx\"]}");
        assertThat(format.status()).isEqualTo(400);
        assertThat(format.json().path("errors").get(0).path("field").asText()).isEqualTo("formats[0]");
        Response empty = server.post("/api/v1/datasets", otherKey, "{\"name\":\"x\"}");
        assertThat(empty.status()).isEqualTo(400);
        assertThat(empty.json().path("errors").get(0).path("field").asText()).isEqualTo("selection");
        Response malformed = server.post("/api/v1/datasets", KEY, "{\"name\":");
        assertThat(malformed.status()).isEqualTo(400);

        assertThat(server.get("/api/v1/datasets/builds", KEY).json().path("items").size()).isEqualTo(before);
        assertThat(server.get("/api/v1/datasets/ds_missing", KEY).status()).isEqualTo(404);
    }

    @Test
    void redactionSettings_areStoredPerProjectAndChecked() {
        Response put = server.send(HttpRequest.newBuilder(URI.create(server.url() + "/api/v1/settings/redaction"))
                .header("Authorization", "Bearer " + otherKey).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString("{\"custom\":[{\"type\":\"ticket\",\"pattern\":\"T-[0-9]{6}\"}]}"))
                .build());
        assertThat(put.status()).as(put.text()).isEqualTo(200);
        assertThat(server.get("/api/v1/settings/redaction", otherKey).json().path("custom").get(0).path("type").asText())
                .isEqualTo("TICKET");
        assertThat(server.get("/api/v1/settings/redaction", KEY).json().path("custom").size()).isZero();

        Response bad = server.send(HttpRequest.newBuilder(URI.create(server.url() + "/api/v1/settings/redaction"))
                .header("Authorization", "Bearer " + otherKey)
                .PUT(HttpRequest.BodyPublishers.ofString("{\"custom\":[{\"type\":\"T\",\"pattern\":\"[\"}]}")).build());
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.json().path("errors").get(0).path("field").asText()).isEqualTo("custom[0].pattern");
    }
}
