package dev.ratchet.server.eval;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ratchet.server.TestServer;
import dev.ratchet.server.TestServer.Response;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Suites over real HTTP on a real server: create, list, get a version with its cases, edit into new versions, add
 * cases, history; frozen eval versions and regression removals; bad input refused naming the field and changing
 * nothing; other projects see nothing. Each test uses suites of its own.
 */
class SuiteApiTest {

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

    /** A case whose input is {"n": n}, expecting {"answer": 2n} exactly. */
    static String doubling(int n) {
        return """
                {"input":{"n":%d},"expected":{"answer":%d},"expectations":[{"type":"exact"}],"tags":["arith"]}"""
                .formatted(n, 2 * n);
    }

    static Response create(String name, String kind, String... cases) {
        return server.post("/api/v1/suites", KEY, "{\"name\":\"" + name + "\",\"kind\":\"" + kind + "\",\"cases\":["
                + String.join(",", cases) + "]}");
    }

    static void assertBad(Response r, String field) {
        assertThat(r.status()).as(r.text()).isEqualTo(400);
        assertThat(r.json().path("error").asText()).isEqualTo("bad_request");
        assertThat(r.json().path("errors").findValuesAsText("field")).as(r.text()).contains(field);
    }

    @Test
    void create_thenGetTheVersion_returnsItsCasesInOrder_andTheSuiteIsListed() {
        Response created = create("golden", "eval", doubling(1), doubling(2));
        assertThat(created.status()).as(created.text()).isEqualTo(201);
        JsonNode v1 = created.json();
        assertThat(v1.path("suiteName").asText()).isEqualTo("golden");
        assertThat(v1.path("kind").asText()).isEqualTo("eval");
        assertThat(v1.path("version").asInt()).isEqualTo(1);
        assertThat(v1.path("caseIds")).hasSize(2);
        assertThat(v1.path("contentHash").asText()).hasSize(64);

        Response got = server.get("/api/v1/suites/golden/versions/1", KEY);
        assertThat(got.status()).as(got.text()).isEqualTo(200);
        JsonNode cases = got.json().path("cases");
        assertThat(cases).hasSize(2);
        assertThat(cases.get(0).path("id").asText()).isEqualTo(v1.path("caseIds").get(0).asText());
        assertThat(cases.get(0).path("input").path("n").asInt()).isEqualTo(1);
        assertThat(cases.get(1).path("expected").path("answer").asInt()).isEqualTo(4);
        assertThat(cases.get(1).path("expectations").get(0).path("type").asText()).isEqualTo("exact");
        assertThat(server.get("/api/v1/suites/golden/versions/latest", KEY).json().path("version").asInt()).isEqualTo(1);
        assertThat(server.get("/api/v1/suites/" + v1.path("suiteId").asText(), KEY).json().path("name").asText())
                .isEqualTo("golden");
        assertThat(server.get("/api/v1/suites", KEY).json().path("items").findValuesAsText("name")).contains("golden");
        String caseId = v1.path("caseIds").get(0).asText();
        assertThat(server.get("/api/v1/cases/" + caseId, KEY).json().path("input").path("n").asInt()).isEqualTo(1);
    }

    @Test
    void edit_ofTheLatestEvalVersion_makesANewVersion_andTheOldOneStaysAsItWas() {
        create("frozen", "eval", doubling(1));

        Response edit = server.post("/api/v1/suites/frozen/versions", KEY,
                "{\"baseVersion\":1,\"add\":[" + doubling(2) + "],\"note\":\"one more\"}");

        assertThat(edit.status()).as(edit.text()).isEqualTo(201);
        assertThat(edit.json().path("created").asBoolean()).isTrue();
        assertThat(edit.json().path("version").path("version").asInt()).isEqualTo(2);
        assertThat(edit.json().path("version").path("note").asText()).isEqualTo("one more");
        assertThat(server.get("/api/v1/suites/frozen/versions/1", KEY).json().path("cases")).hasSize(1);
        assertThat(server.get("/api/v1/suites/frozen/versions/2", KEY).json().path("cases")).hasSize(2);
        assertThat(server.get("/api/v1/suites/frozen", KEY).json().path("latestVersion").asInt()).isEqualTo(2);

        Response again = server.post("/api/v1/suites/frozen/versions", KEY, "{\"baseVersion\":2,\"add\":[" + doubling(2) + "]}");
        assertThat(again.status()).as("the same content again changes nothing").isEqualTo(200);
        assertThat(again.json().path("created").asBoolean()).isFalse();
        assertThat(again.json().path("version").path("version").asInt()).isEqualTo(2);
    }

