package dev.ratchet.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ratchet.common.Json;
import dev.ratchet.server.TestServer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ratchet agents ...} against a real server: what a user types, what they see, and the exit code. */
class AgentsCliTest {

    private static final String KEY = TestServer.ADMIN_KEY;

    @TempDir
    static Path dir;
    static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start(dir.resolve("data"));
        ok(server.post("/api/v1/agents", KEY, """
                {"name":"desk","endpoint":"http://127.0.0.1:9/answer","versions":[{"version":"v1","configuration":{"tone":"warm"}}]}"""));
        ok(server.post("/api/v1/agents", KEY, "{\"name\":\"echo-bot\",\"endpoint\":\"http://127.0.0.1:9/echo\"}"));
        ok(server.post("/api/v1/agents/desk/versions", KEY, """
                {"version":"v2","parent":"v1","layer":"instructions","configuration":{"tone":"warm","instructions":"refunds"},
                 "evidence":{"traces":["t-17"],"cases":["c-3"]}}"""));
        ok(server.post("/api/v1/agents/desk/versions/v2/promote", KEY, "{\"decision\":{\"gate\":\"g-1\"}}"));
        ok(server.post("/api/v1/agents/desk/versions", KEY, """
                {"version":"v3","parent":"v2","layer":"weights","configuration":{"head":"sha256:ab12"}}"""));
    }

    private static void ok(TestServer.Response r) {
        assertThat(r.status()).as(r.text()).isEqualTo(200);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    record Run(int code, String out, String err) {
    }

    static Run ratchet(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        String[] all = new String[args.length + 4];
        System.arraycopy(args, 0, all, 0, args.length);
        all[args.length] = "--url";
        all[args.length + 1] = server.url();
        all[args.length + 2] = "--key";
        all[args.length + 3] = KEY;
        int code = Main.run(new PrintWriter(out, true), new PrintWriter(err, true), all);
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void list_showsEachAgentWithItsCurrentVersionAndCandidates() {
        Run list = ratchet("agents", "list");

        assertThat(list.code()).as(list.err()).isZero();
        assertThat(list.out().lines()).hasSize(3);
        assertThat(list.out().lines().toList().get(1)).contains("desk", "v2", "3", "1", "http://127.0.0.1:9/answer");
        assertThat(list.out().lines().toList().get(2)).contains("echo-bot", " - ", "0");
    }

    @Test
    void versions_isATableInCreationOrder_markingTheCurrentOne() {
        Run versions = ratchet("agents", "versions", "desk");

        assertThat(versions.code()).as(versions.err()).isZero();
        var lines = versions.out().lines().toList();
        assertThat(lines.get(0)).contains("VERSION", "PARENT", "LAYER", "STATUS", "CREATED", "DECIDED");
        assertThat(lines.get(1)).matches("\\s+v1\\s+-\\s+-\\s+registered\\s+\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ\\s+-");
        assertThat(lines.get(2)).matches("\\*\\s+v2\\s+v1\\s+instructions\\s+promoted\\s+\\S+Z\\s+\\S+Z");
        assertThat(lines.get(3)).matches("\\s+v3\\s+v2\\s+weights\\s+candidate\\s+\\S+Z\\s+-");
        assertThat(lines.get(4)).isEqualTo("current: v2");
        assertThat(ratchet("agents", "versions", "echo-bot").out()).contains("no version promoted yet");

        Run json = ratchet("agents", "versions", "desk", "--json");
        assertThat(json.code()).isZero();
        assertThat(Json.readTree(json.out()).path("current").asText()).isEqualTo("v2");
        assertThat(Json.readTree(json.out()).path("items")).hasSize(3);
    }

    @Test
    void show_printsLineageConfigurationEvidenceAndDecision() {
        Run show = ratchet("agents", "show", "desk", "v2");

        assertThat(show.code()).as(show.err()).isZero();
        assertThat(show.out()).contains("desk v2: promoted, changes instructions", "lineage:  v2 <- v1", "decided:",
                "configuration:", "\"instructions\" : \"refunds\"", "evidence:", "\"t-17\"", "decision:", "\"g-1\"");
        assertThat(ratchet("agents", "show", "desk", "v3").out()).contains("lineage:  v3 <- v2 <- v1", "decision: none",
                "evidence: none");
        assertThat(Json.readTree(ratchet("agents", "show", "desk", "v3", "--json").out()).path("lineage")).hasSize(3);
    }

    @Test
    void unknownAgentOrVersion_saysSoAndFails() {
        Run agent = ratchet("agents", "versions", "nobody");
        Run version = ratchet("agents", "show", "desk", "v9");
        Run missingArgument = ratchet("agents", "show", "desk");

        assertThat(agent.code()).isEqualTo(1);
        assertThat(agent.err()).contains("404", "agent 'nobody' not found");
        assertThat(version.code()).isEqualTo(1);
        assertThat(version.err()).contains("agent version 'desk v9' not found");
        assertThat(missingArgument.code()).isEqualTo(2);
        assertThat(missingArgument.err()).contains("VERSION");
    }
}
