package dev.ratchet.feedback;

import static dev.ratchet.trace.SpanBuilder.span;
import static dev.ratchet.trace.TraceBuilder.trace;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import dev.ratchet.common.BadInputException;
import dev.ratchet.common.FieldError;
import dev.ratchet.store.Database;
import dev.ratchet.trace.SpanKind;
import dev.ratchet.trace.Trace;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link VerifierRunner} on real settings storage (SQLite) and real traces, with verdicts going to a
 * {@link RecordingFeedbackStore} (a test double: it keeps what it is given and computes no outcomes).
 */
class VerifierRunnerTest {

    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-21T12:00:00Z"), ZoneOffset.UTC);
    private static final Instant T0 = Instant.parse("2026-11-21T10:00:00Z");
    private static final String PROJECT = "acme";
    private static final String ANSWER_SCHEMA = """
            {"type":"object","required":["answer"],"properties":{"answer":{"type":"string"}}}""";

    @TempDir
    Path dataDir;
    private Database db;
    private ProjectSettings settings;
    private RecordingFeedbackStore feedback;
    private VerifierRunner runner;

    @BeforeEach
    void open() {
        db = Database.embedded(dataDir);
        settings = new ProjectSettings(db, CLOCK);
        feedback = new RecordingFeedbackStore();
        runner = new VerifierRunner(settings, feedback, CLOCK, 2, 1000);
    }

    @AfterEach
    void close() {
        feedback.release();
        if (runner != null) {
            runner.close();
        }
        db.close();
    }

    // --- specs ---

    @Test
    void specs_neverSet_areEmpty() {
        assertThat(runner.specs(PROJECT)).isEmpty();
    }

    @Test
    void setSpecs_thenSpecs_roundTrips() {
        List<VerifierSpec> specs = List.of(schema("shape", ANSWER_SCHEMA, null, 1.0),
                new VerifierSpec("refund-tool", "expected_tool", null, "issue_refund", "refund", null, 0.25),
                regex("cites", "\\[\\d+\\]", 1.0));
        runner.setSpecs(PROJECT, specs);
        assertThat(runner.specs(PROJECT)).isEqualTo(specs);
        assertThat(runner.specs("globex")).isEmpty();
    }

    @Test
    void setSpecs_badSpecs_areRefusedNamingEachField_andChangeNothing() {
        List<VerifierSpec> good = List.of(regex("ok", "x", 1.0));
        runner.setSpecs(PROJECT, good);
        List<VerifierSpec> bad = Arrays.asList(
                regex("dup", "a", 1.0),
                regex("dup", "(", 1.0),
                new VerifierSpec(" ", "json_schema", "{\"type\":\"objekt\"}", null, null, null, 1.5),
                new VerifierSpec("t", "expected_tool", null, null, null, null, 1.0),
                new VerifierSpec("u", "llm_judge", null, null, null, null, 1.0),
                new VerifierSpec("v", null, null, null, null, null, 1.0),
                new VerifierSpec("w", "json_schema", "{not json", null, null, null, 1.0),
                new VerifierSpec("x", "json_schema", null, null, null, null, 1.0),
                new VerifierSpec("y", "regex", null, null, null, null, -0.1),
                null);
        assertThatThrownBy(() -> runner.setSpecs(PROJECT, bad))
                .isInstanceOf(BadInputException.class)
                .extracting(e -> ((BadInputException) e).errors().stream().map(FieldError::field).toList())
                .isEqualTo(List.of(
                        "verifiers[1].pattern", "verifiers[1].name",
                        "verifiers[2].name", "verifiers[2].sampleRate", "verifiers[2].schema",
                        "verifiers[3].tool",
                        "verifiers[4].type",
                        "verifiers[5].type",
                        "verifiers[6].schema",
                        "verifiers[7].schema",
                        "verifiers[8].sampleRate", "verifiers[8].pattern",
                        "verifiers[9]"));
        assertThat(runner.specs(PROJECT)).isEqualTo(good);
    }

    @Test
    void setSpecs_schemaThatIsNoJsonSchema_isRefusedWithTheMetaSchemaMessage() {
        assertThatThrownBy(() -> runner.setSpecs(PROJECT, List.of(schema("s", "{\"minLength\":-1}", null, 1.0))))
                .isInstanceOf(BadInputException.class)
                .satisfies(e -> assertThat(((BadInputException) e).errors().get(0))
                        .extracting(FieldError::field, FieldError::reason)
                        .satisfies(t -> {
                            assertThat(t.get(0)).isEqualTo("verifiers[0].schema");
                            assertThat((String) t.get(1)).contains("minLength");
                        }));
    }

