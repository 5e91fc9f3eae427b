package dev.ratchet.eval;

import static dev.ratchet.trace.SpanBuilder.span;
import static dev.ratchet.trace.TraceBuilder.trace;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ratchet.common.BadInputException;
import dev.ratchet.common.FieldError;
import dev.ratchet.common.Json;
import dev.ratchet.common.JsonText;
import dev.ratchet.common.NotFoundException;
import dev.ratchet.feedback.Feedback;
import dev.ratchet.feedback.FeedbackKind;
import dev.ratchet.feedback.FeedbackSource;
import dev.ratchet.feedback.JdbcFeedbackStore;
import dev.ratchet.store.Database;
import dev.ratchet.trace.JdbcTraceStore;
import dev.ratchet.trace.SpanKind;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What the eval store, runner and gate must do on a real database. Each engine extends this class and says how to
 * open a fresh, empty database.
 */
public abstract class EvalStoreContract {

    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-21T12:00:00Z"), ZoneOffset.UTC);
    private static final Instant T0 = Instant.parse("2026-11-21T10:00:00Z");
    private static final String P = "acme";

    private Database db;
    private EvalStore store;
    private EvalRunner runner;
    private EvalGate gate;

    protected abstract Database openDatabase() throws Exception;

    @BeforeEach
    void open() throws Exception {
        db = openDatabase();
        store = new EvalStore(db, CLOCK);
        runner = new EvalRunner(store, CLOCK, ScoringServices.none());
        gate = new EvalGate(store, CLOCK);
    }

    @AfterEach
    void close() {
        if (db != null) {
            db.close();
        }
    }

    static JsonText json(String text) {
        return JsonText.of(Json.readTree(text));
    }

    /** A case whose input is {"n": n} and whose expected output is {"answer": n * 2}, scored exactly. */
    static CaseSpec doubling(int n) {
        return new CaseSpec(json("{\"n\": " + n + "}"), null, json("{\"answer\": " + (2 * n) + "}"), List.of(),
                List.of(json("{\"type\": \"exact\"}")), List.of("arith"), null);
    }

    static List<CaseSpec> doublings(int from, int to) {
        List<CaseSpec> out = new ArrayList<>();
        for (int n = from; n <= to; n++) {
            out.add(doubling(n));
        }
        return out;
    }

    /** Doubles n, except for the numbers it gets wrong (answers n * 2 + 1). */
    static Agent doubler(java.util.Set<Integer> wrongOn) {
        return (request, tools) -> {
            int n = request.input().path("n").intValue();
            return new AgentAnswer(json("{\"answer\": " + (2 * n + (wrongOn.contains(n) ? 1 : 0)) + "}"), null, null,
                    new BigDecimal("0.001"), null);
        };
    }

    // --- suites and versions ---

    @Test
    void createSuite_storesVersionOneWithItsCasesInOrder() {
        SuiteVersion v = store.createSuite(P, new NewSuite("golden", "eval", "frozen set", doublings(1, 3)));

        assertThat(v.version()).isEqualTo(1);
        assertThat(v.kind()).isEqualTo(SuiteKind.EVAL);
        assertThat(v.caseIds()).hasSize(3);
        List<EvalCase> cases = store.cases(P, "golden", 1);
        assertThat(cases).extracting(c -> c.input().path("n").intValue()).containsExactly(1, 2, 3);
        assertThat(cases.get(0).expectations()).containsExactly(json("{\"type\":\"exact\"}"));
        assertThat(store.getCase(P, cases.get(0).id())).contains(cases.get(0));
        assertThat(store.suite(P, v.suiteId()).name()).isEqualTo("golden");
    }

    @Test
    void edit_evalSuite_makesANewVersionAndLeavesTheOldOneAsItWas() {
        SuiteVersion v1 = store.createSuite(P, new NewSuite("golden", "eval", null, doublings(1, 3)));
        String first = v1.caseIds().get(0);

        EditResult r = store.edit(P, "golden", new SuiteEdit(1, List.of(doubling(4)),
                List.of(new SuiteEdit.Removal(first, null)), "swap 1 for 4"));

        assertThat(r.created()).isTrue();
        assertThat(r.version().version()).isEqualTo(2);
        assertThat(r.version().contentHash()).isNotEqualTo(v1.contentHash());
        assertThat(store.version(P, "golden", 1)).isEqualTo(v1);
        assertThat(store.cases(P, "golden", 2)).extracting(c -> c.input().path("n").intValue()).containsExactly(2, 3, 4);
        assertThat(store.cases(P, "golden", 1)).extracting(c -> c.input().path("n").intValue()).containsExactly(1, 2, 3);
    }

