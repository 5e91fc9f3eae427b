package dev.ratchet.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.ratchet.common.BadInputException;
import dev.ratchet.common.Json;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link OpenAiEmbedder} over real HTTP against a FAKE embeddings server started here on 127.0.0.1 (a hosted
 * endpoint cannot run in a test). The fake records every request and, unless told otherwise, answers each input
 * text with the 3-dimensional vector {length, 1, 0} — unnormalised on purpose, so normalisation is checked too.
 */
class OpenAiEmbedderTest {

    record Seen(String method, String path, String authorization, String contentType, JsonNode body) {
    }

    private HttpServer fake;
    private final List<Seen> seen = new CopyOnWriteArrayList<>();
    private volatile Function<JsonNode, Answer> answer = OpenAiEmbedderTest::vectorsByLength;

    record Answer(int status, String body) {
    }

    @BeforeEach
    void startFake() throws IOException {
        fake = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        fake.createContext("/", this::handle);
        fake.start();
    }

    @AfterEach
    void stopFake() {
        fake.stop(0);
    }

    private void handle(HttpExchange ex) throws IOException {
        JsonNode body = Json.MAPPER.readTree(ex.getRequestBody().readAllBytes());
        seen.add(new Seen(ex.getRequestMethod(), ex.getRequestURI().getPath(),
                ex.getRequestHeaders().getFirst("Authorization"), ex.getRequestHeaders().getFirst("Content-Type"), body));
        Answer a = answer.apply(body);
        byte[] bytes = a.body().getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(a.status(), bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            ex.getResponseBody().write(bytes);
        }
        ex.close();
    }

    /** Answers each input with {length, 1, 0}, listed in reverse order to check that "index" is honoured. */
    private static Answer vectorsByLength(JsonNode request) {
        ObjectNode root = Json.MAPPER.createObjectNode();
        ArrayNode data = root.putArray("data");
        JsonNode input = request.get("input");
        for (int i = input.size() - 1; i >= 0; i--) {
            ObjectNode item = data.addObject();
            item.put("object", "embedding");
            item.put("index", i);
            item.putArray("embedding").add(input.get(i).asText().length()).add(1.0).add(0.0);
        }
        root.put("model", request.get("model").asText());
        return new Answer(200, Json.write(root));
    }

    private OpenAiEmbedder embedder(String apiKey, int batchSize) {
        URI base = URI.create("http://127.0.0.1:" + fake.getAddress().getPort());
        return new OpenAiEmbedder(new OpenAiEmbedder.Settings(base, "text-embedding-fake", 3, apiKey, batchSize, Duration.ofSeconds(5)));
    }

    @Test
    void embed_postsModelAndInput_withBearerKey() {
        float[] v = embedder("sk-test", 10).embed("abc");
        assertThat(seen).hasSize(1);
        Seen s = seen.get(0);
        assertThat(s.method()).isEqualTo("POST");
        assertThat(s.path()).isEqualTo("/v1/embeddings");
        assertThat(s.authorization()).isEqualTo("Bearer sk-test");
        assertThat(s.contentType()).startsWith("application/json");
        assertThat(s.body().get("model").asText()).isEqualTo("text-embedding-fake");
        assertThat(s.body().get("input").get(0).asText()).isEqualTo("abc");
        double norm = Math.sqrt(10);
        assertThat(v[0]).isCloseTo((float) (3 / norm), within(1e-6f));
        assertThat(v[1]).isCloseTo((float) (1 / norm), within(1e-6f));
    }

    @Test
    void embed_withoutKey_sendsNoAuthorization() {
        embedder(null, 10).embed("abc");
        assertThat(seen.get(0).authorization()).isNull();
    }

    @Test
    void embedAll_splitsIntoBatches_andKeepsOrder() {
        List<float[]> vs = embedder(null, 2).embedAll(List.of("a", "bb", "ccc", "dddd", "eeeee"));
        assertThat(seen).extracting(s -> s.body().get("input").size()).containsExactly(2, 2, 1);
        assertThat(vs).hasSize(5);
        for (int i = 0; i < 5; i++) {
            int len = i + 1;
            assertThat(vs.get(i)[0] / vs.get(i)[1]).as("text %d", i).isCloseTo(len, within(1e-4f));
        }
    }

    @Test
    void embed_non200_throwsWithStatusAndBody() {
        answer = r -> new Answer(401, "{\"error\":{\"message\":\"Incorrect API key provided\"}}");
        assertThatThrownBy(() -> embedder("sk-secret", 10).embed("x"))
                .isInstanceOf(EmbeddingException.class)
                .hasMessageContaining("HTTP 401")
                .hasMessageContaining("Incorrect API key")
                .hasMessageNotContaining("sk-secret");
    }

    @Test
    void embed_serverError_throws() {
        answer = r -> new Answer(503, "");
        assertThatThrownBy(() -> embedder(null, 10).embed("x"))
                .isInstanceOf(EmbeddingException.class).hasMessageContaining("HTTP 503").hasMessageContaining("empty body");
    }

    @Test
    void embed_malformedAnswers_throw() {
        for (String body : List.of("not json", "{}", "{\"data\": 5}", "{\"data\": []}",
                "{\"data\": [{\"index\": 0, \"embedding\": \"AAAA\"}]}",
                "{\"data\": [{\"index\": 7, \"embedding\": [1, 2, 3]}]}",
                "{\"data\": [{\"index\": 0, \"embedding\": [1, \"x\", 3]}]}",
                "{\"data\": [{\"index\": 0, \"embedding\": [0, 0, 0]}]}")) {
            answer = r -> new Answer(200, body);
            assertThatThrownBy(() -> embedder(null, 10).embed("x"))
                    .as(body).isInstanceOf(EmbeddingException.class).hasMessageContaining("malformed");
        }
    }

    @Test
    void embed_wrongDimension_throws() {
        answer = r -> new Answer(200, "{\"data\": [{\"index\": 0, \"embedding\": [1, 2, 3, 4]}]}");
        assertThatThrownBy(() -> embedder(null, 10).embed("x"))
                .isInstanceOf(EmbeddingException.class).hasMessageContaining("4 dimensions").hasMessageContaining("expected 3");
    }

    @Test
    void embed_unreachable_throws() {
        OpenAiEmbedder e = embedder(null, 10);
        fake.stop(0);
        assertThatThrownBy(() -> e.embed("x")).isInstanceOf(EmbeddingException.class).hasMessageContaining("unreachable");
    }

    @Test
    void settings_badValues_areBadInput() {
        URI ok = URI.create("http://127.0.0.1:1");
        assertThatThrownBy(() -> OpenAiEmbedder.Settings.of(URI.create("ftp://x"), "m", 3, null))
                .isInstanceOf(BadInputException.class).hasMessageContaining("baseUrl");
        assertThatThrownBy(() -> OpenAiEmbedder.Settings.of(ok, " ", 3, null))
                .isInstanceOf(BadInputException.class).hasMessageContaining("model");
        assertThatThrownBy(() -> new OpenAiEmbedder.Settings(ok, "m", 3, null, 0, Duration.ofSeconds(1)))
                .isInstanceOf(BadInputException.class).hasMessageContaining("batchSize");
    }
}
