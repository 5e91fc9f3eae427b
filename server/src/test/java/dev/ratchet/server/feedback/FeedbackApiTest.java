package dev.ratchet.server.feedback;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ratchet.server.ServerConfig;
import dev.ratchet.server.TestServer;
import dev.ratchet.server.TestServer.Response;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Feedback over HTTP: recording, outcomes, tokens, review and verifiers, good input and bad. */
class FeedbackApiTest {

    static final String KEY = TestServer.ADMIN_KEY;
    static final MutableClock CLOCK = new MutableClock(Instant.parse("2026-11-21T10:00:00Z"));

    @TempDir
    static Path dir;
    static TestServer server;
    static String otherKey;

    @BeforeAll
    static void start() {
        ServerConfig base = ServerConfig.defaults(dir).withPort(0).withBootstrapKey(KEY);
        server = TestServer.start(new ServerConfig(base.host(), 0, dir, null, base.maxBodyBytes(),
                base.maxConcurrentIngest(), KEY, CLOCK));
        otherKey = server.createProject("other");
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static void trace(String key, String id, String... tags) {
        String tagJson = tags.length == 0 ? "" : ",\"tags\":[\"" + String.join("\",\"", tags) + "\"]";
        Response r = server.post("/api/v1/traces", key, """
                {"traces":[{"id":"%s","agent":"desk","input":{"text":"where is my card?"},"output":{"text":"It shipped."},
                 "startTime":"2026-11-21T09:00:00Z"%s,
                 "spans":[{"id":"s-1","kind":"tool","name":"get_card_status","input":{"card":"1234"},"startTime":"2026-11-21T09:00:00Z"}]}]}"""
                .formatted(id, tagJson));
        assertThat(r.status()).as(r.text()).isEqualTo(200);
    }

    static Response feedback(String key, String items) {
        return server.post("/api/v1/feedback", key, "{\"feedback\":[" + items + "]}");
    }

    static JsonNode outcome(String id) {
        return server.get("/api/v1/traces/" + id + "/feedback", KEY).json().path("outcome");
    }

    @Test
    void issueSample_isRecorded_andACorrectionMakesTheTraceAFailure() {
        trace(KEY, "fb-1");
        Response r = feedback(KEY, """
                {"traceId":"fb-1","kind":"thumbs","value":false,"source":"end_user"},
                {"traceId":"fb-1","kind":"correction","value":{"text":"Your card was lost; I have frozen it."},"source":"annotator","authorId":"ann-7"}""");
        assertThat(r.status()).as(r.text()).isEqualTo(200);
        assertThat(r.json().path("stored")).hasSize(2);

        JsonNode list = server.get("/api/v1/traces/fb-1/feedback", KEY).json();
        assertThat(list.path("items").findValuesAsText("kind")).containsExactlyInAnyOrder("thumbs", "correction");
        assertThat(list.path("items").findValuesAsText("authorId")).containsExactly("ann-7");
        assertThat(list.path("items")).anySatisfy(f -> assertThat(f.path("value").path("text").asText())
                .isEqualTo("Your card was lost; I have frozen it."));
        assertThat(list.path("outcome").path("status").asText()).isEqualTo("failure");
    }

    @Test
    void feedbackBeforeItsTrace_isRefused_thenAcceptedOnceTheTraceExists() {
        String item = "{\"traceId\":\"fb-late\",\"kind\":\"thumbs\",\"value\":true,\"idempotencyKey\":\"k-late\"}";
        Response before = feedback(KEY, item);
        assertThat(before.status()).isEqualTo(400);
        assertThat(before.json().path("errors").get(0).path("field").asText()).isEqualTo("traceId");
        trace(KEY, "fb-late");
        Response after = feedback(KEY, item);
        assertThat(after.status()).isEqualTo(200);
        assertThat(feedback(KEY, item).json().path("duplicates")).hasSize(1);
        assertThat(outcome("fb-late").path("status").asText()).isEqualTo("success");
    }

    @Test
    void feedbackWithItsTrace_inOneRestRequest_isRecorded() {
        Response r = server.post("/api/v1/traces", KEY, """
                {"traces":[{"id":"fb-with","agent":"desk","startTime":"2026-11-21T09:00:00Z",
                  "spans":[{"id":"s-1","kind":"tool","name":"lookup","startTime":"2026-11-21T09:00:00Z"}]}],
                 "feedback":[{"traceId":"fb-with","spanId":"s-1","kind":"retried"},
                             {"traceId":"fb-with","kind":"rating","value":2,"scale":{"min":1,"max":5}}]}""");
        assertThat(r.status()).as(r.text()).isEqualTo(200);
        assertThat(r.json().path("feedback").path("stored")).hasSize(2);
        assertThat(outcome("fb-with").path("status").asText()).isEqualTo("failure");

        Response badSpan = server.post("/api/v1/traces", KEY, """
                {"traces":[{"id":"fb-with-2","agent":"desk","startTime":"2026-11-21T09:00:00Z"}],
                 "feedback":[{"traceId":"fb-with-2","spanId":"nope","kind":"accepted"}]}""");
        assertThat(badSpan.status()).isEqualTo(400);
        assertThat(badSpan.json().path("errors").get(0).path("field").asText()).isEqualTo("feedback[0].spanId");
        assertThat(server.get("/api/v1/traces/fb-with-2", KEY).status()).as("nothing stored").isEqualTo(404);
    }

    @Test
    void implicitSignalsInOtlpSpans_areRecordedWithTheirTrace() {
        String otlp = """
                {"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"desk"}}]},
                 "scopeSpans":[{"spans":[{"traceId":"5b8efff798038103d269b633813fc60c","spanId":"eee19b7ec3c1b174",
                   "name":"invoke_agent desk","kind":1,"startTimeUnixNano":"1763719200000000000","endTimeUnixNano":"1763719201000000000",
                   "attributes":[{"key":"ratchet.feedback.escalated","value":{"boolValue":true}}],
                   "events":[{"name":"ratchet.feedback","timeUnixNano":"1763719201000000000","attributes":[
                     {"key":"ratchet.feedback.kind","value":{"stringValue":"rating"}},
                     {"key":"ratchet.feedback.value","value":{"intValue":"1"}},
                     {"key":"ratchet.feedback.author_id","value":{"stringValue":"u-9"}}]},
                     {"name":"ratchet.feedback","timeUnixNano":"1763719201000000000","attributes":[
                     {"key":"ratchet.feedback.kind","value":{"stringValue":"teleport"}}]}]}]}]}]}""";
        Response r = server.post("/v1/traces", KEY, otlp);
        assertThat(r.status()).as(r.text()).isEqualTo(200);
        assertThat(r.json().path("partialSuccess").path("errorMessage").asText()).contains("1 feedback item(s) refused", "kind");
        JsonNode items = server.get("/api/v1/traces/5b8efff798038103d269b633813fc60c/feedback", KEY).json().path("items");
        assertThat(items.findValuesAsText("kind")).containsExactlyInAnyOrder("escalated", "rating");
        assertThat(items.findValuesAsText("spanId")).containsOnly("eee19b7ec3c1b174");
        // An exporter's retry stores nothing twice.
        server.post("/v1/traces", KEY, otlp);
        assertThat(server.get("/api/v1/traces/5b8efff798038103d269b633813fc60c/feedback", KEY).json().path("items")).hasSize(2);
    }

    @Test
    void badFeedback_isRefusedNamingItemAndField_andChangesNothing() {
        trace(KEY, "fb-bad");
        assertThat(feedback(KEY, "{\"traceId\":\"fb-bad\",\"spanId\":\"nope\",\"kind\":\"accepted\"}").json()
                .path("errors").get(0).path("field").asText()).isEqualTo("spanId");
        Response scale = feedback(KEY, "{\"traceId\":\"fb-bad\",\"kind\":\"thumbs\",\"value\":true},"
                + "{\"traceId\":\"fb-bad\",\"kind\":\"rating\",\"value\":7,\"scale\":{\"min\":1,\"max\":5}}");
        assertThat(scale.status()).isEqualTo(400);
        assertThat(scale.json().path("errors").get(0).path("item").asInt()).isEqualTo(1);
        assertThat(scale.json().path("errors").get(0).path("field").asText()).isEqualTo("value");
        assertThat(feedback(KEY, "{\"traceId\":\"fb-bad\",\"kind\":\"vibes\"}").json().path("errors").get(0)
                .path("reason").asText()).contains("thumbs", "correction");
        assertThat(server.post("/api/v1/feedback", KEY, "{\"feedback\":[").status()).isEqualTo(400);
        assertThat(server.get("/api/v1/traces/fb-bad/feedback", KEY).json().path("items")).isEmpty();
    }

    @Test
    void aProjectsKey_cannotGiveFeedbackOnAnotherProjectsTrace() {
        trace(KEY, "fb-mine");
        Response r = feedback(otherKey, "{\"traceId\":\"fb-mine\",\"kind\":\"thumbs\",\"value\":false}");
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.json().path("errors").get(0).path("field").asText()).isEqualTo("traceId");
        assertThat(server.get("/api/v1/traces/fb-mine/feedback", otherKey).status()).isEqualTo(404);
        assertThat(server.get("/api/v1/traces/fb-mine/feedback", KEY).json().path("items")).isEmpty();
        assertThat(server.post("/api/v1/traces/fb-mine/feedback-token", otherKey, "").status()).isEqualTo(404);
    }

