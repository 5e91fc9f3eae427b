package dev.ratchet.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ratchet.common.BadInputException;
import dev.ratchet.common.Json;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code ratchet eval suites|create-suite|show|cases-from-trace|agents|register-agent|run|compare|gate}: evaluation
 * through the REST API. {@code run} is the one for CI: it starts a run, shows its progress on stderr, prints the
 * summary, optionally writes JUnit XML, and exits non-zero when the candidate fails ({@link Run}).
 */
@Command(name = "eval", mixinStandardHelpOptions = true,
        description = "Suites of replayable cases, runs against an agent version, comparisons and the gate.",
        subcommands = {EvalCommand.Suites.class, EvalCommand.CreateSuite.class, EvalCommand.Show.class,
                EvalCommand.CasesFromTrace.class, EvalCommand.Agents.class, EvalCommand.RegisterAgent.class,
                EvalCommand.Run.class, EvalCommand.Compare.class, EvalCommand.Gate.class})
final class EvalCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "suites", mixinStandardHelpOptions = true, description = "List the project's suites.")
    static final class Suites implements Callable<Integer> {
        @Mixin ClientOptions client;
        @CommandLine.Spec CommandLine.Model.CommandSpec spec;
        @Option(names = "--json", description = "Print the raw JSON") boolean json;

        @Override
        public Integer call() {
            JsonNode r = client.client().get("/api/v1/suites", Map.of());
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
                out.println(r.toPrettyString());
                return 0;
            }
            out.printf("%-32s %-10s %7s  %s%n", "NAME", "KIND", "LATEST", "UPDATED");
            for (JsonNode s : r.path("items")) {
                out.printf("%-32s %-10s %7s  %s%n", s.path("name").asText(), s.path("kind").asText(),
                        "v" + s.path("latestVersion").asInt(), s.path("updatedAt").asText());
            }
            return 0;
        }
    }

    @Command(name = "create-suite", mixinStandardHelpOptions = true,
            description = "Create a suite (version 1), empty or with the cases of a JSON file.")
    static final class CreateSuite implements Callable<Integer> {
        @Mixin ClientOptions client;
        @CommandLine.Spec CommandLine.Model.CommandSpec spec;
        @Parameters(paramLabel = "NAME") String name;
        @Option(names = "--kind", required = true, description = "eval (frozen), regression (grows) or custom") String kind;
        @Option(names = "--description") String description;
        @Option(names = "--cases", paramLabel = "FILE", description = "JSON: an array of cases, or {\"cases\": [..]}")
        Path cases;

        @Override
        public Integer call() {
            ObjectNode body = Json.MAPPER.createObjectNode().put("name", name).put("kind", kind);
            if (description != null) {
                body.put("description", description);
            }
            if (cases != null) {
                JsonNode file = readJson(cases, "--cases");
                JsonNode list = file.isArray() ? file : file.path("cases");
                if (!list.isArray()) {
                    throw new BadInputException("--cases", "the file must hold an array of cases or {\"cases\": [..]}");
                }
                body.set("cases", list);
            }
            JsonNode v = client.client().post("/api/v1/suites", bytes(body));
            spec.commandLine().getOut().println("created " + v.path("kind").asText() + " suite " + v.path("suiteName").asText()
                    + " v" + v.path("version").asInt() + " with " + v.path("caseIds").size() + " cases");
            return 0;
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true, description = "Show a suite version with its cases, or its history.")
    static final class Show implements Callable<Integer> {
        @Mixin ClientOptions client;
        @CommandLine.Spec CommandLine.Model.CommandSpec spec;
        @Parameters(paramLabel = "SUITE", description = "The suite's name or id") String suite;
        @Option(names = "--suite-version", paramLabel = "N", description = "A version number (default: the latest)")
        Integer version;
        @Option(names = "--history", description = "Show every case added and removed, with the reasons") boolean history;
        @Option(names = "--json", description = "Print the raw JSON") boolean json;

        @Override
        public Integer call() {
            ApiClient api = client.client();
            String path = "/api/v1/suites/" + ApiClient.encodePath(suite);
            PrintWriter out = spec.commandLine().getOut();
            if (history) {
                JsonNode h = api.get(path + "/history", Map.of());
                if (json) {
                    out.println(h.toPrettyString());
                    return 0;
                }
                for (JsonNode c : h.path("items")) {
                    out.printf("v%-4d %-8s %-28s %s%n", c.path("version").asInt(), c.path("action").asText(),
                            c.path("caseId").asText(), c.path("reason").asText(""));
                }
                return 0;
            }
            JsonNode v = api.get(path + "/versions/" + (version == null ? "latest" : version.toString()), Map.of());
            if (json) {
                out.println(v.toPrettyString());
                return 0;
            }
            out.println(v.path("kind").asText() + " suite " + v.path("suiteName").asText() + " v" + v.path("version").asInt()
                    + ": " + v.path("cases").size() + " cases, content " + v.path("contentHash").asText().substring(0, 12)
                    + (v.hasNonNull("note") ? "  (" + v.path("note").asText() + ")" : ""));
            out.printf("%-4s %-28s %-9s %-40s %s%n", "#", "CASE", "FIXTURES", "INPUT", "EXPECTED");
            int i = 1;
            for (JsonNode c : v.path("cases")) {
                out.printf("%-4d %-28s %-9d %-40s %s%n", i++, c.path("id").asText(), c.path("fixtures").size(),
                        TracesCommand.clip(TracesCommand.oneLine(c.get("input")), 40),
                        TracesCommand.clip(TracesCommand.oneLine(c.get("expected")), 40));
            }
            return 0;
        }
    }

    @Command(name = "cases-from-trace", mixinStandardHelpOptions = true,
            description = "Build a replayable case from a captured trace (its calls become fixtures, a correction the"
                    + " expected output); add it to --suite, or print it.")
    static final class CasesFromTrace implements Callable<Integer> {
        @Mixin ClientOptions client;
        @CommandLine.Spec CommandLine.Model.CommandSpec spec;
        @Parameters(paramLabel = "TRACE_ID", arity = "1..*") List<String> traces;
        @Option(names = "--suite", description = "Add the cases to this suite (a new version)") String suite;
        @Option(names = "--base-version", paramLabel = "N", description = "The version the addition is made from"
                + " (required for eval suites)") Integer baseVersion;
        @Option(names = "--expect", paramLabel = "SCORER", description = "A scorer as JSON, e.g. {\"type\":\"contains\","
                + "\"value\":\"refund\"}; repeatable (default: {\"type\":\"exact\"})") List<String> expect;
        @Option(names = "--tag", description = "A tag for the cases; repeatable") List<String> tags;
        @Option(names = "--json", description = "Print the raw JSON") boolean json;

        @Override
        public Integer call() {
            ObjectNode body = Json.MAPPER.createObjectNode();
            if (suite != null) {
                body.put("suite", suite);
            }
            if (baseVersion != null) {
                body.put("baseVersion", baseVersion);
            }
            if (expect != null) {
                ArrayNode e = body.putArray("expectations");
                for (String s : expect) {
                    e.add(parseJson(s, "--expect"));
                }
            }
            if (tags != null) {
                ArrayNode t = body.putArray("tags");
                tags.forEach(t::add);
            }
            ApiClient api = client.client();
            PrintWriter out = spec.commandLine().getOut();
            Integer base = baseVersion;
            for (String trace : traces) {
                if (base != null) {
                    body.put("baseVersion", base);
                }
                JsonNode r = api.post("/api/v1/cases/from-trace/" + ApiClient.encodePath(trace), bytes(body));
                if (json || suite == null) {
                    out.println(r.toPrettyString());
                } else {
                    out.println((r.path("created").asBoolean() ? "added " : "already in the suite: ")
                            + r.path("caseId").asText() + " (from " + trace + ") to " + r.path("version").path("suiteName").asText()
                            + " v" + r.path("version").path("version").asInt());
                }
                if (base != null && r.path("created").asBoolean()) {
                    base = r.path("version").path("version").asInt(); // the next addition builds on this one
                }
            }
            return 0;
        }
    }

    @Command(name = "agents", mixinStandardHelpOptions = true,
            description = "List the project's agents, and the built-in agents this server embeds.")
    static final class Agents implements Callable<Integer> {
        @Mixin ClientOptions client;
        @CommandLine.Spec CommandLine.Model.CommandSpec spec;
        @Option(names = "--json", description = "Print the raw JSON") boolean json;

        @Override
        public Integer call() {
            JsonNode r = client.client().get("/api/v1/agents", Map.of());
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
                out.println(r.toPrettyString());
                return 0;
            }
            out.printf("%-24s %-48s %s%n", "NAME", "RUNS AT", "VERSIONS");
            for (JsonNode a : r.path("items")) {
                List<String> versions = new ArrayList<>();
                a.path("versions").forEach(v -> versions.add(v.path("version").asText()));
                out.printf("%-24s %-48s %s%n", a.path("name").asText(), a.hasNonNull("endpoint")
                        ? a.path("endpoint").asText() : "built-in " + a.path("builtin").asText(), String.join(", ", versions));
            }
            List<String> builtins = new ArrayList<>();
            r.path("builtins").forEach(b -> builtins.add(b.asText()));
            out.println("built-ins of this server: " + (builtins.isEmpty() ? "none" : String.join(", ", builtins)));
            return 0;
        }
    }

    @Command(name = "register-agent", description = "Register an agent (or move it) and add versions with their"
            + " configuration (admin key). A version never changes once registered.")
    static final class RegisterAgent implements Callable<Integer> {
        @Mixin ClientOptions client;
        @CommandLine.Spec CommandLine.Model.CommandSpec spec;
        @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help message and exit.") boolean help;
        @Parameters(paramLabel = "NAME") String name;
        @Option(names = "--endpoint", paramLabel = "URL", description = "Where the agent answers the HTTP contract")
        String endpoint;
        @Option(names = "--builtin", paramLabel = "NAME", description = "An in-process agent this server embeds") String builtin;
        @Option(names = "--timeout-ms", description = "How long one case's request may take") Long timeoutMs;
        @Option(names = "--version", paramLabel = "V[=CONFIG]", description = "A version to register, with its"
                + " configuration as JSON or @file; repeatable") List<String> versions;

        @Override
        public Integer call() {
            ObjectNode body = Json.MAPPER.createObjectNode().put("name", name);
            if (endpoint != null) {
                body.put("endpoint", endpoint);
            }
            if (builtin != null) {
                body.put("builtin", builtin);
            }
            if (timeoutMs != null) {
                body.put("timeoutMs", timeoutMs);
            }
            ArrayNode vs = body.putArray("versions");
            for (String v : versions == null ? List.<String>of() : versions) {
                int eq = v.indexOf('=');
                ObjectNode item = vs.addObject().put("version", eq < 0 ? v : v.substring(0, eq));
                if (eq >= 0) {
                    String config = v.substring(eq + 1);
                    item.set("configuration", config.startsWith("@") ? readJson(Path.of(config.substring(1)), "--version")
                            : parseJson(config, "--version"));
                }
            }
            JsonNode a = client.client().post("/api/v1/agents", bytes(body));
            List<String> names = new ArrayList<>();
            a.path("versions").forEach(v -> names.add(v.path("version").asText()));
            spec.commandLine().getOut().println("agent " + a.path("name").asText() + " at " + (a.hasNonNull("endpoint")
                    ? a.path("endpoint").asText() : "built-in " + a.path("builtin").asText()) + "; versions: "
                    + (names.isEmpty() ? "none" : String.join(", ", names)));
            return 0;
        }
    }

    /**
     * {@code ratchet eval run}. Exit status: 0 when the candidate passes; 1 when it does not, or the run could not be
     * made (the server refused or failed); 2 for bad options. Passing means: with {@code --baseline}, the gate against
     * the baseline run passes (an eval suite: {@code POST /api/v1/gates}, non-inferior within {@code --margin} and the
     * verdict stored; a regression or custom suite: no case the baseline passed fails); without, every case passed.
     */
    @Command(name = "run", sortOptions = false,
            description = {"Run a suite version against an agent version; progress on stderr, the summary on stdout.",
                "Exit status: 0 pass; 1 fail (or no run); 2 bad options. Without --baseline the run passes when every"
                        + " case passes; with --baseline, when the gate against that run passes (eval suites: not worse"
                        + " than the baseline within --margin, verdict stored; other suites: no case the baseline"
                        + " passed fails)."})
    static final class Run implements Callable<Integer> {
        @Mixin ClientOptions client;
        @CommandLine.Spec CommandLine.Model.CommandSpec spec;
        @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help message and exit.") boolean help;
        @Option(names = "--suite", required = true, description = "The suite's name or id") String suite;
        @Option(names = "--agent", required = true, description = "A registered agent") String agent;
        @Option(names = "--version", required = true, description = "The agent version under test") String version;
        @Option(names = "--suite-version", paramLabel = "N", description = "Default: the latest") Integer suiteVersion;
        @Option(names = "--baseline", paramLabel = "RUN", description = "Gate against this run of the same suite version")
        String baseline;
        @Option(names = "--margin", description = "How much lower the eval success rate may be than the baseline's"
                + " (default 0.05)") Double margin;
        @Option(names = "--concurrency", description = "Cases in flight at once (default 8)") Integer concurrency;
        @Option(names = "--case-timeout-ms", description = "Per case (default 60000)") Long caseTimeoutMs;
        @Option(names = "--allow-live", description = "Calls without a fixture go live instead of failing the case")
        boolean allowLive;
        @Option(names = "--junit", paramLabel = "FILE", description = "Write JUnit XML: one testcase per case") Path junit;
        @Option(names = "--poll-ms", defaultValue = "250", description = "How often progress is read (default: ${DEFAULT-VALUE})")
        int pollMs;

        @Override
        public Integer call() throws InterruptedException {
            if (pollMs < 20 || pollMs > 60_000) {
                throw new BadInputException("--poll-ms", "must be 20 to 60000");
            }
            if (margin != null && baseline == null) {
                throw new BadInputException("--margin", "only with --baseline");
            }
            ApiClient api = client.client();
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            ObjectNode body = Json.MAPPER.createObjectNode().put("suite", suite).put("agent", agent).put("agentVersion", version);
            if (suiteVersion != null) {
                body.put("suiteVersion", suiteVersion);
            }
            if (concurrency != null) {
                body.put("concurrency", concurrency);
            }
            if (caseTimeoutMs != null) {
                body.put("caseTimeoutMs", caseTimeoutMs);
            }
            if (allowLive) {
                body.put("allowLive", true);
            }
            JsonNode run = api.post("/api/v1/eval-runs", bytes(body));
            String id = run.path("id").asText();
            String label = run.path("suiteName").asText() + " v" + run.path("suiteVersion").asInt() + " against "
                    + agent + " " + version;
            err.println("run " + id + ": " + label);
            run = follow(api, err, id, run);
            printSummary(out, run);
            boolean completed = run.path("status").asText().equals("completed");
            List<JsonNode> results = completed ? allResults(api, id) : List.of();
            printNotPassed(out, results);
            if (junit != null && completed) {
                JUnitReport.write(junit, run, results);
                out.println("wrote " + junit);
            }
            if (!completed) {
                out.println("the run did not complete: " + run.path("error").asText("unknown reason"));
                return 1;
            }
            if (baseline == null) {
                return run.path("summary").path("passed").asInt() == run.path("summary").path("total").asInt() ? 0 : 1;
            }
            return gate(api, out, run) ? 0 : 1;
        }

        /** Polls until the run is no longer running, redrawing a progress line on stderr as results arrive. */
        private JsonNode follow(ApiClient api, PrintWriter err, String id, JsonNode run) throws InterruptedException {
            int shown = -1;
            while (true) {
                int done = run.path("progress").path("done").asInt();
                int total = run.path("progress").path("total").asInt();
                if (done != shown) {
                    err.print("\r" + progressBar(done, total));
                    err.flush();
                    shown = done;
                }
                if (!run.path("status").asText().equals("running")) {
                    err.println();
                    return run;
                }
                Thread.sleep(pollMs);
                run = api.get("/api/v1/eval-runs/" + ApiClient.encodePath(id), Map.of());
            }
        }

        /** Gates the run against {@code --baseline}; prints why; true when it passes. */
        private boolean gate(ApiClient api, PrintWriter out, JsonNode run) {
            JsonNode s = api.get("/api/v1/suites/" + ApiClient.encodePath(run.path("suiteId").asText()), Map.of());
            if (s.path("kind").asText().equals("eval")) {
                ObjectNode g = Json.MAPPER.createObjectNode().put("evalBaselineRunId", baseline)
                        .put("evalCandidateRunId", run.path("id").asText()).put("change", agent + " " + version);
                if (margin != null) {
                    g.put("margin", margin);
                }
                JsonNode verdict = api.post("/api/v1/gates", bytes(g));
                printVerdict(out, verdict);
                return verdict.path("passed").asBoolean();
            }
            JsonNode c = api.get("/api/v1/eval-runs/" + ApiClient.encodePath(run.path("id").asText()) + "/compare/"
                    + ApiClient.encodePath(baseline), Map.of());
            printComparison(out, c);
            boolean pass = c.path("broken").isEmpty();
            out.println(pass ? "PASS: no case the baseline passed fails" : "FAIL: " + c.path("broken").size()
                    + " case(s) the baseline passed fail");
            return pass;
        }
    }

    @Command(name = "compare", mixinStandardHelpOptions = true,
            description = "Compare a run with a baseline run of the same suite version, case by case.")
    static final class Compare implements Callable<Integer> {
        @Mixin ClientOptions client;
        @CommandLine.Spec CommandLine.Model.CommandSpec spec;
        @Parameters(index = "0", paramLabel = "RUN") String run;
        @Parameters(index = "1", paramLabel = "BASELINE") String baseline;
        @Option(names = "--json", description = "Print the raw JSON") boolean json;

        @Override
        public Integer call() {
            JsonNode c = client.client().get("/api/v1/eval-runs/" + ApiClient.encodePath(run) + "/compare/"
                    + ApiClient.encodePath(baseline), Map.of());
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
                out.println(c.toPrettyString());
            } else {
                printComparison(out, c);
            }
            return 0;
        }
    }

    @Command(name = "gate", mixinStandardHelpOptions = true,
            description = "Decide whether a candidate may replace the baseline, from their runs; the verdict is stored"
                    + " as evidence. Exit status 1 when the candidate fails.")
    static final class Gate implements Callable<Integer> {
        @Mixin ClientOptions client;
        @CommandLine.Spec CommandLine.Model.CommandSpec spec;
        @Option(names = "--eval-baseline", paramLabel = "RUN", required = true) String evalBaseline;
        @Option(names = "--eval-candidate", paramLabel = "RUN", required = true) String evalCandidate;
        @Option(names = "--regression-baseline", paramLabel = "RUN") String regressionBaseline;
        @Option(names = "--regression-candidate", paramLabel = "RUN") String regressionCandidate;
        @Option(names = "--margin", description = "0 to 0.5 (default 0.05)") Double margin;
        @Option(names = "--alpha", description = "One-sided level, (0, 0.5) (default 0.05)") Double alpha;
        @Option(names = "--change", description = "What the candidate is, kept with the verdict") String change;
        @Option(names = "--json", description = "Print the raw JSON") boolean json;

        @Override
        public Integer call() {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("evalBaselineRunId", evalBaseline);
            body.put("evalCandidateRunId", evalCandidate);
            body.put("regressionBaselineRunId", regressionBaseline);
            body.put("regressionCandidateRunId", regressionCandidate);
            body.put("margin", margin);
            body.put("alpha", alpha);
            body.put("change", change);
            body.values().removeIf(java.util.Objects::isNull);
            JsonNode verdict = client.client().post("/api/v1/gates", Json.write(body).getBytes(StandardCharsets.UTF_8));
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
                out.println(verdict.toPrettyString());
            } else {
                printVerdict(out, verdict);
            }
            return verdict.path("passed").asBoolean() ? 0 : 1;
        }
    }

    // --- shared printing and reading ---

    static String progressBar(int done, int total) {
        int width = 30;
        int filled = total == 0 ? width : (int) ((long) done * width / total);
        return "[" + "#".repeat(filled) + " ".repeat(width - filled) + "] " + done + "/" + total + " cases";
    }

    static void printSummary(PrintWriter out, JsonNode run) {
        out.println("run " + run.path("id").asText() + " " + run.path("status").asText() + ": " + run.path("suiteName").asText()
                + " v" + run.path("suiteVersion").asInt() + " against " + run.path("agent").asText() + " "
                + run.path("agentVersion").asText(""));
        JsonNode s = run.path("summary");
        if (s.isMissingNode() || s.isNull()) {
            return;
        }
        int total = s.path("total").asInt();
        out.println(String.format(Locale.ROOT, "passed %d of %d (%.1f%%, 95%% CI %.1f%%-%.1f%%); %d failed, of which %d"
                        + " errors or timeouts", s.path("passed").asInt(), total, 100 * s.path("successRate").asDouble(),
                100 * s.path("successInterval").path("lower").asDouble(), 100 * s.path("successInterval").path("upper").asDouble(),
                s.path("failed").asInt(), s.path("errors").asInt()));
        out.println("latency p50 " + s.path("p50LatencyMs").asText("-") + " ms, p95 " + s.path("p95LatencyMs").asText("-")
                + " ms; cost " + s.path("totalCost").asText("unknown"));
    }

    static void printNotPassed(PrintWriter out, List<JsonNode> results) {
        List<JsonNode> bad = results.stream().filter(r -> !r.path("status").asText().equals("passed")).toList();
        if (bad.isEmpty()) {
            return;
        }
        out.println("not passed:");
        for (JsonNode r : bad.subList(0, Math.min(20, bad.size()))) {
            out.printf("  #%-4d %-28s %-8s %s%n", r.path("position").asInt(), r.path("caseId").asText(),
                    r.path("status").asText(), TracesCommand.clip(r.path("reason").asText(""), 120));
        }
        if (bad.size() > 20) {
            out.println("  ... and " + (bad.size() - 20) + " more");
        }
    }

    static void printComparison(PrintWriter out, JsonNode c) {
        out.println(String.format(Locale.ROOT, "%d cases: %d fixed, %d broken, %d still passing, %d still failing;"
                        + " success %.1f%% -> %.1f%%; exact McNemar p = %.4g; regression rate %.3f",
                c.path("cases").asInt(), c.path("fixed").size(), c.path("broken").size(), c.path("unchangedPassing").size(),
                c.path("unchangedFailing").size(), 100 * c.path("baselineSuccessRate").asDouble(),
                100 * c.path("candidateSuccessRate").asDouble(), c.path("mcnemarP").asDouble(),
                c.path("regressionRate").asDouble()));
        for (String list : new String[] {"fixed", "broken"}) {
            if (!c.path(list).isEmpty()) {
                List<String> ids = new ArrayList<>();
                c.path(list).forEach(id -> ids.add(id.asText()));
                out.println(list + ": " + String.join(", ", ids));
            }
        }
    }

    static void printVerdict(PrintWriter out, JsonNode verdict) {
        out.println("gate " + verdict.path("id").asText() + ": " + (verdict.path("passed").asBoolean() ? "PASS" : "FAIL"));
        verdict.path("reasons").forEach(r -> out.println("  " + r.asText()));
    }

    /** Every result of a run, page by page. */
    static List<JsonNode> allResults(ApiClient api, String runId) {
        List<JsonNode> all = new ArrayList<>();
        int total;
        do {
            JsonNode page = api.get("/api/v1/eval-runs/" + ApiClient.encodePath(runId) + "/results",
                    Map.of("limit", "10000", "offset", Integer.toString(all.size())));
            page.path("items").forEach(all::add);
            total = page.path("total").asInt();
            if (page.path("items").isEmpty()) {
                break;
            }
        } while (all.size() < total);
        return all;
    }

    static JsonNode readJson(Path file, String option) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new CliException("cannot read " + file + ": " + e.getMessage(), e);
        }
        return parseJson(text, option);
    }

    static JsonNode parseJson(String text, String option) {
        try {
            JsonNode n = Json.MAPPER.readTree(text);
            if (n == null || n.isMissingNode()) {
                throw new BadInputException(option, "must be JSON");
            }
            return n;
        } catch (IOException e) {
            throw new BadInputException(option, "must be JSON: " + e.getMessage().lines().findFirst().orElse(""));
        }
    }

    static byte[] bytes(JsonNode body) {
        return Json.write(body).getBytes(StandardCharsets.UTF_8);
    }
}
