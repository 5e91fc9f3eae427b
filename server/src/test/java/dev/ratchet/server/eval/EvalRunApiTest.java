package dev.ratchet.server.eval;

import static dev.ratchet.server.eval.EvalApi.assertBad;
import static dev.ratchet.server.eval.EvalApi.await;
import static dev.ratchet.server.eval.EvalApi.register;
import static dev.ratchet.server.eval.EvalApi.results;
import static dev.ratchet.server.eval.EvalApi.run;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ratchet.common.Json;
import dev.ratchet.common.JsonText;
import dev.ratchet.eval.Agent;
import dev.ratchet.eval.AgentAnswer;
import dev.ratchet.server.TestServer;
import dev.ratchet.server.TestServer.Response;
import java.util.ArrayList;
import java.util.List;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Agents, asynchronous runs, results, comparisons and gates over real HTTP on a real server, with in-process agents
 * the server embeds (registered as built-ins, as an embedding application would). HTTP agents have their own test
 * ({@link HttpAgentApiTest}). Each test uses suites and agents of its own.
 */
class EvalRunApiTest {

    static final String KEY = TestServer.ADMIN_KEY;

    @TempDir
    static Path dir;
    static TestServer server;
    static String memberKey;
    static String otherKey;
    static final CountDownLatch RELEASE = new CountDownLatch(1);

    /** Doubles n, wrong (2n + 1) on the numbers in its configuration's "wrongOn". */
    static final Agent DOUBLER = (request, tools) -> {
        int n = request.input().path("n").intValue();
        boolean wrong = false;
        if (request.configuration() != null) {
            for (JsonNode w : request.configuration().path("wrongOn")) {
                wrong |= w.asInt() == n;
            }
        }
        return new AgentAnswer(JsonText.of(Json.MAPPER.createObjectNode().put("answer", 2 * n + (wrong ? 1 : 0))), null,
                null, new java.math.BigDecimal("0.002"), null);
    };

    /** Throws on n = 2, hangs on n = 3 (until interrupted), doubles otherwise. */
    static final Agent FLAKY = (request, tools) -> {
        int n = request.input().path("n").intValue();
        if (n == 2) {
            throw new IllegalStateException("model overloaded");
        }
        if (n == 3) {
            new CountDownLatch(1).await();
        }
        return AgentAnswer.of(JsonText.of(Json.MAPPER.createObjectNode().put("answer", 2 * n)));
    };

    /** Looks up {"id": n} with tool "lookup" and answers with the name it got. */
    static final Agent LOOKUP = (request, tools) -> {
        ObjectNode args = Json.MAPPER.createObjectNode().put("id", request.input().path("n").intValue());
        JsonNode found = tools.tool("lookup", args);
        return AgentAnswer.of(JsonText.of(Json.MAPPER.createObjectNode().put("answer", found.path("name").asText())));
    };

    /** Waits for the test to release it. */
    static final Agent WAITING = (request, tools) -> {
        RELEASE.await();
        return AgentAnswer.of(JsonText.of(Json.MAPPER.createObjectNode().put("answer", 2)));
    };

    @BeforeAll
    static void startServer() {
        server = TestServer.start(dir);
        server.server().builtInAgents().register("doubler", DOUBLER);
        server.server().builtInAgents().register("flaky", FLAKY);
        server.server().builtInAgents().register("lookup", LOOKUP);
        server.server().builtInAgents().register("waiting", WAITING);
        otherKey = server.createProject("other");
        Response member = server.post("/api/v1/projects/default/keys", KEY, "{\"name\":\"ci\",\"role\":\"member\"}");
        memberKey = member.json().path("secret").asText();
    }

    @AfterAll
    static void stop() {
        RELEASE.countDown();
        server.close();
    }

    static String doublings(int from, int to) {
        List<String> cases = new ArrayList<>();
        for (int n = from; n <= to; n++) {
            cases.add("{\"input\":{\"n\":%d},\"expected\":{\"answer\":%d},\"expectations\":[{\"type\":\"exact\"}]}"
                    .formatted(n, 2 * n));
        }
        return String.join(",", cases);
    }

