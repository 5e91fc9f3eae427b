package dev.ratchet.server.eval;

import static dev.ratchet.server.eval.EvalApi.register;
import static dev.ratchet.server.eval.EvalApi.results;
import static dev.ratchet.server.eval.EvalApi.run;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ratchet.common.Json;
import dev.ratchet.common.JsonText;
import dev.ratchet.eval.AgentAnswer;
import dev.ratchet.eval.FakeChatServer;
import dev.ratchet.eval.OpenAiJudge;
import dev.ratchet.server.ServerConfig;
import dev.ratchet.server.TestServer;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** llm_judge scorers in runs over HTTP, against a FAKE chat server standing in for a hosted model. */
class JudgeApiTest {

    private static final String KEY = TestServer.ADMIN_KEY;
    private static final String CASES = "{\"name\":\"tone\",\"kind\":\"eval\",\"cases\":["
            + "{\"input\":{\"text\":\"my card is lost\"},\"expectations\":[{\"type\":\"llm_judge\","
            + "\"rubric\":\"The reply is polite.\",\"threshold\":0.5}]}]}";

    @TempDir
    Path dir;

    private static TestServer start(Path dir, OpenAiJudge.Settings judge) {
        TestServer server = TestServer.start(ServerConfig.defaults(dir).withPort(0).withBootstrapKey(KEY).withJudge(judge));
        server.server().builtInAgents().register("polite", (request, tools) ->
                AgentAnswer.of(JsonText.of(Json.MAPPER.createObjectNode().put("text", "Sorry to hear that; I have blocked it."))));
        register(server, KEY, "{\"name\":\"desk\",\"builtin\":\"polite\",\"versions\":[{\"version\":\"v1\"}]}");
        assertThat(server.post("/api/v1/suites", KEY, CASES).status()).isEqualTo(201);
        return server;
    }

    @Test
    void llmJudge_withAJudgeConfigured_scoresTheOutputByTheRubric() throws Exception {
        try (FakeChatServer chat = new FakeChatServer();
                TestServer server = start(dir, new OpenAiJudge.Settings(chat.baseUrl(), "judge-model", null,
                        Duration.ofSeconds(10)))) {
            chat.reply = r -> "{\"score\": 0.9, \"rationale\": \"apologises and acts\"}";
            JsonNode run = run(server, KEY, "{\"suite\":\"tone\",\"agent\":\"desk\",\"agentVersion\":\"v1\"}");

            assertThat(run.path("summary").path("passed").asInt()).isEqualTo(1);
            JsonNode result = results(server, KEY, run.path("id").asText()).get(0);
            assertThat(result.path("status").asText()).isEqualTo("passed");
            assertThat(result.path("score").asDouble()).isEqualTo(0.9);
            assertThat(chat.requests).hasSize(1);
            assertThat(chat.requests.get(0).path("model").asText()).isEqualTo("judge-model");
            assertThat(chat.requests.get(0).toString()).contains("The reply is polite.", "blocked it");
        }
    }

    @Test
    void llmJudge_withoutAJudge_failsTheCaseSayingSo_andTheRunCompletes() {
        try (TestServer server = start(dir, null)) {
            JsonNode run = run(server, KEY, "{\"suite\":\"tone\",\"agent\":\"desk\",\"agentVersion\":\"v1\"}");

            assertThat(run.path("status").asText()).isEqualTo("completed");
            JsonNode result = results(server, KEY, run.path("id").asText()).get(0);
            assertThat(result.path("status").asText()).isNotEqualTo("passed");
            assertThat(result.path("reason").asText()).containsIgnoringCase("judge");
        }
    }
}
