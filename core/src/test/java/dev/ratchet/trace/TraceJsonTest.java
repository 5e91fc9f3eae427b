package dev.ratchet.trace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.tuple;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import dev.ratchet.common.BadInputException;
import dev.ratchet.common.FieldError;
import dev.ratchet.common.Json;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The REST ingest format: what a valid batch becomes, and how every kind of bad input is reported. */
class TraceJsonTest {

    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-21T12:00:00Z"), ZoneOffset.UTC);

    private static final String SAMPLE = """
            {"traces":[{"id":"t-1","agent":"desk","version":"v1","sessionId":"s1","userId":"u1",
              "input":{"text":"where is my card?"},"output":{"text":"It shipped yesterday."},
              "startTime":"2026-11-21T10:00:00Z","endTime":"2026-11-21T10:00:01Z",
              "spans":[{"id":"s-1","kind":"tool","name":"get_card_status","input":{"card":"1234"},
                "output":{"status":"shipped"},
                "startTime":"2026-11-21T10:00:00.100Z","endTime":"2026-11-21T10:00:00.300Z"}]}]}""";


    // --- valid input ---

    @Test
    void parseBatch_sampleBatch_readsEveryField() {
        List<Trace> traces = TraceJson.parseBatch(Json.readTree(SAMPLE), CLOCK);

        assertThat(traces).hasSize(1);
        Trace t = traces.get(0);
        assertThat(t.id()).isEqualTo("t-1");
        assertThat(t.agent()).isEqualTo("desk");
        assertThat(t.version()).isEqualTo("v1");
        assertThat(t.sessionId()).isEqualTo("s1");
        assertThat(t.userId()).isEqualTo("u1");
        assertThat(t.input().node()).isEqualTo(Json.readTree("{\"text\":\"where is my card?\"}"));
        assertThat(t.output().node()).isEqualTo(Json.readTree("{\"text\":\"It shipped yesterday.\"}"));
        assertThat(t.startTime()).isEqualTo(Instant.parse("2026-11-21T10:00:00Z"));
        assertThat(t.endTime()).isEqualTo(Instant.parse("2026-11-21T10:00:01Z"));
        assertThat(t.status()).isEqualTo(Status.OK);
        assertThat(t.error()).isNull();
        assertThat(t.spans()).hasSize(1);
        Span s = t.spans().get(0);
        assertThat(s.id()).isEqualTo("s-1");
        assertThat(s.parentId()).isNull();
        assertThat(s.kind()).isEqualTo(SpanKind.TOOL);
        assertThat(s.name()).isEqualTo("get_card_status");
        assertThat(s.toolName()).isEqualTo("get_card_status");
        assertThat(s.toolCallId()).isNull();
        assertThat(s.input().node()).isEqualTo(Json.readTree("{\"card\":\"1234\"}"));
        assertThat(s.output().node()).isEqualTo(Json.readTree("{\"status\":\"shipped\"}"));
        assertThat(s.startTime()).isEqualTo(Instant.parse("2026-11-21T10:00:00.100Z"));
        assertThat(s.endTime()).isEqualTo(Instant.parse("2026-11-21T10:00:00.300Z"));
        assertThat(s.status()).isEqualTo(Status.OK);
    }

    @Test
    void parseBatch_everyOptionalField_isRead() {
        Trace t = parseOne("""
                {"agent":"desk","instructions":"Be brief.","status":"error","error":"tool failed","model":"m-1",
                 "usage":{"inputTokens":10,"outputTokens":2},"cost":0.0123,"latencyMs":250,"tags":["prod"],
                 "metadata":{"region":"eu"},"startTime":"2026-11-21T10:00:00.123456789Z",
                 "spans":[{"id":"s-1","parentId":"s-0","kind":"tool","name":"lookup","toolName":"crm.lookup",
                   "toolCallId":"call-1","attributes":{"k":"v"},"model":"m-1","usage":{"outputTokens":3},
                   "cost":1,"error":"timeout","startTime":"2026-11-21T10:00:00Z"}]}""");

        assertThat(t.instructions().node()).isEqualTo(Json.readTree("\"Be brief.\""));
        assertThat(t.status()).isEqualTo(Status.ERROR);
        assertThat(t.error()).isEqualTo("tool failed");
        assertThat(t.model()).isEqualTo("m-1");
        assertThat(t.usage()).isEqualTo(new Usage(10L, 2L));
        assertThat(t.cost()).isEqualByComparingTo("0.0123");
        assertThat(t.latencyMs()).isEqualTo(250L);
        assertThat(t.tags()).containsExactly("prod");
        assertThat(t.metadata().node()).isEqualTo(Json.readTree("{\"region\":\"eu\"}"));
        assertThat(t.startTime()).isEqualTo(Instant.parse("2026-11-21T10:00:00.123456789Z"));
        Span s = t.spans().get(0);
        assertThat(s.parentId()).isEqualTo("s-0");
        assertThat(s.toolName()).isEqualTo("crm.lookup");
        assertThat(s.toolCallId()).isEqualTo("call-1");
        assertThat(s.attributes().node()).isEqualTo(Json.readTree("{\"k\":\"v\"}"));
        assertThat(s.usage()).isEqualTo(new Usage(null, 3L));
        assertThat(s.cost()).isEqualByComparingTo("1");
        assertThat(s.status()).as("an error without a status means the span failed").isEqualTo(Status.ERROR);
    }

