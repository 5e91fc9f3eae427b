package dev.ratchet.feedback;

import static dev.ratchet.feedback.FeedbackBuilder.feedback;
import static dev.ratchet.feedback.FeedbackBuilder.review;
import static dev.ratchet.feedback.FeedbackBuilder.thumbs;
import static dev.ratchet.feedback.FeedbackBuilder.verifier;
import static dev.ratchet.trace.SpanBuilder.span;
import static dev.ratchet.trace.TraceBuilder.trace;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.tuple;
import static org.assertj.core.api.Assertions.within;

import dev.ratchet.common.BadInputException;
import dev.ratchet.common.FieldError;
import dev.ratchet.common.JsonText;
import dev.ratchet.store.Database;
import dev.ratchet.trace.JdbcTraceStore;
import dev.ratchet.trace.Trace;
import dev.ratchet.trace.TracePage;
import dev.ratchet.trace.TraceQuery;
import dev.ratchet.trace.TraceStore;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.assertj.core.api.recursive.comparison.RecursiveComparisonConfiguration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link FeedbackStore} must do, whatever engine is under it, and what trace listings by outcome
 * must do once outcomes exist. Each engine extends this class and says how to open a fresh, empty database.
 */
public abstract class FeedbackStoreContract {

    protected static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-21T12:00:00Z"), ZoneOffset.UTC);
    private static final Instant T0 = Instant.parse("2026-11-21T10:00:00Z");
    private static final String PROJECT = "acme";
    private static final String OTHER_PROJECT = "globex";

    private Database db;
    private TraceStore traces;
    private FeedbackStore store;

    /** A fresh, migrated, empty database; closed by the contract after each test. */
    protected abstract Database openDatabase() throws Exception;

    @BeforeEach
    void openStores() throws Exception {
        db = openDatabase();
        traces = new JdbcTraceStore(db, CLOCK);
        store = new JdbcFeedbackStore(db, CLOCK);
        traces.ingest(PROJECT, List.of(
                trace("t-1", T0).span(span("s-1", T0).build()).span(span("s-2", T0).build()).build(),
                trace("t-2", T0.plusSeconds(1)).build()));
        traces.ingest(OTHER_PROJECT, List.of(trace("t-other", T0).span(span("s-9", T0).build()).build()));
    }

    @AfterEach
    void closeDatabase() {
        if (db != null) {
            db.close();
        }
    }

    // --- record and read back ---

    @Test
    void record_thenForTrace_returnsEveryFieldAsSent() {
        Feedback rating = feedback(FeedbackKind.RATING, "7.5").id("fb-rating").span("s-2").scale("0", "10")
                .reason("mostly right").name("helpfulness").source(FeedbackSource.ANNOTATOR).author("ann-7")
                .confidence(0.8).at(T0.plusNanos(123_456_789)).key("key-1").build();
        Feedback correction = feedback(FeedbackKind.CORRECTION, "{\"text\":\"Your card was lost; I have frozen it.\",\"n\":[1,2.5]}")
                .id("fb-correction").at(T0.plusSeconds(1)).build();

        store.record(PROJECT, List.of(correction, rating));

        List<Feedback> got = store.forTrace(PROJECT, "t-1");
        assertThat(got)
                .usingRecursiveFieldByFieldElementComparator(RecursiveComparisonConfiguration.builder()
                        .withComparatorForType(BigDecimal::compareTo, BigDecimal.class)
                        .withEqualsForType(JsonText::equals, JsonText.class)
                        .build())
                .containsExactly(rating, correction);
        assertThat(got.get(0).scale().max()).isEqualByComparingTo("10");
        assertThat(got.get(0).value().node().decimalValue()).isEqualByComparingTo("7.5");
        assertThat(got.get(1).scale()).isNull();
        assertThat(got.get(1).spanId()).isNull();
    }