    @Test
    void edit_ofAFrozenEvalVersion_isRefusedAndChangesNothing() {
        store.createSuite(P, new NewSuite("golden", "eval", null, doublings(1, 2)));
        store.edit(P, "golden", new SuiteEdit(1, List.of(doubling(3)), List.of(), null));

        BadInputException e = catchThrowableOfType(BadInputException.class,
                () -> store.edit(P, "golden", new SuiteEdit(1, List.of(doubling(9)), List.of(), null)));
        BadInputException noBase = catchThrowableOfType(BadInputException.class,
                () -> store.edit(P, "golden", SuiteEdit.adding(List.of(doubling(9)))));

        assertThat(e.errors()).extracting(FieldError::field).containsExactly("baseVersion");
        assertThat(e.errors().get(0).reason()).contains("version 1", "frozen", "latest (2)");
        assertThat(noBase.errors()).extracting(FieldError::field).containsExactly("baseVersion");
        assertThat(store.suite(P, "golden").latestVersion()).isEqualTo(2);
        assertThat(store.cases(P, "golden", 2)).hasSize(3);
    }

    @Test
    void edit_sameContentAgain_addsNothingAndMakesNoVersion() {
        store.createSuite(P, new NewSuite("fixed", "regression", null, doublings(1, 2)));
        String existing = store.version(P, "fixed", null).caseIds().get(1);

        EditResult r = store.edit(P, "fixed", SuiteEdit.adding(List.of(doubling(2), doubling(2))));

        assertThat(r.created()).isFalse();
        assertThat(r.caseIds()).containsExactly(existing, existing);
        assertThat(store.suite(P, "fixed").latestVersion()).isEqualTo(1);
    }

    @Test
    void edit_regressionRemoval_needsAReasonWhichHistoryKeeps() {
        SuiteVersion v1 = store.createSuite(P, new NewSuite("fixed", "regression", null, doublings(1, 2)));
        String gone = v1.caseIds().get(0);

        BadInputException e = catchThrowableOfType(BadInputException.class, () -> store.edit(P, "fixed",
                new SuiteEdit(null, List.of(), List.of(new SuiteEdit.Removal(gone, " ")), null)));
        assertThat(e.errors()).extracting(FieldError::field).containsExactly("remove[0].reason");
        assertThat(store.suite(P, "fixed").latestVersion()).isEqualTo(1);

        store.edit(P, "fixed", new SuiteEdit(null, List.of(), List.of(new SuiteEdit.Removal(gone, "product dropped the feature")), null));

        assertThat(store.version(P, "fixed", 2).caseIds()).containsExactly(v1.caseIds().get(1));
        assertThat(store.history(P, "fixed")).filteredOn(c -> c.action() == SuiteChange.Action.REMOVED)
                .singleElement().satisfies(c -> {
                    assertThat(c.caseId()).isEqualTo(gone);
                    assertThat(c.version()).isEqualTo(2);
                    assertThat(c.reason()).isEqualTo("product dropped the feature");
                });
    }

    @Test
    void edit_removingACaseNotInTheSuite_isRefused() {
        store.createSuite(P, new NewSuite("mine", "custom", null, doublings(1, 1)));

        BadInputException e = catchThrowableOfType(BadInputException.class, () -> store.edit(P, "mine",
                new SuiteEdit(null, List.of(), List.of(new SuiteEdit.Removal("nope", null)), null)));

        assertThat(e.errors()).extracting(FieldError::field).containsExactly("remove[0].caseId");
    }

    @Test
    void unknownSuiteOrVersion_isNotFound_andOtherProjectsSeeNothing() {
        store.createSuite(P, new NewSuite("golden", "eval", null, doublings(1, 1)));

        assertThatThrownBy(() -> store.version(P, "missing", null)).isInstanceOf(NotFoundException.class);
        assertThatThrownBy(() -> store.version(P, "golden", 2)).isInstanceOf(NotFoundException.class)
                .hasMessageContaining("version");
        assertThatThrownBy(() -> store.version("globex", "golden", 1)).isInstanceOf(NotFoundException.class);
        assertThatThrownBy(() -> runner.run(P, RunRequest.of("golden", "desk", "v1").withVersion(7), doubler(java.util.Set.of())))
                .isInstanceOf(NotFoundException.class);
        assertThat(store.suites("globex")).isEmpty();
    }

