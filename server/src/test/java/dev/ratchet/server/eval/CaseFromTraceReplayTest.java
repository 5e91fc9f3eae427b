package dev.ratchet.server.eval;

import static dev.ratchet.server.eval.EvalApi.assertBad;
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
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A failure becomes a test, end to end over HTTP: a support agent's trace (a retrieval, a tool call and a model call,
 * and a wrong answer) is ingested through the REST API, a user corrects it, the case is built from the trace and added
 * to a regression suite, and the fixed agent replays it twice from the recorded calls alone: the same output both
 * times, with no network (strict replay; the agent has no live tools, so any call outside the fixtures would fail).
 */
class CaseFromTraceReplayTest {

    static final String KEY = TestServer.ADMIN_KEY;

    @TempDir
    static Path dir;
    static TestServer server;

    /** The fixed agent: the same calls as recorded (arguments in another member order), the corrected answer. */
    static final Agent FIXED_SUPPORT_AGENT = (request, tools) -> {
        String question = request.input().path("text").textValue();
        JsonNode docs = tools.retrieve(question);
        ObjectNode args = Json.MAPPER.createObjectNode().put("verbose", false).put("card", "1234");
        JsonNode status = tools.tool("card_status", args);
        JsonNode reply = tools.model("gpt-test", Json.readTree("[{\"content\":\"card shipped, eta Friday\",\"role\":\"user\"}]"));
        String answer = "Your card has " + status.path("status").textValue() + " and arrives "
                + status.path("eta").textValue() + ". (" + docs.size() + " doc; model said: "
                + reply.path("content").asText() + ")";
        return AgentAnswer.of(JsonText.of(Json.MAPPER.createObjectNode().put("text", answer)));
    };