    static void suite(String name, String kind, String cases) {
        Response r = server.post("/api/v1/suites", KEY, "{\"name\":\"" + name + "\",\"kind\":\"" + kind + "\",\"cases\":["
                + cases + "]}");
        assertThat(r.status()).as(r.text()).isEqualTo(201);
    }

    // --- agents ---

    @Test
    void agents_registerListAndGet_versionsNeverChange_andBadInputIsRefused() {
        register(server, KEY, """
                {"name":"desk","builtin":"doubler","versions":[{"version":"v1","configuration":{"wrongOn":[3]}},
                 {"version":"v2"}]}""");
        register(server, KEY, """
                {"name":"desk-py","endpoint":"http://127.0.0.1:9/answer","timeoutMs":2000,
                 "versions":[{"version":"v1","configuration":{"tone":"warm"}}]}""");

        JsonNode list = server.get("/api/v1/agents", KEY).json();
        assertThat(list.path("items").findValuesAsText("name")).contains("desk", "desk-py");
        assertThat(list.path("builtins").toString()).contains("doubler", "flaky", "lookup");
        JsonNode desk = server.get("/api/v1/agents/desk", KEY).json();
        assertThat(desk.path("builtin").asText()).isEqualTo("doubler");
        assertThat(desk.path("versions").findValuesAsText("version")).containsExactly("v1", "v2");
        assertThat(desk.path("versions").get(0).path("configuration").path("wrongOn").get(0).asInt()).isEqualTo(3);
        assertThat(server.get("/api/v1/agents/desk-py", KEY).json().path("timeoutMs").asLong()).isEqualTo(2000);

        Response changed = server.post("/api/v1/agents", KEY,
                "{\"name\":\"desk\",\"builtin\":\"doubler\",\"versions\":[{\"version\":\"v1\",\"configuration\":{}}]}");
        assertBad(changed, "versions[0].configuration");
        assertThat(changed.json().path("errors").get(0).path("reason").asText()).contains("a version never changes");
        assertBad(server.post("/api/v1/agents", KEY, "{\"name\":\"x\",\"builtin\":\"telepath\"}"), "builtin");
        assertBad(server.post("/api/v1/agents", KEY, "{\"name\":\"x\",\"builtin\":\"doubler\",\"endpoint\":\"http://a/b\"}"),
                "endpoint");
        assertBad(server.post("/api/v1/agents", KEY, "{\"name\":\"x\"}"), "endpoint");
        assertBad(server.post("/api/v1/agents", KEY, "{\"name\":\"x\",\"endpoint\":\"file:///etc/passwd\"}"), "endpoint");
        assertBad(server.post("/api/v1/agents", KEY, "{\"name\":\"x\",\"endpoint\":\"http://a/b\",\"colour\":1}"), "colour");
        assertBad(server.post("/api/v1/agents", KEY, "{\"name\":\"x\",\"endpoint\":\"http://a/b\",\"versions\":[{\"v\":1}]}"),
                "versions[0].v");
        assertBad(server.post("/api/v1/agents", KEY, "{\"name\":\"x\",\"endpoint\":\"http://a/b\",\"timeoutMs\":0}"),
                "timeoutMs");
        Response member = server.post("/api/v1/agents", memberKey, "{\"name\":\"x\",\"endpoint\":\"http://a/b\"}");
        assertThat(member.status()).as("registering makes the server call a URL: admins only").isEqualTo(403);
        assertThat(server.get("/api/v1/agents/x", KEY).status()).isEqualTo(404);
        assertThat(server.get("/api/v1/agents/desk", otherKey).status()).isEqualTo(404);
        assertThat(server.get("/api/v1/agents/desk", KEY).json().path("versions").get(0).path("configuration").toString())
                .as("the refused registration changed nothing").contains("wrongOn");
    }

    // --- runs ---