    @Test
    void createSuite_badInput_namesEachFieldAndStoresNothing() {
        CaseSpec bad = new CaseSpec(null, null, null, List.of(new Fixture(CallKind.TOOL, null, null, null, null, null)),
                List.of(json("{\"type\": \"embedding_similarity\", \"threshold\": 2}"), json("{\"type\": \"exactly\"}"),
                        json("{\"type\": \"regex\", \"pattern\": \"(\"}"), json("{\"type\": \"contains\", \"value\": \"x\", \"ignorecase\": true}")),
                null, null);

        BadInputException e = catchThrowableOfType(BadInputException.class,
                () -> store.createSuite(P, new NewSuite("bad name!", "golden", null, List.of(bad))));

        assertThat(e.errors()).extracting(FieldError::field).containsExactlyInAnyOrder("name", "kind",
                "cases[0].input", "cases[0].fixtures[0].name", "cases[0].expectations[0].threshold",
                "cases[0].expectations[1].type", "cases[0].expectations[2].pattern", "cases[0].expectations[3].ignorecase");
        assertThat(store.suites(P)).isEmpty();
    }

    // --- runs ---

    @Test
    void run_storesEachResultAndASummaryWithWilsonIntervalLatencyAndCost() {
        store.createSuite(P, new NewSuite("golden", "eval", null, doublings(1, 10)));

        Run run = runner.run(P, RunRequest.of("golden", "desk", "v1"), doubler(java.util.Set.of(3, 7)));

        assertThat(run.status()).isEqualTo(RunStatus.COMPLETED);
        RunSummary s = run.summary();
        assertThat(s.total()).isEqualTo(10);
        assertThat(s.passed()).isEqualTo(8);
        assertThat(s.successRate()).isEqualTo(0.8);
        Interval wilson = Statistics.wilson(8, 10, 0.95);
        assertThat(s.successInterval().lower()).isCloseTo(wilson.lower(), org.assertj.core.api.Assertions.within(1e-12));
        assertThat(s.p50LatencyMs()).isNotNull();
        assertThat(s.p95LatencyMs()).isGreaterThanOrEqualTo(s.p50LatencyMs());
        assertThat(s.totalCost()).isEqualByComparingTo("0.010");
        assertThat(run.options()).isEqualTo(new RunOptions(8, 60_000, false));
        List<CaseResult> results = store.results(P, run.id());
        assertThat(results).hasSize(10);
        CaseResult third = results.get(2);
        assertThat(third.status()).isEqualTo(CaseStatus.FAILED);
        assertThat(third.reason()).contains("expected {\"answer\":6}", "got {\"answer\":7}");
        assertThat(third.output()).isEqualTo(json("{\"answer\": 7}"));
        assertThat(results.get(0).passed()).isTrue();
        assertThat(results.get(0).scores()).singleElement().satisfies(sc -> assertThat(sc.type()).isEqualTo("exact"));
        assertThat(store.runs(P, "golden", 10)).extracting(Run::id).containsExactly(run.id());
    }

    @Test
    void run_agentThatThrowsOrTimesOut_failsThoseCasesWithTheReasonAndTheRunCompletes() {
        store.createSuite(P, new NewSuite("golden", "eval", null, doublings(1, 4)));
        CountDownLatch never = new CountDownLatch(1);
        Agent flaky = (request, tools) -> {
            int n = request.input().path("n").intValue();
            if (n == 2) {
                throw new IllegalStateException("model overloaded");
            }
            if (n == 3) {
                never.await(); // hangs until interrupted by the timeout
            }
            return AgentAnswer.of(json("{\"answer\": " + 2 * n + "}"));
        };

        Run run = runner.run(P, RunRequest.of("golden", "desk", "v1").withCaseTimeout(Duration.ofMillis(300)), flaky);

        assertThat(run.status()).isEqualTo(RunStatus.COMPLETED);
        assertThat(run.summary().passed()).isEqualTo(2);
        assertThat(run.summary().errors()).isEqualTo(2);
        List<CaseResult> results = store.results(P, run.id());
        assertThat(results.get(1).status()).isEqualTo(CaseStatus.ERROR);
        assertThat(results.get(1).reason()).isEqualTo("agent threw IllegalStateException: model overloaded");
        assertThat(results.get(2).status()).isEqualTo(CaseStatus.TIMEOUT);
        assertThat(results.get(2).reason()).isEqualTo("timed out after 300 ms");
    }

