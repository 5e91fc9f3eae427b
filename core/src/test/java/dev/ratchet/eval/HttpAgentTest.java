package dev.ratchet.eval;

import static dev.ratchet.eval.EvalStoreContract.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.ratchet.common.Json;
import dev.ratchet.store.Database;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The HTTP agent contract over real HTTP: a small agent written against the contract (as any language would) runs
 * in this JVM on a JDK HttpServer, and makes its tool call through the fixtures URL Ratchet hands it.
 */
class HttpAgentTest {

    @TempDir
    Path dataDir;

    private HttpServer agentServer;
    private HttpAgent agent;
    private Database db;
    private EvalStore store;
    private EvalRunner runner;
    private final HttpClient client = HttpClient.newHttpClient();

    @BeforeEach
    void start() throws IOException {
        agentServer = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        agentServer.createContext("/answer", this::answer);
        agentServer.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        agentServer.start();
        agent = new HttpAgent(URI.create("http://127.0.0.1:" + agentServer.getAddress().getPort() + "/answer"),
                Duration.ofSeconds(10));
        db = Database.embedded(dataDir);
        store = new EvalStore(db, Clock.systemUTC());
        runner = new EvalRunner(store, Clock.systemUTC(), ScoringServices.none());
    }

    @AfterEach
    void stop() {
        agent.close();
        agentServer.stop(0);
        db.close();
    }