    @Test
    void record_result_listsStoredIdsAndTheOutcomeOfEachTraceOnce() {
        FeedbackStore.RecordResult result = store.record(PROJECT, List.of(
                thumbs(true).id("a").trace("t-2").build(),
                thumbs(false).id("b").trace("t-1").build(),
                feedback(FeedbackKind.RETRIED, null).id("c").trace("t-2").build()));

        assertThat(result.stored()).containsExactly("a", "b", "c");
        assertThat(result.duplicates()).isEmpty();
        assertThat(result.outcomes()).extracting(Outcome::traceId, Outcome::status, Outcome::signals)
                .containsExactly(tuple("t-2", OutcomeStatus.SUCCESS, 2), tuple("t-1", OutcomeStatus.FAILURE, 1));
        assertThat(result.outcomes().get(0).updatedAt()).isEqualTo(CLOCK.instant());
    }

    @Test
    void record_emptyBatch_storesNothing() {
        FeedbackStore.RecordResult result = store.record(PROJECT, List.of());

        assertThat(result.stored()).isEmpty();
        assertThat(result.outcomes()).isEmpty();
    }

    @Test
    void forTrace_listsFeedbackOnItsSpansTooOldestFirst() {
        store.record(PROJECT, List.of(
                thumbs(true).id("late").at(T0.plusSeconds(30)).build(),
                verifier(false).id("on-span").span("s-1").at(T0.plusSeconds(10)).build(),
                thumbs(true).id("other-trace").trace("t-2").at(T0).build()));

        assertThat(store.forTrace(PROJECT, "t-1")).extracting(Feedback::id).containsExactly("on-span", "late");
    }

    @Test
    void forTrace_unknownTrace_isEmpty() {
        assertThat(store.forTrace(PROJECT, "t-none")).isEmpty();
        assertThat(store.outcome(PROJECT, "t-none")).isEmpty();
    }

    @Test
    void outcome_traceWithoutFeedback_isEmpty() {
        assertThat(store.outcome(PROJECT, "t-1")).isEmpty();
    }

    // --- idempotency ---

    @Test
    void record_sameIdempotencyKeyTwice_storesOnceAndReportsTheStoredId() {
        store.record(PROJECT, List.of(thumbs(true).id("first").key("click-42").build()));

        FeedbackStore.RecordResult again = store.record(PROJECT, List.of(thumbs(true).id("second").key("click-42").build()));

        assertThat(again.stored()).isEmpty();
        assertThat(again.duplicates()).containsExactly("first");
        assertThat(store.forTrace(PROJECT, "t-1")).extracting(Feedback::id).containsExactly("first");
        assertThat(again.outcomes()).singleElement().satisfies(o -> assertThat(o.signals()).isEqualTo(1));
    }

    @Test
    void record_sameIdTwice_storesOnce() {
        store.record(PROJECT, List.of(thumbs(true).id("fb-1").build()));

        FeedbackStore.RecordResult again = store.record(PROJECT, List.of(thumbs(false).id("fb-1").build(),
                thumbs(false).id("fb-2").build()));

        assertThat(again.stored()).containsExactly("fb-2");
        assertThat(again.duplicates()).containsExactly("fb-1");
        assertThat(store.forTrace(PROJECT, "t-1")).extracting(Feedback::id, f -> f.value().text())
                .containsExactly(tuple("fb-1", "true"), tuple("fb-2", "false"));
    }

    @Test
    void record_sameIdTwiceInOneBatch_storesTheFirst() {
        FeedbackStore.RecordResult result = store.record(PROJECT, List.of(thumbs(true).id("fb-1").build(),
                thumbs(false).id("fb-1").build()));

        assertThat(result.stored()).containsExactly("fb-1");
        assertThat(result.duplicates()).containsExactly("fb-1");
        assertThat(store.forTrace(PROJECT, "t-1")).singleElement().satisfies(f -> assertThat(f.value().text()).isEqualTo("true"));
    }

    @Test
    void record_sameKeyInTwoProjects_storesBoth() {
        store.record(PROJECT, List.of(thumbs(true).id("fb-1").key("k").build()));

        FeedbackStore.RecordResult other = store.record(OTHER_PROJECT,
                List.of(thumbs(true).id("fb-1").trace("t-other").key("k").build()));

        assertThat(other.stored()).containsExactly("fb-1");
    }

    // --- unknown traces and spans ---

