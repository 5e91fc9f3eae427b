package dev.ratchet.server.eval;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ratchet.server.TestServer;
import dev.ratchet.server.TestServer.Response;

/** Small steps the eval API tests share. */
final class EvalApi {

    private EvalApi() {
    }

    /** Starts a run and returns its id, asserting the 202. */
    static String start(TestServer server, String key, String body) {
        Response r = server.post("/api/v1/eval-runs", key, body);
        assertThat(r.status()).as(r.text()).isEqualTo(202);
        return r.json().path("id").asText();
    }

    /** Polls a run until it is no longer running (at most 30 s) and returns it. */
    static JsonNode await(TestServer server, String key, String runId) {
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (true) {
            Response r = server.get("/api/v1/eval-runs/" + runId, key);
            assertThat(r.status()).as(r.text()).isEqualTo(200);
            JsonNode run = r.json();
            if (!run.path("status").asText().equals("running")) {
                return run;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("run " + runId + " still running after 30 s: " + run);
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    /** Starts a run and waits for it. */
    static JsonNode run(TestServer server, String key, String body) {
        return await(server, key, start(server, key, body));
    }

    static JsonNode results(TestServer server, String key, String runId) {
        Response r = server.get("/api/v1/eval-runs/" + runId + "/results", key);
        assertThat(r.status()).as(r.text()).isEqualTo(200);
        return r.json().path("items");
    }

    static void register(TestServer server, String key, String body) {
        Response r = server.post("/api/v1/agents", key, body);
        assertThat(r.status()).as(r.text()).isEqualTo(200);
    }

    static void assertBad(Response r, String field) {
        assertThat(r.status()).as(r.text()).isEqualTo(400);
        assertThat(r.json().path("error").asText()).isEqualTo("bad_request");
        assertThat(r.json().path("errors").findValuesAsText("field")).as(r.text()).contains(field);
    }
}