    @BeforeAll
    static void start() {
        server = TestServer.start(dir);
        server.server().builtInAgents().register("support-desk", FIXED_SUPPORT_AGENT);
        captureWrongAnswer("t-card");
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static void captureWrongAnswer(String traceId) {
        Response t = server.post("/api/v1/traces", KEY, """
                {"traces":[{"id":"%s","agent":"support","version":"v1","input":{"text":"Where is my card 1234?"},
                  "output":{"text":"Your card is lost."},"metadata":{"memorySnapshotId":"snap-1"},
                  "startTime":"2026-11-21T10:00:00Z","endTime":"2026-11-21T10:00:02Z",
                  "spans":[
                   {"id":"s1","kind":"retrieval","name":"kb.search","input":{"query":"Where is my card 1234?","k":3},
                    "output":[{"text":"Cards ship in 5 days."}],"startTime":"2026-11-21T10:00:00.100Z"},
                   {"id":"s2","kind":"tool","name":"card_status","input":{"card":"1234","verbose":false},
                    "output":{"status":"shipped","eta":"Friday"},"cost":0.0001,"startTime":"2026-11-21T10:00:00.200Z"},
                   {"id":"s3","kind":"llm","name":"chat","model":"gpt-test",
                    "input":{"messages":[{"role":"user","content":"card shipped, eta Friday"}]},
                    "output":{"content":"Your card is lost."},"cost":0.002,"startTime":"2026-11-21T10:00:00.300Z"}]}]}"""
                .formatted(traceId));
        assertThat(t.status()).as(t.text()).isEqualTo(200);
        Response f = server.post("/api/v1/feedback", KEY, """
                {"feedback":[{"traceId":"%s","kind":"correction","source":"end_user",
                  "value":{"text":"Your card has shipped and arrives Friday."}}]}""".formatted(traceId));
        assertThat(f.status()).as(f.text()).isEqualTo(200);
    }

    @Test
    void caseFromTrace_replaysDeterministicallyTwice_fromTheRecordedCallsAlone() {
        Response preview = server.post("/api/v1/cases/from-trace/t-card", KEY, "");
        assertThat(preview.status()).as(preview.text()).isEqualTo(200);
        JsonNode c = preview.json().path("case");
        assertThat(c.path("expected").path("text").asText()).isEqualTo("Your card has shipped and arrives Friday.");
        assertThat(c.path("fixtures").findValuesAsText("kind")).containsExactly("retrieval", "tool", "llm");
        assertThat(c.path("context").path("memorySnapshotId").asText()).isEqualTo("snap-1");
        assertThat(c.path("expectations").get(0).path("type").asText()).as("the default expectation").isEqualTo("exact");
        assertThat(c.path("originTraceId").asText()).isEqualTo("t-card");

        assertThat(server.post("/api/v1/suites", KEY, "{\"name\":\"support-fixed\",\"kind\":\"regression\"}").status())
                .isEqualTo(201);
        Response added = server.post("/api/v1/cases/from-trace/t-card", KEY, """
                {"suite":"support-fixed","tags":["cards"],
                 "expectations":[{"type":"contains","value":"arrives Friday"},
                                 {"type":"trajectory","calls":[{"tool":"card_status","arguments":{"card":"1234"}}]}]}""");
        assertThat(added.status()).as(added.text()).isEqualTo(201);
        assertThat(added.json().path("created").asBoolean()).isTrue();
        assertThat(added.json().path("version").path("version").asInt()).isEqualTo(2);
        String caseId = added.json().path("caseId").asText();
        assertThat(server.get("/api/v1/cases/" + caseId, KEY).json().path("tags").get(0).asText()).isEqualTo("cards");
        register(server, KEY, "{\"name\":\"support\",\"builtin\":\"support-desk\",\"versions\":[{\"version\":\"v2\"}]}");

        String body = "{\"suite\":\"support-fixed\",\"agent\":\"support\",\"agentVersion\":\"v2\"}";
        JsonNode first = run(server, KEY, body);
        JsonNode second = run(server, KEY, body);

        JsonNode a = results(server, KEY, first.path("id").asText()).get(0);
        JsonNode b = results(server, KEY, second.path("id").asText()).get(0);
        assertThat(a.path("status").asText()).as(a.toString()).isEqualTo("passed");
        assertThat(b.path("status").asText()).isEqualTo("passed");
        assertThat(a.path("caseId").asText()).isEqualTo(caseId);
        assertThat(a.path("output").path("text").asText()).isEqualTo("Your card has shipped and arrives Friday."
                + " (1 doc; model said: Your card is lost.)");
        assertThat(b.path("output")).isEqualTo(a.path("output"));
        assertThat(a.path("calls").findValuesAsText("source")).containsOnly("fixture").hasSize(3);
        assertThat(a.path("cost").decimalValue()).isEqualByComparingTo("0.0021"); // what the recorded calls cost
        assertThat(first.path("summary").path("successRate").asDouble()).isEqualTo(1.0);
    }

    @Test
    void caseFromTrace_badInput_isRefusedNamingTheField_andAddsNothing() {
        assertThat(server.post("/api/v1/suites", KEY, "{\"name\":\"frozen-cases\",\"kind\":\"eval\"}").status()).isEqualTo(201);

        Response unknownTrace = server.post("/api/v1/cases/from-trace/t-404", KEY, "");
        assertThat(unknownTrace.status()).isEqualTo(404);
        assertThat(unknownTrace.json().path("message").asText()).isEqualTo("trace 't-404' not found");
        assertBad(server.post("/api/v1/cases/from-trace/t-card", KEY, "{\"suite\":\"no-such-suite\"}"), "suite");
        assertBad(server.post("/api/v1/cases/from-trace/t-card", KEY, "{\"suiteName\":\"frozen-cases\"}"), "suiteName");
        assertBad(server.post("/api/v1/cases/from-trace/t-card", KEY, "{\"baseVersion\":1}"), "baseVersion");
        assertBad(server.post("/api/v1/cases/from-trace/t-card", KEY, "{\"expectations\":[{\"type\":\"vibes\"}]}"),
                "expectations[0].type");
        assertBad(server.post("/api/v1/cases/from-trace/t-card", KEY, "{\"expectations\":{\"type\":\"exact\"}}"), "expectations");
        assertBad(server.post("/api/v1/cases/from-trace/t-card", KEY, "{\"tags\":[\"\"]}"), "tags[0]");
        Response frozen = server.post("/api/v1/cases/from-trace/t-card", KEY, "{\"suite\":\"frozen-cases\"}");
        assertBad(frozen, "baseVersion");
        assertThat(frozen.json().path("errors").get(0).path("reason").asText()).contains("eval versions are frozen");

        assertThat(server.get("/api/v1/suites/frozen-cases", KEY).json().path("latestVersion").asInt()).isEqualTo(1);
        assertThat(server.get("/api/v1/suites/frozen-cases/versions/1", KEY).json().path("cases")).isEmpty();
        Response withBase = server.post("/api/v1/cases/from-trace/t-card", KEY, "{\"suite\":\"frozen-cases\",\"baseVersion\":1}");
        assertThat(withBase.status()).as(withBase.text()).isEqualTo(201);
    }
}
