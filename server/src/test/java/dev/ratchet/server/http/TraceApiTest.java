package dev.ratchet.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ratchet.server.ServerConfig;
import dev.ratchet.server.TestServer;
import dev.ratchet.server.TestServer.Response;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The REST trace endpoints over real HTTP, good input and bad. */
class TraceApiTest {

    static final String SAMPLE = """
            {"traces":[{"id":"t-1","agent":"desk","version":"v1","sessionId":"s1","userId":"u1",
            "input":{"text":"where is my card?"},"output":{"text":"It shipped yesterday."},
            "startTime":"2026-11-21T10:00:00Z","endTime":"2026-11-21T10:00:01Z",
            "spans":[{"id":"s-1","kind":"tool","name":"get_card_status","input":{"card":"1234"},
            "output":{"status":"shipped"},"startTime":"2026-11-21T10:00:00.100Z","endTime":"2026-11-21T10:00:00.300Z"}]}]}""";

    static final String KEY = TestServer.ADMIN_KEY;

    @TempDir
    static Path dir;
    static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start(ServerConfig.defaults(dir).withPort(0).withBootstrapKey(KEY).withLimits(256 * 1024, 64));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static String trace(String id, String agent, String start, String inputText) {
        return """
                {"id":"%s","agent":"%s","startTime":"%s","input":{"text":"%s"},
                 "spans":[{"id":"a","kind":"agent","name":"run","startTime":"%s"}]}""".formatted(id, agent, start, inputText, start);
    }

    private static int countTraces(String query) {
        return server.get("/api/v1/traces?limit=1000" + query, KEY).json().path("items").size();
    }

    @Test
    void ingest_issueSample_isStoredWithSpanTree() {
        Response r = server.post("/api/v1/traces", KEY, SAMPLE);
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.json().path("accepted").asInt()).isEqualTo(1);