    @Test
    void parseBatch_traceWithoutIdOrStartTime_getsANewIdAndTheClocksInstant() {
        Trace t = parseOne("{\"agent\":\"desk\"}");

        assertThat(t.id()).hasSize(26);
        assertThat(t.startTime()).isEqualTo(CLOCK.instant());
        assertThat(t.spans()).isEmpty();
    }

    @Test
    void parseBatch_spanWithoutId_getsTheSameIdOnEveryParse() {
        String batch = """
                {"traces":[{"id":"t-1","agent":"desk","spans":[
                  {"name":"a","startTime":"2026-11-21T10:00:00Z"},{"name":"b","startTime":"2026-11-21T10:00:00Z"}]}]}""";

        List<Span> first = TraceJson.parseBatch(Json.readTree(batch), CLOCK).get(0).spans();
        List<Span> second = TraceJson.parseBatch(Json.readTree(batch), CLOCK).get(0).spans();

        assertThat(first).extracting(Span::id).doesNotContainNull().doesNotHaveDuplicates()
                .isEqualTo(second.stream().map(Span::id).toList());
        assertThat(first.get(0).kind()).isEqualTo(SpanKind.OTHER);
    }

    // --- the byte path: payloads kept as the client wrote them ---

    @Test
    void parseBatchBytes_keepsPayloadTextVerbatim_andAgreesWithTheTreePath() {
        String batch = """
                {"traces":[{"id":"t-1","agent":"desk","input":{"b":1,  "a":[1, 2.50]},"metadata":{"k":"ü"},
                  "spans":[{"id":"s","name":"n","startTime":"2026-11-21T10:00:00Z","attributes":{"x":{"y":null}},
                  "output":[{"z":"\\u00e9"}]}]}]}""";
        Trace fromBytes = TraceJson.parseBatch(batch.getBytes(java.nio.charset.StandardCharsets.UTF_8), CLOCK).get(0);
        Trace fromTree = TraceJson.parseBatch(Json.readTree(batch), CLOCK).get(0);

        assertThat(fromBytes.input().text()).isEqualTo("{\"b\":1,  \"a\":[1, 2.50]}");
        assertThat(fromBytes.metadata().text()).isEqualTo("{\"k\":\"ü\"}");
        assertThat(fromBytes.spans().get(0).output().text()).isEqualTo("[{\"z\":\"\\u00e9\"}]");
        assertThat(fromBytes.input()).isEqualTo(fromTree.input());
        assertThat(fromBytes.spans().get(0).attributes()).isEqualTo(fromTree.spans().get(0).attributes());
        assertThat(fromBytes.spans().get(0).output().node().get(0).path("z").asText()).isEqualTo("é");
    }