    @Test
    void feedbackToken_letsABrowserRateOneTrace_withoutTheKey() {
        trace(KEY, "fb-tok");
        trace(KEY, "fb-tok-other");
        Response issued = server.post("/api/v1/traces/fb-tok/feedback-token", KEY, "{\"ttlSeconds\":600}");
        assertThat(issued.status()).as(issued.text()).isEqualTo(201);
        String token = issued.json().path("token").asText();

        Response ok = publicFeedback(token, "{\"kind\":\"thumbs\",\"value\":true}");
        assertThat(ok.status()).as(ok.text()).isEqualTo(200);
        assertThat(ok.header("Access-Control-Allow-Origin")).isEqualTo("*");
        JsonNode stored = server.get("/api/v1/traces/fb-tok/feedback", KEY).json().path("items").get(0);
        assertThat(stored.path("source").asText()).isEqualTo("end_user");

        assertThat(publicFeedback(token, "{\"traceId\":\"fb-tok-other\",\"kind\":\"thumbs\",\"value\":false}").status())
                .as("a token is for its trace only").isEqualTo(403);
        assertThat(publicFeedback(token, "{\"kind\":\"thumbs\",\"value\":false,\"source\":\"annotator\"}").status())
                .isEqualTo(400);
        assertThat(publicFeedback(null, "{\"kind\":\"thumbs\",\"value\":true}").status()).isEqualTo(401);
        String forged = token.substring(0, token.lastIndexOf('.') + 1) + "AAAA" + token.substring(token.lastIndexOf('.') + 5);
        assertThat(publicFeedback(forged, "{\"kind\":\"thumbs\",\"value\":true}").json().path("message").asText())
                .contains("signature");
        assertThat(publicFeedback(KEY, "{\"kind\":\"thumbs\",\"value\":true}").status()).as("a key is not a token").isEqualTo(401);
        assertThat(server.get("/api/v1/traces/fb-tok-other/feedback", KEY).json().path("items")).isEmpty();

        CLOCK.advance(Duration.ofSeconds(601));
        try {
            Response expired = publicFeedback(token, "{\"kind\":\"thumbs\",\"value\":true}");
            assertThat(expired.status()).isEqualTo(401);
            assertThat(expired.json().path("message").asText()).contains("expired");
        } finally {
            CLOCK.advance(Duration.ofSeconds(-601));
        }
        assertThat(server.post("/api/v1/traces/fb-tok/feedback-token", KEY, "{\"ttlSeconds\":0}").json()
                .path("errors").get(0).path("field").asText()).isEqualTo("ttlSeconds");
        assertThat(server.post("/api/v1/traces/nope/feedback-token", KEY, "").status()).isEqualTo(404);
    }