    @Test
    void run_isAcceptedAt202_thenCompletesWithSummaryProgressAndPerCaseResults() {
        suite("golden", "eval", doublings(1, 5));
        register(server, KEY, "{\"name\":\"calc\",\"builtin\":\"doubler\",\"versions\":[{\"version\":\"v1\","
                + "\"configuration\":{\"wrongOn\":[3]}}]}");

        Response accepted = server.post("/api/v1/eval-runs", memberKey,
                "{\"suite\":\"golden\",\"agent\":\"calc\",\"agentVersion\":\"v1\",\"concurrency\":2}");
        assertThat(accepted.status()).as(accepted.text()).isEqualTo(202);
        String id = accepted.json().path("id").asText();
        assertThat(accepted.header("Location")).isEqualTo("/api/v1/eval-runs/" + id);
        assertThat(accepted.json().path("suiteName").asText()).isEqualTo("golden");
        assertThat(accepted.json().path("progress").path("total").asInt()).isEqualTo(5);
        JsonNode run = await(server, memberKey, id);

        assertThat(run.path("status").asText()).isEqualTo("completed");
        assertThat(run.path("agent").asText()).isEqualTo("calc");
        assertThat(run.path("agentVersion").asText()).isEqualTo("v1");
        assertThat(run.path("suiteVersion").asInt()).isEqualTo(1);
        assertThat(run.path("configuration").path("wrongOn").get(0).asInt()).isEqualTo(3);
        assertThat(run.path("progress").path("done").asInt()).isEqualTo(5);
        JsonNode summary = run.path("summary");
        assertThat(summary.path("total").asInt()).isEqualTo(5);
        assertThat(summary.path("passed").asInt()).isEqualTo(4);
        assertThat(summary.path("successRate").asDouble()).isEqualTo(0.8);
        assertThat(summary.path("successInterval").path("lower").asDouble()).isBetween(0.3, 0.5);
        assertThat(summary.path("successInterval").path("upper").asDouble()).isBetween(0.9, 1.0);
        assertThat(summary.has("p50LatencyMs")).isTrue();
        assertThat(summary.has("p95LatencyMs")).isTrue();
        assertThat(summary.path("totalCost").decimalValue()).isEqualByComparingTo("0.010");

        JsonNode results = results(server, memberKey, id);
        assertThat(results).hasSize(5);
        assertThat(results.findValuesAsText("status")).containsExactly("passed", "passed", "failed", "passed", "passed");
        assertThat(results.get(2).path("output").path("answer").asInt()).isEqualTo(7);
        assertThat(results.get(2).path("reason").asText()).startsWith("exact:");
        assertThat(results.get(2).path("score").asDouble()).isZero();
        assertThat(results.get(0).has("latencyMs")).isTrue();
        JsonNode failed = server.get("/api/v1/eval-runs/" + id + "/results?status=failed", memberKey).json();
        assertThat(failed.path("total").asInt()).isEqualTo(1);
        assertThat(failed.path("items").get(0).path("position").asInt()).isEqualTo(3);
        assertThat(server.get("/api/v1/eval-runs/" + id + "/results?limit=2&offset=4", memberKey).json().path("items"))
                .hasSize(1);
        assertThat(server.get("/api/v1/suites/golden/runs", memberKey).json().path("items").findValuesAsText("id")).contains(id);
    }

