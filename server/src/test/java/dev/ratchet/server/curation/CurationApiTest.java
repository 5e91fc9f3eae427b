package dev.ratchet.server.curation;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ratchet.server.TestServer;
import dev.ratchet.server.TestServer.Response;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Curation over real HTTP, with the real embedding model: corrections sent by every way in become memory,
 * review promotes what fell short, the policy is read, replaced and guarded, the log tells what happened. Each
 * test works in a project of its own, with an admin key of that project.
 */
class CurationApiTest {

    @TempDir
    static Path dir;
    static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start(dir);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    /** A new project and an admin key of it. */
    static String adminOf(String project) {
        server.createProject(project);
        Response key = server.post("/api/v1/projects/" + project + "/keys", TestServer.ADMIN_KEY,
                "{\"name\":\"admin\",\"role\":\"admin\"}");
        assertThat(key.status()).as(key.text()).isEqualTo(201);
        return key.json().path("secret").asText();
    }

    static void trace(String key, String id, String agent, String input) {
        Response r = server.post("/api/v1/traces", key, """
                {"traces":[{"id":"%s","agent":"%s","input":{"text":"%s"},"output":{"text":"I do not know."},
                 "startTime":"2026-11-21T09:00:00Z"}]}""".formatted(id, agent, input));
        assertThat(r.status()).as(r.text()).isEqualTo(200);
    }

    /** Records feedback items and returns the id stored for the first. */
    static String feedback(String key, String items) {
        Response r = server.post("/api/v1/feedback", key, "{\"feedback\":[" + items + "]}");
        assertThat(r.status()).as(r.text()).isEqualTo(200);
        return r.json().path("stored").get(0).asText();
    }

    static JsonNode memory(String key, String agent) {
        Response r = server.get("/api/v1/memory?agent=" + agent, key);
        assertThat(r.status()).as(r.text()).isEqualTo(200);
        return r.json().path("items");
    }

    static JsonNode decision(String key, String feedbackId) {
        Response r = server.get("/api/v1/curation/log/" + feedbackId, key);
        assertThat(r.status()).as(r.text()).isEqualTo(200);
        return r.json();
    }

    static Response put(String key, String body) {
        return server.send(HttpRequest.newBuilder(URI.create(server.url() + "/api/v1/settings/curation"))
                .PUT(HttpRequest.BodyPublishers.ofString(body))
                .header("Authorization", "Bearer " + key)
                .build());
    }

    @Test
    void humanCorrection_becomesMemoryOfTheTracesAgent_searchableAndTracedToItsFeedback() {
        String key = adminOf("cur-human");
        trace(key, "h-1", "desk", "Where is my new card?");

        String fid = feedback(key, """
                {"traceId":"h-1","kind":"correction","value":{"text":"New cards arrive within five working days."},
                 "source":"annotator","authorId":"ann-7"}""");
        server.server().drainCuration();

        JsonNode items = memory(key, "desk");
        assertThat(items).hasSize(1);
        JsonNode item = items.get(0);
        assertThat(item.path("kind").asText()).isEqualTo("correction");
        assertThat(item.path("text").asText())
                .isEqualTo("Input: Where is my new card?\nCorrect answer: New cards arrive within five working days.");
        assertThat(item.path("provenance").path("feedbackIds").get(0).asText()).isEqualTo(fid);
        assertThat(item.path("provenance").path("traceIds").get(0).asText()).isEqualTo("h-1");
        assertThat(item.path("value").path("text").asText()).isEqualTo("New cards arrive within five working days.");

        Response search = server.post("/api/v1/memory/search", key,
                "{\"query\":\"when will my card arrive\",\"agent\":\"desk\",\"k\":3}");
        assertThat(search.json().path("items").get(0).path("item").path("id").asText())
                .isEqualTo(item.path("id").asText());
        assertThat(server.post("/api/v1/memory/search", key, "{\"query\":\"when will my card arrive\",\"agent\":\"other\"}")
                .json().path("items")).isEmpty();

        JsonNode d = decision(key, fid);
        assertThat(d.path("status").asText()).isEqualTo("written");
        assertThat(d.path("memoryId").asText()).isEqualTo(item.path("id").asText());
        assertThat(d.path("memoryAction").asText()).isEqualTo("created");
        assertThat(d.path("key").asText()).isEqualTo("where is my new card");
        JsonNode log = server.get("/api/v1/curation/log?traceId=h-1", key).json();
        assertThat(log.path("items").findValuesAsText("feedbackId")).containsExactly(fid);
        assertThat(log.path("queued").asLong()).isZero();
        assertThat(log.path("failing").asLong()).isZero();
        assertThat(server.get("/api/v1/curation/log/" + fid, TestServer.ADMIN_KEY).status())
                .as("another project's key").isEqualTo(404);
    }