    /**
     * The agent under test: looks up the card of its input through the fixtures URL and answers with its status;
     * {"crash": true} answers 500, {"slow": true} takes five seconds. A live answer (404 live) it makes up itself.
     */
    private void answer(HttpExchange ex) throws IOException {
        try (ex) {
            JsonNode req = Json.MAPPER.readTree(ex.getRequestBody());
            JsonNode input = req.get("input");
            if (input.path("crash").asBoolean()) {
                send(ex, 500, "{\"message\": \"out of memory\"}");
                return;
            }
            if (input.path("slow").asBoolean()) {
                Thread.sleep(5_000);
            }
            ObjectNode call = Json.MAPPER.createObjectNode().put("kind", "tool").put("name", "card_status");
            call.putObject("request").put("card", input.path("card").asText());
            HttpResponse<String> fixture = client.send(HttpRequest.newBuilder(URI.create(req.path("fixtures").path("url").asText()))
                    .header("Authorization", "Bearer " + req.path("fixtures").path("token").asText())
                    .POST(HttpRequest.BodyPublishers.ofString(Json.write(call))).build(), HttpResponse.BodyHandlers.ofString());
            JsonNode f = Json.MAPPER.readTree(fixture.body());
            String status = fixture.statusCode() == 200 ? f.path("result").path("status").asText()
                    : f.path("live").asBoolean() ? "checked live" : "unknown";
            ObjectNode out = Json.MAPPER.createObjectNode();
            out.putObject("output").put("text", "Card " + input.path("card").asText() + ": " + status);
            out.putObject("trace").put("configuration", req.path("configuration").path("tone").asText());
            out.put("traceId", "agent-trace-" + req.path("caseId").asText());
            out.put("cost", 0.25);
            send(ex, 200, Json.write(out));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void send(HttpExchange ex, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.sendResponseHeaders(status, bytes.length);
        ex.getResponseBody().write(bytes);
    }

    private static CaseSpec card(String input) {
        return new CaseSpec(json(input), null, json("{\"text\": \"Card 1234: shipped\"}"),
                List.of(new Fixture(CallKind.TOOL, "card_status", json("{\"card\": \"1234\"}"), json("{\"status\": \"shipped\"}"), null, null)),
                List.of(json("{\"type\": \"normalized_text\"}")), List.of(), null);
    }

    @Test
    void httpAgent_servesFixturesThroughItsUrl_andStoresTheAgentsOutputTraceAndCost() {
        store.createSuite("acme", new NewSuite("cards", "eval", null, List.of(card("{\"card\": \"1234\"}"))));

        Run run = runner.run("acme", RunRequest.of("cards", "desk-py", "v7").withConfiguration(json("{\"tone\": \"warm\"}")), agent);
        Run again = runner.run("acme", RunRequest.of("cards", "desk-py", "v7").withConfiguration(json("{\"tone\": \"warm\"}")), agent);

        CaseResult r = store.results("acme", run.id()).get(0);
        assertThat(r.status()).as(r.reason()).isEqualTo(CaseStatus.PASSED);
        assertThat(r.output()).isEqualTo(json("{\"text\": \"Card 1234: shipped\"}"));
        assertThat(r.trace()).isEqualTo(json("{\"configuration\": \"warm\"}"));
        assertThat(r.traceId()).isEqualTo("agent-trace-" + r.caseId());
        assertThat(r.cost()).isEqualByComparingTo(new BigDecimal("0.25"));
        assertThat(r.calls()).extracting(Call::name, Call::source).containsExactly(
                org.assertj.core.api.Assertions.tuple("card_status", Call.Source.FIXTURE));
        assertThat(store.results("acme", again.id()).get(0).output()).isEqualTo(r.output());
    }

    @Test
    void httpAgent_callWithoutFixture_failsTheCaseInStrictReplay_andGoesLiveWhenAllowed() {
        store.createSuite("acme", new NewSuite("cards", "eval", null, List.of(card("{\"card\": \"9999\"}"))));

        CaseResult strict = store.results("acme", runner.run("acme", RunRequest.of("cards", "desk-py", "v7"), agent).id()).get(0);
        CaseResult live = store.results("acme", runner.run("acme", RunRequest.of("cards", "desk-py", "v7").withAllowLive(true), agent).id()).get(0);

        assertThat(strict.status()).isEqualTo(CaseStatus.ERROR);
        assertThat(strict.reason()).startsWith("no fixture for tool call 'card_status' with arguments {\"card\":\"9999\"}");
        assertThat(live.status()).isEqualTo(CaseStatus.FAILED); // it answered (live), but not the expected text
        assertThat(live.output()).isEqualTo(json("{\"text\": \"Card 9999: checked live\"}"));
        assertThat(live.calls()).extracting(Call::source).containsExactly(Call.Source.LIVE);
    }

    @Test
    void httpAgent_errorStatusOrSlowAnswer_failsThoseCasesAndTheRunCompletes() {
        store.createSuite("acme", new NewSuite("cards", "eval", null, List.of(card("{\"card\": \"1234\", \"crash\": true}"),
                card("{\"card\": \"1234\", \"slow\": true}"), card("{\"card\": \"1234\"}"))));

        Run run = runner.run("acme", RunRequest.of("cards", "desk-py", "v7").withCaseTimeout(Duration.ofMillis(500)), agent);

        assertThat(run.status()).isEqualTo(RunStatus.COMPLETED);
        List<CaseResult> results = store.results("acme", run.id());
        assertThat(results).extracting(CaseResult::status).containsExactly(CaseStatus.ERROR, CaseStatus.TIMEOUT, CaseStatus.PASSED);
        assertThat(results.get(0).reason()).isEqualTo("agent threw AgentHttpException: agent answered HTTP 500: {\"message\": \"out of memory\"}");
        assertThat(results.get(1).reason()).isEqualTo("timed out after 500 ms");
    }

    @Test
    void servedBy_fixturesComeFromTheCallersOwnServer_withTheTokenItGave() throws IOException {
        // The caller's server (Ratchet's own port, in the server): it checks the token, then hands the call over.
        HttpServer caller = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        String base = "http://127.0.0.1:" + caller.getAddress().getPort() + "/replay/";
        HttpAgent served = HttpAgent.servedBy(
                URI.create("http://127.0.0.1:" + agentServer.getAddress().getPort() + "/answer"), Duration.ofSeconds(10),
                (runId, caseId) -> URI.create(base + runId + "/" + caseId), "run-secret");
        caller.createContext("/replay/", ex -> {
            try (ex) {
                String[] path = ex.getRequestURI().getPath().split("/"); // "", "replay", run, case
                if (!"Bearer run-secret".equals(ex.getRequestHeaders().getFirst("Authorization")) || path.length != 4) {
                    send(ex, 401, "{}");
                    return;
                }
                HttpAgent.FixtureReply r = served.call(path[3], ex.getRequestBody().readAllBytes());
                send(ex, r.status(), Json.write(r.body()));
            }
        });
        caller.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        caller.start();
        try (served) {
            store.createSuite("acme", new NewSuite("cards", "eval", null, List.of(card("{\"card\": \"1234\"}"))));

            Run run = runner.run("acme", RunRequest.of("cards", "desk-py", "v7"), served);

            CaseResult r = store.results("acme", run.id()).get(0);
            assertThat(r.status()).as(r.reason()).isEqualTo(CaseStatus.PASSED);
            assertThat(r.calls()).extracting(Call::source).containsExactly(Call.Source.FIXTURE);
            assertThat(served.fixturesBase()).isNull();
            assertThat(served.call(r.caseId(), "{}".getBytes(StandardCharsets.UTF_8)).status())
                    .as("a case that is no longer running").isEqualTo(404);
        } finally {
            caller.stop(0);
        }
    }

    @Test
    void fixtureUrl_ofNoRunningCase_answers404() throws Exception {
        HttpResponse<String> r = client.send(HttpRequest.newBuilder(agent.fixturesBase().resolve("deadbeef"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"kind\": \"tool\", \"name\": \"x\"}")).build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(r.statusCode()).isEqualTo(404);
        assertThat(r.body()).contains("no case is running");
    }
}