    @Test
    void tracesCanBeListedByOutcome_andSortedByScore() {
        trace(KEY, "fb-good");
        trace(KEY, "fb-poor");
        feedback(KEY, "{\"traceId\":\"fb-good\",\"kind\":\"rating\",\"value\":5},{\"traceId\":\"fb-poor\",\"kind\":\"rating\",\"value\":1}");
        JsonNode failures = server.get("/api/v1/traces?outcome=failure&limit=1000", KEY).json().path("items");
        assertThat(failures.findValuesAsText("id")).contains("fb-poor").doesNotContain("fb-good");
        assertThat(failures.get(0).path("outcome").asText()).isEqualTo("failure");
        JsonNode worstFirst = server.get("/api/v1/traces?sort=score_asc&limit=1000", KEY).json().path("items");
        assertThat(worstFirst.findValuesAsText("id").indexOf("fb-poor"))
                .isLessThan(worstFirst.findValuesAsText("id").indexOf("fb-good"));
        assertThat(server.get("/api/v1/traces?outcome=great", KEY).json().path("errors").get(0).path("field").asText())
                .isEqualTo("outcome");
        assertThat(server.get("/api/v1/traces?sort=random", KEY).json().path("errors").get(0).path("field").asText())
                .isEqualTo("sort");
    }