    @Test
    void correctionsSentWithTraces_withAToken_andOverOtlp_areCuratedToo() {
        String key = adminOf("cur-doors");
        Response withTraces = server.post("/api/v1/traces", key, """
                {"traces":[{"id":"d-1","agent":"desk","input":{"text":"Can I change my PIN?"},"startTime":"2026-11-21T09:00:00Z"}],
                 "feedback":[{"traceId":"d-1","kind":"correction","value":{"text":"Yes, at any ATM of ours."},"source":"annotator"}]}""");
        assertThat(withTraces.status()).as(withTraces.text()).isEqualTo(200);

        trace(key, "d-2", "desk", "Do you charge for top-ups?");
        String token = server.post("/api/v1/traces/d-2/feedback-token", key, "").json().path("token").asText();
        Response byToken = server.post("/public/v1/feedback", null, """
                {"feedback":[{"kind":"correction","value":{"text":"Top-ups by bank transfer are free."}}]}"""
                .getBytes(java.nio.charset.StandardCharsets.UTF_8), java.util.Map.of("Content-Type", "application/json",
                "X-Ratchet-Feedback-Token", token));
        assertThat(byToken.status()).as(byToken.text()).isEqualTo(200);

        Response otlp = server.post("/v1/traces", key, """
                {"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"desk"}}]},
                 "scopeSpans":[{"spans":[{"traceId":"7b8efff798038103d269b633813fc60c","spanId":"aee19b7ec3c1b174",
                   "name":"invoke_agent desk","kind":1,"startTimeUnixNano":"1763719200000000000","endTimeUnixNano":"1763719201000000000",
                   "attributes":[{"key":"gen_ai.operation.name","value":{"stringValue":"invoke_agent"}},
                                 {"key":"input.value","value":{"stringValue":"How do I close my account?"}}],
                   "events":[{"name":"ratchet.feedback","timeUnixNano":"1763719201000000000","attributes":[
                     {"key":"ratchet.feedback.kind","value":{"stringValue":"correction"}},
                     {"key":"ratchet.feedback.value","value":{"stringValue":"{\\"text\\":\\"Close it in the app under Settings.\\"}"}},
                     {"key":"ratchet.feedback.source","value":{"stringValue":"end_user"}}]}]}]}]}]}""");
        assertThat(otlp.status()).as(otlp.text()).isEqualTo(200);
        server.server().drainCuration();

        JsonNode log = server.get("/api/v1/curation/log", key).json().path("items");
        assertThat(log.findValuesAsText("status")).containsOnly("written").hasSize(3);
        List<String> texts = new ArrayList<>();
        memory(key, "desk").forEach(i -> texts.add(i.path("text").asText()));
        assertThat(texts).containsExactlyInAnyOrder(
                "Input: Can I change my PIN?\nCorrect answer: Yes, at any ATM of ours.",
                "Input: Do you charge for top-ups?\nCorrect answer: Top-ups by bank transfer are free.",
                "Input: How do I close my account?\nCorrect answer: Close it in the app under Settings.");
    }

    @Test
    void lowConfidenceAutomatedCorrection_waitsForAHumanReview_thenIsWritten() {
        String key = adminOf("cur-review");
        assertThat(put(key, "{}").status()).isEqualTo(200);
        Response rules = server.send(HttpRequest.newBuilder(URI.create(server.url() + "/api/v1/settings/review-rules"))
                .PUT(HttpRequest.BodyPublishers.ofString("{\"samplePercent\":100}"))
                .header("Authorization", "Bearer " + key).build());
        assertThat(rules.status()).as(rules.text()).isEqualTo(200);
        trace(key, "r-1", "desk", "What is the interest rate on savings?");

        String fid = feedback(key, """
                {"traceId":"r-1","kind":"correction","value":{"text":"2.5 percent a year."},"source":"system",
                 "name":"judge","confidence":0.55}""");
        server.server().drainCuration();
        assertThat(memory(key, "desk")).isEmpty();
        JsonNode skipped = decision(key, fid);
        assertThat(skipped.path("status").asText()).isEqualTo("skipped");
        assertThat(skipped.path("reason").asText()).contains("0.55 is below the minimum 0.80");

        JsonNode item = server.get("/api/v1/review/next?annotator=ann-1", key).json();
        Response label = server.post("/api/v1/review/" + item.path("id").asText() + "/label", key,
                "{\"annotator\":\"ann-1\",\"verdict\":\"failure\"}");
        assertThat(label.status()).as(label.text()).isEqualTo(200);
        server.server().drainCuration();

        assertThat(memory(key, "desk")).hasSize(1);
        JsonNode written = decision(key, fid);
        assertThat(written.path("status").asText()).isEqualTo("written");
        assertThat(written.path("reason").asText()).isEqualTo("promoted by a human review that found the output wrong");
    }