    @Test
    void edit_ofAFrozenEvalVersion_isRefusedWithAClearReason_andChangesNothing() {
        create("locked", "eval", doubling(1));
        server.post("/api/v1/suites/locked/versions", KEY, "{\"baseVersion\":1,\"add\":[" + doubling(2) + "]}");

        Response stale = server.post("/api/v1/suites/locked/versions", KEY, "{\"baseVersion\":1,\"add\":[" + doubling(3) + "]}");
        Response noBase = server.post("/api/v1/suites/locked/cases", KEY, "{\"cases\":[" + doubling(3) + "]}");
        Response missing = server.post("/api/v1/suites/locked/versions", KEY, "{\"baseVersion\":9,\"add\":[" + doubling(3) + "]}");

        assertBad(stale, "baseVersion");
        assertThat(stale.json().path("errors").get(0).path("reason").asText())
                .contains("version 1 of suite 'locked' is frozen and no longer the latest (2)");
        assertBad(noBase, "baseVersion");
        assertBad(missing, "baseVersion");
        assertThat(server.get("/api/v1/suites/locked", KEY).json().path("latestVersion").asInt()).isEqualTo(2);
    }

    @Test
    void regressionSuite_growsByAddedCases_andARemovalNeedsAReasonThatHistoryKeeps() {
        JsonNode v1 = create("fixed-bugs", "regression", doubling(1)).json();
        String first = v1.path("caseIds").get(0).asText();

        Response added = server.post("/api/v1/suites/fixed-bugs/cases", KEY, "{\"cases\":[" + doubling(2) + "," + doubling(3) + "]}");
        assertThat(added.status()).as(added.text()).isEqualTo(201);
        assertThat(added.json().path("caseIds")).hasSize(2);
        Response noReason = server.post("/api/v1/suites/fixed-bugs/versions", KEY,
                "{\"remove\":[{\"caseId\":\"" + first + "\"}]}");
        assertBad(noReason, "remove[0].reason");
        Response removed = server.post("/api/v1/suites/fixed-bugs/versions", KEY,
                "{\"remove\":[{\"caseId\":\"" + first + "\",\"reason\":\"the refund policy changed\"}]}");
        assertThat(removed.status()).as(removed.text()).isEqualTo(201);

        JsonNode history = server.get("/api/v1/suites/fixed-bugs/history", KEY).json().path("items");
        assertThat(history.findValuesAsText("action")).containsExactly("added", "added", "added", "removed");
        assertThat(history.get(3).path("reason").asText()).isEqualTo("the refund policy changed");
        assertThat(history.get(3).path("version").asInt()).isEqualTo(3);
        assertThat(server.get("/api/v1/suites/fixed-bugs/versions/3", KEY).json().path("cases")).hasSize(2);
    }

