package dev.ratchet.trace;

import static dev.ratchet.trace.SpanBuilder.span;
import static dev.ratchet.trace.TraceBuilder.trace;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;
import static org.assertj.core.api.Assertions.withinPercentage;

import dev.ratchet.common.JsonText;
import dev.ratchet.common.BadInputException;
import dev.ratchet.common.FieldError;
import dev.ratchet.store.Database;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What every {@link TraceStore} must do, whatever engine is under it. Each engine extends this class and
 * says how to open a fresh, empty database for one test.
 */
public abstract class TraceStoreContract {

    protected static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-21T12:00:00Z"), ZoneOffset.UTC);
    private static final Instant T0 = Instant.parse("2026-11-21T10:00:00Z");
    private static final String PROJECT = "acme";
    private static final String OTHER_PROJECT = "globex";

    private Database db;
    private TraceStore store;

    /** A fresh, migrated, empty database; closed by the contract after each test. */
    protected abstract Database openDatabase() throws Exception;

    @BeforeEach
    void openStore() throws Exception {
        db = openDatabase();
        store = new JdbcTraceStore(db, CLOCK);
    }

    @AfterEach
    void closeDatabase() {
        if (db != null) {
            db.close();
        }
    }

    // --- ingest and get ---

    @Test
    void ingest_thenGet_returnsEveryFieldAsSent() {
        Span llm = span("s-llm", T0.plusNanos(100_000_001))
                .kind(SpanKind.LLM)
                .name("chat")
                .input("""
                        {"messages":[{"role":"user","content":"Where is my card? \u00fc"}],"temperature":0.2}""")
                .output("""
                        {"role":"assistant","tool_calls":[{"id":"call_7f3a","name":"get_card_status"}]}""")
                .attributes("""
                        {"stream":false,"seed":12345678901234567890,"top_p":0.95}""")
                .endTime(T0.plusNanos(900_000_009))
                .model("gpt-x-2026")
                .usage(1200L, 85L)
                .cost("0.00315")
                .build();
        Span tool = span("s-tool", T0.plusMillis(950).plusNanos(1))
                .parentId("s-llm")
                .kind(SpanKind.TOOL)
                .name("get_card_status")
                .input("{\"card\":\"1234\"}")
                .output("{\"status\":\"unknown\"}")
                .endTime(T0.plusSeconds(1).plusNanos(999_999_999))
                .status(Status.ERROR)
                .error("CRM timed out after 2 retries")
                .toolName("crm.get_card_status")
                .toolCallId("call_7f3a")
                .build();
        Trace sent = trace("t-round-trip", T0.plusNanos(123_456_789))
                .agent("desk")
                .version("v7")
                .sessionId("session-42")
                .userId("user-9")
                .endTime(T0.plusSeconds(2).plusNanos(987_654_321))
                .input("{\"text\":\"where is my card?\"}")
                .instructions("\"You are the card desk. Be brief.\"")
                .output("{\"text\":\"I could not reach the card system.\"}")
                .status(Status.ERROR)
                .error("tool failed")
                .model("gpt-x-2026")
                .usage(1500L, 120L)
                .cost("0.01234")
                .latencyMs(1999L)
                .tags("prod", "cards")
                .metadata("{\"region\":\"eu\",\"retries\":2,\"nested\":{\"a\":[1,2.5,null,true]}}")
                .span(tool)
                .span(llm)
                .build();

        store.ingest(PROJECT, List.of(sent));

        Trace got = store.get(PROJECT, "t-round-trip").orElseThrow();
        assertThat(got)
                .usingRecursiveComparison()
                .withComparatorForType(BigDecimal::compareTo, BigDecimal.class)
                .withEqualsForType(JsonText::equals, JsonText.class)
                .ignoringFields("spanCount")
                .isEqualTo(sent.withSpans(List.of(llm, tool)));
        assertThat(got.spanCount()).isEqualTo(2);
        assertThat(got.cost()).isEqualByComparingTo("0.01234");
        assertThat(got.spans().get(0).cost()).isEqualByComparingTo("0.00315");
        assertThat(got.startTime()).isEqualTo(Instant.parse("2026-11-21T10:00:00.123456789Z"));
    }