    @Test
    void disputedTrace_goesToReview_andTwoAnnotatorsDecideIt() {
        assertThat(server.send(HttpRequest.newBuilder(URI.create(server.url() + "/api/v1/settings/review-rules"))
                .header("Authorization", "Bearer " + otherKey)
                .PUT(HttpRequest.BodyPublishers.ofString("{\"disputed\":true,\"labelsPerItem\":2}")).build()).status())
                .isEqualTo(200);
        trace(otherKey, "fb-rev");
        feedback(otherKey, "{\"traceId\":\"fb-rev\",\"kind\":\"thumbs\",\"value\":true,\"source\":\"end_user\"},"
                + "{\"traceId\":\"fb-rev\",\"kind\":\"thumbs\",\"value\":false,\"source\":\"annotator\",\"authorId\":\"qa\"}");
        assertThat(server.get("/api/v1/traces/fb-rev/feedback", otherKey).json().path("outcome").path("status").asText())
                .isEqualTo("disputed");

        JsonNode first = server.get("/api/v1/review/next?annotator=ann-1", otherKey).json();
        assertThat(first.path("traceId").asText()).isEqualTo("fb-rev");
        assertThat(first.path("reason").asText()).isEqualTo("disputed");
        String item = first.path("id").asText();
        assertThat(server.get("/api/v1/review/next?annotator=ann-2", otherKey).json().path("id").asText()).isEqualTo(item);
        assertThat(server.get("/api/v1/review/next?annotator=ann-3", otherKey).status()).as("two slots only").isEqualTo(204);

        assertThat(server.post("/api/v1/review/" + item + "/label", otherKey,
                "{\"annotator\":\"ann-1\",\"verdict\":\"failure\",\"label\":\"card_lost\"}").json().path("status").asText())
                .isEqualTo("open");
        assertThat(server.post("/api/v1/review/" + item + "/label", otherKey,
                "{\"annotator\":\"ann-2\",\"verdict\":\"failure\",\"label\":\"card_lost\"}").json().path("status").asText())
                .isEqualTo("done");
        JsonNode decided = server.get("/api/v1/traces/fb-rev/feedback", otherKey).json().path("outcome");
        assertThat(decided.path("status").asText()).isEqualTo("failure");
        assertThat(decided.path("reviewed").asBoolean()).isTrue();
        JsonNode agreement = server.get("/api/v1/review/agreement", otherKey).json().path("fields");
        assertThat(agreement.findValuesAsText("field")).contains("verdict");

        assertThat(server.post("/api/v1/review/" + item + "/label", otherKey,
                "{\"annotator\":\"ann-3\",\"verdict\":\"success\"}").status()).as("done items take no labels").isEqualTo(400);
        assertThat(server.post("/api/v1/review/nope/label", otherKey, "{\"annotator\":\"a\",\"verdict\":\"success\"}").status())
                .isEqualTo(404);
        assertThat(server.post("/api/v1/review/" + item + "/label", otherKey, "{\"annotator\":\"a\",\"verdict\":\"meh\"}")
                .json().path("errors").get(0).path("field").asText()).isEqualTo("verdict");
        assertThat(server.get("/api/v1/review/next", otherKey).json().path("errors").get(0).path("field").asText())
                .isEqualTo("annotator");
    }