    @Test
    void record_unknownTrace_isRefusedNamingItemAndField() {
        BadInputException e = catchThrowableOfType(BadInputException.class,
                () -> store.record(PROJECT, List.of(thumbs(true).trace("t-none").build())));

        assertThat(e.errors()).extracting(FieldError::item, FieldError::field).containsExactly(tuple(0, "traceId"));
        assertThat(e.errors().get(0).reason()).contains("t-none");
        assertThat(store.outcome(PROJECT, "t-none")).isEmpty();
    }

    @Test
    void record_oneBadItemInTheBatch_storesNothingOfIt() {
        BadInputException e = catchThrowableOfType(BadInputException.class, () -> store.record(PROJECT, List.of(
                thumbs(true).id("good").build(),
                thumbs(true).id("bad-span").span("s-none").build(),
                thumbs(true).id("good-2").trace("t-2").build(),
                thumbs(true).id("bad-trace").trace("t-none").span("s-1").build())));

        assertThat(e.errors()).extracting(FieldError::item, FieldError::field)
                .containsExactly(tuple(1, "spanId"), tuple(3, "traceId"));
        assertThat(store.forTrace(PROJECT, "t-1")).isEmpty();
        assertThat(store.forTrace(PROJECT, "t-2")).isEmpty();
        assertThat(store.outcome(PROJECT, "t-1")).isEmpty();
    }

    @Test
    void record_spanOfAnotherTrace_isUnknown() {
        traces.ingest(PROJECT, List.of(trace("t-3", T0).span(span("s-3", T0).build()).build()));

        BadInputException e = catchThrowableOfType(BadInputException.class,
                () -> store.record(PROJECT, List.of(thumbs(true).span("s-3").build())));

        assertThat(e.errors()).extracting(FieldError::item, FieldError::field).containsExactly(tuple(0, "spanId"));
    }

    @Test
    void record_traceOfAnotherProject_isUnknownAndChangesNothingThere() {
        BadInputException e = catchThrowableOfType(BadInputException.class,
                () -> store.record(PROJECT, List.of(thumbs(false).trace("t-other").build())));

        assertThat(e.errors()).extracting(FieldError::item, FieldError::field).containsExactly(tuple(0, "traceId"));
        assertThat(store.forTrace(OTHER_PROJECT, "t-other")).isEmpty();
        assertThat(store.forTrace(PROJECT, "t-other")).isEmpty();
    }

    @Test
    void forTraceAndOutcome_ofAnotherProject_areEmpty() {
        store.record(PROJECT, List.of(thumbs(true).build()));

        assertThat(store.forTrace(OTHER_PROJECT, "t-1")).isEmpty();
        assertThat(store.outcome(OTHER_PROJECT, "t-1")).isEmpty();
    }

    @Test
    void record_beforeTheTraceArrives_isRefused_afterwardsAccepted() {
        Feedback early = thumbs(true).id("early").trace("t-late").build();

        catchThrowableOfType(BadInputException.class, () -> store.record(PROJECT, List.of(early)));
        traces.ingest(PROJECT, List.of(trace("t-late", T0).build()));
        FeedbackStore.RecordResult result = store.record(PROJECT, List.of(early));

        assertThat(result.stored()).containsExactly("early");
        assertThat(store.outcome(PROJECT, "t-late")).map(Outcome::status).contains(OutcomeStatus.SUCCESS);
    }

    @Test
    void record_inTheSameWriteAsItsTrace_isAccepted() {
        db.write(h -> {
            traces.ingest(PROJECT, List.of(trace("t-new", T0).build()));
            return store.record(PROJECT, List.of(thumbs(false).trace("t-new").build()));
        });

        assertThat(store.outcome(PROJECT, "t-new")).map(Outcome::status).contains(OutcomeStatus.FAILURE);
    }

    @Test
    void record_incompleteItem_isRefusedNamingTheField() {
        Feedback noSource = new Feedback("x", "t-1", null, FeedbackKind.THUMBS, null, null, null, null, null, null, 2.0,
                T0, null);

        BadInputException e = catchThrowableOfType(BadInputException.class,
                () -> store.record(PROJECT, List.of(noSource)));

        assertThat(e.errors()).extracting(FieldError::item, FieldError::field)
                .containsExactlyInAnyOrder(tuple(0, "source"), tuple(0, "confidence"));
    }