    @Test
    void run_interrupted_startsNoMoreCases_andIsStoredAsFailedWithTheResultsSoFar() throws Exception {
        store.createSuite(P, new NewSuite("golden", "eval", null, doublings(1, 6)));
        CountDownLatch firstStarted = new CountDownLatch(1);
        Agent hanging = (request, tools) -> {
            if (request.input().path("n").intValue() == 1) {
                return AgentAnswer.of(json("{\"answer\": 2}"));
            }
            firstStarted.countDown();
            new CountDownLatch(1).await(); // until interrupted
            return null;
        };
        java.util.concurrent.atomic.AtomicReference<Run> finished = new java.util.concurrent.atomic.AtomicReference<>();
        java.util.concurrent.atomic.AtomicBoolean stillInterrupted = new java.util.concurrent.atomic.AtomicBoolean();
        // One case at a time: case 2 starts only once case 1 has its verdict, so the interrupt cannot catch case 1.
        Thread caller = Thread.ofPlatform().start(() -> {
            finished.set(runner.run(P, RunRequest.of("golden", "desk", "v1").withConcurrency(1), hanging));
            stillInterrupted.set(Thread.currentThread().isInterrupted());
        });
        assertThat(firstStarted.await(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();

        caller.interrupt();
        caller.join(10_000);

        assertThat(caller.isAlive()).isFalse();
        assertThat(stillInterrupted).isTrue();
        Run run = finished.get();
        assertThat(run.status()).isEqualTo(RunStatus.FAILED);
        assertThat(run.error()).startsWith("interrupted after ").contains("of 6 cases were started");
        List<CaseResult> results = store.results(P, run.id());
        assertThat(results).hasSizeLessThan(6);
        assertThat(results).filteredOn(r -> r.position() == 1).singleElement()
                .satisfies(r -> assertThat(r.passed()).isTrue());
        assertThat(results).filteredOn(r -> r.position() > 1).extracting(CaseResult::reason).containsOnly("interrupted");
    }

    @Test
    void run_badRequest_isRefusedBeforeAnythingIsStored() {
        store.createSuite(P, new NewSuite("golden", "eval", null, doublings(1, 1)));

        BadInputException e = catchThrowableOfType(BadInputException.class, () -> runner.run(P,
                new RunRequest("golden", null, " ", null, null, 0, Duration.ZERO, false), doubler(java.util.Set.of())));

        assertThat(e.errors()).extracting(FieldError::field).containsExactly("agent", "concurrency", "caseTimeout");
        assertThat(store.runs(P, "golden", 10)).isEmpty();
    }

    @Test
    void run_2000Cases_commitsResultsInBatchesNotPerCase() {
        store.createSuite(P, new NewSuite("big", "eval", null, doublings(1, 2000)));
        AtomicInteger transactions = new AtomicInteger();
        AtomicInteger written = new AtomicInteger();
        RunListener count = new RunListener() {
            @Override
            public void resultsWritten(int n) {
                transactions.incrementAndGet();
                written.addAndGet(n);
            }
        };

        Run run = runner.run(P, RunRequest.of("big", "desk", "v1"), doubler(java.util.Set.of()), count);

        assertThat(run.summary().passed()).isEqualTo(2000);
        assertThat(written.get()).isEqualTo(2000);
        assertThat(transactions.get()).isLessThanOrEqualTo(2000 / 10);
        assertThat(store.results(P, run.id())).hasSize(2000);
    }

    // --- replay of a case built from a trace ---

    /** The trace of a support agent that looked up a card, retrieved a policy, asked a model, and answered wrongly. */
    private void captureWrongAnswer(String traceId) {
        JdbcTraceStore traces = new JdbcTraceStore(db, CLOCK);
        traces.ingest(P, List.of(trace(traceId, T0)
                .input("{\"text\": \"Where is my card 1234?\"}")
                .output("{\"text\": \"Your card is lost.\"}")
                .metadata("{\"memorySnapshotId\": \"snap-1\"}")
                .span(span("s1", T0).kind(SpanKind.RETRIEVAL).name("kb.search")
                        .input("{\"query\": \"Where is my card 1234?\", \"k\": 3}")
                        .output("[{\"text\": \"Cards ship in 5 days.\"}]").build())
                .span(span("s2", T0.plusMillis(1)).kind(SpanKind.TOOL).name("tool").toolName("card_status")
                        .input("{\"card\": \"1234\", \"verbose\": false}").output("{\"status\": \"shipped\", \"eta\": \"Friday\"}")
                        .cost("0.0001").build())
                .span(span("s3", T0.plusMillis(2)).kind(SpanKind.LLM).name("chat").model("gpt-test")
                        .input("{\"messages\": [{\"role\": \"user\", \"content\": \"card shipped, eta Friday\"}]}")
                        .output("{\"content\": \"Your card is lost.\"}").cost("0.002").build())
                .build()));
        new JdbcFeedbackStore(db, CLOCK).record(P, List.of(new Feedback("f1", traceId, null, FeedbackKind.CORRECTION,
                json("{\"text\": \"Your card has shipped and arrives Friday.\"}"), null, null, null, FeedbackSource.END_USER,
                null, 1.0, T0.plusSeconds(5), null)));
    }

    /** The fixed agent: the same calls (arguments in another member order), a corrected answer. */
    private static final Agent FIXED_SUPPORT_AGENT = (request, tools) -> {
        String question = request.input().path("text").textValue();
        JsonNode docs = tools.retrieve(question);
        ObjectNode args = Json.MAPPER.createObjectNode().put("verbose", false).put("card", "1234");
        JsonNode status = tools.tool("card_status", args);
        tools.model("gpt-test", Json.readTree("[{\"content\": \"card shipped, eta Friday\", \"role\": \"user\"}]"));
        String answer = "Your card has " + status.path("status").textValue() + " and arrives "
                + status.path("eta").textValue() + ". (" + docs.size() + " doc)";
        return AgentAnswer.of(JsonText.of(Json.MAPPER.createObjectNode().put("text", answer)));
    };

    @Test
    void caseFromTrace_takesFixturesFromSpansAndExpectedFromTheCorrection() {
        captureWrongAnswer("t-1");
        TraceCases cases = new TraceCases(new JdbcTraceStore(db, CLOCK), new JdbcFeedbackStore(db, CLOCK));

        CaseSpec c = cases.fromTrace(P, "t-1", List.of(json("{\"type\": \"contains\", \"value\": \"arrives Friday\"}")),
                List.of("cards"));

        assertThat(c.input()).isEqualTo(json("{\"text\": \"Where is my card 1234?\"}"));
        assertThat(c.expected()).isEqualTo(json("{\"text\": \"Your card has shipped and arrives Friday.\"}"));
        assertThat(c.originTraceId()).isEqualTo("t-1");
        assertThat(c.context().memorySnapshotId()).isEqualTo("snap-1");
        assertThat(c.context().documents()).containsExactly(json("[{\"text\": \"Cards ship in 5 days.\"}]"));
        assertThat(c.fixtures()).extracting(f -> f.key().kind(), f -> f.key().name(), f -> f.key().request()).containsExactly(
                org.assertj.core.api.Assertions.tuple(CallKind.RETRIEVAL, "", "\"Where is my card 1234?\""),
                org.assertj.core.api.Assertions.tuple(CallKind.TOOL, "card_status", "{\"card\":\"1234\",\"verbose\":false}"),
                org.assertj.core.api.Assertions.tuple(CallKind.LLM, "gpt-test", "[{\"content\":\"card shipped, eta Friday\",\"role\":\"user\"}]"));
        assertThatThrownBy(() -> cases.fromTrace(P, "t-404", List.of(), List.of())).isInstanceOf(NotFoundException.class);
    }

    @Test
    void caseFromTrace_replaysDeterministicallyFromFixturesWithNoNetwork() {
        captureWrongAnswer("t-1");
        CaseSpec c = new TraceCases(new JdbcTraceStore(db, CLOCK), new JdbcFeedbackStore(db, CLOCK)).fromTrace(P, "t-1",
                List.of(json("{\"type\": \"contains\", \"value\": \"arrives Friday\"}"),
                        json("{\"type\": \"trajectory\", \"calls\": [{\"tool\": \"card_status\", \"arguments\": {\"card\": \"1234\"}}]}")),
                List.of());
        store.createSuite(P, new NewSuite("fixed", "regression", null, List.of(c)));

        // Strict replay, and the agent has no live tools: any call outside the fixtures would fail the case.
        Run first = runner.run(P, RunRequest.of("fixed", "support", "v2"), FIXED_SUPPORT_AGENT);
        Run second = runner.run(P, RunRequest.of("fixed", "support", "v2"), FIXED_SUPPORT_AGENT);

        CaseResult a = store.results(P, first.id()).get(0);
        CaseResult b = store.results(P, second.id()).get(0);
        assertThat(a.status()).as(a.reason()).isEqualTo(CaseStatus.PASSED);
        assertThat(a.output()).isEqualTo(json("{\"text\": \"Your card has shipped and arrives Friday. (1 doc)\"}"));
        assertThat(b.output()).isEqualTo(a.output());
        assertThat(a.calls()).extracting(Call::source).containsOnly(Call.Source.FIXTURE);
        assertThat(a.cost()).isEqualByComparingTo("0.0021"); // the recorded cost of the tool and model calls
    }

    @Test
    void replay_callsThatDoNotMatchTheFixtures_failTheCaseWithAClearReason_unlessLiveIsAllowed() {
        captureWrongAnswer("t-1");
        CaseSpec c = new TraceCases(new JdbcTraceStore(db, CLOCK), new JdbcFeedbackStore(db, CLOCK)).fromTrace(P, "t-1",
                List.of(json("{\"type\": \"contains\", \"value\": \"shipped\"}")), List.of());
        store.createSuite(P, new NewSuite("fixed", "regression", null, List.of(c)));
        Agent otherCard = new Agent() {
            @Override
            public AgentAnswer run(AgentRequest request, Tools tools) {
                JsonNode status;
                try {
                    status = tools.tool("card_status", Json.readTree("{\"card\": \"9999\", \"verbose\": false}"));
                } catch (Tools.MissingFixtureException swallowed) {
                    status = Json.readTree("{\"status\": \"shipped\"}"); // hiding the miss does not save the case
                }
                return AgentAnswer.of(JsonText.of(Json.MAPPER.createObjectNode().put("text", "It " + status.path("status").textValue())));
            }

            @Override
            public Tools live() {
                return new Tools() {
                    public JsonNode tool(String name, JsonNode arguments) {
                        return Json.readTree("{\"status\": \"shipped (live)\"}");
                    }

                    public JsonNode retrieve(String query) {
                        throw new UnsupportedOperationException();
                    }

                    public JsonNode model(String model, JsonNode messages) {
                        throw new UnsupportedOperationException();
                    }
                };
            }
        };

        CaseResult strict = store.results(P, runner.run(P, RunRequest.of("fixed", "support", "v3"), otherCard).id()).get(0);
        CaseResult live = store.results(P, runner.run(P, RunRequest.of("fixed", "support", "v3").withAllowLive(true), otherCard).id()).get(0);

        assertThat(strict.status()).isEqualTo(CaseStatus.ERROR);
        assertThat(strict.reason()).startsWith("no fixture for tool call 'card_status' with arguments {\"card\":\"9999\",\"verbose\":false}")
                .contains("recorded requests: {\"card\":\"1234\",\"verbose\":false}");
        assertThat(strict.calls()).extracting(Call::source).containsExactly(Call.Source.MISSING);
        assertThat(live.status()).isEqualTo(CaseStatus.PASSED);
        assertThat(live.output()).isEqualTo(json("{\"text\": \"It shipped (live)\"}"));
        assertThat(live.calls()).extracting(Call::source).containsExactly(Call.Source.LIVE);
    }

    // --- compare and gate ---

    @Test
    void compare_listsFixedBrokenUnchanged_withExactMcNemarAndRegressionRate() {
        store.createSuite(P, new NewSuite("golden", "eval", null, doublings(1, 10)));
        Run base = runner.run(P, RunRequest.of("golden", "desk", "v1"), doubler(java.util.Set.of(1, 2, 3)));
        Run cand = runner.run(P, RunRequest.of("golden", "desk", "v2"), doubler(java.util.Set.of(3, 4)));
        List<String> ids = store.version(P, "golden", 1).caseIds();

        RunComparison c = gate.compare(P, base.id(), cand.id());

        assertThat(c.fixed()).containsExactly(ids.get(0), ids.get(1));
        assertThat(c.broken()).containsExactly(ids.get(3));
        assertThat(c.unchangedFailing()).containsExactly(ids.get(2));
        assertThat(c.unchangedPassing()).hasSize(6);
        assertThat(c.baselineSuccessRate()).isEqualTo(0.7);
        assertThat(c.candidateSuccessRate()).isEqualTo(0.8);
        assertThat(c.mcnemarP()).isEqualTo(1.0); // 2 vs 1 discordant: 2 * P(X <= 1 | Bin(3, 1/2)) = 2 * 4/8 = 1
        assertThat(c.regressionRate()).isEqualTo(1.0 / 7);
    }

    @Test
    void gate_passesANonInferiorCandidateThatBreaksNoRegression_andStoresTheEvidence() {
        store.createSuite(P, new NewSuite("golden", "eval", null, doublings(1, 200)));
        store.createSuite(P, new NewSuite("fixed", "regression", null, doublings(1001, 1010)));
        java.util.Set<Integer> fewWrong = java.util.Set.of(5, 50, 150);
        Run evalBase = runner.run(P, RunRequest.of("golden", "desk", "v1"), doubler(fewWrong));
        Run evalCand = runner.run(P, RunRequest.of("golden", "desk", "v2"), doubler(java.util.Set.of(5)));
        Run regBase = runner.run(P, RunRequest.of("fixed", "desk", "v1"), doubler(java.util.Set.of(1001)));
        Run regCand = runner.run(P, RunRequest.of("fixed", "desk", "v2"), doubler(java.util.Set.of()));

        GateVerdict v = gate.decide(P, new GateRequest(evalBase.id(), evalCand.id(), regBase.id(), regCand.id(), 0.02, null, "v2"));

        assertThat(v.passed()).as(String.join("\n", v.reasons())).isTrue();
        assertThat(v.regressionsBroken()).isEmpty();
        assertThat(v.evalLowerBound()).isGreaterThanOrEqualTo(-0.02);
        assertThat(v.inputs().alpha()).isEqualTo(EvalGate.DEFAULT_ALPHA);
        assertThat(store.gate(P, v.id())).contains(v);
        assertThat(store.gate("globex", v.id())).isEmpty();
    }

    @Test
    void gate_failsACandidateThatBreaksARegressionCaseOrIsWorse() {
        store.createSuite(P, new NewSuite("golden", "eval", null, doublings(1, 40)));
        store.createSuite(P, new NewSuite("fixed", "regression", null, doublings(1001, 1003)));
        Run evalBase = runner.run(P, RunRequest.of("golden", "desk", "v1"), doubler(java.util.Set.of()));
        Run evalCand = runner.run(P, RunRequest.of("golden", "desk", "v2"), doubler(java.util.Set.of(1, 2, 3, 4, 5, 6)));
        Run regCand = runner.run(P, RunRequest.of("fixed", "desk", "v2"), doubler(java.util.Set.of(1002)));

        GateVerdict v = gate.decide(P, GateRequest.of(evalBase.id(), evalCand.id(), null, regCand.id()));

        assertThat(v.passed()).isFalse();
        assertThat(v.regressionsBroken()).containsExactly(store.version(P, "fixed", 1).caseIds().get(1));
        assertThat(v.evalLowerBound()).isLessThan(-EvalGate.DEFAULT_MARGIN);
        assertThat(v.reasons()).anySatisfy(r -> assertThat(r).startsWith("eval:").contains("not shown to be within the margin"))
                .anySatisfy(r -> assertThat(r).startsWith("regression: 1 case(s) broken"));
        assertThat(store.gate(P, v.id()).orElseThrow().passed()).isFalse();
    }

    @Test
    void gate_runsOfDifferentVersionsOrTheWrongSuiteKind_areBadInput() {
        store.createSuite(P, new NewSuite("golden", "eval", null, doublings(1, 3)));
        store.createSuite(P, new NewSuite("fixed", "regression", null, doublings(1, 3)));
        Run v1 = runner.run(P, RunRequest.of("golden", "desk", "v1"), doubler(java.util.Set.of()));
        store.edit(P, "golden", new SuiteEdit(1, List.of(doubling(4)), List.of(), null));
        Run v2 = runner.run(P, RunRequest.of("golden", "desk", "v2"), doubler(java.util.Set.of()));
        Run reg = runner.run(P, RunRequest.of("fixed", "desk", "v2"), doubler(java.util.Set.of()));

        BadInputException versions = catchThrowableOfType(BadInputException.class,
                () -> gate.decide(P, GateRequest.of(v1.id(), v2.id(), null, null)));
        BadInputException kinds = catchThrowableOfType(BadInputException.class,
                () -> gate.decide(P, new GateRequest(reg.id(), reg.id(), null, v1.id(), 0.7, 0.0, null)));

        assertThat(versions.errors()).extracting(FieldError::field).containsExactly("evalCandidateRunId");
        assertThat(versions.errors().get(0).reason()).contains("one suite version");
        assertThat(kinds.errors()).extracting(FieldError::field).containsExactly("margin", "alpha",
                "evalBaselineRunId", "regressionCandidateRunId");
        assertThatThrownBy(() -> gate.compare(P, v1.id(), "nope")).isInstanceOf(NotFoundException.class);
    }

    // --- registered agents ---

    @Test
    void registerAgent_storesWhereItRunsAndItsVersions_andListsThemByName() {
        AgentRegistry agents = new AgentRegistry(db, CLOCK);

        AgentDefinition desk = agents.register(P, new AgentRegistration("desk", "http://agent.internal:8080/answer", null,
                5_000L, List.of(AgentVersion.of("v1", json("{\"tone\": \"warm\"}")), AgentVersion.of("v2", null))));
        agents.register(P, new AgentRegistration("echo", null, "echo", null, List.of()));

        assertThat(desk.endpoint()).isEqualTo("http://agent.internal:8080/answer");
        assertThat(desk.builtin()).isNull();
        assertThat(desk.timeoutMs()).isEqualTo(5_000L);
        assertThat(desk.versions()).extracting(AgentVersion::version).containsExactly("v1", "v2");
        assertThat(desk.versions().get(0).configuration()).isEqualTo(json("{\"tone\": \"warm\"}"));
        assertThat(desk.versions().get(1).configuration()).isNull();
        assertThat(agents.list(P)).extracting(AgentDefinition::name).containsExactly("desk", "echo");
        assertThat(agents.get(P, "echo").orElseThrow().builtin()).isEqualTo("echo");
        assertThat(agents.get("globex", "desk")).isEmpty();
        assertThat(agents.list("globex")).isEmpty();
    }

    @Test
    void registerAgent_again_movesItAndAddsVersions_butAVersionNeverChanges() {
        AgentRegistry agents = new AgentRegistry(db, CLOCK);
        agents.register(P, new AgentRegistration("desk", "http://a:1/answer", null, null,
                List.of(AgentVersion.of("v1", json("{\"tone\": \"warm\"}")))));

        AgentDefinition moved = agents.register(P, new AgentRegistration("desk", "http://b:2/answer", null, 100L,
                List.of(AgentVersion.of("v1", json("{ \"tone\" : \"warm\" }")), AgentVersion.of("v2", json("{}")))));
        BadInputException changed = catchThrowableOfType(BadInputException.class, () -> agents.register(P,
                new AgentRegistration("desk", "http://c:3/answer", null, null, List.of(AgentVersion.of("v3", null),
                        AgentVersion.of("v1", json("{\"tone\": \"curt\"}"))))));

        assertThat(moved.endpoint()).isEqualTo("http://b:2/answer");
        assertThat(moved.versions()).extracting(AgentVersion::version).containsExactly("v1", "v2");
        assertThat(changed.errors()).extracting(FieldError::field).containsExactly("versions[1].configuration");
        assertThat(changed.errors().get(0).reason()).contains("version 'v1' of agent 'desk' is registered with another"
                + " configuration");
        AgentDefinition after = agents.get(P, "desk").orElseThrow();
        assertThat(after.endpoint()).as("a refused registration changes nothing").isEqualTo("http://b:2/answer");
        assertThat(after.versions()).extracting(AgentVersion::version).containsExactly("v1", "v2");
    }

    @Test
    void registerAgent_badInput_namesEachFieldAndStoresNothing() {
        AgentRegistry agents = new AgentRegistry(db, CLOCK);

        BadInputException both = catchThrowableOfType(BadInputException.class, () -> agents.register(P,
                new AgentRegistration("bad name", "http://a/x", "echo", 0L, List.of(AgentVersion.of("", null),
                        AgentVersion.of("v1", null), AgentVersion.of("v1", null)))));
        BadInputException endpoint = catchThrowableOfType(BadInputException.class, () -> agents.register(P,
                new AgentRegistration("desk", "ftp://a/x", null, null, List.of())));
        BadInputException neither = catchThrowableOfType(BadInputException.class, () -> agents.register(P,
                new AgentRegistration("desk", null, null, null, List.of())));

        assertThat(both.errors()).extracting(FieldError::field).containsExactly("name", "endpoint", "timeoutMs",
                "versions[0].version", "versions[2].version");
        assertThat(endpoint.errors()).extracting(FieldError::reason).singleElement().asString()
                .contains("absolute http or https URL");
        assertThat(neither.errors()).extracting(FieldError::field).containsExactly("endpoint");
        assertThat(agents.list(P)).isEmpty();
    }
}