    @Test
    void ingest_traceWithOnlyRequiredFields_readsBackWithoutInventedValues() {
        store.ingest(PROJECT, List.of(trace("t-bare", T0).agent(null).status(Status.UNSET).build()));

        Trace got = store.get(PROJECT, "t-bare").orElseThrow();

        assertThat(got)
                .extracting(Trace::agent, Trace::version, Trace::sessionId, Trace::userId, Trace::endTime,
                        Trace::input, Trace::instructions, Trace::output, Trace::error, Trace::model, Trace::usage,
                        Trace::cost, Trace::latencyMs, Trace::tags, Trace::metadata)
                .containsOnlyNulls();
        assertThat(got.status()).isEqualTo(Status.UNSET);
        assertThat(got.spans()).isEmpty();
        assertThat(got.spanCount()).isZero();
    }

    /**
     * What every engine keeps of a cost: fifteen significant digits, more than a cost ever needs.
     * PostgreSQL keeps the exact decimal; SQLite stores a NUMERIC that is not an integer as a double,
     * so the seventeenth digit may differ.
     */
    @Test
    void ingest_cost_keepsFifteenSignificantDigits() {
        store.ingest(PROJECT, List.of(
                trace("t-1", T0).cost("0.000123456789012345").span(span("a", T0).cost("98765.4321098765").build())
                        .build()));

        Trace got = store.get(PROJECT, "t-1").orElseThrow();
        assertThat(got.cost()).isCloseTo(new BigDecimal("0.000123456789012345"), withinPercentage(1e-12));
        assertThat(got.spans().get(0).cost()).isCloseTo(new BigDecimal("98765.4321098765"), withinPercentage(1e-12));
    }

    @Test
    void get_traceWithoutReportedLatency_derivesItFromStartAndEnd() {
        store.ingest(PROJECT, List.of(trace("t-1", T0).endTime(T0.plusMillis(1500)).build()));

        assertThat(store.get(PROJECT, "t-1").orElseThrow().latencyMs()).isEqualTo(1500L);
    }

    @Test
    void ingest_returnsTheTraceIdsAndTheNumberOfSpans() {
        IngestResult result = store.ingest(PROJECT, List.of(
                trace("t-1", T0).span(span("a", T0).build()).span(span("b", T0).build()).build(),
                trace("t-2", T0).build()));

        assertThat(result.traceIds()).containsExactly("t-1", "t-2");
        assertThat(result.spans()).isEqualTo(2);
    }

    @Test
    void ingest_emptyBatch_storesNothing() {
        IngestResult result = store.ingest(PROJECT, List.of());

        assertThat(result.traceIds()).isEmpty();
        assertThat(store.list(PROJECT, TraceQuery.all()).items()).isEmpty();
    }

    @Test
    void get_unknownId_isEmpty() {
        store.ingest(PROJECT, List.of(trace("t-1", T0).build()));

        assertThat(store.get(PROJECT, "t-unknown")).isEmpty();
    }

    // --- idempotency and merging ---

    @Test
    void ingest_sameTraceTwice_storesOnce() {
        Trace t = trace("t-1", T0).span(span("a", T0).build()).span(span("b", T0.plusMillis(5)).build()).build();

        store.ingest(PROJECT, List.of(t));
        store.ingest(PROJECT, List.of(t));

        assertThat(store.list(PROJECT, TraceQuery.all()).items()).extracting(Trace::id).containsExactly("t-1");
        assertThat(store.get(PROJECT, "t-1").orElseThrow().spans()).extracting(Span::id).containsExactly("a", "b");
    }