    @Test
    void parseBatchBytes_invalidUtf8InsideAPayload_isMalformed() {
        byte[] head = "{\"traces\":[{\"agent\":\"desk\",\"input\":{\"text\":\"".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        byte[] tail = "\"}}]}".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        byte[] body = new byte[head.length + 2 + tail.length];
        System.arraycopy(head, 0, body, 0, head.length);
        body[head.length] = (byte) 0xE2; // a three-byte lead byte ...
        body[head.length + 1] = (byte) 0x28; // ... followed by a byte that cannot continue it
        System.arraycopy(tail, 0, body, head.length + 2, tail.length);

        BadInputException e = catchThrowableOfType(BadInputException.class, () -> TraceJson.parseBatch(body, CLOCK));
        assertThat(e.errors()).singleElement().satisfies(f -> {
            assertThat(f.field()).isEqualTo("$");
            assertThat(f.reason()).contains("malformed JSON").containsIgnoringCase("utf-8");
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"traces\":[{\"agent\":\"desk\",\"input\":{\"a\":}}]}",
            "{\"traces\":[{\"agent\":\"desk\"}]} trailing", "{\"traces\":[{\"agent\":\"desk\",\"input\":{\"a\":1]}]}", ""})
    void parseBatchBytes_malformedJson_isRefusedNamingTheBody(String body) {
        BadInputException e = catchThrowableOfType(BadInputException.class,
                () -> TraceJson.parseBatch(body.getBytes(java.nio.charset.StandardCharsets.UTF_8), CLOCK));
        assertThat(e.errors()).extracting(FieldError::field).containsExactly("$");
    }

    @Test
    void parseBatchBytes_payloadOfTheWrongShape_isRefusedNamingTheField() {
        BadInputException e = catchThrowableOfType(BadInputException.class, () -> TraceJson.parseBatch(
                ("{\"traces\":[{\"agent\":\"desk\",\"metadata\":[1],\"spans\":[" + span("\"attributes\":\"x\"") + "]}]}")
                        .getBytes(java.nio.charset.StandardCharsets.UTF_8), CLOCK));
        assertThat(e.errors()).extracting(FieldError::item, FieldError::field)
                .containsExactlyInAnyOrder(tuple(0, "metadata"), tuple(0, "spans[0].attributes"));
    }

    // --- bad input: one problem, reported with item and field ---

    @Test
    void parseBatch_missingAgent_isRefusedNamingItAsRequired() {
        List<FieldError> errors = errorsOf("{\"traces\":[{\"id\":\"t-1\"}]}");

        assertThat(errors).containsExactly(new FieldError(0, "agent", "required"));
    }

    @Test
    void parseBatch_blankAgent_isRefused() {
        assertThat(errorsOf("{\"traces\":[{\"agent\":\"  \"}]}")).extracting(FieldError::item, FieldError::field)
                .containsExactly(tuple(0, "agent"));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("invalidFields")
    void parseBatch_fieldOfTheWrongTypeOrValue_isRefusedNamingThatFieldOnly(String fields, String expectedField) {
        List<FieldError> errors = errorsOf("{\"traces\":[{" + fields + "}]}");

        assertThat(errors).extracting(FieldError::item, FieldError::field).containsExactly(tuple(0, expectedField));
    }

    static Stream<Arguments> invalidFields() {
        return Stream.of(
                Arguments.of("\"agent\":5", "agent"),
                Arguments.of("\"agent\":\"desk\",\"id\":7", "id"),
                Arguments.of("\"agent\":\"desk\",\"id\":\"has space\"", "id"),
                Arguments.of("\"agent\":\"desk\",\"sessionId\":true", "sessionId"),
                Arguments.of("\"agent\":\"desk\",\"userId\":{}", "userId"),
                Arguments.of("\"agent\":\"desk\",\"status\":\"fine\"", "status"),
                Arguments.of("\"agent\":\"desk\",\"usage\":5", "usage"),
                Arguments.of("\"agent\":\"desk\",\"cost\":\"cheap\"", "cost"),
                Arguments.of("\"agent\":\"desk\",\"cost\":-0.5", "cost"),
                Arguments.of("\"agent\":\"desk\",\"latencyMs\":\"fast\"", "latencyMs"),
                Arguments.of("\"agent\":\"desk\",\"tags\":\"prod\"", "tags"),
                Arguments.of("\"agent\":\"desk\",\"tags\":[\"prod\",3]", "tags[1]"),
                Arguments.of("\"agent\":\"desk\",\"metadata\":[1]", "metadata"),
                Arguments.of("\"agent\":\"desk\",\"spans\":{}", "spans"),
                Arguments.of("\"agent\":\"desk\",\"spans\":[5]", "spans[0]"),
                Arguments.of("\"agent\":\"desk\",\"spans\":[" + span("\"attributes\":[]") + "]", "spans[0].attributes"),
                Arguments.of("\"agent\":\"desk\",\"spans\":[" + span("\"kind\":1") + "]", "spans[0].kind"),
                Arguments.of("\"agent\":\"desk\",\"spans\":[" + span("\"parentId\":\"s-1\"") + "]", "spans[0].parentId"),
                Arguments.of("\"agent\":\"desk\",\"spans\":[{\"id\":\"s-1\",\"name\":5,\"startTime\":\"2026-11-21T10:00:00Z\"}]",
                        "spans[0].name"),
                Arguments.of("\"agent\":\"desk\",\"spans\":[{\"id\":\"s-1\",\"name\":\"step\",\"startTime\":5}]",
                        "spans[0].startTime"));
    }

    @Test
    void parseBatch_traceThatIsNotAnObject_isRefusedNamingTheItem() {
        assertThat(errorsOf("{\"traces\":[{\"agent\":\"desk\"},\"t-2\"]}"))
                .extracting(FieldError::item, FieldError::field).containsExactly(tuple(1, "$"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"id\":\"s-1\"}", "{\"id\":\"s-1\",\"name\":null,\"startTime\":null}"})
    void parseBatch_spanWithoutNameOrStartTime_isRefusedNamingBothAsRequired(String span) {
        List<FieldError> errors = errorsOf("{\"traces\":[{\"agent\":\"desk\",\"spans\":[" + span + "]}]}");

        assertThat(errors).containsExactly(
                new FieldError(0, "spans[0].name", "required"),
                new FieldError(0, "spans[0].startTime", "required"));
    }

    @Test
    void parseBatch_unknownFields_areRefusedWhereverTheyAre() {
        List<FieldError> errors = errorsOf("""
                {"traces":[{"agent":"desk","sesionId":"s1","usage":{"inputTokens":1,"cachedTokens":2},
                  "spans":[{"id":"s-1","name":"step","startTime":"2026-11-21T10:00:00Z","colour":"red"}]}],
                 "extra":1}""");

        assertThat(errors).extracting(FieldError::item, FieldError::field, FieldError::reason)
                .containsExactlyInAnyOrder(
                        tuple(null, "extra", "unknown field"),
                        tuple(0, "sesionId", "unknown field"),
                        tuple(0, "usage.cachedTokens", "unknown field"),
                        tuple(0, "spans[0].colour", "unknown field"));
    }

    @Test
    void parseBatch_unknownSpanKind_isRefusedListingTheKnownKinds() {
        List<FieldError> errors = errorsOf("{\"traces\":[{\"agent\":\"desk\",\"spans\":[" + span("\"kind\":\"robot\"") + "]}]}");

        assertThat(errors).singleElement().satisfies(e -> {
            assertThat(e.item()).isZero();
            assertThat(e.field()).isEqualTo("spans[0].kind");
            assertThat(e.reason()).contains("'robot'").contains("llm", "tool", "retrieval");
        });
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("badTimestamps")
    void parseBatch_badTimestamp_isRefusedNamingTheField(String fields, String expectedField) {
        List<FieldError> errors = errorsOf("{\"traces\":[{\"agent\":\"desk\"," + fields + "}]}");

        assertThat(errors).extracting(FieldError::item, FieldError::field).containsExactly(tuple(0, expectedField));
    }

    static Stream<Arguments> badTimestamps() {
        return Stream.of(
                Arguments.of("\"startTime\":\"yesterday\"", "startTime"),
                Arguments.of("\"startTime\":\"2026-11-21 10:00:00\"", "startTime"),
                Arguments.of("\"startTime\":\"2026-11-21T10:00:00\"", "startTime"),
                Arguments.of("\"endTime\":1795000000", "endTime"),
                Arguments.of("\"spans\":[{\"id\":\"s-1\",\"name\":\"a\",\"startTime\":\"2026-13-01T00:00:00Z\"}]",
                        "spans[0].startTime"),
                Arguments.of("\"spans\":[" + span("\"endTime\":\"soon\"") + "]", "spans[0].endTime"));
    }

    @Test
    void parseBatch_traceEndingBeforeItStarts_isRefusedNamingEndTime() {
        List<FieldError> errors = errorsOf("""
                {"traces":[{"agent":"desk","startTime":"2026-11-21T10:00:01Z","endTime":"2026-11-21T10:00:00Z"}]}""");

        assertThat(errors).containsExactly(new FieldError(0, "endTime", "must not be before startTime"));
    }

    @Test
    void parseBatch_spanEndingBeforeItStarts_isRefusedNamingItsEndTime() {
        List<FieldError> errors = errorsOf("""
                {"traces":[{"agent":"desk","spans":[{"id":"s-1","name":"a",
                  "startTime":"2026-11-21T10:00:00.000000002Z","endTime":"2026-11-21T10:00:00.000000001Z"}]}]}""");

        assertThat(errors).containsExactly(new FieldError(0, "spans[0].endTime", "must not be before startTime"));
    }

    @Test
    void parseBatch_duplicateSpanIds_isRefusedNamingTheSecond() {
        List<FieldError> errors = errorsOf("""
                {"traces":[{"agent":"desk","spans":[
                  {"id":"s-1","name":"a","startTime":"2026-11-21T10:00:00Z"},
                  {"id":"s-1","name":"b","startTime":"2026-11-21T10:00:00Z"}]}]}""");

        assertThat(errors).extracting(FieldError::item, FieldError::field).containsExactly(tuple(0, "spans[1].id"));
    }

    @Test
    void parseBatch_duplicateTraceIds_isRefusedNamingTheSecondItem() {
        List<FieldError> errors = errorsOf("""
                {"traces":[{"id":"t-1","agent":"desk"},{"id":"t-1","agent":"desk"}]}""");

        assertThat(errors).extracting(FieldError::item, FieldError::field).containsExactly(tuple(1, "id"));
    }

    @Test
    void parseBatch_negativeOrFractionalTokens_areRefusedNamingEachCount() {
        List<FieldError> errors = errorsOf("""
                {"traces":[{"agent":"desk","usage":{"inputTokens":-1,"outputTokens":2},
                  "spans":[{"id":"s-1","name":"a","startTime":"2026-11-21T10:00:00Z",
                    "usage":{"inputTokens":0,"outputTokens":1.5}}]}]}""");

        assertThat(errors).extracting(FieldError::item, FieldError::field).containsExactlyInAnyOrder(
                tuple(0, "usage.inputTokens"),
                tuple(0, "spans[0].usage.outputTokens"));
        assertThat(errors).extracting(FieldError::reason).containsOnly("must be a non-negative integer");
    }

    @Test
    void parseBatch_emptyBatch_isRefused() {
        assertThat(errorsOf("{\"traces\":[]}")).containsExactly(FieldError.of("traces", "must not be empty"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"{}", "{\"traces\":{}}", "{\"traces\":\"t-1\"}", "{\"traces\":null}"})
    void parseBatch_withoutATracesArray_isRefusedNamingTraces(String body) {
        assertThat(errorsOf(body)).extracting(FieldError::item, FieldError::field).containsExactly(tuple(null, "traces"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"[]", "[{\"agent\":\"desk\"}]", "\"traces\"", "42", "null"})
    void parseBatch_bodyThatIsNotAnObject_isRefusedNamingTheBody(String body) {
        assertThat(errorsOf(body)).extracting(FieldError::item, FieldError::field).containsExactly(tuple(null, "$"));
    }

    @Test
    void parseBatch_noBodyAtAll_isRefusedNamingTheBody() {
        for (JsonNode none : new JsonNode[] {null, NullNode.getInstance()}) {
            assertThatThrownBy(() -> TraceJson.parseBatch(none, CLOCK))
                    .isInstanceOfSatisfying(BadInputException.class, e -> assertThat(e.errors())
                            .extracting(FieldError::field).containsExactly("$"));
        }
    }

    // --- bad input: everything at once ---

    @Test
    void parseBatch_severalBadItems_reportsEveryProblemTogether() {
        List<FieldError> errors = errorsOf("""
                {"traces":[
                  {"id":"t-0","agent":"desk"},
                  {"id":"t-1"},
                  {"id":"t-2","agent":"desk","spans":[{"id":"s-1","kind":"robot","name":"a",
                    "startTime":"2026-11-21T10:00:00Z","usage":{"inputTokens":-1}}]},
                  {"id":"t-3","agent":"desk","startTime":"later"}]}""");

        assertThat(errors).extracting(FieldError::item, FieldError::field).containsExactly(
                tuple(1, "agent"),
                tuple(2, "spans[0].kind"),
                tuple(2, "spans[0].usage.inputTokens"),
                tuple(3, "startTime"));
    }

    @Test
    void badInputException_message_namesTheFirstProblemAndCountsTheRest() {
        BadInputException e = catchThrowableOfType(BadInputException.class,
                () -> TraceJson.parseBatch(Json.readTree("{\"traces\":[{},{}]}"), CLOCK));

        assertThat(e).hasMessage("item 0: agent: required (and 1 more)");
    }

    // --- helpers ---

    /** A valid span with {@code extraFields} (JSON members) added, for batches that break something else. */
    private static String span(String extraFields) {
        return "{\"id\":\"s-1\",\"name\":\"step\",\"startTime\":\"2026-11-21T10:00:00Z\"," + extraFields + "}";
    }

    private static Trace parseOne(String traceJson) {
        List<Trace> traces = TraceJson.parseBatch(Json.readTree("{\"traces\":[" + traceJson + "]}"), CLOCK);
        assertThat(traces).hasSize(1);
        return traces.get(0);
    }

    private static List<FieldError> errorsOf(String body) {
        BadInputException e = catchThrowableOfType(BadInputException.class,
                () -> TraceJson.parseBatch(Json.readTree(body), CLOCK));
        assertThat(e).as("a BadInputException for %s", body).isNotNull();
        return e.errors();
    }
}