    // --- outcomes ---

    @Test
    void record_outcomeFollowsTheFeedbackAsItArrives() {
        assertThat(store.record(PROJECT, List.of(thumbs(true).build())).outcomes().get(0).status())
                .isEqualTo(OutcomeStatus.SUCCESS);
        assertThat(store.outcome(PROJECT, "t-1").orElseThrow().status()).isEqualTo(OutcomeStatus.SUCCESS);

        store.record(PROJECT, List.of(thumbs(false).source(FeedbackSource.ANNOTATOR).build()));
        assertThat(store.outcome(PROJECT, "t-1").orElseThrow().status()).isEqualTo(OutcomeStatus.DISPUTED);

        store.record(PROJECT, List.of(review("failure").span("s-2").build()));
        Outcome reviewed = store.outcome(PROJECT, "t-1").orElseThrow();
        assertThat(reviewed.status()).isEqualTo(OutcomeStatus.FAILURE);
        assertThat(reviewed.reviewed()).isTrue();
        assertThat(reviewed.signals()).isEqualTo(3);
        assertThat(reviewed.reason()).contains("review");
    }

    @Test
    void outcome_readsBackWhatRecordComputed() {
        Outcome computed = store.record(PROJECT, List.of(thumbs(true).build(), verifier(false).confidence(0.5).build(),
                feedback(FeedbackKind.JUDGE, "0.123456789").build())).outcomes().get(0);

        Outcome stored = store.outcome(PROJECT, "t-1").orElseThrow();

        assertThat(stored).isEqualTo(computed);
        assertThat(stored.score()).isCloseTo(
                OutcomeEngine.evaluate("t-1", store.forTrace(PROJECT, "t-1"), OutcomeRules.defaults(), CLOCK.instant())
                        .score(), within(1e-15));
    }

    // --- rules ---

    @Test
    void rules_neverSet_areTheDefaults() {
        assertThat(store.rules(PROJECT)).isEqualTo(OutcomeRules.defaults());
    }

    @Test
    void setRules_thenRules_readsThemBack_andOtherProjectsKeepTheirs() {
        OutcomeRules custom = rules(0.6, Map.of("wrong_intent", -1.0));

        store.setRules(PROJECT, custom);

        assertThat(store.rules(PROJECT)).isEqualTo(custom);
        assertThat(store.rules(OTHER_PROJECT)).isEqualTo(OutcomeRules.defaults());
    }

    @Test
    void setRules_recomputesEveryOutcomeOfTheProjectOnly() {
        // thumbs up + retry: (1 - 0.5) / 1.5 = 0.33, a success under the default threshold 0.3
        store.record(PROJECT, List.of(thumbs(true).build(), feedback(FeedbackKind.RETRIED, null).build(),
                feedback(FeedbackKind.LABEL, "\"wrong_intent\"").trace("t-2").build()));
        store.record(OTHER_PROJECT, List.of(thumbs(true).trace("t-other").build(),
                feedback(FeedbackKind.RETRIED, null).trace("t-other").build()));
        assertThat(store.outcome(PROJECT, "t-1").orElseThrow().status()).isEqualTo(OutcomeStatus.SUCCESS);
        assertThat(store.outcome(PROJECT, "t-2").orElseThrow().status()).isEqualTo(OutcomeStatus.UNKNOWN);

        store.setRules(PROJECT, rules(0.5, Map.of("wrong_intent", -1.0)));

        assertThat(store.outcome(PROJECT, "t-1").orElseThrow().status()).isEqualTo(OutcomeStatus.UNKNOWN);
        assertThat(store.outcome(PROJECT, "t-2").orElseThrow().status()).isEqualTo(OutcomeStatus.FAILURE);
        assertThat(store.outcome(OTHER_PROJECT, "t-other").orElseThrow().status()).isEqualTo(OutcomeStatus.SUCCESS);
    }