    @Test
    void run_badInput_unknownSuiteVersionAgentOrVersion_isRefusedNamingTheField_andStartsNothing() {
        suite("refusals", "eval", doublings(1, 2));
        register(server, KEY, "{\"name\":\"ref\",\"builtin\":\"doubler\",\"versions\":[{\"version\":\"v1\"}]}");
        register(server, KEY, "{\"name\":\"gone\",\"builtin\":\"doubler\",\"versions\":[{\"version\":\"v1\"}]}");

        assertBad(server.post("/api/v1/eval-runs", KEY, "{\"suite\":\"nope\",\"agent\":\"ref\",\"agentVersion\":\"v1\"}"), "suite");
        Response noVersion = server.post("/api/v1/eval-runs", KEY,
                "{\"suite\":\"refusals\",\"suiteVersion\":4,\"agent\":\"ref\",\"agentVersion\":\"v1\"}");
        assertBad(noVersion, "suiteVersion");
        assertThat(noVersion.json().path("errors").get(0).path("reason").asText()).contains("has no version 4; the latest is 1");
        assertBad(server.post("/api/v1/eval-runs", KEY, "{\"suite\":\"refusals\",\"agent\":\"who\",\"agentVersion\":\"v1\"}"), "agent");
        Response badVersion = server.post("/api/v1/eval-runs", KEY, "{\"suite\":\"refusals\",\"agent\":\"ref\",\"agentVersion\":\"v9\"}");
        assertBad(badVersion, "agentVersion");
        assertThat(badVersion.json().path("errors").get(0).path("reason").asText()).contains("registered: v1");
        assertBad(server.post("/api/v1/eval-runs", KEY, "{\"suite\":\"refusals\",\"agent\":\"ref\"}"), "agentVersion");
        assertBad(server.post("/api/v1/eval-runs", KEY, "{\"agent\":\"ref\",\"agentVersion\":\"v1\"}"), "suite");
        assertBad(server.post("/api/v1/eval-runs", KEY,
                "{\"suite\":\"refusals\",\"agent\":\"ref\",\"agentVersion\":\"v1\",\"concurrency\":0}"), "concurrency");
        assertBad(server.post("/api/v1/eval-runs", KEY,
                "{\"suite\":\"refusals\",\"agent\":\"ref\",\"agentVersion\":\"v1\",\"caseTimeoutMs\":-1}"), "caseTimeoutMs");
        assertBad(server.post("/api/v1/eval-runs", KEY,
                "{\"suite\":\"refusals\",\"agent\":\"ref\",\"agentVersion\":\"v1\",\"allowLive\":\"yes\"}"), "allowLive");
        assertBad(server.post("/api/v1/eval-runs", KEY,
                "{\"suite\":\"refusals\",\"agent\":\"ref\",\"agentVersion\":\"v1\",\"priority\":1}"), "priority");
        assertBad(server.post("/api/v1/eval-runs", KEY, "[]"), "$");
        assertBad(server.post("/api/v1/eval-runs", otherKey, "{\"suite\":\"refusals\",\"agent\":\"ref\",\"agentVersion\":\"v1\"}"),
                "suite");

        assertThat(server.get("/api/v1/suites/refusals/runs", KEY).json().path("items")).isEmpty();
        assertThat(server.get("/api/v1/eval-runs/nope", KEY).status()).isEqualTo(404);
        assertThat(server.get("/api/v1/eval-runs/nope/results", KEY).status()).isEqualTo(404);
    }

    @Test
    void run_agentThatThrowsOrTimesOut_completesAndReportsIt_andTheServerStaysHealthy() {
        suite("shaky", "regression", doublings(1, 4));
        register(server, KEY, "{\"name\":\"shaky\",\"builtin\":\"flaky\",\"versions\":[{\"version\":\"v1\"}]}");

        JsonNode run = run(server, KEY, "{\"suite\":\"shaky\",\"agent\":\"shaky\",\"agentVersion\":\"v1\",\"caseTimeoutMs\":300}");

        assertThat(run.path("status").asText()).isEqualTo("completed");
        assertThat(run.path("summary").path("passed").asInt()).isEqualTo(2);
        assertThat(run.path("summary").path("errors").asInt()).isEqualTo(2);
        JsonNode results = results(server, KEY, run.path("id").asText());
        assertThat(results.get(1).path("status").asText()).isEqualTo("error");
        assertThat(results.get(1).path("reason").asText()).isEqualTo("agent threw IllegalStateException: model overloaded");
        assertThat(results.get(2).path("status").asText()).isEqualTo("timeout");
        assertThat(results.get(2).path("reason").asText()).isEqualTo("timed out after 300 ms");
        Response health = server.get("/health", null);
        assertThat(health.status()).isEqualTo(200);
        assertThat(health.json().path("status").asText()).isEqualTo("ok");
        assertThat(run(server, KEY, "{\"suite\":\"shaky\",\"agent\":\"shaky\",\"agentVersion\":\"v1\",\"caseTimeoutMs\":300}")
                .path("status").asText()).as("and it runs again").isEqualTo("completed");
    }