    @Test
    void setSpecs_schemaWithARemoteRef_isRefusedWithoutFetchingIt() {
        String remote = "{\"$ref\":\"http://127.0.0.1:9/schema.json\"}";
        assertThatThrownBy(() -> runner.setSpecs(PROJECT, List.of(schema("s", remote, null, 1.0))))
                .isInstanceOf(BadInputException.class)
                .hasMessageContaining("verifiers[0].schema");
        String unknownDraft = "{\"$schema\":\"https://example.com/my-dialect\"}";
        assertThatThrownBy(() -> runner.setSpecs(PROJECT, List.of(schema("s", unknownDraft, null, 1.0))))
                .isInstanceOf(BadInputException.class)
                .hasMessageContaining("unknown $schema");
    }

    @Test
    void setSpecs_olderDraftNamedBySchema_isValidatedAsThatDraft() {
        String draft7Tuple = """
                {"$schema":"http://json-schema.org/draft-07/schema#","type":"array","items":[{"type":"string"}]}""";
        runner.setSpecs(PROJECT, List.of(schema("tuple", draft7Tuple, null, 1.0)));
        assertThat(runner.specs(PROJECT)).hasSize(1);
    }

    // --- json_schema ---

    @Test
    void jsonSchema_outputThatValidates_passes_andOneThatDoesNot_failsWithTheMessage() throws Exception {
        runner.setSpecs(PROJECT, List.of(schema("shape", ANSWER_SCHEMA, null, 1.0)));
        runner.submit(PROJECT, List.of(
                trace("good", T0).output("{\"answer\":\"42\"}").build(),
                trace("bad", T0).output("{\"answer\":42}").build(),
                trace("none", T0).build()));
        runner.drain();
        assertThat(verdicts()).containsExactlyInAnyOrder(
                tuple("good", "shape", "true"), tuple("bad", "shape", "false"), tuple("none", "shape", "false"));
        Feedback bad = only("bad");
        assertThat(bad.reason()).contains("$.answer").contains("string");
        assertThat(only("good").reason()).isNull();
    }

    @Test
    void jsonSchema_withTool_validatesTheArgumentsOfEveryCallOfThatTool() throws Exception {
        String amount = """
                {"type":"object","required":["amount"],"properties":{"amount":{"type":"number","maximum":500}}}""";
        runner.setSpecs(PROJECT, List.of(schema("refund-args", amount, "issue_refund", 1.0)));
        runner.submit(PROJECT, List.of(
                trace("ok", T0)
                        .span(tool("s1", "issue_refund", "{\"amount\":20}"))
                        .span(tool("s2", "lookup", "{\"amount\":\"lots\"}"))
                        .build(),
                trace("over", T0)
                        .span(tool("s1", "issue_refund", "{\"amount\":20}"))
                        .span(tool("s2", "issue_refund", "{\"amount\":900}"))
                        .build(),
                trace("no-call", T0).output("\"no refund needed\"").build()));
        runner.drain();
        assertThat(verdicts()).containsExactlyInAnyOrder(tuple("ok", "refund-args", "true"),
                tuple("over", "refund-args", "false"), tuple("no-call", "refund-args", "true"));
        assertThat(only("over").reason()).startsWith("span s2: ").contains("500");
    }

    // --- expected_tool ---

    @Test
    void expectedTool_checksOnlyTracesWithTheTag_andPassesIffTheToolWasCalled() throws Exception {
        runner.setSpecs(PROJECT, List.of(
                new VerifierSpec("refund-tool", "expected_tool", null, "issue_refund", "refund", null, 1.0)));
        runner.submit(PROJECT, List.of(
                trace("called", T0).tags("refund").span(tool("s1", "issue_refund", "{}")).build(),
                trace("named-by-span", T0).tags("refund", "vip")
                        .span(span("s1", T0).kind(SpanKind.TOOL).name("issue_refund").build()).build(),
                trace("forgot", T0).tags("refund").span(tool("s1", "lookup", "{}"))
                        .span(span("s2", T0).kind(SpanKind.LLM).name("issue_refund").build()).build(),
                trace("untagged", T0).build()));
        runner.drain();
        assertThat(verdicts()).containsExactlyInAnyOrder(tuple("called", "refund-tool", "true"),
                tuple("named-by-span", "refund-tool", "true"), tuple("forgot", "refund-tool", "false"));
        assertThat(only("forgot").reason()).contains("issue_refund");
    }