    @Test
    void ingest_sameTraceAgain_laterNonNullValuesWinAndNullsKeepStoredValues() {
        store.ingest(PROJECT, List.of(trace("t-1", T0)
                .agent("desk").version("v1").sessionId("session-1").input("{\"text\":\"hi\"}").tags("first")
                .build()));

        store.ingest(PROJECT, List.of(trace("t-1", T0)
                .agent(null).version("v2").output("{\"text\":\"hello\"}").status(Status.ERROR).error("late failure")
                .usage(10L, 20L).cost("0.5")
                .build()));

        Trace got = store.get(PROJECT, "t-1").orElseThrow();
        assertThat(got.agent()).isEqualTo("desk");
        assertThat(got.version()).isEqualTo("v2");
        assertThat(got.sessionId()).isEqualTo("session-1");
        assertThat(got.input().node()).isEqualTo(TraceBuilder.json("{\"text\":\"hi\"}"));
        assertThat(got.output().node()).isEqualTo(TraceBuilder.json("{\"text\":\"hello\"}"));
        assertThat(got.status()).isEqualTo(Status.ERROR);
        assertThat(got.error()).isEqualTo("late failure");
        assertThat(got.usage()).isEqualTo(new Usage(10L, 20L));
        assertThat(got.cost()).isEqualByComparingTo("0.5");
        assertThat(got.tags()).containsExactly("first");
    }

    @Test
    void ingest_sameTraceAgainWithUnsetStatus_keepsTheStoredStatus() {
        store.ingest(PROJECT, List.of(trace("t-1", T0).status(Status.ERROR).build()));

        store.ingest(PROJECT, List.of(trace("t-1", T0).status(Status.UNSET).build()));

        assertThat(store.get(PROJECT, "t-1").orElseThrow().status()).isEqualTo(Status.ERROR);
    }

    @Test
    void ingest_sameTraceAgain_startIsTheEarliestAndEndTheLatest() {
        store.ingest(PROJECT, List.of(trace("t-1", T0.plusSeconds(10)).endTime(T0.plusSeconds(12)).build()));

        store.ingest(PROJECT, List.of(trace("t-1", T0.plusSeconds(5)).endTime(T0.plusSeconds(11)).build()));
        store.ingest(PROJECT, List.of(trace("t-1", T0.plusSeconds(20)).endTime(null).build()));

        Trace got = store.get(PROJECT, "t-1").orElseThrow();
        assertThat(got.startTime()).isEqualTo(T0.plusSeconds(5));
        assertThat(got.endTime()).isEqualTo(T0.plusSeconds(12));
    }

    @Test
    void ingest_endTimeArrivingLater_isStored() {
        store.ingest(PROJECT, List.of(trace("t-1", T0).build()));

        store.ingest(PROJECT, List.of(trace("t-1", T0).endTime(T0.plusNanos(1)).build()));

        assertThat(store.get(PROJECT, "t-1").orElseThrow().endTime()).isEqualTo(T0.plusNanos(1));
    }

    @Test
    void ingest_spansInALaterBatch_attachToTheTrace() {
        store.ingest(PROJECT, List.of(trace("t-1", T0).agent("desk").span(span("a", T0).build()).build()));

        store.ingest(PROJECT, List.of(trace("t-1", T0.plusSeconds(1)).agent(null)
                .span(span("b", T0.plusSeconds(1)).parentId("a").build())
                .build()));

        Trace got = store.get(PROJECT, "t-1").orElseThrow();
        assertThat(got.agent()).isEqualTo("desk");
        assertThat(got.spans()).extracting(Span::id, Span::parentId).containsExactly(
                tuple("a", null), tuple("b", "a"));
        assertThat(got.spanCount()).isEqualTo(2);
    }

    @Test
    void ingest_sameSpanTwice_storesItOnceAsLastSent() {
        store.ingest(PROJECT, List.of(trace("t-1", T0)
                .span(span("a", T0).output("{\"v\":1}").build())
                .build()));

        store.ingest(PROJECT, List.of(trace("t-1", T0)
                .span(span("a", T0).output("{\"v\":2}").endTime(T0.plusSeconds(1)).build())
                .build()));

        List<Span> spans = store.get(PROJECT, "t-1").orElseThrow().spans();
        assertThat(spans).hasSize(1);
        assertThat(spans.get(0).output().node()).isEqualTo(TraceBuilder.json("{\"v\":2}"));
        assertThat(spans.get(0).endTime()).isEqualTo(T0.plusSeconds(1));
    }

    @Test
    void ingest_sameSpanIdInTwoTraces_storesBoth() {
        store.ingest(PROJECT, List.of(
                trace("t-1", T0).span(span("root", T0).name("first").build()).build(),
                trace("t-2", T0).span(span("root", T0).name("second").build()).build()));

        assertThat(store.get(PROJECT, "t-1").orElseThrow().spans()).extracting(Span::name).containsExactly("first");
        assertThat(store.get(PROJECT, "t-2").orElseThrow().spans()).extracting(Span::name).containsExactly("second");
    }