    @Test
    void run_callsThatDoNotMatchTheFixtures_failThoseCasesNamingTheMismatch() {
        suite("lookups", "eval", """
                {"input":{"n":1},"expected":{"answer":"Ada"},"expectations":[{"type":"exact"}],
                 "fixtures":[{"kind":"tool","name":"lookup","request":{"id":1},"result":{"name":"Ada"}}]},
                {"input":{"n":2},"expected":{"answer":"Bob"},"expectations":[{"type":"exact"}],
                 "fixtures":[{"kind":"tool","name":"lookup","request":{"id":20},"result":{"name":"Bob"}}]}""");
        register(server, KEY, "{\"name\":\"looker\",\"builtin\":\"lookup\",\"versions\":[{\"version\":\"v1\"}]}");

        JsonNode run = run(server, KEY, "{\"suite\":\"lookups\",\"agent\":\"looker\",\"agentVersion\":\"v1\"}");

        JsonNode results = results(server, KEY, run.path("id").asText());
        assertThat(results.get(0).path("status").asText()).isEqualTo("passed");
        assertThat(results.get(0).path("calls").get(0).path("source").asText()).isEqualTo("fixture");
        assertThat(results.get(1).path("status").asText()).isEqualTo("error");
        assertThat(results.get(1).path("reason").asText()).isEqualTo("no fixture for tool call 'lookup' with arguments"
                + " {\"id\":2}; recorded requests: {\"id\":20} (strict replay: allow live calls to make it)");
        assertThat(results.get(1).path("calls").get(0).path("source").asText()).isEqualTo("missing");
    }

    @Test
    void compareAndGate_overHttp_listFixedAndBroken_andStoreTheVerdictAsEvidence() {
        suite("gate-eval", "eval", doublings(1, 6));
        suite("gate-reg", "regression", doublings(7, 8));
        register(server, KEY, """
                {"name":"gated","builtin":"doubler","versions":[{"version":"v1","configuration":{"wrongOn":[2,3]}},
                 {"version":"v2","configuration":{"wrongOn":[8]}}]}""");
        String base = run(server, KEY, "{\"suite\":\"gate-eval\",\"agent\":\"gated\",\"agentVersion\":\"v1\"}").path("id").asText();
        String cand = run(server, KEY, "{\"suite\":\"gate-eval\",\"agent\":\"gated\",\"agentVersion\":\"v2\"}").path("id").asText();
        String regBase = run(server, KEY, "{\"suite\":\"gate-reg\",\"agent\":\"gated\",\"agentVersion\":\"v1\"}").path("id").asText();
        String regCand = run(server, KEY, "{\"suite\":\"gate-reg\",\"agent\":\"gated\",\"agentVersion\":\"v2\"}").path("id").asText();

        Response compare = server.get("/api/v1/eval-runs/" + cand + "/compare/" + base, KEY);
        assertThat(compare.status()).as(compare.text()).isEqualTo(200);
        JsonNode c = compare.json();
        assertThat(c.path("fixed")).hasSize(2);
        assertThat(c.path("broken")).isEmpty();
        assertThat(c.path("unchangedPassing")).hasSize(4);
        assertThat(c.path("mcnemarP").asDouble()).isEqualTo(0.5);
        assertThat(c.path("regressionRate").asDouble()).isZero();

        Response gate = server.post("/api/v1/gates", KEY, """
                {"evalBaselineRunId":"%s","evalCandidateRunId":"%s","regressionBaselineRunId":"%s",
                 "regressionCandidateRunId":"%s","margin":0.1,"change":"desk v2"}""".formatted(base, cand, regBase, regCand));
        assertThat(gate.status()).as(gate.text()).isEqualTo(201);
        JsonNode verdict = gate.json();
        assertThat(verdict.path("passed").asBoolean()).isFalse();
        assertThat(verdict.path("regressionsBroken")).hasSize(1);
        assertThat(verdict.path("reasons").toString()).contains("regression: 1 case(s) broken");
        assertThat(verdict.path("inputs").path("margin").asDouble()).isEqualTo(0.1);
        Response fetched = server.get("/api/v1/gates/" + verdict.path("id").asText(), KEY);
        assertThat(fetched.status()).isEqualTo(200);
        assertThat(fetched.json()).isEqualTo(verdict);

        assertBad(server.post("/api/v1/gates", KEY, "{\"evalCandidateRunId\":\"" + cand + "\"}"), "evalBaselineRunId");
        assertBad(server.post("/api/v1/gates", KEY, "{\"evalBaselineRunId\":\"nope\",\"evalCandidateRunId\":\"" + cand + "\"}"),
                "evalBaselineRunId");
        assertBad(server.post("/api/v1/gates", KEY, "{\"evalBaselineRunId\":\"" + base + "\",\"evalCandidateRunId\":\""
                + regCand + "\"}"), "evalCandidateRunId");
        assertBad(server.post("/api/v1/gates", KEY, "{\"evalBaselineRunId\":\"" + base + "\",\"evalCandidateRunId\":\""
                + cand + "\",\"margin\":0.9}"), "margin");
        assertBad(server.post("/api/v1/gates", KEY, "{\"evalBaselineRunId\":\"" + base + "\",\"evalCandidateRunId\":\""
                + cand + "\",\"margin\":\"small\"}"), "margin");
        assertBad(server.post("/api/v1/gates", KEY, "{\"evalBaselineRunId\":\"" + base + "\",\"evalCandidateRunId\":\""
                + cand + "\",\"verdict\":true}"), "verdict");
        assertBad(server.get("/api/v1/eval-runs/" + regCand + "/compare/" + base, KEY), "candidateRunId");
        assertThat(server.get("/api/v1/eval-runs/" + cand + "/compare/nope", KEY).status()).isEqualTo(404);
        assertThat(server.get("/api/v1/gates/nope", KEY).status()).isEqualTo(404);
        assertThat(server.get("/api/v1/gates/" + verdict.path("id").asText(), otherKey).status()).isEqualTo(404);
        assertThat(server.get("/api/v1/eval-runs/" + cand, otherKey).status()).isEqualTo(404);
        assertThat(server.get("/api/v1/eval-runs/" + cand + "/compare/" + base, otherKey).status()).isEqualTo(404);
    }

