package dev.ratchet.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ratchet.common.Json;
import dev.ratchet.common.JsonText;
import dev.ratchet.eval.AgentAnswer;
import dev.ratchet.server.TestServer;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * {@code ratchet eval ...} against a real server with an in-process agent it embeds: what a user or a CI job types,
 * what they see, the exit code, and the JUnit report.
 */
class EvalCliTest {

    static final String KEY = TestServer.ADMIN_KEY;

    @TempDir
    static Path dir;
    static TestServer server;

    @BeforeAll
    static void start() throws IOException {
        server = TestServer.start(dir.resolve("data"));
        // Doubles n; wrong (2n + 1) on the numbers in its configuration's "wrongOn".
        server.server().builtInAgents().register("doubler", (request, tools) -> {
            int n = request.input().path("n").intValue();
            boolean wrong = false;
            if (request.configuration() != null) {
                for (JsonNode w : request.configuration().path("wrongOn")) {
                    wrong |= w.asInt() == n;
                }
            }
            return AgentAnswer.of(JsonText.of(Json.MAPPER.createObjectNode().put("answer", 2 * n + (wrong ? 1 : 0))));
        });
        Files.writeString(dir.resolve("cases.json"), "[" + doublings(1, 5) + "]");
        Files.writeString(dir.resolve("reg.json"), "{\"cases\":[" + doublings(6, 7) + "]}");
        assertOk(ratchet(client("eval", "create-suite", "golden", "--kind", "eval", "--cases", dir.resolve("cases.json").toString())));
        assertOk(ratchet(client("eval", "create-suite", "fixed", "--kind", "regression", "--cases", dir.resolve("reg.json").toString())));
        assertOk(ratchet(client("eval", "register-agent", "calc", "--builtin", "doubler", "--version", "v1={\"wrongOn\":[3]}",
                "--version", "v2", "--version", "v3={\"wrongOn\":[6]}")));
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
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--url", server.url(), "--key", KEY));
        return all.toArray(String[]::new);
    }

    static void assertOk(Run r) {
        assertThat(r.code()).as(r.out() + r.err()).isZero();
    }

    static String doublings(int from, int to) {
        List<String> cases = new ArrayList<>();
        for (int n = from; n <= to; n++) {
            cases.add("{\"input\":{\"n\":%d},\"expected\":{\"answer\":%d},\"expectations\":[{\"type\":\"exact\"}]}"
                    .formatted(n, 2 * n));
        }
        return String.join(",", cases);
    }

    /** The run id printed on stderr ("run <id>: ..."). */
    static String runId(Run r) {
        return r.err().lines().filter(l -> l.startsWith("run ")).findFirst().orElseThrow().split("[ :]")[1];
    }

    static Document xml(Path file) throws Exception {
        return DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(file.toFile());
    }

    @Test
    void help_listsTheEvalCommands() {
        assertThat(ratchet("--help").out()).contains("eval");
        assertThat(ratchet("eval", "--help").out()).contains("suites", "create-suite", "show", "cases-from-trace", "agents",
                "register-agent", "run", "compare", "gate");
        assertThat(ratchet("eval", "run", "--help").out()).contains("--suite", "--agent", "--version", "--baseline", "--junit",
                "Exit status");
    }

    @Test
    void run_everyCasePasses_exitsZero_showsProgressAndSummary_andWritesJUnit() throws Exception {
        Path report = dir.resolve("reports/pass.xml");
        Run r = ratchet(client("eval", "run", "--suite", "golden", "--agent", "calc", "--version", "v2", "--junit",
                report.toString(), "--poll-ms", "20"));

        assertOk(r);
        assertThat(r.err()).contains("[" + "#".repeat(30) + "] 5/5 cases");
        assertThat(r.out()).contains("completed: golden v1 against calc v2", "passed 5 of 5 (100.0%, 95% CI",
                "latency p50").doesNotContain("not passed");
        Document doc = xml(report);
        Element suite = (Element) doc.getElementsByTagName("testsuite").item(0);
        assertThat(suite.getAttribute("tests")).isEqualTo("5");
        assertThat(suite.getAttribute("failures")).isEqualTo("0");
        assertThat(suite.getAttribute("name")).isEqualTo("golden v1 / calc v2");
        assertThat(doc.getElementsByTagName("testcase").getLength()).isEqualTo(5);
        assertThat(doc.getElementsByTagName("failure").getLength()).isZero();
    }

