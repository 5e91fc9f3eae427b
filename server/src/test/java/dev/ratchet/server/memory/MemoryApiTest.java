package dev.ratchet.server.memory;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ratchet.server.TestServer;
import dev.ratchet.server.TestServer.Response;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Memory over HTTP with the real embedding model: write, search, supersede, isolate, refuse bad input, snapshot. */
class MemoryApiTest {

    static final String KEY = TestServer.ADMIN_KEY;

    @TempDir
    static Path dir;
    static TestServer server;
    static String otherKey;

    @BeforeAll
    static void start() {
        server = TestServer.start(dir);
        otherKey = server.createProject("other");
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static Response write(String key, String items) {
        return server.post("/api/v1/memory", key, "{\"items\":[" + items + "]}");
    }

    static Response search(String key, String body) {
        return server.post("/api/v1/memory/search", key, body);
    }

    static int count(String agent) {
        return server.get("/api/v1/memory?agent=" + agent + "&limit=1000", KEY).json().path("items").size();
    }

    @Test
    void write_thenSearch_findsTheItemWithItsSignals() {
        Response w = write(KEY, """
                {"agent":"desk","kind":"correction","text":"A lost card must be frozen before a replacement is ordered.",
                 "provenance":{"traceIds":["t-1"],"feedbackIds":["f-1"]}},
                {"agent":"desk","kind":"fact","text":"Refunds take five business days to reach the account."}""");
        assertThat(w.status()).as(w.text()).isEqualTo(200);
        JsonNode results = w.json().path("results");
        assertThat(results).hasSize(2);
        assertThat(results.findValuesAsText("action")).containsExactly("created", "created");
        String id = results.get(0).path("id").asText();

        Response s = search(KEY, "{\"query\":\"customer lost their card\",\"agent\":\"desk\",\"k\":5}");
        assertThat(s.status()).as(s.text()).isEqualTo(200);
        JsonNode top = s.json().path("items").get(0);
        assertThat(top.path("item").path("id").asText()).isEqualTo(id);
        assertThat(top.path("item").path("kind").asText()).isEqualTo("correction");
        assertThat(top.path("item").path("provenance").path("traceIds").get(0).asText()).isEqualTo("t-1");
        assertThat(top.path("score").asDouble()).isBetween(0.0, 1.0);
        assertThat(top.path("signals").toString()).contains("vector");

        JsonNode got = server.get("/api/v1/memory/" + id, KEY).json();
        assertThat(got.path("text").asText()).startsWith("A lost card");
        assertThat(got.path("status").asText()).isEqualTo("active");
    }

    @Test
    void correctionWithTheSameKey_supersedesTheFact_andKeepsHistory() {
        Response first = write(KEY, """
                {"agent":"desk","kind":"fact","text":"The daily card limit is 500 euros.","key":"card.daily_limit","value":{"eur":500}}""");
        assertThat(first.status()).as(first.text()).isEqualTo(200);
        String oldId = first.json().path("results").get(0).path("id").asText();

        Response second = write(KEY, """
                {"agent":"desk","kind":"correction","text":"The daily card limit is 1000 euros since November.","key":"card.daily_limit","value":{"eur":1000}}""");
        assertThat(second.status()).as(second.text()).isEqualTo(200);
        JsonNode r = second.json().path("results").get(0);
        assertThat(r.path("action").asText()).isEqualTo("superseded");
        assertThat(r.path("supersededId").asText()).isEqualTo(oldId);
        String newId = r.path("id").asText();

        JsonNode old = server.get("/api/v1/memory/" + oldId, KEY).json();
        assertThat(old.path("status").asText()).isEqualTo("superseded");
        assertThat(old.path("supersededBy").asText()).isEqualTo(newId);

        JsonNode hits = search(KEY, "{\"query\":\"what is the daily card limit\",\"agent\":\"desk\"}").json().path("items");
        assertThat(hits.findValuesAsText("id")).contains(newId).doesNotContain(oldId);
        JsonNode byKey = search(KEY, "{\"query\":\"card.daily_limit\",\"agent\":\"desk\",\"k\":1}").json().path("items").get(0);
        assertThat(byKey.path("item").path("id").asText()).isEqualTo(newId);
        assertThat(byKey.path("signals").toString()).contains("key");
        assertThat(byKey.path("item").path("value").path("eur").asInt()).isEqualTo(1000);

        JsonNode superseded = server.get("/api/v1/memory?agent=desk&status=superseded", KEY).json().path("items");
        assertThat(superseded.findValuesAsText("id")).contains(oldId);
    }

    @Test
    void anotherProject_cannotSearchGetOrDiffThisProjectsMemory() {
        Response w = write(KEY, "{\"agent\":\"iso\",\"kind\":\"fact\",\"text\":\"The vault code is kept by the branch manager.\"}");
        String id = w.json().path("results").get(0).path("id").asText();
        String snap = server.post("/api/v1/memory/snapshots", KEY, "{\"agent\":\"iso\"}").json().path("id").asText();

        JsonNode hits = search(otherKey, "{\"query\":\"vault code\",\"agent\":\"iso\"}").json().path("items");
        assertThat(hits).isEmpty();
        assertThat(server.get("/api/v1/memory/" + id, otherKey).status()).isEqualTo(404);
        assertThat(server.get("/api/v1/memory?agent=iso", otherKey).json().path("items")).isEmpty();
        Response diff = server.get("/api/v1/memory/snapshots/" + snap + "/diff/" + snap, otherKey);
        assertThat(diff.status()).as(diff.text()).isEqualTo(404);
        assertThat(server.get("/api/v1/memory/snapshots/" + snap + "/diff/" + snap, KEY).status()).isEqualTo(200);
    }

    @Test
    void badInput_isRefusedNamingTheField_andStoresNothing() {
        int before = count("bad");
        assertBad(write(KEY, "{\"agent\":\"bad\",\"kind\":\"fact\",\"text\":\"  \"}"), "text");
        assertBad(write(KEY, "{\"agent\":\"bad\",\"kind\":\"fact\",\"text\":\"" + "x".repeat(8001) + "\"}"), "text");
        assertBad(write(KEY, "{\"agent\":\"bad\",\"kind\":\"rumour\",\"text\":\"ok\"}"), "kind");
        assertBad(write(KEY, "{\"kind\":\"fact\",\"text\":\"no agent\"}"), "agent");
        assertBad(write(KEY, "{\"agent\":\"bad\",\"kind\":\"fact\",\"text\":\"ok\",\"colour\":\"red\"}"), "items[0].colour");
        assertBad(write(KEY, "{\"agent\":\"bad\",\"kind\":\"fact\",\"text\":\"ok\",\"ttlSeconds\":\"soon\"}"),
                "items[0].ttlSeconds");
        assertBad(write(KEY, "{\"agent\":\"bad\",\"kind\":\"fact\",\"text\":\"ok\"}, {\"agent\":\"bad\",\"kind\":\"fact\"}"),
                "text");
        assertBad(server.post("/api/v1/memory", KEY, "{\"items\":[{\"agent\":\"bad\""), "$");
        assertBad(search(KEY, "{\"query\":\"x\",\"agent\":\"bad\",\"k\":0}"), "k");
        assertBad(search(KEY, "{\"query\":\"x\",\"agent\":\"bad\",\"k\":101}"), "k");
        assertBad(search(KEY, "{\"query\":\"x\",\"k\":5}"), "agent");
        assertBad(search(KEY, "{\"query\":\"x\",\"agent\":\"bad\",\"limit\":5}"), "limit");
        assertBad(server.get("/api/v1/memory?agent=bad&status=lost", KEY), "status");
        assertThat(count("bad")).isEqualTo(before).isZero();
    }

    static void assertBad(Response r, String field) {
        assertThat(r.status()).as(r.text()).isEqualTo(400);
        assertThat(r.json().path("errors").findValuesAsText("field")).as(r.text()).contains(field);
    }

    @Test
    void snapshot_thenWrite_thenDiff_showsTheAddedItem() {
        write(KEY, "{\"agent\":\"snap\",\"kind\":\"procedure\",\"text\":\"Verify the caller's identity before any change.\"}");
        Response a = server.post("/api/v1/memory/snapshots", KEY, "{\"agent\":\"snap\"}");
        assertThat(a.status()).as(a.text()).isEqualTo(200);
        assertThat(a.json().path("itemCount").asInt()).isEqualTo(1);
        Response again = server.post("/api/v1/memory/snapshots", KEY, "{\"agent\":\"snap\"}");
        assertThat(again.json().path("id").asText()).as("same state, same snapshot").isEqualTo(a.json().path("id").asText());

        String added = write(KEY, "{\"agent\":\"snap\",\"kind\":\"preference\",\"text\":\"This customer prefers email over phone calls.\"}")
                .json().path("results").get(0).path("id").asText();
        JsonNode b = server.post("/api/v1/memory/snapshots", KEY, "{\"agent\":\"snap\"}").json();
        assertThat(b.path("itemCount").asInt()).isEqualTo(2);

        Response diff = server.get("/api/v1/memory/snapshots/" + a.json().path("id").asText() + "/diff/" + b.path("id").asText(), KEY);
        assertThat(diff.status()).as(diff.text()).isEqualTo(200);
        assertThat(diff.json().path("added").toString()).contains(added);
        assertThat(diff.json().path("removed")).isEmpty();
        assertThat(diff.json().path("changed")).isEmpty();

        assertThat(server.post("/api/v1/memory/reindex", KEY, "").json().path("reindexed").asBoolean()).isTrue();
        assertThat(search(KEY, "{\"query\":\"contact by email\",\"agent\":\"snap\"}").json().path("items").toString())
                .contains(added);
        assertThat(server.get("/api/v1/memory/snapshots/nope/diff/" + b.path("id").asText(), KEY).status()).isEqualTo(404);
    }
}