    @Test
    void results_badQueryParameters_areRefused() {
        suite("params", "custom", doublings(1, 1));
        register(server, KEY, "{\"name\":\"params\",\"builtin\":\"doubler\",\"versions\":[{\"version\":\"v1\"}]}");
        String id = run(server, KEY, "{\"suite\":\"params\",\"agent\":\"params\",\"agentVersion\":\"v1\"}").path("id").asText();

        assertBad(server.get("/api/v1/eval-runs/" + id + "/results?status=bogus", KEY), "status");
        assertBad(server.get("/api/v1/eval-runs/" + id + "/results?limit=0", KEY), "limit");
        assertBad(server.get("/api/v1/eval-runs/" + id + "/results?offset=-1", KEY), "offset");
        assertBad(server.get("/api/v1/eval-runs/" + id + "/results?page=2", KEY), "page");
        assertBad(server.get("/api/v1/suites/params/runs?limit=0", KEY), "limit");
        assertThat(server.get("/api/v1/eval-runs/" + id + "/results", otherKey).status()).isEqualTo(404);
    }

    @Test
    void runsBeyondTheServersLimit_areRefusedWith503_andTheOthersFinish() {
        suite("waits", "custom", doublings(1, 1));
        register(server, KEY, "{\"name\":\"waiter\",\"builtin\":\"waiting\",\"versions\":[{\"version\":\"v1\"}]}");
        String body = "{\"suite\":\"waits\",\"agent\":\"waiter\",\"agentVersion\":\"v1\"}";
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < EvalRuns.DEFAULT_MAX_ACTIVE; i++) {
            ids.add(EvalApi.start(server, KEY, body));
        }

        Response refused = server.post("/api/v1/eval-runs", KEY, body);
        RELEASE.countDown();

        assertThat(refused.status()).as(refused.text()).isEqualTo(503);
        assertThat(refused.json().path("error").asText()).isEqualTo("overloaded");
        assertThat(refused.header("Retry-After")).isEqualTo("5");
        for (String id : ids) {
            assertThat(await(server, KEY, id).path("status").asText()).isEqualTo("completed");
        }
        assertThat(server.get("/health", null).status()).isEqualTo(200);
    }
}