    @Test
    void run_aCaseFails_exitsOne_listsIt_andTheJUnitFailureCarriesTheReason() throws Exception {
        Path report = dir.resolve("fail.xml");
        Run r = ratchet(client("eval", "run", "--suite", "golden", "--agent", "calc", "--version", "v1", "--junit",
                report.toString()));

        assertThat(r.code()).as(r.out() + r.err()).isEqualTo(1);
        assertThat(r.out()).contains("passed 4 of 5 (80.0%", "not passed:", "#3", "failed", "exact:");
        NodeList failures = xml(report).getElementsByTagName("failure");
        assertThat(failures.getLength()).isEqualTo(1);
        Element failure = (Element) failures.item(0);
        assertThat(failure.getAttribute("type")).isEqualTo("failed");
        assertThat(failure.getAttribute("message")).startsWith("exact:");
        assertThat(failure.getTextContent()).contains("output: {\"answer\":7}");
        Element testcase = (Element) failure.getParentNode();
        assertThat(testcase.getAttribute("classname")).isEqualTo("golden");
    }

    @Test
    void run_withABaseline_gatesAgainstIt_exitZeroWhenNotWorse_andOneWhenWorse() {
        String good = runId(ratchet(client("eval", "run", "--suite", "golden", "--agent", "calc", "--version", "v2")));

        Run same = ratchet(client("eval", "run", "--suite", "golden", "--agent", "calc", "--version", "v2", "--baseline",
                good, "--margin", "0.5"));
        Run worse = ratchet(client("eval", "run", "--suite", "golden", "--agent", "calc", "--version", "v1", "--baseline", good));

        assertOk(same);
        assertThat(same.out()).contains("gate ", ": PASS", "eval: success 1.0000 -> 1.0000 over 5 cases");
        assertThat(worse.code()).isEqualTo(1);
        assertThat(worse.out()).contains(": FAIL", "1 broken");
        String gateId = worse.out().lines().filter(l -> l.startsWith("gate ")).findFirst().orElseThrow().split("[ :]")[1];
        assertThat(server.get("/api/v1/gates/" + gateId, KEY).json().path("passed").asBoolean()).as("stored").isFalse();
    }

    @Test
    void run_ofARegressionSuiteWithABaseline_failsWhenACaseTheBaselinePassedBreaks() {
        String base = runId(ratchet(client("eval", "run", "--suite", "fixed", "--agent", "calc", "--version", "v2")));

        Run kept = ratchet(client("eval", "run", "--suite", "fixed", "--agent", "calc", "--version", "v1", "--baseline", base));
        Run broke = ratchet(client("eval", "run", "--suite", "fixed", "--agent", "calc", "--version", "v3", "--baseline", base));

        assertOk(kept);
        assertThat(kept.out()).contains("PASS: no case the baseline passed fails");
        assertThat(broke.code()).isEqualTo(1);
        assertThat(broke.out()).contains("1 broken", "FAIL: 1 case(s) the baseline passed fail");
    }

    @Test
    void run_badInput_isExplained_withTheExitCodeForIt() {
        Run unknownSuite = ratchet(client("eval", "run", "--suite", "nope", "--agent", "calc", "--version", "v1"));
        assertThat(unknownSuite.code()).isEqualTo(1);
        assertThat(unknownSuite.err()).contains("400", "suite: no suite 'nope' in this project");
        Run unknownVersion = ratchet(client("eval", "run", "--suite", "golden", "--suite-version", "9", "--agent", "calc",
                "--version", "v1"));
        assertThat(unknownVersion.err()).contains("suiteVersion: suite 'golden' has no version 9");
        Run unknownAgentVersion = ratchet(client("eval", "run", "--suite", "golden", "--agent", "calc", "--version", "v9"));
        assertThat(unknownAgentVersion.err()).contains("agentVersion: agent 'calc' has no version 'v9'");
        Run unknownBaseline = ratchet(client("eval", "run", "--suite", "golden", "--agent", "calc", "--version", "v2",
                "--baseline", "no-such-run"));
        assertThat(unknownBaseline.code()).isEqualTo(1);
        assertThat(unknownBaseline.err()).contains("evalBaselineRunId: no run 'no-such-run'");
        assertThat(ratchet(client("eval", "run", "--suite", "golden", "--version", "v1")).code()).as("--agent").isEqualTo(2);
        Run poll = ratchet(client("eval", "run", "--suite", "golden", "--agent", "calc", "--version", "v1", "--poll-ms", "1"));
        assertThat(poll.code()).isEqualTo(2);
        assertThat(poll.err()).contains("--poll-ms");
        Run margin = ratchet(client("eval", "run", "--suite", "golden", "--agent", "calc", "--version", "v1", "--margin", "0.1"));
        assertThat(margin.code()).isEqualTo(2);
        assertThat(margin.err()).contains("--margin: only with --baseline");
        Run concurrency = ratchet(client("eval", "run", "--suite", "golden", "--agent", "calc", "--version", "v1",
                "--concurrency", "0"));
        assertThat(concurrency.err()).contains("concurrency: must be 1 to 256");
    }