    // --- atomicity ---

    @Test
    void ingest_batchWithAFailingSecondHalf_storesNothingOfTheBatch() {
        store.ingest(PROJECT, List.of(trace("t-existing", T0).version("v1").build()));
        Trace good = trace("t-new", T0.plusSeconds(1)).span(span("ok", T0.plusSeconds(1)).build()).build();
        Trace bad = trace("t-existing", T0).version("v2")
                .span(span("no-name", T0).name(null).build())
                .build();

        assertThatThrownBy(() -> store.ingest(PROJECT, List.of(good, bad))).isInstanceOf(RuntimeException.class);

        assertThat(store.get(PROJECT, "t-new")).isEmpty();
        Trace existing = store.get(PROJECT, "t-existing").orElseThrow();
        assertThat(existing.version()).isEqualTo("v1");
        assertThat(existing.spans()).isEmpty();
        assertThat(store.list(PROJECT, TraceQuery.all()).items()).extracting(Trace::id).containsExactly("t-existing");
    }

    // --- project isolation ---

    @Test
    void get_traceOfAnotherProject_isEmpty() {
        store.ingest(PROJECT, List.of(trace("t-1", T0).span(span("a", T0).build()).build()));

        assertThat(store.get(OTHER_PROJECT, "t-1")).isEmpty();
        assertThat(store.list(OTHER_PROJECT, TraceQuery.all()).items()).isEmpty();
    }

    @Test
    void ingest_sameTraceIdInTwoProjects_storesTwoSeparateTraces() {
        store.ingest(PROJECT, List.of(trace("t-1", T0).agent("desk").span(span("a", T0).build()).build()));
        store.ingest(OTHER_PROJECT, List.of(trace("t-1", T0.plusSeconds(1)).agent("billing")
                .span(span("b", T0).build()).build()));

        Trace mine = store.get(PROJECT, "t-1").orElseThrow();
        Trace theirs = store.get(OTHER_PROJECT, "t-1").orElseThrow();
        assertThat(mine.agent()).isEqualTo("desk");
        assertThat(mine.startTime()).isEqualTo(T0);
        assertThat(mine.spans()).extracting(Span::id).containsExactly("a");
        assertThat(theirs.agent()).isEqualTo("billing");
        assertThat(theirs.spans()).extracting(Span::id).containsExactly("b");
        assertThat(store.list(PROJECT, TraceQuery.all()).items()).extracting(Trace::agent).containsExactly("desk");
        assertThat(store.list(OTHER_PROJECT, TraceQuery.all()).items()).extracting(Trace::agent)
                .containsExactly("billing");
    }

    // --- list filters ---

    /** f1..f4, newest last; list results come newest first. */
    private void ingestFilterFixtures() {
        store.ingest(PROJECT, List.of(
                trace("f1", at(1)).agent("desk").version("v1").sessionId("s1").userId("u1").status(Status.OK)
                        .build(),
                trace("f2", at(2)).agent("desk").version("v2").sessionId("s2").userId("u1").status(Status.ERROR)
                        .error("boom").build(),
                trace("f3", at(3)).agent("billing").version("v1").sessionId("s1").userId("u2").status(Status.OK)
                        .build(),
                trace("f4", at(4)).agent("billing").version("v2").sessionId("s3").userId("u3")
                        .status(Status.UNSET).build()));
        store.ingest(OTHER_PROJECT, List.of(trace("f5", at(5)).agent("desk").version("v1").sessionId("s1")
                .userId("u1").build()));
    }

    @Test
    void list_withoutFilters_returnsAllTracesOfTheProjectNewestFirst() {
        ingestFilterFixtures();

        assertThat(ids(query())).containsExactly("f4", "f3", "f2", "f1");
    }

    @Test
    void list_byAgent_returnsOnlyThatAgentsTraces() {
        ingestFilterFixtures();

        assertThat(ids(query().agent("desk"))).containsExactly("f2", "f1");
    }

