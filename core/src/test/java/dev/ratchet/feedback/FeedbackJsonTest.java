package dev.ratchet.feedback;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.tuple;

import dev.ratchet.common.BadInputException;
import dev.ratchet.common.FieldError;
import dev.ratchet.common.Json;
import dev.ratchet.common.JsonText;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.assertj.core.api.recursive.comparison.RecursiveComparisonConfiguration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The REST feedback format: what a valid batch becomes, and how every kind of bad input is reported. */
class FeedbackJsonTest {

    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-21T12:00:00Z"), ZoneOffset.UTC);

    /** The sample of the issue. */
    private static final String SAMPLE = """
            {"feedback":[{"traceId":"t-1","kind":"thumbs","value":false,"source":"end_user"},\
            {"traceId":"t-1","kind":"correction","value":{"text":"Your card was lost; I have frozen it."},\
            "source":"annotator","authorId":"ann-7"}]}""";

    // --- valid input ---

    @Test
    void parseBatch_issueSample_readsBothItems() {
        List<Feedback> items = FeedbackJson.parseBatch(SAMPLE.getBytes(StandardCharsets.UTF_8), CLOCK);

        assertThat(items).hasSize(2);
        Feedback thumbs = items.get(0);
        assertThat(thumbs.traceId()).isEqualTo("t-1");
        assertThat(thumbs.spanId()).isNull();
        assertThat(thumbs.kind()).isEqualTo(FeedbackKind.THUMBS);
        assertThat(thumbs.value().node().booleanValue()).isFalse();
        assertThat(thumbs.source()).isEqualTo(FeedbackSource.END_USER);
        assertThat(thumbs.confidence()).isEqualTo(1.0);
        assertThat(thumbs.createdAt()).isEqualTo(CLOCK.instant());
        assertThat(thumbs.id()).hasSize(26);
        assertThat(thumbs.scale()).isNull();
        Feedback correction = items.get(1);
        assertThat(correction.kind()).isEqualTo(FeedbackKind.CORRECTION);
        assertThat(correction.value().node()).isEqualTo(Json.readTree("{\"text\":\"Your card was lost; I have frozen it.\"}"));
        assertThat(correction.source()).isEqualTo(FeedbackSource.ANNOTATOR);
        assertThat(correction.authorId()).isEqualTo("ann-7");
        assertThat(correction.id()).isNotEqualTo(thumbs.id());
    }

    @Test
    void parseBatch_everyField_isRead() {
        Feedback f = parseOne("""
                {"id":"fb-1","traceId":"t-1","spanId":"s-2","kind":"rating","value":7.5,"scale":{"min":0,"max":10},
                 "reason":"mostly right","name":"helpfulness","source":"annotator","authorId":"ann-7",
                 "confidence":0.8,"idempotencyKey":"k-1","createdAt":"2026-11-21T10:00:00.123456789Z"}""");

        assertThat(f.id()).isEqualTo("fb-1");
        assertThat(f.spanId()).isEqualTo("s-2");
        assertThat(f.kind()).isEqualTo(FeedbackKind.RATING);
        assertThat(f.value().node().decimalValue()).isEqualByComparingTo("7.5");
        assertThat(f.scale().min()).isEqualByComparingTo("0");
        assertThat(f.scale().max()).isEqualByComparingTo("10");
        assertThat(f.reason()).isEqualTo("mostly right");
        assertThat(f.name()).isEqualTo("helpfulness");
        assertThat(f.source()).isEqualTo(FeedbackSource.ANNOTATOR);
        assertThat(f.authorId()).isEqualTo("ann-7");
        assertThat(f.confidence()).isEqualTo(0.8);
        assertThat(f.idempotencyKey()).isEqualTo("k-1");
        assertThat(f.createdAt()).isEqualTo(Instant.parse("2026-11-21T10:00:00.123456789Z"));
    }

    @Test
    void parseBatch_ratingWithoutScale_getsTheDefaultScale() {
        Feedback f = parseOne("{\"traceId\":\"t-1\",\"kind\":\"rating\",\"value\":5}");

        assertThat(f.scale()).isEqualTo(Scale.DEFAULT);
    }