    @Test
    void suitesShowAndHistory_printWhatIsStored() {
        Run suites = ratchet(client("eval", "suites"));
        assertOk(suites);
        assertThat(suites.out()).contains("golden", "eval", "fixed", "regression");
        Run show = ratchet(client("eval", "show", "golden"));
        assertOk(show);
        assertThat(show.out()).contains("eval suite golden v1: 5 cases", "{\"n\":3}", "{\"answer\":6}");
        Run history = ratchet(client("eval", "show", "fixed", "--history"));
        assertOk(history);
        assertThat(history.out().lines().filter(l -> l.startsWith("v1 ") && l.contains("added"))).hasSize(2);
        assertThat(ratchet(client("eval", "show", "golden", "--suite-version", "1", "--json")).out()).contains("\"caseIds\"");

        Run unknown = ratchet(client("eval", "show", "nope"));
        assertThat(unknown.code()).isEqualTo(1);
        assertThat(unknown.err()).contains("404", "suite 'nope' not found");
        assertThat(ratchet(client("eval", "show", "golden", "--suite-version", "7")).err()).contains("404");
    }

    @Test
    void createSuiteAndRegisterAgent_badInput_isExplained() throws IOException {
        Run kind = ratchet(client("eval", "create-suite", "odd", "--kind", "golden"));
        assertThat(kind.code()).isEqualTo(1);
        assertThat(kind.err()).contains("kind: unknown kind 'golden'");
        Path notJson = dir.resolve("not.json");
        Files.writeString(notJson, "cases: none");
        Run file = ratchet(client("eval", "create-suite", "odd", "--kind", "eval", "--cases", notJson.toString()));
        assertThat(file.code()).isEqualTo(2);
        assertThat(file.err()).contains("--cases: must be JSON");
        Run missing = ratchet(client("eval", "create-suite", "odd", "--kind", "eval", "--cases", dir.resolve("nope.json").toString()));
        assertThat(missing.code()).isEqualTo(1);
        assertThat(missing.err()).contains("cannot read");
        Files.writeString(dir.resolve("bad-case.json"), "[{\"input\":1}]");
        Run noExpectations = ratchet(client("eval", "create-suite", "odd", "--kind", "eval", "--cases",
                dir.resolve("bad-case.json").toString()));
        assertThat(noExpectations.err()).contains("cases[0].expectations");
        assertThat(ratchet(client("eval", "suites")).out()).doesNotContain("odd");

        Run builtin = ratchet(client("eval", "register-agent", "x", "--builtin", "telepath", "--version", "v1"));
        assertThat(builtin.code()).isEqualTo(1);
        assertThat(builtin.err()).contains("builtin: this server embeds no agent 'telepath'; embedded: doubler");
        Run config = ratchet(client("eval", "register-agent", "x", "--builtin", "doubler", "--version", "v1={oops"));
        assertThat(config.code()).isEqualTo(2);
        assertThat(config.err()).contains("--version: must be JSON");
        Run changed = ratchet(client("eval", "register-agent", "calc", "--builtin", "doubler", "--version", "v2={\"wrongOn\":[1]}"));
        assertThat(changed.code()).isEqualTo(1);
        assertThat(changed.err()).contains("a version never changes");
        Run agents = ratchet(client("eval", "agents"));
        assertOk(agents);
        assertThat(agents.out()).contains("calc", "built-in doubler", "v1, v2, v3", "built-ins of this server: doubler")
                .doesNotContain("telepath");
    }