    @Test
    void badInput_isRefusedNamingTheField_andStoresNothing() {
        assertBad(create("bad name!", "eval", doubling(1)), "name");
        assertBad(create("bad-kind", "golden", doubling(1)), "kind");
        assertBad(server.post("/api/v1/suites", KEY, "{\"name\":\"bad-x\",\"kind\":\"eval\",\"colour\":1}"), "colour");
        assertBad(server.post("/api/v1/suites", KEY, "{\"name\":\"bad-x\",\"kind\":\"eval\",\"cases\":{}}"), "cases");
        assertBad(create("bad-case", "eval", "{\"input\":{\"n\":1},\"expectations\":[{\"type\":\"exact\"}],\"extra\":1}"),
                "cases[0].extra");
        assertBad(create("bad-case", "eval", "{\"input\":{\"n\":1},\"expectations\":[]}"), "cases[0].expectations");
        assertBad(create("bad-case", "eval", "{\"expected\":1,\"expectations\":[{\"type\":\"exact\"}]}"), "cases[0].input");
        assertBad(create("bad-case", "eval", "{\"input\":1,\"expectations\":[{\"type\":\"telepathy\"}]}"),
                "cases[0].expectations[0].type");
        assertBad(create("bad-case", "eval", "{\"input\":1,\"expectations\":[{\"type\":\"exact\"}],"
                + "\"fixtures\":[{\"kind\":\"fax\",\"name\":\"x\"}]}"), "cases[0].fixtures[0].kind");
        assertBad(create("bad-case", "eval", "{\"input\":1,\"expectations\":[{\"type\":\"exact\"}],"
                + "\"fixtures\":[{\"kind\":\"tool\",\"cost\":\"cheap\"}]}"), "cases[0].fixtures[0].cost");
        assertBad(create("bad-case", "eval", doubling(1), "{\"input\":1,\"expectations\":[{\"type\":\"regex\",\"pattern\":\"(\"}]}"),
                "cases[1].expectations[0].pattern");
        assertBad(server.post("/api/v1/suites", KEY, "{\"name\":"), "$");
        create("taken", "custom");
        assertBad(create("taken", "custom"), "name");

        create("edits", "custom", doubling(1));
        assertBad(server.post("/api/v1/suites/edits/versions", KEY, "{}"), "add");
        assertBad(server.post("/api/v1/suites/edits/versions", KEY, "{\"add\":[{\"input\":1}]}"), "add[0].expectations");
        assertBad(server.post("/api/v1/suites/edits/versions", KEY, "{\"remove\":[{\"caseId\":\"nope\"}]}"), "remove[0].caseId");
        assertBad(server.post("/api/v1/suites/edits/versions", KEY, "{\"remove\":\"all\"}"), "remove");
        assertBad(server.post("/api/v1/suites/edits/versions", KEY, "{\"baseVersion\":\"one\",\"add\":[]}"), "baseVersion");
        assertBad(server.post("/api/v1/suites/edits/cases", KEY, "{}"), "cases");
        assertBad(server.post("/api/v1/suites/edits/cases", KEY, "{\"cases\":[{\"input\":1}]}"), "cases[0].expectations");
        assertBad(server.get("/api/v1/suites/edits/versions/first", KEY), "version");
        assertBad(server.get("/api/v1/suites/edits/versions/0", KEY), "version");

        JsonNode names = server.get("/api/v1/suites", KEY).json().path("items");
        assertThat(names.findValuesAsText("name")).doesNotContain("bad name!", "bad-kind", "bad-x", "bad-case");
        assertThat(server.get("/api/v1/suites/edits", KEY).json().path("latestVersion").asInt()).isEqualTo(1);
    }

    @Test
    void unknownSuiteVersionOrCase_is404_andAnotherProjectSeesNothing() {
        create("private", "eval", doubling(1));

        assertThat(server.get("/api/v1/suites/missing", KEY).status()).isEqualTo(404);
        assertThat(server.get("/api/v1/suites/missing/versions/1", KEY).status()).isEqualTo(404);
        Response noVersion = server.get("/api/v1/suites/private/versions/2", KEY);
        assertThat(noVersion.status()).isEqualTo(404);
        assertThat(noVersion.json().path("message").asText()).contains("version of suite 'private'");
        assertThat(server.post("/api/v1/suites/missing/versions", KEY, "{\"add\":[" + doubling(1) + "]}").status()).isEqualTo(404);
        assertThat(server.get("/api/v1/suites/missing/history", KEY).status()).isEqualTo(404);
        assertThat(server.get("/api/v1/cases/nope", KEY).status()).isEqualTo(404);

        assertThat(server.get("/api/v1/suites/private", otherKey).status()).isEqualTo(404);
        assertThat(server.get("/api/v1/suites", otherKey).json().path("items")).isEmpty();
        String caseId = server.get("/api/v1/suites/private/versions/1", KEY).json().path("caseIds").get(0).asText();
        assertThat(server.get("/api/v1/cases/" + caseId, otherKey).status()).isEqualTo(404);
        assertThat(server.post("/api/v1/suites/private/cases", otherKey, "{\"cases\":[" + doubling(2) + "]}").status())
                .isEqualTo(404);
        assertThat(server.get("/api/v1/suites", null).status()).isEqualTo(401);
    }
}
