package dev.ratchet.server.eval;

import static dev.ratchet.server.eval.EvalApi.register;
import static dev.ratchet.server.eval.EvalApi.results;
import static dev.ratchet.server.eval.EvalApi.run;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.ratchet.common.Json;
import dev.ratchet.server.TestServer;
import dev.ratchet.server.TestServer.Response;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An agent in "any language" under test over the HTTP contract, against a real server: a small agent written against
 * the contract (on a JDK HttpServer in this JVM, as a Python or Go service would be) fetches its fixtures from the
 * Ratchet server's own port, presenting the run's token. Nothing else listens.
 */
class HttpAgentApiTest {

    static final String KEY = TestServer.ADMIN_KEY;

    @TempDir
    static Path dir;
    static TestServer server;
    static HttpServer agent;
    static final HttpClient CLIENT = HttpClient.newHttpClient();
    /** What the agent saw, by case input card: the fixtures URL, and the status of a call with a wrong token. */
    static final Map<String, String> FIXTURE_URLS = new ConcurrentHashMap<>();
    static final Map<String, String> TOKENS = new ConcurrentHashMap<>();
    static final Map<String, Integer> WRONG_TOKEN_STATUS = new ConcurrentHashMap<>();

    @BeforeAll
    static void start() throws IOException {
        server = TestServer.start(dir);
        agent = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        agent.createContext("/answer", HttpAgentApiTest::answer);
        agent.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        agent.start();
    }

    @AfterAll
    static void stop() {
        agent.stop(0);
        server.close();
    }

    static String agentUrl() {
        return "http://127.0.0.1:" + agent.getAddress().getPort() + "/answer";
    }

