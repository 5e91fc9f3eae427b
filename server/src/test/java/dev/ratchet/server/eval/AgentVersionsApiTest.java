package dev.ratchet.server.eval;

import static dev.ratchet.server.eval.EvalApi.assertBad;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ratchet.server.TestServer;
import dev.ratchet.server.TestServer.Response;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Agent versions over HTTP: propose, promote, reject, the list with the current version, one with its lineage. */
class AgentVersionsApiTest {

    private static final String ADMIN = TestServer.ADMIN_KEY;

    @TempDir
    static Path dir;
    static TestServer server;
    static String member;
    static String otherProject;

    @BeforeAll
    static void start() {
        server = TestServer.start(dir);
        otherProject = server.createProject("beta");
        Response key = server.post("/api/v1/projects/default/keys", ADMIN, "{\"name\":\"dev\",\"role\":\"member\"}");
        assertThat(key.status()).as(key.text()).isEqualTo(201);
        member = key.json().path("secret").asText();
        EvalApi.register(server, ADMIN, """
                {"name":"desk","endpoint":"http://127.0.0.1:9/answer","versions":[{"version":"v1","configuration":{"tone":"warm"}}]}""");
        for (String name : List.of("bad-input", "retry")) {
            EvalApi.register(server, ADMIN, "{\"name\":\"" + name + "\",\"endpoint\":\"http://127.0.0.1:9/answer\","
                    + "\"versions\":[{\"version\":\"v1\"}]}");
        }
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static List<String> texts(JsonNode array, String field) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(field == null ? n.asText() : n.path(field).asText()));
        return out;
    }

    @Test
    void proposePromoteReject_thenTheListShowsTheCurrentVersion_andOneVersionItsLineage() {
        JsonNode before = server.get("/api/v1/agents/desk/versions", ADMIN).json();
        assertThat(before.path("agent").asText()).isEqualTo("desk");
        assertThat(before.get("current").isNull()).as("current is written, as null").isTrue();
        JsonNode v1 = before.path("items").get(0);
        assertThat(v1.path("status").asText()).isEqualTo("registered");
        List<String> fields = new ArrayList<>();
        v1.fieldNames().forEachRemaining(fields::add);
        assertThat(fields).as("every field, null where not set").containsExactly("version", "parent", "layer", "status",
                "configuration", "evidence", "decision", "createdAt", "decidedAt");

        Response proposed = server.post("/api/v1/agents/desk/versions", member, """
                {"version":"v2","parent":"v1","layer":"instructions","configuration":{"tone":"warm","instructions":"refunds"},
                 "evidence":{"traces":["t-1","t-2"],"cases":["c-9"],"evalRuns":["r-1"]}}""");
        assertThat(proposed.status()).as(proposed.text()).isEqualTo(200);
        assertThat(proposed.json().path("status").asText()).isEqualTo("candidate");
        Response promoted = server.post("/api/v1/agents/desk/versions/v2/promote", ADMIN,
                "{\"decision\":{\"gate\":\"g-1\",\"reasons\":[\"eval: not worse\"]}}");
        assertThat(promoted.status()).as(promoted.text()).isEqualTo(200);
        assertThat(server.post("/api/v1/agents/desk/versions", member, """
                {"version":"v3","parent":"v2","layer":"memory","configuration":{"memorySnapshot":"s-2"}}""").status())
                .isEqualTo(200);
        Response rejected = server.post("/api/v1/agents/desk/versions/v3/reject", ADMIN,
                "{\"decision\":{\"reasons\":[\"2 cases broken\"]}}");
        assertThat(rejected.status()).as(rejected.text()).isEqualTo(200);

        JsonNode list = server.get("/api/v1/agents/desk/versions", member).json();
        assertThat(list.path("current").asText()).isEqualTo("v2");
        assertThat(texts(list.path("items"), "version")).containsExactly("v1", "v2", "v3");
        assertThat(texts(list.path("items"), "status")).containsExactly("registered", "promoted", "rejected");
        assertThat(list.path("items").get(1).path("decision").path("gate").asText()).isEqualTo("g-1");
        assertThat(list.path("items").get(1).path("decidedAt").asText()).isNotEmpty();

        JsonNode v3 = server.get("/api/v1/agents/desk/versions/v3", member).json();
        assertThat(texts(v3.path("lineage"), null)).containsExactly("v3", "v2", "v1");
        assertThat(v3.path("parent").asText()).isEqualTo("v2");
        assertThat(v3.path("layer").asText()).isEqualTo("memory");
        assertThat(v3.path("configuration").path("memorySnapshot").asText()).isEqualTo("s-2");
        assertThat(v3.get("evidence").isNull()).isTrue();
        assertThat(v3.path("decision").path("reasons").get(0).asText()).isEqualTo("2 cases broken");
        JsonNode v2 = server.get("/api/v1/agents/desk/versions/v2", member).json();
        assertThat(v2.path("evidence").path("traces").get(1).asText()).isEqualTo("t-2");

        JsonNode agents = server.get("/api/v1/agents", member).json();
        assertThat(agents.path("items").get(0).path("name").asText()).isEqualTo("bad-input");
        assertThat(agents.path("items").get(0).has("current")).isFalse();
        assertThat(agents.path("items").get(1).path("name").asText()).isEqualTo("desk");
        assertThat(agents.path("items").get(1).path("current").asText()).isEqualTo("v2");
        assertThat(server.get("/api/v1/agents/desk", member).json().path("versions")).hasSize(3);
    }

    @Test
    void propose_sameProposalAgain_isIdempotent() {
        String body = "{\"version\":\"again\",\"parent\":\"v1\",\"configuration\":{\"tone\":\"curt\"}}";
        Response first = server.post("/api/v1/agents/retry/versions", member, body);
        Response second = server.post("/api/v1/agents/retry/versions", member, body);

        assertThat(second.status()).isEqualTo(200);
        assertThat(second.json()).isEqualTo(first.json());
        assertBad(server.post("/api/v1/agents/retry/versions", member,
                "{\"version\":\"again\",\"configuration\":{\"tone\":\"warm\"}}"), "version");
    }

    @Test
    void badInput_isA400NamingTheField_andChangesNothing() {
        String path = "/api/v1/agents/bad-input/versions";
        assertBad(server.post(path, member, "{\"version\":\"x1\",\"configuration\":{},\"colour\":\"red\"}"), "colour");
        assertBad(server.post(path, member, "{\"version\":7,\"configuration\":{}}"), "version");
        assertBad(server.post(path, member, "{\"version\":\"x1\",\"configuration\":{},\"layer\":\"vibes\"}"), "layer");
        assertBad(server.post(path, member, "{\"version\":\"x1\",\"configuration\":{},\"parent\":\"v0\"}"), "parent");
        assertBad(server.post(path, member, "{\"version\":\"x1\"}"), "configuration");
        assertBad(server.post(path, member, "{\"version\":\"x1\",\"configuration\":{},\"evidence\":[\"t-1\"]}"), "evidence");
        assertBad(server.post(path, member, "{\"version\":"), "$");
        assertBad(server.post(path, member, "[]"), "$");

        Response registered = server.post(path + "/v1/promote", ADMIN, "");
        assertBad(registered, "status");
        assertThat(registered.json().path("errors").get(0).path("reason").asText())
                .isEqualTo("version 'v1' of agent 'bad-input' is registered; only a candidate can be promoted");
        assertThat(server.post(path, member, "{\"version\":\"x2\",\"configuration\":{}}").status()).isEqualTo(200);
        assertBad(server.post(path + "/x2/promote", ADMIN, "{\"decision\":\"because\"}"), "decision");
        assertBad(server.post(path + "/x2/reject", ADMIN, "{\"why\":{}}"), "why");
        Response byMember = server.post(path + "/x2/promote", member, "");
        assertThat(byMember.status()).as(byMember.text()).isEqualTo(403);

        assertThat(texts(server.get(path, member).json().path("items"), "version")).containsExactly("v1", "x2");
        assertThat(server.get(path + "/x2", member).json().path("status").asText()).isEqualTo("candidate");
    }

    @Test
    void unknownAgentOrVersion_andAnotherProjectsAgent_are404() {
        assertNotFound(server.get("/api/v1/agents/nobody/versions", ADMIN), "agent 'nobody' not found");
        assertNotFound(server.get("/api/v1/agents/nobody/versions/v1", ADMIN), "agent 'nobody' not found");
        assertNotFound(server.get("/api/v1/agents/desk/versions/v9", ADMIN), "agent version 'desk v9' not found");
        assertNotFound(server.post("/api/v1/agents/desk/versions/v9/promote", ADMIN, ""), "agent version 'desk v9' not found");
        assertNotFound(server.post("/api/v1/agents/nobody/versions", member, "{\"version\":\"v2\",\"configuration\":{}}"),
                "agent 'nobody' not found");

        assertNotFound(server.get("/api/v1/agents/desk/versions", otherProject), "agent 'desk' not found");
        assertNotFound(server.get("/api/v1/agents/desk/versions/v1", otherProject), "agent 'desk' not found");
        assertNotFound(server.post("/api/v1/agents/desk/versions", otherProject,
                "{\"version\":\"intruder\",\"configuration\":{}}"), "agent 'desk' not found");
        assertThat(server.get("/api/v1/agents", otherProject).json().path("items")).isEmpty();
        assertThat(server.get("/api/v1/agents/desk/versions/intruder", ADMIN).status()).isEqualTo(404);
    }

    private static void assertNotFound(Response r, String message) {
        assertThat(r.status()).as(r.text()).isEqualTo(404);
        assertThat(r.json().path("error").asText()).isEqualTo("not_found");
        assertThat(r.json().path("message").asText()).isEqualTo(message);
    }
}