    @Test
    void setRules_thenRecord_usesTheNewRules() {
        store.setRules(PROJECT, rules(0.5, Map.of()));

        Outcome o = store.record(PROJECT, List.of(thumbs(true).build(), feedback(FeedbackKind.RETRIED, null).build()))
                .outcomes().get(0);

        assertThat(o.status()).isEqualTo(OutcomeStatus.UNKNOWN);
    }

    @Test
    void setRules_invalid_isRefusedNamingTheFields_andChangesNothing() {
        store.record(PROJECT, List.of(thumbs(true).build()));
        Outcome before = store.outcome(PROJECT, "t-1").orElseThrow();
        OutcomeRules d = OutcomeRules.defaults();
        OutcomeRules bad = new OutcomeRules(Map.of(FeedbackSource.END_USER, -1.0), d.categoryWeights(), d.kindWeights(),
                d.kindPolarity(), d.labelPolarity(), -0.5, 0.5, d.strongSignal(), 0, true);

        BadInputException e = catchThrowableOfType(BadInputException.class, () -> store.setRules(PROJECT, bad));

        assertThat(e.errors()).extracting(FieldError::field)
                .containsExactlyInAnyOrder("sourceWeights.end_user", "successThreshold", "evidenceScale");
        assertThat(store.rules(PROJECT)).isEqualTo(d);
        assertThat(store.outcome(PROJECT, "t-1")).contains(before);
    }

    // --- concurrency ---