    // --- regex ---

    @Test
    void regex_matchesTheOutputsText() throws Exception {
        runner.setSpecs(PROJECT, List.of(regex("cites", "\\[\\d+\\]", 1.0)));
        runner.submit(PROJECT, List.of(
                trace("text-field", T0).output("{\"text\":\"see [1]\",\"other\":\"x\"}").build(),
                trace("string", T0).output("\"see [2]\"").build(),
                trace("json", T0).output("{\"refs\":[3],\"note\":\"[4]\"}").build(),
                trace("text-field-no-match", T0).output("{\"text\":\"none\",\"other\":\"[5]\"}").build(),
                trace("no-output", T0).build()));
        runner.drain();
        assertThat(verdicts()).containsExactlyInAnyOrder(tuple("text-field", "cites", "true"),
                tuple("string", "cites", "true"), tuple("json", "cites", "true"),
                tuple("text-field-no-match", "cites", "false"), tuple("no-output", "cites", "false"));
    }

    @Test
    void regex_thatBacktracksWithoutEnd_isGivenUp_andCountedAsAFailure() throws Exception {
        // Polynomial of degree 12 in the text length (the JDK's matcher memoises the classic (a+)+ cases).
        runner.setSpecs(PROJECT, List.of(regex("evil", "(.*a){12}x", 1.0)));
        runner.submit(PROJECT, List.of(trace("t", T0).output("\"" + "a".repeat(60) + "\"").build()));
        runner.drain();
        assertThat(feedback.recorded()).isEmpty();
        assertThat(runner.failures()).isEqualTo(1);
    }

    // --- sampling, recording ---

    @Test
    void sampling_rateZeroChecksNone_rateOneChecksAll() throws Exception {
        runner.setSpecs(PROJECT, List.of(regex("never", "x", 0.0), regex("always", "x", 1.0)));
        runner.submit(PROJECT, traces(50));
        runner.drain();
        assertThat(feedback.recorded()).hasSize(50).allSatisfy(f -> assertThat(f.name()).isEqualTo("always"));
    }

    @Test
    void sampling_isDeterministicByTraceAndSpec() throws Exception {
        runner.setSpecs(PROJECT, List.of(regex("half", "x", 0.5), regex("other-half", "x", 0.5)));
        runner.submit(PROJECT, traces(200));
        runner.drain();
        Set<String> first = sampled("half");
        Set<String> firstOther = sampled("other-half");

        RecordingFeedbackStore again = new RecordingFeedbackStore();
        try (VerifierRunner second = new VerifierRunner(settings, again, CLOCK, 3, 1000)) {
            second.submit(PROJECT, traces(200));
            second.drain();
            assertThat(again.recorded().stream().filter(f -> f.name().equals("half")).map(Feedback::traceId)
                    .collect(Collectors.toSet())).isEqualTo(first);
        }
        assertThat(first).hasSizeBetween(70, 130);
        assertThat(firstOther).hasSizeBetween(70, 130).isNotEqualTo(first); // the spec name is part of the hash
    }

    @Test
    void verdicts_areRecordedAsVerifierFeedbackFromTheSystem() throws Exception {
        runner.setSpecs(PROJECT, List.of(regex("cites", "\\[\\d+\\]", 1.0), schema("shape", ANSWER_SCHEMA, null, 1.0)));
        runner.submit(PROJECT, List.of(trace("t1", T0).output("{\"text\":\"see [1]\"}").build()));
        runner.drain();
        assertThat(feedback.calls()).isEqualTo(1); // one batch per trace
        assertThat(feedback.recorded()).hasSize(2).allSatisfy(f -> {
            assertThat(f.id()).isNotBlank();
            assertThat(f.traceId()).isEqualTo("t1");
            assertThat(f.spanId()).isNull();
            assertThat(f.kind()).isEqualTo(FeedbackKind.VERIFIER);
            assertThat(f.source()).isEqualTo(FeedbackSource.SYSTEM);
            assertThat(f.confidence()).isEqualTo(1.0);
            assertThat(f.createdAt()).isEqualTo(CLOCK.instant());
            assertThat(f.idempotencyKey()).isEqualTo("verifier:" + f.name() + ":t1");
        });
        assertThat(verdicts()).containsExactlyInAnyOrder(tuple("t1", "cites", "true"), tuple("t1", "shape", "false"));
    }

