package dev.ratchet.server.eval;

import static dev.ratchet.server.eval.EvalApi.register;
import static dev.ratchet.server.eval.EvalApi.results;
import static dev.ratchet.server.eval.EvalApi.run;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ratchet.common.Json;
import dev.ratchet.common.JsonText;
import dev.ratchet.eval.AgentAnswer;
import dev.ratchet.server.ServerConfig;
import dev.ratchet.server.TestServer;
import dev.ratchet.server.TestServer.Response;
import dev.ratchet.store.PostgresCluster;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Server mode: suites, agents, a run, its comparison and a gate over HTTP on PostgreSQL, and all of it after a restart. */
class PostgresEvalApiTest {

    @RegisterExtension
    static final PostgresCluster POSTGRES = new PostgresCluster();

    static final String KEY = TestServer.ADMIN_KEY;

    @TempDir
    Path dataDir;

    static TestServer start(ServerConfig config) {
        TestServer server = TestServer.start(config);
        server.server().builtInAgents().register("doubler", (request, tools) -> AgentAnswer.of(JsonText.of(
                Json.MAPPER.createObjectNode().put("answer", 2 * request.input().path("n").intValue()
                        + (request.configuration() == null ? 0 : request.configuration().path("off").intValue())))));
        return server;
    }

    @Test
    void suiteRunCompareAndGate_onPostgres_surviveARestart() {
        ServerConfig config = ServerConfig.defaults(dataDir).withPort(0).withBootstrapKey(KEY)
                .withDbUrl(POSTGRES.newDatabaseUrl());
        String base;
        String cand;
        String gateId;
        try (TestServer server = start(config)) {
            Response suite = server.post("/api/v1/suites", KEY, """
                    {"name":"golden","kind":"eval","cases":[
                     {"input":{"n":1},"expected":{"answer":2},"expectations":[{"type":"exact"}]},
                     {"input":{"n":2},"expected":{"answer":4},"expectations":[{"type":"exact"}]}]}""");
            assertThat(suite.status()).as(suite.text()).isEqualTo(201);
            register(server, KEY, """
                    {"name":"calc","builtin":"doubler","versions":[{"version":"v1","configuration":{"off":1}},
                     {"version":"v2"}]}""");

            base = run(server, KEY, "{\"suite\":\"golden\",\"agent\":\"calc\",\"agentVersion\":\"v1\"}").path("id").asText();
            JsonNode candRun = run(server, KEY, "{\"suite\":\"golden\",\"agent\":\"calc\",\"agentVersion\":\"v2\"}");
            cand = candRun.path("id").asText();

            assertThat(candRun.path("summary").path("passed").asInt()).isEqualTo(2);
            assertThat(results(server, KEY, base).findValuesAsText("status")).containsExactly("failed", "failed");
            JsonNode c = server.get("/api/v1/eval-runs/" + cand + "/compare/" + base, KEY).json();
            assertThat(c.path("fixed")).hasSize(2);
            Response gate = server.post("/api/v1/gates", KEY,
                    "{\"evalBaselineRunId\":\"" + base + "\",\"evalCandidateRunId\":\"" + cand + "\",\"margin\":0.5}");
            assertThat(gate.status()).as(gate.text()).isEqualTo(201);
            gateId = gate.json().path("id").asText();
        }
        try (TestServer restarted = start(config)) {
            JsonNode run = restarted.get("/api/v1/eval-runs/" + cand, KEY).json();
            assertThat(run.path("status").asText()).isEqualTo("completed");
            assertThat(run.path("progress").path("done").asInt()).isEqualTo(2);
            assertThat(restarted.get("/api/v1/gates/" + gateId, KEY).json().path("inputs").path("evalBaselineRunId").asText())
                    .isEqualTo(base);
            assertThat(restarted.get("/api/v1/agents/calc", KEY).json().path("versions")).hasSize(2);
            assertThat(restarted.get("/api/v1/suites/golden/runs", KEY).json().path("items")).hasSize(2);
        }
    }
}
