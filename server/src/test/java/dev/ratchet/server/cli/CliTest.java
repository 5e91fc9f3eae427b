package dev.ratchet.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ratchet.server.TestServer;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CLI against a real server: what a user types, what they see, and the exit code. */
class CliTest {

    @TempDir
    static Path dir;
    static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start(dir.resolve("data"));
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
        int code = Main.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new Run(code, out.toString(), err.toString());
    }

    static String[] client(String... args) {
        String[] all = new String[args.length + 4];
        System.arraycopy(args, 0, all, 0, args.length);
        all[args.length] = "--url";
        all[args.length + 1] = server.url();
        all[args.length + 2] = "--key";
        all[args.length + 3] = TestServer.ADMIN_KEY;
        return all;
    }

    @Test
    void help_listsTheCommands() {
        Run r = ratchet("--help");
        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("serve", "traces", "feedback", "review", "memory", "projects", "bench");
        assertThat(ratchet("traces", "--help").out()).contains("list", "show", "ingest");
    }

    @Test
    void ingestListShow_roundTrip() throws IOException {
        Path file = dir.resolve("batch.json");
        Files.writeString(file, """
                {"traces":[{"id":"cli-1","agent":"desk","input":{"text":"lost my card"},"startTime":"2026-11-21T10:00:00Z",
                 "spans":[{"id":"a","kind":"agent","name":"triage","startTime":"2026-11-21T10:00:00Z"},
                          {"id":"b","parentId":"a","kind":"tool","name":"freeze_card","input":{"card":"9"},"output":{"ok":true},
                           "startTime":"2026-11-21T10:00:00.2Z"}]}]}""");
        Run ingest = ratchet(client("traces", "ingest", file.toString()));
        assertThat(ingest.code()).as(ingest.err()).isZero();
        assertThat(ingest.out()).contains("stored 1 traces, 2 spans");

        Run list = ratchet(client("traces", "list", "--agent", "desk"));
        assertThat(list.code()).isZero();
        assertThat(list.out()).contains("cli-1", "lost my card");

        Run show = ratchet(client("traces", "show", "cli-1"));
        assertThat(show.code()).isZero();
        assertThat(show.out()).contains("agent   desk", "- agent triage", "    - tool freeze_card", "freeze_card({\"card\":\"9\"})");
    }

    @Test
    void dataDir_suppliesUrlAndKey() {
        server.post("/api/v1/traces", TestServer.ADMIN_KEY, """
                {"traces":[{"id":"dd-1","agent":"dd","startTime":"2026-11-21T10:00:00Z"}]}""");
        // The server wrote its URL to data/endpoint; no --url is given.
        Run r = ratchet("traces", "show", "dd-1", "--data-dir", dir.resolve("data").toString(), "--key", TestServer.ADMIN_KEY);
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("dd-1");
    }

    @Test
    void showUnknownTrace_failsWithTheServersMessage() {
        Run r = ratchet(client("traces", "show", "no-such-trace"));
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).contains("404", "no-such-trace");
    }

    @Test
    void ingestInvalidFile_printsEveryFieldError() throws IOException {
        Path file = dir.resolve("bad.json");
        Files.writeString(file, "{\"traces\":[{\"spans\":[{\"kind\":\"robot\",\"name\":\"x\",\"startTime\":\"now\"}]}]}");
        Run r = ratchet(client("traces", "ingest", file.toString()));
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).contains("item 0: agent: required", "item 0: spans[0].kind", "item 0: spans[0].startTime");
        Run missing = ratchet(client("traces", "ingest", dir.resolve("nope.json").toString()));
        assertThat(missing.code()).isEqualTo(1);
        assertThat(missing.err()).contains("cannot read");
    }

    @Test
    void badArguments_areUsageErrors() {
        assertThat(ratchet("frobnicate").code()).isEqualTo(2);
        assertThat(ratchet(client("traces", "list", "--limit", "many")).code()).isEqualTo(2);
        Run limit = ratchet(client("traces", "list", "--limit", "0"));
        assertThat(limit.code()).isEqualTo(1);
        assertThat(limit.err()).contains("limit");
        Run port = ratchet("serve", "--port", "70000", "--data-dir", dir.resolve("unused").toString());
        assertThat(port.code()).isEqualTo(2);
        assertThat(port.err()).contains("--port");
        for (String[] bad : new String[][] {{"--memory-vector-weight", "1.5"}, {"--memory-recency-weight", "-1"},
                {"--memory-merge-threshold", "0"}, {"--memory-capacity", "0"}, {"--memory-half-life-days", "0"},
                {"--judge-url", "localhost:11434"}, {"--judge-url", "http://localhost:11434", "--judge-model"}, {"--judge-model", "m"}}) {
            Run r = ratchet("serve", bad[0], bad[1], "--port", "0", "--data-dir", dir.resolve("unused").toString());
            assertThat(r.code()).as(String.join(" ", bad)).isEqualTo(2);
            assertThat(r.err()).as(String.join(" ", bad)).contains(bad.length > 2 ? bad[2] : bad[0]);
        }
        assertThat(dir.resolve("unused")).doesNotExist();
    }

    @Test
    void noKey_or_noServer_isExplained() {
        Run noKey = ratchet("traces", "list", "--url", server.url(), "--data-dir", dir.resolve("empty").toString());
        assertThat(noKey.code()).isEqualTo(1);
        assertThat(noKey.err()).contains("no API key");
        Run wrongKey = ratchet("traces", "list", "--url", server.url(), "--key", "rk_wrongwrongwrongwrong");
        assertThat(wrongKey.code()).isEqualTo(1);
        assertThat(wrongKey.err()).contains("401");
        Run noServer = ratchet("traces", "list", "--url", "http://127.0.0.1:1", "--key", TestServer.ADMIN_KEY);
        assertThat(noServer.code()).isEqualTo(1);
        assertThat(noServer.err()).contains("cannot reach");
    }

    @Test
    void feedbackAddAndList_recordAndShowTheOutcome() {
        server.post("/api/v1/traces", TestServer.ADMIN_KEY, """
                {"traces":[{"id":"cli-fb","agent":"desk","startTime":"2026-11-21T10:00:00Z",
                 "spans":[{"id":"s","kind":"tool","name":"lookup","startTime":"2026-11-21T10:00:00Z"}]}]}""");
        Run add = ratchet(client("feedback", "add", "cli-fb", "--kind", "correction", "--value", "{\"text\":\"It was lost.\"}",
                "--source", "annotator", "--author", "ann-1"));
        assertThat(add.code()).as(add.err()).isZero();
        assertThat(add.out()).contains("recorded", "outcome of cli-fb: failure");
        Run rating = ratchet(client("feedback", "add", "cli-fb", "--kind", "rating", "--value", "9", "--scale", "0..10",
                "--span", "s", "--idempotency-key", "r-1"));
        assertThat(rating.code()).as(rating.err()).isZero();
        assertThat(ratchet(client("feedback", "add", "cli-fb", "--kind", "rating", "--value", "9", "--scale", "0..10",
                "--span", "s", "--idempotency-key", "r-1")).out()).contains("already recorded");

        Run list = ratchet(client("feedback", "list", "cli-fb"));
        assertThat(list.code()).isZero();
        assertThat(list.out()).contains("outcome: failure", "correction", "annotator", "ann-1", "rating");
    }

    @Test
    void feedbackAdd_badInput_isExplained() {
        Run unknownTrace = ratchet(client("feedback", "add", "no-such-trace", "--kind", "thumbs", "--value", "true"));
        assertThat(unknownTrace.code()).isEqualTo(1);
        assertThat(unknownTrace.err()).contains("traceId");
        Run badKind = ratchet(client("feedback", "add", "cli-1", "--kind", "vibes"));
        assertThat(badKind.code()).isEqualTo(1);
        assertThat(badKind.err()).contains("kind");
        Run badScale = ratchet(client("feedback", "add", "cli-1", "--kind", "rating", "--value", "3", "--scale", "1-5"));
        assertThat(badScale.code()).isEqualTo(2);
        assertThat(badScale.err()).contains("--scale");
        assertThat(ratchet(client("feedback", "add", "cli-1")).code()).as("--kind is required").isEqualTo(2);
        assertThat(ratchet(client("feedback", "list", "no-such-trace")).code()).isEqualTo(1);
    }

    @Test
    void memoryAddSearchList_rememberAndFind() {
        Run add = ratchet(client("memory", "add", "--agent", "cli-mem", "--kind", "fact", "--item-key", "branch.hours",
                "--value", "{\"open\":\"09:00\"}", "The branch opens at nine in the morning."));
        assertThat(add.code()).as(add.err()).isZero();
        assertThat(add.out()).startsWith("stored ");
        String id = add.out().trim().split("\\s+")[1];
        Run replace = ratchet(client("memory", "add", "--agent", "cli-mem", "--kind", "correction", "--item-key", "branch.hours",
                "The branch opens at half past eight since Monday."));
        assertThat(replace.code()).as(replace.err()).isZero();
        assertThat(replace.out()).contains("supersedes " + id);

        Run search = ratchet(client("memory", "search", "--agent", "cli-mem", "--k", "3", "when does the branch open"));
        assertThat(search.code()).as(search.err()).isZero();
        assertThat(search.out()).contains("SCORE", "half past eight").doesNotContain(id);

        Run list = ratchet(client("memory", "list", "--agent", "cli-mem"));
        assertThat(list.code()).as(list.err()).isZero();
        assertThat(list.out()).contains(id, "superseded", "active", "branch.hours");

        Run snapshot = ratchet(client("memory", "snapshot", "--agent", "cli-mem"));
        assertThat(snapshot.code()).as(snapshot.err()).isZero();
        String snap = snapshot.out().split("\\s+")[1];
        Run diff = ratchet(client("memory", "diff", snap, snap));
        assertThat(diff.code()).as(diff.err()).isZero();
        assertThat(diff.out()).contains("added: 0", "removed: 0", "changed: 0");
        assertThat(ratchet(client("memory", "reindex")).out()).contains("rebuilt");
    }

    @Test
    void memory_badInput_isExplained() {
        Run badKind = ratchet(client("memory", "add", "--agent", "cli-mem", "--kind", "rumour", "some text"));
        assertThat(badKind.code()).isEqualTo(1);
        assertThat(badKind.err()).contains("kind");
        Run badK = ratchet(client("memory", "search", "--agent", "cli-mem", "--k", "0", "anything"));
        assertThat(badK.code()).isEqualTo(1);
        assertThat(badK.err()).contains("k:");
        Run badValue = ratchet(client("memory", "add", "--agent", "cli-mem", "--kind", "fact", "--value", "{oops", "text"));
        assertThat(badValue.code()).isEqualTo(2);
        assertThat(badValue.err()).contains("--value");
        assertThat(ratchet(client("memory", "add", "--kind", "fact", "text")).code()).as("--agent is required").isEqualTo(2);
        assertThat(ratchet(client("memory", "list", "--agent", "cli-mem", "--status", "lost")).code()).isEqualTo(1);
    }

    @Test
    void reviewNextAndLabel_walkAnAnnotatorThroughTheQueue() {
        String key = server.createProject("cli-review");
        server.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(server.url() + "/api/v1/settings/review-rules"))
                .header("Authorization", "Bearer " + key)
                .PUT(java.net.http.HttpRequest.BodyPublishers.ofString("{\"tags\":[\"risky\"]}")).build());
        server.post("/api/v1/traces", key, """
                {"traces":[{"id":"cli-rv","agent":"desk","tags":["risky"],"input":{"text":"close my account"},
                 "startTime":"2026-11-21T10:00:00Z"}]}""");
        String[] auth = {"--url", server.url(), "--key", key};
        Run next = ratchet(concat(new String[] {"review", "next", "--annotator", "ann-1"}, auth));
        assertThat(next.code()).as(next.err()).isZero();
        assertThat(next.out()).contains("tag:risky", "close my account");
        String item = next.out().lines().filter(l -> l.startsWith("item ")).findFirst().orElseThrow().split("\\s+")[1];
        Run label = ratchet(concat(new String[] {"review", "label", item, "--annotator", "ann-1", "--verdict", "failure"}, auth));
        assertThat(label.code()).as(label.err()).isZero();
        assertThat(label.out()).contains("done");
        assertThat(ratchet(concat(new String[] {"review", "next", "--annotator", "ann-1"}, auth)).out()).contains("nothing to review");
        Run bad = ratchet(concat(new String[] {"review", "label", item, "--annotator", "ann-2", "--verdict", "maybe"}, auth));
        assertThat(bad.code()).isEqualTo(1);
        assertThat(bad.err()).contains("verdict");
        assertThat(ratchet("review", "next").code()).as("--annotator is required").isEqualTo(2);
        assertThat(ratchet(concat(new String[] {"review", "agreement"}, auth)).out()).contains("FIELD");
    }

    private static String[] concat(String[] a, String[] b) {
        String[] all = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }

    @Test
    void projects_createAndKey_needAnAdmin() {
        Run created = ratchet(client("projects", "create", "cli-proj"));
        assertThat(created.code()).as(created.err()).isZero();
        String memberKey = created.out().lines().filter(l -> l.startsWith("key (shown once): "))
                .findFirst().orElseThrow().substring("key (shown once): ".length());
        assertThat(ratchet(client("projects", "list")).out()).contains("cli-proj", "default");
        Run denied = ratchet("projects", "create", "other", "--url", server.url(), "--key", memberKey);
        assertThat(denied.code()).isEqualTo(1);
        assertThat(denied.err()).contains("403");
        Run bad = ratchet(client("projects", "create", "Not Valid"));
        assertThat(bad.code()).isEqualTo(1);
        assertThat(bad.err()).contains("id:");
        assertThat(ratchet(client("projects", "key", "cli-proj", "--name", "ci")).out()).contains("key (shown once): rk_");
    }
}