    @Test
    void list_byVersion_returnsOnlyThatVersion() {
        ingestFilterFixtures();

        assertThat(ids(query().version("v1"))).containsExactly("f3", "f1");
    }

    @Test
    void list_byAgentAndVersion_combinesFiltersWithAnd() {
        ingestFilterFixtures();

        assertThat(ids(query().agent("billing").version("v2"))).containsExactly("f4");
    }

    @Test
    void list_bySessionId_returnsOnlyThatSession() {
        ingestFilterFixtures();

        assertThat(ids(query().sessionId("s1"))).containsExactly("f3", "f1");
    }

    @Test
    void list_byUserId_returnsOnlyThatUser() {
        ingestFilterFixtures();

        assertThat(ids(query().userId("u1"))).containsExactly("f2", "f1");
    }

    @Test
    void list_byStatus_returnsOnlyThatStatus() {
        ingestFilterFixtures();

        assertThat(ids(query().status(Status.ERROR))).containsExactly("f2");
        assertThat(ids(query().status(Status.UNSET))).containsExactly("f4");
    }

    @Test
    void list_fromAndTo_includeFromAndExcludeTo() {
        ingestFilterFixtures();

        assertThat(ids(query().from(at(2)).to(at(4)))).containsExactly("f3", "f2");
        assertThat(ids(query().from(at(2).plusNanos(1)))).containsExactly("f4", "f3");
        assertThat(ids(query().to(at(2).plusNanos(1)))).containsExactly("f2", "f1");
    }

    /** x1..x8, newest last, for the free-text filter. */
    private void ingestTextFixtures() {
        store.ingest(PROJECT, List.of(
                trace("x1", at(1)).input("{\"text\":\"Where is my CARD?\"}").output("{\"text\":\"It Shipped.\"}")
                        .build(),
                trace("x2", at(2)).input("{\"text\":\"hello\"}").status(Status.ERROR).error("CRM Timeout").build(),
                trace("x3", at(3)).output("{\"answer\":\"refunded 100% of it\"}").build(),
                trace("x4", at(4)).output("{\"answer\":\"refunded 1000 of it\"}").build(),
                trace("x5", at(5)).input("{\"code\":\"a_b\"}").build(),
                trace("x6", at(6)).input("{\"code\":\"axb\"}").build(),
                trace("x7", at(7)).input("{\"text\":\"wow!\"}").build(),
                trace("x8", at(8)).input("{\"text\":\"wow\"}").build()));
    }

    @Test
    void list_byText_matchesInputCaseInsensitively() {
        ingestTextFixtures();

        assertThat(ids(query().text("card"))).containsExactly("x1");
    }

    @Test
    void list_byText_matchesOutputAndError() {
        ingestTextFixtures();

        assertThat(ids(query().text("SHIPPED"))).containsExactly("x1");
        assertThat(ids(query().text("crm timeout"))).containsExactly("x2");
    }

    @Test
    void list_byTextWithPercent_treatsItLiterally() {
        ingestTextFixtures();

        assertThat(ids(query().text("100%"))).containsExactly("x3");
        assertThat(ids(query().text("%"))).containsExactly("x3");
    }

    @Test
    void list_byTextWithUnderscore_treatsItLiterally() {
        ingestTextFixtures();

        assertThat(ids(query().text("a_b"))).containsExactly("x5");
    }

    @Test
    void list_byTextWithTheEscapeCharacter_treatsItLiterally() {
        ingestTextFixtures();

        assertThat(ids(query().text("wow!"))).containsExactly("x7");
    }

    @Test
    void list_items_carryTheSpanCountButNoSpans() {
        store.ingest(PROJECT, List.of(trace("t-1", T0)
                .span(span("a", T0).build()).span(span("b", T0).build()).span(span("c", T0).build())
                .build()));

        Trace item = store.list(PROJECT, TraceQuery.all()).items().get(0);

        assertThat(item.spanCount()).isEqualTo(3);
        assertThat(item.spans()).isNull();
    }

    // --- pagination ---