    @Test
    void replayedCorrection_isWrittenOnce_andALaterOneOfTheSameInputSupersedesIt() {
        String key = adminOf("cur-replay");
        trace(key, "p-1", "desk", "Where is my card?");
        String body = """
                {"traceId":"p-1","kind":"correction","value":{"text":"It was sent on Monday."},"idempotencyKey":"c-1"}""";
        String first = feedback(key, body);
        Response replay = server.post("/api/v1/feedback", key, "{\"feedback\":[" + body + "]}");
        assertThat(replay.json().path("duplicates").get(0).asText()).isEqualTo(first);
        server.server().drainCuration();
        assertThat(memory(key, "desk")).hasSize(1);

        trace(key, "p-2", "desk", "where is my card");
        String second = feedback(key, """
                {"traceId":"p-2","kind":"correction","value":{"text":"It was lost; a new one is on its way."}}""");
        server.server().drainCuration();

        JsonNode d1 = decision(key, first);
        JsonNode d2 = decision(key, second);
        assertThat(d2.path("memoryAction").asText()).isEqualTo("superseded");
        assertThat(d2.path("supersededId").asText()).isEqualTo(d1.path("memoryId").asText());
        JsonNode old = server.get("/api/v1/memory/" + d1.path("memoryId").asText(), key).json();
        assertThat(old.path("status").asText()).isEqualTo("superseded");
        assertThat(old.path("supersededBy").asText()).isEqualTo(d2.path("memoryId").asText());
        assertThat(memory(key, "desk")).hasSize(2);
    }

    @Test
    void disputedCorrection_andCorrectionsWhileDisabled_areNotWritten() {
        String key = adminOf("cur-no");
        trace(key, "n-1", "desk", "Can I pay with my watch?");
        String disputed = feedback(key, """
                {"traceId":"n-1","kind":"correction","value":{"text":"No."},"source":"end_user","authorId":"u-1"},
                {"traceId":"n-1","kind":"approval","value":true,"source":"annotator","authorId":"ann-1"}""");
        server.server().drainCuration(); // decided while curation is on, before the switch below

        assertThat(put(key, "{\"enabled\":false}").json().path("enabled").asBoolean()).isFalse();
        trace(key, "n-2", "desk", "Can I pay with my phone?");
        String whileDisabled = feedback(key, """
                {"traceId":"n-2","kind":"correction","value":{"text":"Yes."},"source":"annotator"}""");
        server.server().drainCuration();

        assertThat(memory(key, "desk")).isEmpty();
        assertThat(decision(key, disputed).path("reason").asText()).startsWith("disputed: a positive 'approval' from annotator");
        assertThat(server.get("/api/v1/curation/log/" + whileDisabled, key).status()).isEqualTo(404);
        assertThat(server.get("/api/v1/curation/log?status=skipped", key).json().path("items")).hasSize(1);
    }

    @Test
    void policy_isReadReplacedAndGuarded_andBadPoliciesChangeNothing() {
        String key = adminOf("cur-settings");
        String member = server.post("/api/v1/projects/cur-settings/keys", TestServer.ADMIN_KEY, "{\"name\":\"m\"}")
                .json().path("secret").asText();

        JsonNode defaults = server.get("/api/v1/settings/curation", member).json();
        assertThat(defaults.path("enabled").asBoolean()).isTrue();
        assertThat(defaults.path("minConfidence").asDouble()).isEqualTo(0.8);
        assertThat(defaults.path("sources").path("end_user").asText()).isEqualTo("always");
        assertThat(defaults.path("sources").path("system").asText()).isEqualTo("threshold");
        assertThat(defaults.path("kind").asText()).isEqualTo("correction");
        assertThat(defaults.path("scope").asText()).isEqualTo("agent");
        assertThat(defaults.has("ttlSeconds")).isFalse();

        Response changed = put(key, "{\"minConfidence\":0.9,\"sources\":{\"system\":\"never\"},\"ttlSeconds\":86400}");
        assertThat(changed.status()).as(changed.text()).isEqualTo(200);
        assertThat(changed.json().path("sources").path("system").asText()).isEqualTo("never");
        assertThat(changed.json().path("sources").path("annotator").asText()).isEqualTo("always");
        JsonNode stored = server.get("/api/v1/settings/curation", key).json();
        assertThat(stored).isEqualTo(changed.json());

        Response bad = put(key, "{\"minConfidence\":1.2,\"sources\":{\"robot\":\"always\"},\"scope\":\"world\",\"colour\":1}");
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.json().path("error").asText()).isEqualTo("bad_request");
        assertThat(bad.json().path("errors").findValuesAsText("field"))
                .containsExactlyInAnyOrder("minConfidence", "sources.robot", "scope", "colour");
        assertThat(bad.json().path("errors").findValuesAsText("reason")).contains("must be a number from 0 to 1");
        assertThat(put(key, "{\"minConfidence\":").status()).isEqualTo(400);
        assertThat(put(key, "[1]").status()).isEqualTo(400);
        Response forbidden = put(member, "{\"enabled\":false}");
        assertThat(forbidden.status()).isEqualTo(403);
        assertThat(server.get("/api/v1/settings/curation", key).json()).isEqualTo(stored);

        assertThat(server.get("/api/v1/curation/log?limit=0", key).status()).isEqualTo(400);
        assertThat(server.get("/api/v1/curation/log?status=maybe", key).json().path("errors").get(0).path("field")
                .asText()).isEqualTo("status");
        assertThat(server.get("/api/v1/curation/log?trace=x", key).json().path("errors").get(0).path("field")
                .asText()).isEqualTo("trace");
        assertThat(server.get("/api/v1/curation/log/nope", key).status()).isEqualTo(404);
    }
}
