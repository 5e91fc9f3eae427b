package dev.ratchet.server.eval;

import static dev.ratchet.server.eval.EvalApi.register;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ratchet.eval.AgentAnswer;
import dev.ratchet.server.TestServer;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A server that stops while a run is in progress ends the run, and the run says so after a restart. */
class EvalRunShutdownTest {

    static final String KEY = TestServer.ADMIN_KEY;

    @TempDir
    Path dir;

    @Test
    void stoppingTheServer_endsItsRunsAsFailed_withTheResultsSoFar() throws Exception {
        CountDownLatch inFlight = new CountDownLatch(1);
        String runId;
        try (TestServer server = TestServer.start(dir)) {
            server.server().builtInAgents().register("stuck", (request, tools) -> {
                inFlight.countDown();
                new CountDownLatch(1).await(); // until the server interrupts it
                return AgentAnswer.of(null);
            });
            server.post("/api/v1/suites", KEY, "{\"name\":\"long\",\"kind\":\"custom\",\"cases\":["
                    + "{\"input\":1,\"expectations\":[{\"type\":\"exact\",\"value\":1}]},"
                    + "{\"input\":2,\"expectations\":[{\"type\":\"exact\",\"value\":2}]}]}");
            register(server, KEY, "{\"name\":\"stuck\",\"builtin\":\"stuck\",\"versions\":[{\"version\":\"v1\"}]}");
            runId = EvalApi.start(server, KEY, "{\"suite\":\"long\",\"agent\":\"stuck\",\"agentVersion\":\"v1\","
                    + "\"concurrency\":1}");
            assertThat(inFlight.await(10, TimeUnit.SECONDS)).isTrue();
            assertThat(server.server().evalRuns().inProgress(runId)).isTrue();
        }
        try (TestServer restarted = TestServer.start(dir)) {
            JsonNode run = restarted.get("/api/v1/eval-runs/" + runId, KEY).json();

            assertThat(run.path("status").asText()).isEqualTo("failed");
            assertThat(run.path("error").asText()).startsWith("interrupted after 1 of 2 cases were started");
            assertThat(run.path("progress").path("total").asInt()).isEqualTo(2);
            assertThat(EvalApi.results(restarted, KEY, runId).findValuesAsText("reason")).containsExactly("interrupted");
        }
    }
}