    @Test
    void list_pagedAcrossTiesOnStartTime_returnsEveryTraceExactlyOnceInOrder() {
        List<Trace> traces = new ArrayList<>();
        for (int i = 0; i < 25; i++) {
            // eight distinct start times, so up to four traces share one and only the id orders them
            traces.add(trace("p%02d".formatted(i), at(i % 8)).build());
        }
        Collections.shuffle(traces, new Random(42));
        for (int i = 0; i < traces.size(); i += 5) {
            store.ingest(PROJECT, traces.subList(i, i + 5));
        }
        List<String> expected = traces.stream()
                .sorted(Comparator.comparing(Trace::startTime).thenComparing(Trace::id).reversed())
                .map(Trace::id)
                .toList();

        List<List<String>> pages = pages(query().limit(4));

        assertThat(pages).hasSize(7);
        assertThat(pages.subList(0, 6)).allSatisfy(page -> assertThat(page).hasSize(4));
        assertThat(pages.stream().flatMap(List::stream).toList()).isEqualTo(expected);
    }

    @Test
    void list_lastPageExactlyFull_hasNoNextCursor() {
        store.ingest(PROJECT, IntStream.range(0, 8).mapToObj(i -> trace("t-" + i, at(i)).build()).toList());

        TracePage first = store.list(PROJECT, query().limit(4).build());
        TracePage second = store.list(PROJECT, query().limit(4).cursor(first.nextCursor()).build());

        assertThat(first.nextCursor()).isNotNull();
        assertThat(second.items()).extracting(Trace::id).containsExactly("t-3", "t-2", "t-1", "t-0");
        assertThat(second.nextCursor()).isNull();
    }

    @Test
    void list_pagedWithAFilter_keepsTheFilterOnEveryPage() {
        store.ingest(PROJECT, IntStream.range(0, 10)
                .mapToObj(i -> trace("t-" + i, at(i)).agent(i % 2 == 0 ? "desk" : "billing").build())
                .toList());

        List<List<String>> pages = pages(query().agent("desk").limit(2));

        assertThat(pages).containsExactly(List.of("t-8", "t-6"), List.of("t-4", "t-2"), List.of("t-0"));
    }

    @ParameterizedTest
    @MethodSource("malformedCursors")
    void list_malformedCursor_isRefusedNamingTheCursor(String cursor) {
        store.ingest(PROJECT, List.of(trace("t-1", T0).build()));

        assertThatThrownBy(() -> store.list(PROJECT, query().cursor(cursor).build()))
                .isInstanceOfSatisfying(BadInputException.class, e -> assertThat(e.errors())
                        .extracting(FieldError::field).containsExactly("cursor"));
    }

    static Stream<String> malformedCursors() {
        Base64.Encoder base64 = Base64.getUrlEncoder().withoutPadding();
        return Stream.of(
                "",
                "not a cursor!",
                base64.encodeToString("no colon".getBytes(StandardCharsets.UTF_8)),
                base64.encodeToString("yesterday:t-1".getBytes(StandardCharsets.UTF_8)));
    }

    // --- outcome filter and sort, before any feedback (the feedback store's contract covers the rest) ---

    @Test
    void list_items_withoutFeedback_haveNoOutcomeOrScore() {
        store.ingest(PROJECT, List.of(trace("t-1", T0).build()));

        Trace item = store.list(PROJECT, TraceQuery.all()).items().get(0);

        assertThat(item.outcome()).isNull();
        assertThat(item.score()).isNull();
        assertThat(store.get(PROJECT, "t-1").orElseThrow().outcome()).isNull();
    }

    @Test
    void list_byUnknownOutcome_matchesTracesWithoutFeedback() {
        ingestFilterFixtures();

        assertThat(ids(query().outcome("unknown"))).containsExactly("f4", "f3", "f2", "f1");
        assertThat(ids(query().outcome("failure"))).isEmpty();
    }

    @ParameterizedTest
    @org.junit.jupiter.params.provider.EnumSource(TraceQuery.Sort.class)
    void list_anySortWithoutFeedback_pagesInTimeOrder(TraceQuery.Sort sort) {
        store.ingest(PROJECT, IntStream.range(0, 9).mapToObj(i -> trace("t-" + i, at(i % 4)).build()).toList());

        List<List<String>> pages = pages(query().sort(sort).limit(2));

        assertThat(pages.stream().flatMap(List::stream).toList())
                .containsExactly("t-7", "t-3", "t-6", "t-2", "t-5", "t-1", "t-8", "t-4", "t-0");
    }