        JsonNode t = server.get("/api/v1/traces/t-1", KEY).json();
        assertThat(t.path("agent").asText()).isEqualTo("desk");
        assertThat(t.path("version").asText()).isEqualTo("v1");
        assertThat(t.path("sessionId").asText()).isEqualTo("s1");
        assertThat(t.path("userId").asText()).isEqualTo("u1");
        assertThat(t.path("input").path("text").asText()).isEqualTo("where is my card?");
        assertThat(t.path("latencyMs").asLong()).isEqualTo(1000);
        JsonNode span = t.path("spans").get(0);
        assertThat(span.path("kind").asText()).isEqualTo("tool");
        assertThat(span.path("toolName").asText()).isEqualTo("get_card_status");
        assertThat(span.path("input").path("card").asText()).isEqualTo("1234");
        assertThat(span.path("output").path("status").asText()).isEqualTo("shipped");
        assertThat(span.path("startTime").asText()).isEqualTo("2026-11-21T10:00:00.100Z");
    }

    @Test
    void ingest_sameTraceTwice_storesOnce_andLaterSpansAttach() {
        String first = "{\"traces\":[" + trace("dup-1", "dupagent", "2026-11-20T10:00:00Z", "hello") + "]}";
        assertThat(server.post("/api/v1/traces", KEY, first).status()).isEqualTo(200);
        assertThat(server.post("/api/v1/traces", KEY, first).status()).isEqualTo(200);
        String later = """
                {"traces":[{"id":"dup-1","agent":"dupagent","startTime":"2026-11-20T10:00:00Z",
                 "spans":[{"id":"b","parentId":"a","kind":"llm","name":"chat","model":"m1",
                           "usage":{"inputTokens":12,"outputTokens":3},"startTime":"2026-11-20T10:00:00.5Z"}]}]}""";
        assertThat(server.post("/api/v1/traces", KEY, later).status()).isEqualTo(200);

        assertThat(countTraces("&agent=dupagent")).isEqualTo(1);
        JsonNode t = server.get("/api/v1/traces/dup-1", KEY).json();
        assertThat(t.path("spans")).hasSize(2);
        assertThat(t.path("spans").get(1).path("parentId").asText()).isEqualTo("a");
        assertThat(t.path("spans").get(1).path("usage").path("inputTokens").asLong()).isEqualTo(12);
        assertThat(t.path("input").path("text").asText()).isEqualTo("hello");
    }

    @Test
    void list_filtersAndPaginates() {
        StringBuilder batch = new StringBuilder("{\"traces\":[");
        for (int i = 0; i < 7; i++) {
            batch.append(i == 0 ? "" : ",").append(trace("page-" + i, "pager", "2026-11-19T10:00:0" + i + "Z",
                    i % 2 == 0 ? "even request" : "odd request"));
        }
        assertThat(server.post("/api/v1/traces", KEY, batch + "]}").status()).isEqualTo(200);

        assertThat(countTraces("&agent=pager&q=ODD")).isEqualTo(3);
        assertThat(countTraces("&agent=pager&from=2026-11-19T10:00:02Z&to=2026-11-19T10:00:05Z")).isEqualTo(3);

        java.util.List<String> seen = new java.util.ArrayList<>();
        String cursor = null;
        do {
            JsonNode page = server.get("/api/v1/traces?agent=pager&limit=3" + (cursor == null ? "" : "&cursor=" + cursor), KEY).json();
            page.path("items").forEach(t -> seen.add(t.path("id").asText()));
            cursor = page.hasNonNull("nextCursor") ? page.get("nextCursor").asText() : null;
        } while (cursor != null);
        assertThat(seen).containsExactly("page-6", "page-5", "page-4", "page-3", "page-2", "page-1", "page-0");
    }

    @Test
    void ingest_invalidItem_rejectsWholeBatch_withItemFieldReason() {
        String batch = "{\"traces\":[" + trace("ok-1", "atomic", "2026-11-18T10:00:00Z", "x")
                + ",{\"id\":\"bad-1\",\"agent\":\"atomic\",\"startTime\":\"yesterday\",\"spans\":[{\"id\":\"s\",\"kind\":\"robot\",\"name\":\"n\",\"startTime\":\"2026-11-18T10:00:00Z\"}]}]}";
        Response r = server.post("/api/v1/traces", KEY, batch);
        assertThat(r.status()).isEqualTo(400);
        JsonNode errors = r.json().path("errors");
        assertThat(errors).anySatisfy(e -> {
            assertThat(e.path("item").asInt()).isEqualTo(1);
            assertThat(e.path("field").asText()).isEqualTo("startTime");
            assertThat(e.path("reason").asText()).contains("ISO-8601");
        });
        assertThat(errors).anySatisfy(e -> {
            assertThat(e.path("item").asInt()).isEqualTo(1);
            assertThat(e.path("field").asText()).isEqualTo("spans[0].kind");
        });
        assertThat(server.get("/api/v1/traces/ok-1", KEY).status()).isEqualTo(404);
    }

    @Test
    void ingest_malformedJson_is400_andStoresNothing() {
        int before = countTraces("");
        Response r = server.post("/api/v1/traces", KEY, "{\"traces\":[{\"id\":\"m\",");
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.json().path("error").asText()).isEqualTo("bad_request");
        assertThat(r.json().path("message").asText()).contains("malformed JSON");
        assertThat(countTraces("")).isEqualTo(before);
    }

    @Test
    void ingest_wrongTypes_and_missingFields_areNamed() {
        Response r = server.post("/api/v1/traces", KEY, """
                {"traces":[{"id":7,"version":3,"usage":{"inputTokens":-1},"tags":"x","cost":"free",
                 "spans":[{"kind":"tool","startTime":"2026-11-21T10:00:00Z"}]}]}""");
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.json().path("errors").findValuesAsText("field"))
                .contains("id", "agent", "version", "usage.inputTokens", "tags", "cost", "spans[0].name");
    }

    @Test
    void ingest_notABatch_isRefused() {
        assertThat(server.post("/api/v1/traces", KEY, "[]").status()).isEqualTo(400);
        assertThat(server.post("/api/v1/traces", KEY, "{\"traces\":[]}").json().path("errors").get(0).path("reason").asText())
                .isEqualTo("must not be empty");
        assertThat(server.post("/api/v1/traces", KEY, "").json().path("message").asText()).contains("empty");
    }

    @Test
    void ingest_invalidUtf8_is400() {
        byte[] prefix = "{\"traces\":[{\"agent\":\"".getBytes(StandardCharsets.UTF_8);
        byte[] suffix = "\",\"spans\":[]}]}".getBytes(StandardCharsets.UTF_8);
        byte[] body = new byte[prefix.length + 2 + suffix.length];
        System.arraycopy(prefix, 0, body, 0, prefix.length);
        body[prefix.length] = (byte) 0xC3; // a lead byte followed by an invalid continuation byte
        body[prefix.length + 1] = (byte) 0x28;
        System.arraycopy(suffix, 0, body, prefix.length + 2, suffix.length);
        Response r = server.post("/api/v1/traces", KEY, body, Map.of("Content-Type", "application/json"));
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.json().path("message").asText()).containsIgnoringCase("utf-8");
    }

    @Test
    void ingest_oversizedBody_is413_plainAndGzipped() throws IOException {
        String big = "{\"traces\":[" + trace("big", "big", "2026-11-21T10:00:00Z", "x".repeat(300 * 1024)) + "]}";
        assertThat(server.post("/api/v1/traces", KEY, big).status()).isEqualTo(413);
        // Compresses to a few KiB, expands past the limit: the limit holds after decompression.
        ByteArrayOutputStream gz = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(gz)) {
            out.write(big.getBytes(StandardCharsets.UTF_8));
        }
        assertThat(gz.size()).isLessThan(256 * 1024);
        Response r = server.post("/api/v1/traces", KEY, gz.toByteArray(),
                Map.of("Content-Type", "application/json", "Content-Encoding", "gzip"));
        assertThat(r.status()).isEqualTo(413);
        assertThat(server.get("/api/v1/traces/big", KEY).status()).isEqualTo(404);
    }

    @Test
    void ingest_gzipBody_isAccepted() throws IOException {
        ByteArrayOutputStream gz = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(gz)) {
            out.write(("{\"traces\":[" + trace("gz-1", "gz", "2026-11-21T10:00:00Z", "zipped") + "]}").getBytes(StandardCharsets.UTF_8));
        }
        Response r = server.post("/api/v1/traces", KEY, gz.toByteArray(),
                Map.of("Content-Type", "application/json", "Content-Encoding", "gzip"));
        assertThat(r.status()).isEqualTo(200);
        assertThat(server.get("/api/v1/traces/gz-1", KEY).json().path("input").path("text").asText()).isEqualTo("zipped");
        assertThat(server.post("/api/v1/traces", KEY, "not gzip".getBytes(StandardCharsets.UTF_8),
                Map.of("Content-Encoding", "gzip")).status()).isEqualTo(400);
        assertThat(server.post("/api/v1/traces", KEY, "{}".getBytes(StandardCharsets.UTF_8),
                Map.of("Content-Encoding", "br")).status()).isEqualTo(415);
    }

    @Test
    void everyApiCall_withoutValidKey_is401_butHealthIsOpen() {
        assertThat(server.get("/health", null).status()).isEqualTo(200);
        assertThat(server.get("/api/v1/traces", null).status()).isEqualTo(401);
        assertThat(server.get("/api/v1/traces", "rk_unknownunknownunknown").status()).isEqualTo(401);
        assertThat(server.post("/api/v1/traces", null, SAMPLE).status()).isEqualTo(401);
        assertThat(server.post("/v1/traces", null, "{}").status()).isEqualTo(401);
        Response basic = server.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(server.url() + "/api/v1/traces"))
                .header("Authorization", "Basic dXNlcjpwYXNz").GET().build());
        assertThat(basic.status()).isEqualTo(401);
        assertThat(basic.header("WWW-Authenticate")).isEqualTo("Bearer");
    }

    @Test
    void list_badParameters_are400_namingTheParameter() {
        assertThat(server.get("/api/v1/traces?limit=0", KEY).json().path("errors").get(0).path("field").asText()).isEqualTo("limit");
        assertThat(server.get("/api/v1/traces?limit=abc", KEY).json().path("errors").get(0).path("field").asText()).isEqualTo("limit");
        assertThat(server.get("/api/v1/traces?status=weird", KEY).json().path("errors").get(0).path("field").asText()).isEqualTo("status");
        assertThat(server.get("/api/v1/traces?from=monday", KEY).json().path("errors").get(0).path("field").asText()).isEqualTo("from");
        assertThat(server.get("/api/v1/traces?cursor=%25%25", KEY).json().path("errors").get(0).path("field").asText()).isEqualTo("cursor");
        assertThat(server.get("/api/v1/traces?agnet=x", KEY).json().path("errors").get(0).path("field").asText()).isEqualTo("agnet");
        assertThat(server.get("/api/v1/traces?from=2026-11-21T00:00:00Z&to=2026-11-20T00:00:00Z", KEY).status()).isEqualTo(400);
    }

    @Test
    void ingest_whenOverloaded_is503WithRetryAfter_andStoresNothing(@TempDir Path other) {
        // No permits at all: every ingest request finds the gate full.
        try (TestServer saturated = TestServer.start(ServerConfig.defaults(other).withPort(0).withBootstrapKey(KEY)
                .withLimits(1024 * 1024, 0))) {
            Response r = saturated.post("/api/v1/traces", KEY, SAMPLE);
            assertThat(r.status()).isEqualTo(503);
            assertThat(r.header("Retry-After")).isEqualTo("1");
            assertThat(r.json().path("error").asText()).isEqualTo("overloaded");
            assertThat(saturated.get("/api/v1/traces/t-1", KEY).status()).isEqualTo(404);
        }
    }

    @Test
    void get_unknownTrace_is404() {
        Response r = server.get("/api/v1/traces/never-sent", KEY);
        assertThat(r.status()).isEqualTo(404);
        assertThat(r.json().path("error").asText()).isEqualTo("not_found");
    }
}