    @Test
    void projectWithoutVerifiers_recordsNothing() throws Exception {
        runner.submit(PROJECT, traces(5));
        runner.drain();
        assertThat(feedback.calls()).isZero();
        assertThat(runner.dropped()).isZero();
    }

    @Test
    void changedSpecs_applyToTheNextTraces() throws Exception {
        runner.setSpecs(PROJECT, List.of(regex("a", "x", 1.0)));
        runner.submit(PROJECT, List.of(trace("t1", T0).output("\"x\"").build()));
        runner.drain();
        // as another replica would: straight into the settings, bypassing this runner's cache
        settings.put(PROJECT, ProjectSettings.VERIFIERS, List.of(regex("b", "y", 1.0)));
        runner.submit(PROJECT, List.of(trace("t2", T0).output("\"x\"").build()));
        runner.drain();
        assertThat(verdicts()).containsExactlyInAnyOrder(tuple("t1", "a", "true"), tuple("t2", "b", "false"));
    }

    @Test
    void recordingFailure_isCountedAndLogged_neverThrownToTheSubmitter() throws Exception {
        runner.setSpecs(PROJECT, List.of(regex("a", "x", 1.0)));
        feedback.failWith(new BadInputException("traceId", "unknown trace"));
        runner.submit(PROJECT, traces(3));
        runner.drain();
        assertThat(runner.failures()).isEqualTo(3);
        assertThat(feedback.recorded()).isEmpty();
    }

    @Test
    void submit_whenTheQueueIsFull_dropsAndCounts_withoutBlocking() throws Exception {
        runner.close();
        runner = new VerifierRunner(settings, feedback, CLOCK, 1, 1);
        runner.setSpecs(PROJECT, List.of(regex("a", "x", 1.0)));
        CountDownLatch busy = feedback.blockUntilReleased();
        runner.submit(PROJECT, List.of(trace("first", T0).build()));
        assertThat(busy.await(30, TimeUnit.SECONDS)).isTrue(); // the one worker is stuck recording "first"
        runner.submit(PROJECT, List.of(trace("queued", T0).build(), trace("dropped-1", T0).build(),
                trace("dropped-2", T0).build()));
        assertThat(runner.dropped()).isEqualTo(2);
        feedback.release();
        runner.drain();
        assertThat(feedback.recorded()).extracting(Feedback::traceId).containsExactlyInAnyOrder("first", "queued");
    }

    @Test
    void constructor_withoutThreadsOrQueue_isRefused() {
        assertThatThrownBy(() -> new VerifierRunner(settings, feedback, CLOCK, 0, 10))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new VerifierRunner(settings, feedback, CLOCK, 1, 0))
                .isInstanceOf(IllegalArgumentException.class);
    }

    // --- helpers ---

    private static VerifierSpec schema(String name, String schema, String tool, double rate) {
        return new VerifierSpec(name, "json_schema", schema, tool, null, null, rate);
    }

    private static VerifierSpec regex(String name, String pattern, double rate) {
        return new VerifierSpec(name, "regex", null, null, null, pattern, rate);
    }

    private static dev.ratchet.trace.Span tool(String id, String toolName, String arguments) {
        return span(id, T0).kind(SpanKind.TOOL).name("call " + toolName).toolName(toolName).input(arguments).build();
    }

    private static List<Trace> traces(int n) {
        List<Trace> traces = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            traces.add(trace("trace-" + i, T0).output("\"x\"").build());
        }
        return traces;
    }

    /** (trace, verifier, value) of everything recorded. */
    private List<org.assertj.core.groups.Tuple> verdicts() {
        return feedback.recorded().stream().map(f -> tuple(f.traceId(), f.name(), f.value().text())).toList();
    }

    private Feedback only(String traceId) {
        List<Feedback> of = feedback.forTrace(PROJECT, traceId);
        assertThat(of).hasSize(1);
        return of.get(0);
    }

    private Set<String> sampled(String spec) {
        return feedback.recorded().stream().filter(f -> f.name().equals(spec)).map(Feedback::traceId)
                .collect(Collectors.toSet());
    }
}