    @Test
    void record_manyWritersOnOneTrace_finalOutcomeReflectsAllOfIt() throws Exception {
        int threads = 8;
        int perThread = 12;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                futures.add(pool.submit(() -> {
                    for (int i = 0; i < perThread; i++) {
                        // thumbs up and down from users, on the trace and on a span: every one must count
                        boolean up = (thread + i) % 3 == 0;
                        store.record(PROJECT, List.of(thumbs(up).id("c-" + thread + "-" + i)
                                .span(i % 2 == 0 ? "s-1" : null).build()));
                    }
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get(120, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }

        List<Feedback> all = store.forTrace(PROJECT, "t-1");
        Outcome stored = store.outcome(PROJECT, "t-1").orElseThrow();
        Outcome expected = OutcomeEngine.evaluate("t-1", all, OutcomeRules.defaults(), CLOCK.instant());
        assertThat(all).hasSize(threads * perThread);
        assertThat(stored.signals()).isEqualTo(threads * perThread);
        assertThat(stored.score()).isCloseTo(expected.score(), within(1e-12));
        assertThat(stored.status()).isEqualTo(expected.status());
    }

    @Test
    void setRules_whileFeedbackArrives_leavesEveryOutcomeUnderTheRulesInForce() throws Exception {
        int traceCount = 60;
        traces.ingest(PROJECT, IntStream.range(0, traceCount).mapToObj(i -> trace("r-" + i, T0).build()).toList());
        OutcomeRules strict = rules(0.5, Map.of());
        OutcomeRules lenient = rules(0.2, Map.of());
        ExecutorService pool = Executors.newFixedThreadPool(5);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int thread = t;
                futures.add(pool.submit(() -> {
                    // each trace gets its first feedback here: thumbs up and a retry, 0.33, success only when lenient
                    for (int i = thread; i < traceCount; i += 4) {
                        store.record(PROJECT, List.of(thumbs(true).trace("r-" + i).build(),
                                feedback(FeedbackKind.RETRIED, null).trace("r-" + i).build()));
                    }
                    return null;
                }));
            }
            futures.add(pool.submit(() -> {
                for (int i = 0; i < 9; i++) {
                    store.setRules(PROJECT, i % 2 == 0 ? strict : lenient);
                }
                return null;
            }));
            for (Future<?> f : futures) {
                f.get(120, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }

        assertThat(store.rules(PROJECT)).isEqualTo(strict);
        for (int i = 0; i < traceCount; i++) {
            assertThat(store.outcome(PROJECT, "r-" + i)).as("r-" + i).map(Outcome::status).contains(OutcomeStatus.UNKNOWN);
        }
    }

    // --- trace listings by outcome ---

    /**
     * 25 traces o00..o24 over seven start times (so several share one), with feedback by i % 5: thumbs up
     * (score 1), thumbs down (-1), none (no outcome: counts as 0), thumbs up and a failed verifier (0.41), a
     * middling rating (score 0, outcome unknown).
     *
     * @return the listing score of each trace
     */
    private Map<String, Double> ingestOutcomeFixtures() {
        List<Trace> list = new ArrayList<>();
        for (int i = 0; i < 25; i++) {
            list.add(trace("o%02d".formatted(i), T0.plusSeconds(10 + i % 7)).build());
        }
        traces.ingest(PROJECT, list);
        List<Feedback> items = new ArrayList<>();
        for (int i = 0; i < 25; i++) {
            String id = "o%02d".formatted(i);
            switch (i % 5) {
                case 0 -> items.add(thumbs(true).trace(id).build());
                case 1 -> items.add(thumbs(false).trace(id).build());
                case 3 -> {
                    items.add(thumbs(true).trace(id).build());
                    items.add(verifier(false).trace(id).build());
                }
                case 4 -> items.add(feedback(FeedbackKind.RATING, "3").trace(id).build());
                default -> {
                }
            }
        }
        store.record(PROJECT, items);
        Map<String, Double> scores = new HashMap<>();
        for (Trace t : list) {
            scores.put(t.id(), store.outcome(PROJECT, t.id()).map(Outcome::score).orElse(0.0));
        }
        scores.put("t-1", 0.0);
        scores.put("t-2", 0.0);
        return scores;
    }

    @Test
    void list_items_carryTheirOutcomeAndScore() {
        ingestOutcomeFixtures();

        Map<String, Trace> byId = new HashMap<>();
        traces.list(PROJECT, query(null, null, 100, null)).items().forEach(t -> byId.put(t.id(), t));

        assertThat(byId.get("o00").outcome()).isEqualTo("success");
        assertThat(byId.get("o00").score()).isEqualTo(1.0);
        assertThat(byId.get("o01").outcome()).isEqualTo("failure");
        assertThat(byId.get("o02").outcome()).isNull();
        assertThat(byId.get("o02").score()).isNull();
        assertThat(byId.get("o03").score()).isCloseTo((1 - 0.42) / 1.42, within(1e-12));
        assertThat(byId.get("o04").outcome()).isEqualTo("unknown");
        assertThat(traces.get(PROJECT, "o01").orElseThrow()).extracting(Trace::outcome, Trace::score)
                .containsExactly("failure", -1.0);
        assertThat(traces.get(PROJECT, "t-1").orElseThrow().outcome()).isNull();
    }

    @Test
    void list_byOutcome_returnsOnlyThoseTraces() {
        ingestOutcomeFixtures();

        assertThat(ids(query("failure", null, 100, null))).containsExactlyInAnyOrder("o01", "o06", "o11", "o16", "o21");
        assertThat(ids(query("success", null, 100, null))).hasSize(10).allMatch(id -> id.endsWith("0")
                || id.endsWith("5") || id.endsWith("3") || id.endsWith("8"));
        assertThat(ids(query("disputed", null, 100, null))).isEmpty();
    }

    @Test
    void list_byUnknownOutcome_includesTracesWithoutFeedback() {
        ingestOutcomeFixtures();

        assertThat(ids(query("unknown", null, 100, null))).containsExactlyInAnyOrder(
                "o02", "o07", "o12", "o17", "o22", "o04", "o09", "o14", "o19", "o24", "t-1", "t-2");
    }

    @Test
    void list_byScoreDescending_pagesEveryTraceOnceInOrder() {
        Map<String, Double> scores = ingestOutcomeFixtures();

        List<String> paged = pages(query(null, TraceQuery.Sort.SCORE_DESC, 4, null));

        assertThat(paged).isEqualTo(expectedOrder(scores, true));
    }

    @Test
    void list_byScoreAscending_pagesEveryTraceOnceInOrder() {
        Map<String, Double> scores = ingestOutcomeFixtures();

        List<String> paged = pages(query(null, TraceQuery.Sort.SCORE_ASC, 3, null));

        assertThat(paged).isEqualTo(expectedOrder(scores, false));
        assertThat(paged.subList(0, 5)).allMatch(id -> scores.get(id) == -1.0);
    }

    @Test
    void list_byOutcomeAndScore_pagesWithTheFilterOnEveryPage() {
        Map<String, Double> scores = ingestOutcomeFixtures();

        List<String> paged = pages(query("success", TraceQuery.Sort.SCORE_ASC, 3, null));

        List<String> expected = expectedOrder(scores, false).stream()
                .filter(id -> scores.get(id) > 0.3).toList();
        assertThat(paged).hasSize(10).isEqualTo(expected);
    }

    @Test
    void list_byTime_isUnchangedByOutcomes() {
        Map<String, Double> scores = ingestOutcomeFixtures();

        List<String> paged = pages(query(null, TraceQuery.Sort.TIME, 4, null));

        Map<String, Instant> start = new HashMap<>();
        traces.list(PROJECT, query(null, null, 100, null)).items().forEach(t -> start.put(t.id(), t.startTime()));
        List<String> expected = scores.keySet().stream()
                .sorted(Comparator.comparing((String id) -> start.get(id)).thenComparing(id -> id).reversed())
                .toList();
        assertThat(paged).isEqualTo(expected);
    }

    @Test
    void list_cursorFromAnotherSort_isRefusedNamingTheCursor() {
        ingestOutcomeFixtures();
        String timeCursor = traces.list(PROJECT, query(null, TraceQuery.Sort.TIME, 2, null)).nextCursor();
        String scoreCursor = traces.list(PROJECT, query(null, TraceQuery.Sort.SCORE_DESC, 2, null)).nextCursor();

        for (var attempt : List.of(query(null, TraceQuery.Sort.SCORE_DESC, 2, timeCursor),
                query(null, TraceQuery.Sort.SCORE_ASC, 2, scoreCursor), query(null, TraceQuery.Sort.TIME, 2, scoreCursor))) {
            BadInputException e = catchThrowableOfType(BadInputException.class, () -> traces.list(PROJECT, attempt));
            assertThat(e.errors()).extracting(FieldError::field).containsExactly("cursor");
        }
    }

    /** Score (missing: 0) in the given direction, then start time desc, then id desc: the listing's total order. */
    private List<String> expectedOrder(Map<String, Double> scores, boolean descending) {
        Map<String, Instant> start = new HashMap<>();
        traces.list(PROJECT, query(null, null, 100, null)).items().forEach(t -> start.put(t.id(), t.startTime()));
        Comparator<String> byScore = Comparator.comparing(scores::get);
        if (descending) {
            byScore = byScore.reversed();
        }
        return scores.keySet().stream()
                .sorted(byScore.thenComparing(Comparator.comparing((String id) -> start.get(id)).reversed())
                        .thenComparing(Comparator.<String>naturalOrder().reversed()))
                .toList();
    }

    private static TraceQuery query(String outcome, TraceQuery.Sort sort, int limit, String cursor) {
        return new TraceQuery(null, null, null, null, null, null, null, null, outcome, sort, limit, cursor);
    }

    private List<String> ids(TraceQuery query) {
        TracePage page = traces.list(PROJECT, query);
        assertThat(page.nextCursor()).as("everything fits in one page").isNull();
        return page.items().stream().map(Trace::id).toList();
    }

    /** Follows the cursors to the end, returning the ids of all pages in order. */
    private List<String> pages(TraceQuery first) {
        List<String> ids = new ArrayList<>();
        TraceQuery q = first;
        for (int n = 0; n < 100; n++) {
            TracePage page = traces.list(PROJECT, q);
            assertThat(page.items().size()).isLessThanOrEqualTo(first.limit());
            page.items().forEach(t -> ids.add(t.id()));
            if (page.nextCursor() == null) {
                return ids;
            }
            q = q.withCursor(page.nextCursor());
        }
        throw new AssertionError("paging does not end");
    }

    private static OutcomeRules rules(double successThreshold, Map<String, Double> labelPolarity) {
        OutcomeRules d = OutcomeRules.defaults();
        return new OutcomeRules(d.sourceWeights(), d.categoryWeights(), d.kindWeights(), d.kindPolarity(), labelPolarity,
                successThreshold, d.failureThreshold(), d.strongSignal(), d.evidenceScale(), d.correctionMeansFailure());
    }
}