    /**
     * The agent: looks up its card's status through the fixtures URL and answers "Card N: status" in the tone of its
     * configuration. {"crash": true} answers HTTP 500. Before the real call it tries one with a wrong token.
     */
    static void answer(HttpExchange ex) throws IOException {
        try (ex) {
            JsonNode req = Json.MAPPER.readTree(ex.getRequestBody());
            JsonNode input = req.path("input");
            String card = input.path("card").asText();
            if (input.path("crash").asBoolean()) {
                send(ex, 500, "{\"message\":\"out of memory\"}");
                return;
            }
            String url = req.path("fixtures").path("url").asText();
            String token = req.path("fixtures").path("token").asText();
            FIXTURE_URLS.put(card, url);
            TOKENS.put(card, token);
            ObjectNode call = Json.MAPPER.createObjectNode().put("kind", "tool").put("name", "card_status");
            call.putObject("request").put("card", card);
            WRONG_TOKEN_STATUS.put(card, post(url, "not-the-token", Json.write(call)).statusCode());
            HttpResponse<String> fixture = post(url, token, Json.write(call));
            JsonNode f = Json.MAPPER.readTree(fixture.body());
            String status = fixture.statusCode() == 200 ? f.path("result").path("status").asText() : "unknown";
            ObjectNode out = Json.MAPPER.createObjectNode();
            out.putObject("output").put("text", "Card " + card + ": " + status);
            out.putObject("trace").put("tone", req.path("configuration").path("tone").asText());
            out.put("cost", 0.5);
            send(ex, 200, Json.write(out));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static HttpResponse<String> post(String url, String token, String body) throws IOException, InterruptedException {
        return CLIENT.send(HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + token)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    static void send(HttpExchange ex, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.sendResponseHeaders(status, bytes.length);
        ex.getResponseBody().write(bytes);
    }

    static String card(String input, String card) {
        return """
                {"input":%s,"expected":{"text":"Card %s: shipped"},"expectations":[{"type":"normalized_text"}],
                 "fixtures":[{"kind":"tool","name":"card_status","request":{"card":"%s"},"result":{"status":"shipped"}}]}"""
                .formatted(input, card, card);
    }

    @Test
    void httpAgent_fetchesItsFixturesFromTheServersOwnPort_withTheRunsToken() throws Exception {
        Response suite = server.post("/api/v1/suites", KEY, "{\"name\":\"cards\",\"kind\":\"eval\",\"cases\":["
                + card("{\"card\":\"1234\"}", "1234") + "]}");
        assertThat(suite.status()).as(suite.text()).isEqualTo(201);
        String caseId = suite.json().path("caseIds").get(0).asText();
        register(server, KEY, "{\"name\":\"desk-py\",\"endpoint\":\"" + agentUrl()
                + "\",\"versions\":[{\"version\":\"v1\",\"configuration\":{\"tone\":\"warm\"}}]}");

        JsonNode run = run(server, KEY, "{\"suite\":\"cards\",\"agent\":\"desk-py\",\"agentVersion\":\"v1\"}");
        String runId = run.path("id").asText();

        assertThat(run.path("status").asText()).isEqualTo("completed");
        JsonNode result = results(server, KEY, runId).get(0);
        assertThat(result.path("status").asText()).as(result.toString()).isEqualTo("passed");
        assertThat(result.path("output").path("text").asText()).isEqualTo("Card 1234: shipped");
        assertThat(result.path("trace").path("tone").asText()).isEqualTo("warm");
        assertThat(result.path("cost").decimalValue()).isEqualByComparingTo("0.5");
        assertThat(result.path("calls").get(0).path("source").asText()).isEqualTo("fixture");
        assertThat(FIXTURE_URLS.get("1234")).isEqualTo(server.url() + "/replay/v1/runs/" + runId + "/cases/" + caseId);
        assertThat(WRONG_TOKEN_STATUS.get("1234")).isEqualTo(401);
        HttpResponse<String> after = post(FIXTURE_URLS.get("1234"), TOKENS.get("1234"),
                "{\"kind\":\"tool\",\"name\":\"card_status\",\"request\":{\"card\":\"1234\"}}");
        assertThat(after.statusCode()).as("the URL lives as long as the run").isEqualTo(404);
        assertThat(after.body()).contains("missing");
    }

    @Test
    void httpAgent_thatFailsOrCannotBeReached_failsItsCases_andTheRunCompletes() {
        server.post("/api/v1/suites", KEY, "{\"name\":\"crashes\",\"kind\":\"custom\",\"cases\":["
                + card("{\"card\":\"1\",\"crash\":true}", "1") + "," + card("{\"card\":\"2\"}", "2") + "]}");
        register(server, KEY, "{\"name\":\"crashy\",\"endpoint\":\"" + agentUrl() + "\",\"versions\":[{\"version\":\"v1\"}]}");
        register(server, KEY, "{\"name\":\"nowhere\",\"endpoint\":\"http://127.0.0.1:9/answer\",\"timeoutMs\":2000,"
                + "\"versions\":[{\"version\":\"v1\"}]}");

        JsonNode crashy = run(server, KEY, "{\"suite\":\"crashes\",\"agent\":\"crashy\",\"agentVersion\":\"v1\"}");
        JsonNode nowhere = run(server, KEY, "{\"suite\":\"crashes\",\"agent\":\"nowhere\",\"agentVersion\":\"v1\"}");

        assertThat(crashy.path("status").asText()).isEqualTo("completed");
        JsonNode r = results(server, KEY, crashy.path("id").asText());
        assertThat(r.get(0).path("status").asText()).isEqualTo("error");
        assertThat(r.get(0).path("reason").asText())
                .isEqualTo("agent threw AgentHttpException: agent answered HTTP 500: {\"message\":\"out of memory\"}");
        assertThat(r.get(1).path("status").asText()).isEqualTo("passed");
        assertThat(nowhere.path("status").asText()).isEqualTo("completed");
        assertThat(results(server, KEY, nowhere.path("id").asText()).findValuesAsText("status")).containsOnly("error");
        assertThat(server.get("/health", null).status()).isEqualTo(200);
    }

    @Test
    void publicUrl_isWhereAgentsAreToldToFetchTheirFixtures(@TempDir Path other) throws IOException {
        int port;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            port = s.getLocalPort();
        }
        String publicUrl = "http://localhost:" + port + "/";
        try (TestServer advertised = TestServer.start(dev.ratchet.server.ServerConfig.defaults(other).withPort(port)
                .withBootstrapKey(KEY).withPublicUrl(publicUrl))) {
            advertised.post("/api/v1/suites", KEY, "{\"name\":\"cards\",\"kind\":\"eval\",\"cases\":["
                    + card("{\"card\":\"77\"}", "77") + "]}");
            register(advertised, KEY, "{\"name\":\"desk-py\",\"endpoint\":\"" + agentUrl()
                    + "\",\"versions\":[{\"version\":\"v1\"}]}");

            JsonNode run = run(advertised, KEY, "{\"suite\":\"cards\",\"agent\":\"desk-py\",\"agentVersion\":\"v1\"}");

            assertThat(results(advertised, KEY, run.path("id").asText()).get(0).path("status").asText()).isEqualTo("passed");
            assertThat(FIXTURE_URLS.get("77")).startsWith(publicUrl + "replay/v1/runs/" + run.path("id").asText() + "/cases/");
        }
    }

    @Test
    void fixturesUrl_ofNoRunInProgress_is404_andNeedsNoApiKey() throws Exception {
        HttpResponse<String> r = post(server.url() + "/replay/v1/runs/nope/cases/nope", "whatever",
                "{\"kind\":\"tool\",\"name\":\"x\"}");

        assertThat(r.statusCode()).isEqualTo(404);
        assertThat(Json.readTree(r.body()).path("missing").asText()).isEqualTo("no run in progress on this server has this URL");
    }
}