    @Test
    void compareAndGate_printTheComparisonAndExitOnTheVerdict() {
        String v1 = runId(ratchet(client("eval", "run", "--suite", "golden", "--agent", "calc", "--version", "v1")));
        String v2 = runId(ratchet(client("eval", "run", "--suite", "golden", "--agent", "calc", "--version", "v2")));

        Run compare = ratchet(client("eval", "compare", v2, v1));
        assertOk(compare);
        assertThat(compare.out()).contains("5 cases: 1 fixed, 0 broken, 4 still passing", "exact McNemar p = 1", "fixed: ");
        Run pass = ratchet(client("eval", "gate", "--eval-baseline", v2, "--eval-candidate", v2, "--margin", "0.5",
                "--change", "same"));
        assertOk(pass);
        assertThat(pass.out()).contains(": PASS", "regression: no regression run given");
        Run fail = ratchet(client("eval", "gate", "--eval-baseline", v2, "--eval-candidate", v1));
        assertThat(fail.code()).isEqualTo(1);
        assertThat(fail.out()).contains(": FAIL");

        Run unknown = ratchet(client("eval", "compare", v2, "no-such-run"));
        assertThat(unknown.code()).isEqualTo(1);
        assertThat(unknown.err()).contains("404");
        Run margin = ratchet(client("eval", "gate", "--eval-baseline", v2, "--eval-candidate", v1, "--margin", "0.9"));
        assertThat(margin.code()).isEqualTo(1);
        assertThat(margin.err()).contains("margin: must be from 0 to 0.5");
        assertThat(ratchet(client("eval", "gate", "--eval-baseline", v2)).code()).as("--eval-candidate").isEqualTo(2);
    }

    @Test
    void casesFromTrace_addsTheCaseToASuite_orPrintsIt() {
        server.post("/api/v1/traces", KEY, """
                {"traces":[{"id":"cli-eval-1","agent":"desk","input":{"n":8},"output":{"answer":17},
                 "startTime":"2026-11-21T10:00:00Z"}]}""");
        server.post("/api/v1/feedback", KEY, """
                {"feedback":[{"traceId":"cli-eval-1","kind":"correction","value":{"answer":16},"source":"annotator"}]}""");

        Run printed = ratchet(client("eval", "cases-from-trace", "cli-eval-1"));
        assertOk(printed);
        assertThat(Json.readTree(printed.out()).path("case").path("expected").path("answer").asInt()).isEqualTo(16);
        Run added = ratchet(client("eval", "cases-from-trace", "cli-eval-1", "--suite", "fixed", "--tag", "from-cli",
                "--expect", "{\"type\":\"exact\",\"path\":\"/answer\"}"));
        assertOk(added);
        assertThat(added.out()).startsWith("added ").contains("(from cli-eval-1) to fixed v2");
        assertThat(ratchet(client("eval", "cases-from-trace", "cli-eval-1", "--suite", "fixed", "--tag", "from-cli",
                "--expect", "{\"type\":\"exact\",\"path\":\"/answer\"}")).out()).startsWith("already in the suite: ");

        Run unknown = ratchet(client("eval", "cases-from-trace", "no-such-trace"));
        assertThat(unknown.code()).isEqualTo(1);
        assertThat(unknown.err()).contains("404", "trace 'no-such-trace' not found");
        Run badExpect = ratchet(client("eval", "cases-from-trace", "cli-eval-1", "--expect", "{type: exact}"));
        assertThat(badExpect.code()).isEqualTo(2);
        assertThat(badExpect.err()).contains("--expect: must be JSON");
        Run frozen = ratchet(client("eval", "cases-from-trace", "cli-eval-1", "--suite", "golden"));
        assertThat(frozen.code()).isEqualTo(1);
        assertThat(frozen.err()).contains("baseVersion: required for an eval suite");
    }

    @Test
    void serve_badPublicUrl_isAUsageError() {
        Run r = ratchet("serve", "--public-url", "ftp://ratchet", "--port", "0", "--data-dir", dir.resolve("unused").toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("--public-url");
    }
}
