package dev.ratchet.server.release;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ratchet.common.Hashing;
import dev.ratchet.server.TestServer;
import dev.ratchet.server.TestServer.Response;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Content-addressed artifacts over HTTP: store bytes, read them back by hash, within the key's project only. */
class ArtifactApiTest {

    private static final String KEY = TestServer.ADMIN_KEY;

    @TempDir
    static Path dir;
    static TestServer server;
    static String otherProject;

    @BeforeAll
    static void start() {
        server = TestServer.start(dir);
        otherProject = server.createProject("beta");
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void put_thenGet_answersTheSameBytesWithTheirMediaTypeAndHash() {
        byte[] head = new byte[200_000];
        new Random(7).nextBytes(head);
        String hash = Hashing.sha256Hex(head);

        Response put = server.post("/api/v1/artifacts", KEY, head, Map.of("Content-Type", "application/x-ratchet-head"));
        Response again = server.post("/api/v1/artifacts", KEY, head, Map.of());
        Response get = server.get("/api/v1/artifacts/" + hash, KEY);

        assertThat(put.status()).as(put.text()).isEqualTo(201);
        assertThat(put.json().path("hash").asText()).isEqualTo(hash);
        assertThat(put.json().path("size").asLong()).isEqualTo(200_000);
        assertThat(put.json().path("mediaType").asText()).isEqualTo("application/x-ratchet-head");
        assertThat(put.header("Location")).isEqualTo("/api/v1/artifacts/" + hash);
        assertThat(again.status()).isEqualTo(201);
        assertThat(again.json()).as("stored once; the first media type stays").isEqualTo(put.json());
        assertThat(get.status()).isEqualTo(200);
        assertThat(get.body()).isEqualTo(head);
        assertThat(get.header("Content-Type")).isEqualTo("application/x-ratchet-head");
        assertThat(get.header("X-Content-SHA256")).isEqualTo(hash);
    }

    @Test
    void put_withoutAContentType_isStoredAsOctetStream() {
        byte[] bytes = "plain bytes".getBytes(StandardCharsets.UTF_8);
        Response put = server.post("/api/v1/artifacts", KEY, bytes, Map.of());

        assertThat(put.json().path("mediaType").asText()).isEqualTo("application/octet-stream");
        assertThat(server.get("/api/v1/artifacts/" + put.json().path("hash").asText(), KEY).header("Content-Type"))
                .isEqualTo("application/octet-stream");
    }

    @Test
    void malformedHash_is400_unknownOrAnotherProjects_is404() {
        byte[] bytes = "only in default".getBytes(StandardCharsets.UTF_8);
        String hash = server.post("/api/v1/artifacts", KEY, bytes, Map.of()).json().path("hash").asText();

        Response malformed = server.get("/api/v1/artifacts/not-a-hash", KEY);
        Response unknown = server.get("/api/v1/artifacts/" + Hashing.sha256Hex("never stored"), KEY);
        Response other = server.get("/api/v1/artifacts/" + hash, otherProject);
        Response badType = server.post("/api/v1/artifacts", KEY, bytes, Map.of("Content-Type", "weights"));

        assertThat(malformed.status()).isEqualTo(400);
        assertThat(malformed.json().path("errors").get(0).path("field").asText()).isEqualTo("hash");
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.json().path("error").asText()).isEqualTo("not_found");
        assertThat(other.status()).isEqualTo(404);
        assertThat(other.json().path("error").asText()).isEqualTo("not_found");
        assertThat(other.json().path("message").asText()).as("like an absent one").isEqualTo("artifact '" + hash
                + "' not found");
        assertThat(badType.status()).isEqualTo(400);
        assertThat(badType.json().path("errors").get(0).path("field").asText()).isEqualTo("mediaType");
        assertThat(server.get("/api/v1/artifacts/" + hash, null).status()).isEqualTo(401);
    }
}