    @Test
    void reviewEndpoints_badInput_isRefusedNamingTheField() {
        assertThat(server.get("/api/v1/review/items?status=pending", KEY).json().path("errors").get(0).path("field").asText())
                .isEqualTo("status");
        assertThat(server.get("/api/v1/review/items?limit=0", KEY).json().path("errors").get(0).path("field").asText())
                .isEqualTo("limit");
        assertThat(server.get("/api/v1/review/items/nope", KEY).status()).isEqualTo(404);
        assertThat(server.post("/api/v1/review/nope/skip", KEY, "{\"annotator\":\"a\"}").status()).isEqualTo(404);
        assertThat(server.post("/api/v1/review/nope/skip", KEY, "{}").json().path("errors").get(0).path("field").asText())
                .isEqualTo("annotator");
        assertThat(server.post("/api/v1/review/nope/label", KEY, "{\"annotator\":\"a\",\"verdict\":\"success\",\"mood\":1}")
                .json().path("errors").get(0).path("field").asText()).isEqualTo("mood");
        assertThat(server.get("/api/v1/review/items?status=open", KEY).status()).isEqualTo(200);
    }

    @Test
    void verifiers_runAfterIngest_andRecordAutomatedFeedback() throws InterruptedException {
        Response put = put("/api/v1/settings/verifiers", """
                {"verifiers":[{"name":"mentions-card","type":"regex","pattern":"(?i)card"},
                              {"name":"answer-shape","type":"json_schema","schema":"{\\"type\\":\\"object\\",\\"required\\":[\\"text\\",\\"intent\\"]}"}]}""");
        assertThat(put.status()).as(put.text()).isEqualTo(200);
        trace(KEY, "fb-ver");
        server.server().drainVerifiers();
        JsonNode items = server.get("/api/v1/traces/fb-ver/feedback", KEY).json().path("items");
        assertThat(items.findValuesAsText("name")).containsExactlyInAnyOrder("mentions-card", "answer-shape");
        for (JsonNode f : items) {
            assertThat(f.path("kind").asText()).isEqualTo("verifier");
            assertThat(f.path("source").asText()).isEqualTo("system");
            // The output {"text":"It shipped."} mentions no card and has no intent: both checks fail.
            assertThat(f.path("value").asBoolean()).as(f.toString()).isFalse();
        }
        put("/api/v1/settings/verifiers", "{\"verifiers\":[]}");
    }

    @Test
    void badSettings_areRefusedNamingTheField_andKeepTheOldOnes() {
        Response rules = put("/api/v1/settings/outcome-rules", "{\"successThreshold\":2}");
        assertThat(rules.status()).isEqualTo(400);
        assertThat(rules.json().path("errors").get(0).path("field").asText()).isEqualTo("successThreshold");
        Response regex = put("/api/v1/settings/verifiers", "{\"verifiers\":[{\"name\":\"x\",\"type\":\"regex\",\"pattern\":\"(\"}]}");
        assertThat(regex.status()).isEqualTo(400);
        assertThat(regex.json().path("errors").get(0).path("field").asText()).isEqualTo("verifiers[0].pattern");
        Response review = put("/api/v1/settings/review-rules", "{\"labelsPerItem\":0}");
        assertThat(review.json().path("errors").get(0).path("field").asText()).isEqualTo("labelsPerItem");
        assertThat(put("/api/v1/settings/review-rules", "{\"samplePercent\":\"lots\"}").status()).isEqualTo(400);
        assertThat(server.get("/api/v1/settings/outcome-rules", KEY).json().path("successThreshold").asDouble()).isEqualTo(0.3);
        Response weights = put("/api/v1/settings/outcome-rules", "{\"sourceWeights\":{\"end_user\":2.0}}");
        assertThat(weights.status()).as(weights.text()).isEqualTo(200);
        assertThat(weights.json().path("sourceWeights").path("end_user").asDouble()).isEqualTo(2.0);
        put("/api/v1/settings/outcome-rules", "{}");
    }

    private static Response put(String path, String body) {
        return server.send(HttpRequest.newBuilder(URI.create(server.url() + path))
                .header("Authorization", "Bearer " + KEY).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    private static Response publicFeedback(String token, String item) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server.url() + "/public/v1/feedback"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"feedback\":[" + item + "]}"));
        if (token != null) {
            b.header("X-Ratchet-Feedback-Token", token);
        }
        return server.send(b.build());
    }

    /** A clock tests move by hand, to expire tokens without waiting. */
    static final class MutableClock extends Clock {
        private volatile Instant now;

        MutableClock(Instant start) {
            this.now = start;
        }

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