    @Test
    void parseBatch_sourceLeftOut_defaultsByCategory() {
        assertThat(parseOne("{\"traceId\":\"t\",\"kind\":\"thumbs\",\"value\":true}").source())
                .isEqualTo(FeedbackSource.END_USER);
        assertThat(parseOne("{\"traceId\":\"t\",\"kind\":\"retried\"}").source()).isEqualTo(FeedbackSource.END_USER);
        assertThat(parseOne("{\"traceId\":\"t\",\"kind\":\"verifier\",\"value\":true}").source())
                .isEqualTo(FeedbackSource.SYSTEM);
        assertThat(parseOne("{\"traceId\":\"t\",\"kind\":\"judge\",\"value\":0.5}").source())
                .isEqualTo(FeedbackSource.SYSTEM);
        assertThat(parseOne("{\"traceId\":\"t\",\"kind\":\"review\",\"value\":\"failure\"}").source())
                .isEqualTo(FeedbackSource.ANNOTATOR);
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("validValues")
    void parseBatch_valueOfTheRightTypeForItsKind_isAccepted(String kind, String value) {
        Feedback f = parseOne("{\"traceId\":\"t-1\",\"kind\":\"" + kind + "\"" + (value == null ? "" : ",\"value\":" + value) + "}");

        assertThat(f.kind().wire()).isEqualTo(kind);
        if (value == null) {
            assertThat(f.value()).isNull();
        } else {
            assertThat(f.value().node()).isEqualTo(Json.readTree(value));
        }
    }

    static Stream<Arguments> validValues() {
        return Stream.of(
                Arguments.of("rating", "1"),
                Arguments.of("rating", "5"),
                Arguments.of("thumbs", "true"),
                Arguments.of("approval", "false"),
                Arguments.of("verifier", "true"),
                Arguments.of("label", "\"wrong_intent\""),
                Arguments.of("comment", "\"thanks!\""),
                Arguments.of("correction", "\"just text\""),
                Arguments.of("correction", "{\"text\":\"x\",\"tool\":\"freeze_card\"}"),
                Arguments.of("judge", "0"),
                Arguments.of("judge", "1"),
                Arguments.of("judge", "0.35"),
                Arguments.of("review", "\"success\""),
                Arguments.of("accepted", null),
                Arguments.of("retried", null),
                Arguments.of("edited", "{\"text\":\"edited output\"}"),
                Arguments.of("escalated", null),
                Arguments.of("abandoned", null),
                Arguments.of("follow_up", "\"and my other card?\""));
    }

    @Test
    void parseBatch_bytesAndTree_agree() {
        List<Feedback> fromBytes = FeedbackJson.parseBatch(SAMPLE.getBytes(StandardCharsets.UTF_8), CLOCK);
        List<Feedback> fromTree = FeedbackJson.parseBatch(Json.readTree(SAMPLE), CLOCK);

        assertThat(fromBytes).usingRecursiveFieldByFieldElementComparator(RecursiveComparisonConfiguration.builder()
                .withIgnoredFields("id").withEqualsForType(JsonText::equals, JsonText.class).build())
                .isEqualTo(fromTree);
    }

    // --- embedded in another document ---

    @Test
    void parseItems_embeddedInATrace_takeTheTracesIdAndReportErrorsUnderThePrefix() {
        List<FieldError> errors = new ArrayList<>();
        List<Feedback> items = FeedbackJson.parseItems(Json.readTree("""
                [{"kind":"thumbs","value":true},{"kind":"thumbs","value":"yes","traceId":"t-other"}]"""),
                3, "feedback", "t-9", CLOCK, errors);

        assertThat(items.get(0).traceId()).isEqualTo("t-9");
        assertThat(errors).extracting(FieldError::item, FieldError::field).containsExactlyInAnyOrder(
                tuple(3, "feedback[1].value"), tuple(3, "feedback[1].traceId"));
    }

    @Test
    void parseItems_notAnArray_isReportedUnderThePrefix() {
        List<FieldError> errors = new ArrayList<>();

        FeedbackJson.parseItems(Json.readTree("{}"), 0, "feedback", "t-1", CLOCK, errors);

        assertThat(errors).extracting(FieldError::item, FieldError::field).containsExactly(tuple(0, "feedback"));
    }

    @Test
    void parseItem_notAnObject_isReportedAtItsPath() {
        List<FieldError> errors = new ArrayList<>();

        Feedback f = FeedbackJson.parseItem(Json.readTree("[1]"), 0, "feedback[2].", "t-1", CLOCK, errors);

        assertThat(f).isNull();
        assertThat(errors).extracting(FieldError::field).containsExactly("feedback[2]");
    }

    // --- bad input, each reported with item and field ---

    @Test
    void parseBatch_unknownKind_isRefusedListingTheKinds() {
        List<FieldError> errors = errorsOf("{\"feedback\":[{\"traceId\":\"t-1\",\"kind\":\"like\",\"value\":true}]}");

        assertThat(errors).singleElement().satisfies(e -> {
            assertThat(e.item()).isZero();
            assertThat(e.field()).isEqualTo("kind");
            assertThat(e.reason()).contains("'like'").contains(FeedbackKind.allowed());
        });
    }

    @Test
    void parseBatch_ratingOutOfTheDeclaredScale_isRefusedNamingTheValue() {
        List<FieldError> errors = errorsOf("""
                {"feedback":[{"traceId":"t-1","kind":"rating","value":3},
                 {"traceId":"t-1","kind":"rating","value":11,"scale":{"min":0,"max":10}},
                 {"traceId":"t-1","kind":"rating","value":0}]}""");

        assertThat(errors).extracting(FieldError::item, FieldError::field)
                .containsExactly(tuple(1, "value"), tuple(2, "value"));
        assertThat(errors.get(0).reason()).contains("0 to 10");
        assertThat(errors.get(1).reason()).contains("1 to 5");
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("invalidItems")
    void parseBatch_invalidItem_isRefusedNamingItsItemAndField(String item, String field) {
        List<FieldError> errors = errorsOf("{\"feedback\":[{\"traceId\":\"t-0\",\"kind\":\"thumbs\",\"value\":true},"
                + item + "]}");

        assertThat(errors).extracting(FieldError::item, FieldError::field).containsExactly(tuple(1, field));
    }

    static Stream<Arguments> invalidItems() {
        String longText = "\"" + "x".repeat(10_001) + "\"";
        String long256 = "\"" + "x".repeat(257) + "\"";
        return Stream.of(
                // wrong value types per kind
                Arguments.of("{\"traceId\":\"t\",\"kind\":\"rating\",\"value\":\"5\"}", "value"),
                Arguments.of("{\"traceId\":\"t\",\"kind\":\"rating\"}", "value"),
                Arguments.of("{\"traceId\":\"t\",\"kind\":\"thumbs\",\"value\":1}", "value"),
                Arguments.of("{\"traceId\":\"t\",\"kind\":\"thumbs\",\"value\":\"up\"}", "value"),
                Arguments.of("{\"traceId\":\"t\",\"kind\":\"thumbs\"}", "value"),
                Arguments.of("{\"traceId\":\"t\",\"kind\":\"approval\",\"value\":null}", "value"),
                Arguments.of("{\"traceId\":\"t\",\"kind\":\"verifier\",\"value\":\"true\"}", "value"),
                Arguments.of("{\"traceId\":\"t\",\"kind\":\"label\",\"value\":3}", "value"),
                Arguments.of("{\"traceId\":\"t\",\"kind\":\"label\",\"value\":\"  \"}", "value"),
                Arguments.of("{\"traceId\":\"t\",\"kind\":\"comment\",\"value\":" + longText + "}", "value"),
                Arguments.of("{\"traceId\":\"t\",\"kind\":\"comment\",\"value\":{\"text\":\"hi\"}}", "value"),
                Arguments.of("{\"traceId\":\"t\",\"kind\":\"correction\"}", "value"),
                Arguments.of("{\"traceId\":\"t\",\"kind\":\"judge\",\"value\":1.01}", "value"),
                Arguments.of("{\"traceId\":\"t\",\"kind\":\"judge\",\"value\":-0.1}", "value"),
                Arguments.of("{\"traceId\":\"t\",\"kind\":\"judge\",\"value\":true}", "value"),
                Arguments.of("{\"traceId\":\"t\",\"kind\":\"review\",\"value\":\"disputed\"}", "value"),
                Arguments.of("{\"traceId\":\"t\",\"kind\":\"review\",\"value\":true}", "value"),
                // scale
                Arguments.of("{\"traceId\":\"t\",\"kind\":\"rating\",\"value\":3,\"scale\":{\"min\":5,\"max\":1}}", "scale"),
                Arguments.of("{\"traceId\":\"t\",\"kind\":\"rating\",\"value\":3,\"scale\":{\"min\":3,\"max\":3}}", "scale"),
                Arguments.of("{\"traceId\":\"t\",\"kind\":\"rating\",\"value\":3,\"scale\":[1,5]}", "scale"),
                Arguments.of("{\"traceId\":\"t\",\"kind\":\"rating\",\"value\":3,\"scale\":{\"min\":1}}", "scale.max"),
                Arguments.of("{\"traceId\":\"t\",\"kind\":\"rating\",\"value\":3,\"scale\":{\"min\":1,\"max\":\"5\"}}", "scale.max"),
                Arguments.of("{\"traceId\":\"t\",\"kind\":\"rating\",\"value\":3,\"scale\":{\"min\":1,\"max\":5,\"step\":1}}",
                        "scale.step"),
                Arguments.of("{\"traceId\":\"t\",\"kind\":\"thumbs\",\"value\":true,\"scale\":{\"min\":1,\"max\":5}}", "scale"),
                // confidence
                Arguments.of("{\"traceId\":\"t\",\"kind\":\"thumbs\",\"value\":true,\"confidence\":1.5}", "confidence"),
                Arguments.of("{\"traceId\":\"t\",\"kind\":\"thumbs\",\"value\":true,\"confidence\":-0.01}", "confidence"),
                Arguments.of("{\"traceId\":\"t\",\"kind\":\"thumbs\",\"value\":true,\"confidence\":\"high\"}", "confidence"),
                // source
                Arguments.of("{\"traceId\":\"t\",\"kind\":\"thumbs\",\"value\":true,\"source\":\"user\"}", "source"),
                Arguments.of("{\"traceId\":\"t\",\"kind\":\"thumbs\",\"value\":true,\"source\":1}", "source"),
                // unknown field
                Arguments.of("{\"traceId\":\"t\",\"kind\":\"thumbs\",\"value\":true,\"rating\":5}", "rating"),
                // ids and the rest
                Arguments.of("{\"kind\":\"thumbs\",\"value\":true}", "traceId"),
                Arguments.of("{\"traceId\":\"t 1\",\"kind\":\"thumbs\",\"value\":true}", "traceId"),
                Arguments.of("{\"traceId\":7,\"kind\":\"thumbs\",\"value\":true}", "traceId"),
                Arguments.of("{\"traceId\":\"t\",\"spanId\":\"s/1\",\"kind\":\"thumbs\",\"value\":true}", "spanId"),
                Arguments.of("{\"id\":\"\",\"traceId\":\"t\",\"kind\":\"thumbs\",\"value\":true}", "id"),
                Arguments.of("{\"traceId\":\"t\",\"value\":true}", "kind"),
                Arguments.of("{\"traceId\":\"t\",\"kind\":\"thumbs\",\"value\":true,\"reason\":" + longText + "}", "reason"),
                Arguments.of("{\"traceId\":\"t\",\"kind\":\"thumbs\",\"value\":true,\"name\":" + long256 + "}", "name"),
                Arguments.of("{\"traceId\":\"t\",\"kind\":\"thumbs\",\"value\":true,\"authorId\":" + long256 + "}", "authorId"),
                Arguments.of("{\"traceId\":\"t\",\"kind\":\"thumbs\",\"value\":true,\"idempotencyKey\":" + long256 + "}",
                        "idempotencyKey"),
                Arguments.of("{\"traceId\":\"t\",\"kind\":\"thumbs\",\"value\":true,\"idempotencyKey\":\"\"}", "idempotencyKey"),
                Arguments.of("{\"traceId\":\"t\",\"kind\":\"thumbs\",\"value\":true,\"createdAt\":\"yesterday\"}", "createdAt"),
                Arguments.of("{\"traceId\":\"t\",\"kind\":\"thumbs\",\"value\":true,\"createdAt\":1700000000}", "createdAt"),
                Arguments.of("\"thumbs up\"", "$"));
    }

    @Test
    void parseBatch_severalProblems_areAllReportedAtOnce() {
        List<FieldError> errors = errorsOf("""
                {"feedback":[{"kind":"stars","value":5,"source":"robot","extra":1},
                 {"traceId":"t-1","kind":"rating","value":9,"confidence":2}]}""");

        assertThat(errors).extracting(FieldError::item, FieldError::field).containsExactlyInAnyOrder(
                tuple(0, "extra"), tuple(0, "traceId"), tuple(0, "kind"), tuple(0, "source"),
                tuple(1, "value"), tuple(1, "confidence"));
    }

    @Test
    void parseBatch_sameIdOrIdempotencyKeyTwice_isRefusedNamingTheSecond() {
        List<FieldError> errors = errorsOf("""
                {"feedback":[{"id":"a","traceId":"t","kind":"retried","idempotencyKey":"k"},
                 {"id":"a","traceId":"t","kind":"retried"},
                 {"traceId":"t","kind":"retried","idempotencyKey":"k"}]}""");

        assertThat(errors).extracting(FieldError::item, FieldError::field)
                .containsExactly(tuple(1, "id"), tuple(2, "idempotencyKey"));
    }

    @Test
    void parseBatch_emptyBatch_isRefused() {
        assertThat(errorsOf("{\"feedback\":[]}")).containsExactly(FieldError.of("feedback", "must not be empty"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"{}", "{\"feedback\":{}}", "{\"feedback\":null}"})
    void parseBatch_withoutAFeedbackArray_isRefused(String body) {
        assertThat(errorsOf(body)).extracting(FieldError::field).containsExactly("feedback");
    }

    @Test
    void parseBatch_unknownTopLevelField_isRefused() {
        assertThat(errorsOf("{\"feedback\":[{\"traceId\":\"t\",\"kind\":\"retried\"}],\"traces\":[]}"))
                .containsExactly(FieldError.of("traces", "unknown field"));
    }

    @Test
    void parseBatch_tooManyItems_isRefused() {
        String item = "{\"traceId\":\"t\",\"kind\":\"retried\"}";
        String body = "{\"feedback\":[" + String.join(",", java.util.Collections.nCopies(1001, item)) + "]}";

        assertThat(errorsOf(body)).extracting(FieldError::field).containsExactly("feedback");
    }

    @Test
    void parseBatch_exactlyTheMaximum_isAccepted() {
        String item = "{\"traceId\":\"t\",\"kind\":\"retried\"}";
        String body = "{\"feedback\":[" + String.join(",", java.util.Collections.nCopies(1000, item)) + "]}";

        assertThat(FeedbackJson.parseBatch(Json.readTree(body), CLOCK)).hasSize(1000);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "[1]", "{\"feedback\":[", "{\"feedback\":[]} trailing"})
    void parseBatchBytes_emptyOrMalformedOrNotAnObject_isRefusedNamingTheBody(String body) {
        BadInputException e = catchThrowableOfType(BadInputException.class,
                () -> FeedbackJson.parseBatch(body.getBytes(StandardCharsets.UTF_8), CLOCK));

        assertThat(e.errors()).extracting(FieldError::field).containsExactly("$");
    }

    @Test
    void parseBatch_numberInScaleAndValue_keepsItsDecimalExactly() {
        Feedback f = parseOne("{\"traceId\":\"t\",\"kind\":\"rating\",\"value\":0.1,\"scale\":{\"min\":0.05,\"max\":0.15}}");

        assertThat(f.scale().min()).isEqualTo(new BigDecimal("0.05"));
        assertThat(f.value().text()).isEqualTo("0.1");
    }

    // --- helpers ---

    private static Feedback parseOne(String item) {
        List<Feedback> items = FeedbackJson.parseBatch(Json.readTree("{\"feedback\":[" + item + "]}"), CLOCK);
        assertThat(items).hasSize(1);
        return items.get(0);
    }

    private static List<FieldError> errorsOf(String body) {
        BadInputException e = catchThrowableOfType(BadInputException.class,
                () -> FeedbackJson.parseBatch(Json.readTree(body), CLOCK));
        assertThat(e).as("refused").isNotNull();
        return e.errors();
    }
}