    @Test
    void list_cursorOfAnotherSort_isRefusedNamingTheCursor() {
        store.ingest(PROJECT, IntStream.range(0, 4).mapToObj(i -> trace("t-" + i, at(i)).build()).toList());
        String byTime = store.list(PROJECT, query().limit(1).build()).nextCursor();

        assertThatThrownBy(() -> store.list(PROJECT, query().sort(TraceQuery.Sort.SCORE_DESC).limit(1).cursor(byTime)
                .build()))
                .isInstanceOfSatisfying(BadInputException.class, e -> assertThat(e.errors())
                        .extracting(FieldError::field).containsExactly("cursor"));
    }

    @Test
    void query_unknownOutcome_isRefusedNamingIt() {
        assertThatThrownBy(() -> query().outcome("great").build())
                .isInstanceOfSatisfying(BadInputException.class, e -> assertThat(e.errors())
                        .extracting(FieldError::field).containsExactly("outcome"));
    }

    @Test
    void sortFromWire_unknownSort_isRefusedNamingIt_andNullIsTime() {
        assertThat(TraceQuery.Sort.fromWire(null)).isEqualTo(TraceQuery.Sort.TIME);
        assertThat(TraceQuery.Sort.fromWire("score_desc")).isEqualTo(TraceQuery.Sort.SCORE_DESC);
        assertThatThrownBy(() -> TraceQuery.Sort.fromWire("score"))
                .isInstanceOfSatisfying(BadInputException.class, e -> assertThat(e.errors())
                        .extracting(FieldError::field).containsExactly("sort"));
    }

    // --- helpers ---

    private static Instant at(int seconds) {
        return T0.plusSeconds(seconds);
    }

    private static QueryBuilder query() {
        return new QueryBuilder();
    }

    private List<String> ids(QueryBuilder query) {
        TracePage page = store.list(PROJECT, query.build());
        assertThat(page.nextCursor()).as("everything fits in one page").isNull();
        return page.items().stream().map(Trace::id).toList();
    }

    /** Follows the cursors to the end, returning the ids of each page. */
    private List<List<String>> pages(QueryBuilder query) {
        List<List<String>> pages = new ArrayList<>();
        String cursor = null;
        do {
            TracePage page = store.list(PROJECT, query.cursor(cursor).build());
            pages.add(page.items().stream().map(Trace::id).toList());
            cursor = page.nextCursor();
        } while (cursor != null && pages.size() < 100);
        assertThat(cursor).as("paging ends").isNull();
        return pages;
    }

    /** {@link TraceQuery} with named setters; tests set only what they filter on. */
    private static final class QueryBuilder {
        private String agent;
        private String version;
        private String sessionId;
        private String userId;
        private Status status;
        private Instant from;
        private Instant to;
        private String text;
        private String outcome;
        private TraceQuery.Sort sort;
        private int limit = TraceQuery.DEFAULT_LIMIT;
        private String cursor;

        QueryBuilder agent(String value) {
            agent = value;
            return this;
        }

        QueryBuilder version(String value) {
            version = value;
            return this;
        }

        QueryBuilder sessionId(String value) {
            sessionId = value;
            return this;
        }

        QueryBuilder userId(String value) {
            userId = value;
            return this;
        }

        QueryBuilder status(Status value) {
            status = value;
            return this;
        }

        QueryBuilder from(Instant value) {
            from = value;
            return this;
        }

        QueryBuilder to(Instant value) {
            to = value;
            return this;
        }

        QueryBuilder text(String value) {
            text = value;
            return this;
        }

        QueryBuilder outcome(String value) {
            outcome = value;
            return this;
        }

        QueryBuilder sort(TraceQuery.Sort value) {
            sort = value;
            return this;
        }

        QueryBuilder limit(int value) {
            limit = value;
            return this;
        }

        QueryBuilder cursor(String value) {
            cursor = value;
            return this;
        }

        TraceQuery build() {
            return new TraceQuery(agent, version, sessionId, userId, status, from, to, text, outcome, sort, limit,
                    cursor);
        }
    }
}
