package dev.ratchet.feedback;

import static dev.ratchet.trace.TraceBuilder.trace;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;
import static org.assertj.core.api.Assertions.within;

import dev.ratchet.common.BadInputException;
import dev.ratchet.common.FieldError;
import dev.ratchet.common.NotFoundException;
import dev.ratchet.store.Database;
import dev.ratchet.trace.JdbcTraceStore;
import dev.ratchet.trace.Trace;
import dev.ratchet.trace.TraceStore;
import java.lang.reflect.Constructor;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What {@link JdbcReviewQueue} must do on every engine. Each engine extends this class and says how to open a
 * fresh, empty database for one test. Verdicts go to a {@link RecordingFeedbackStore} (a test double that also
 * writes bare feedback rows, so that joining the queue's transaction is visible); one test runs against the
 * real {@code JdbcFeedbackStore}.
 */
public abstract class ReviewQueueContract {

    private static final Instant T0 = Instant.parse("2026-11-21T10:00:00Z");
    private static final String PROJECT = "acme";
    private static final String OTHER_PROJECT = "globex";

    /** Advances a millisecond at every reading, so items created one after another are ordered by time. */
    private final TickingClock clock = new TickingClock(T0);
    private Database db;
    private TraceStore traces;
    private ProjectSettings settings;
    private RecordingFeedbackStore feedback;
    private JdbcReviewQueue queue;

    /** A fresh, migrated, empty database; closed by the contract after each test. */
    protected abstract Database openDatabase();

    @BeforeEach
    void open() {
        db = openDatabase();
        traces = new JdbcTraceStore(db, clock);
        settings = new ProjectSettings(db, clock);
        feedback = new RecordingFeedbackStore(db);
        queue = new JdbcReviewQueue(db, settings, feedback, clock);
    }

    @AfterEach
    void close() {
        if (db != null) {
            db.close();
        }
    }

    // --- rules ---

    @Test
    void rules_neverSet_areTheDefaults() {
        assertThat(queue.rules(PROJECT)).isEqualTo(ReviewRules.defaults());
    }

    @Test
    void setRules_thenRules_roundTripsWithTagsDeduplicated() {
        queue.setRules(PROJECT, new ReviewRules(false, 0.5, 12.5, List.of("refunds", "legal", "refunds"), 3));
        assertThat(queue.rules(PROJECT)).isEqualTo(new ReviewRules(false, 0.5, 12.5, List.of("refunds", "legal"), 3));
        assertThat(queue.rules(OTHER_PROJECT)).isEqualTo(ReviewRules.defaults());
    }

    @Test
    void setRules_badFields_areRefusedNamingEachField_andChangeNothing() {
        ReviewRules good = new ReviewRules(true, 0.2, 5, List.of("refunds"), 2);
        queue.setRules(PROJECT, good);
        assertThatThrownBy(() -> queue.setRules(PROJECT, new ReviewRules(true, 1.5, 101, List.of("ok", " "), 0)))
                .isInstanceOf(BadInputException.class)
                .extracting(e -> ((BadInputException) e).errors().stream().map(FieldError::field).toList())
                .isEqualTo(List.of("belowConfidence", "samplePercent", "labelsPerItem", "tags[1]"));
        assertThatThrownBy(() -> queue.setRules(PROJECT, new ReviewRules(true, Double.NaN, -1, null, 11)))
                .isInstanceOf(BadInputException.class)
                .extracting(e -> ((BadInputException) e).errors().stream().map(FieldError::field).toList())
                .isEqualTo(List.of("belowConfidence", "samplePercent", "labelsPerItem"));
        assertThat(queue.rules(PROJECT)).isEqualTo(good);
    }

    // --- consider ---

    @Test
    void consider_disputedOutcome_enqueuesForReasonDisputed() {
        ingest("t1");
        Optional<ReviewItem> item = queue.consider(PROJECT, "t1", List.of(), outcome("t1", OutcomeStatus.DISPUTED, 0.9));
        assertThat(item).isPresent();
        assertThat(item.get().traceId()).isEqualTo("t1");
        assertThat(item.get().reason()).isEqualTo(JdbcReviewQueue.DISPUTED);
        assertThat(item.get().status()).isEqualTo(ReviewItem.Status.OPEN);
        assertThat(item.get().labelsRequired()).isEqualTo(1);
        assertThat(item.get().assignees()).isEmpty();
        assertThat(item.get().labels()).isEmpty();
        assertThat(queue.get(PROJECT, item.get().id())).contains(item.get());
    }

    @Test
    void consider_disputedRuleOff_enqueuesNothing() {
        ingest("t1");
        queue.setRules(PROJECT, new ReviewRules(false, 0, 0, List.of(), 1));
        assertThat(queue.consider(PROJECT, "t1", List.of(), outcome("t1", OutcomeStatus.DISPUTED, 0.9))).isEmpty();
    }

    @Test
    void consider_confidenceBelowThreshold_enqueuesForLowConfidence() {
        ingest("t1", "t2");
        queue.setRules(PROJECT, new ReviewRules(false, 0.5, 0, List.of(), 1));
        assertThat(queue.consider(PROJECT, "t1", List.of(), outcome("t1", OutcomeStatus.SUCCESS, 0.49)))
                .map(ReviewItem::reason).contains(JdbcReviewQueue.LOW_CONFIDENCE);
        assertThat(queue.consider(PROJECT, "t2", List.of(), outcome("t2", OutcomeStatus.SUCCESS, 0.5))).isEmpty();
    }

    @Test
    void consider_outcomeDecidedByReview_neverReentersForDisputeOrConfidence() {
        ingest("t1");
        queue.setRules(PROJECT, new ReviewRules(true, 0.9, 0, List.of(), 1));
        Outcome reviewed = new Outcome("t1", OutcomeStatus.DISPUTED, 0, 0.1, 2, true, "split", T0);
        assertThat(queue.consider(PROJECT, "t1", List.of(), reviewed)).isEmpty();
    }

    @Test
    void consider_traceWithARuleTag_enqueuesForThatTag() {
        ingest("t1", "t2");
        queue.setRules(PROJECT, new ReviewRules(true, 0, 0, List.of("refunds", "legal"), 1));
        assertThat(queue.consider(PROJECT, "t1", List.of("billing", "legal"), null))
                .map(ReviewItem::reason).contains("tag:legal");
        assertThat(queue.consider(PROJECT, "t2", List.of("billing"), null)).isEmpty();
    }

    @Test
    void consider_sampling_isDeterministicByTraceId() {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            ids.add("s-" + i);
        }
        ingest(PROJECT, ids);
        ingest(OTHER_PROJECT, ids);
        ReviewRules half = new ReviewRules(false, 0, 50, List.of(), 1);
        queue.setRules(PROJECT, half);
        queue.setRules(OTHER_PROJECT, half);
        Set<String> first = new HashSet<>();
        Set<String> second = new HashSet<>();
        for (String id : ids) {
            queue.consider(PROJECT, id, List.of(), null).ifPresent(item -> {
                assertThat(item.reason()).isEqualTo(JdbcReviewQueue.SAMPLED);
                first.add(item.traceId());
            });
            queue.consider(OTHER_PROJECT, id, List.of(), null).ifPresent(item -> second.add(item.traceId()));
        }
        assertThat(first).isEqualTo(second).hasSizeBetween(70, 130);
    }

    @Test
    void consider_samplePercentZeroOrHundred_takesNoneOrAll() {
        ingest("a", "b", "c");
        queue.setRules(PROJECT, new ReviewRules(false, 0, 0, List.of(), 1));
        assertThat(List.of("a", "b", "c")).allSatisfy(id -> assertThat(queue.consider(PROJECT, id, List.of(), null)).isEmpty());
        queue.setRules(PROJECT, new ReviewRules(false, 0, 100, List.of(), 1));
        assertThat(List.of("a", "b", "c")).allSatisfy(id -> assertThat(queue.consider(PROJECT, id, List.of(), null)).isPresent());
    }

    @Test
    void consider_traceWithAnOpenItem_isNotQueuedTwice() {
        ingest("t1");
        queue.setRules(PROJECT, new ReviewRules(true, 0.5, 0, List.of("legal"), 1));
        assertThat(queue.consider(PROJECT, "t1", List.of("legal"), null)).isPresent();
        assertThat(queue.consider(PROJECT, "t1", List.of("legal"), null)).isEmpty();
        assertThat(queue.consider(PROJECT, "t1", List.of(), outcome("t1", OutcomeStatus.DISPUTED, 0.1))).isEmpty();
        assertThat(queue.list(PROJECT, null, 10)).hasSize(1);
    }

    @Test
    void consider_traceReviewedForAReason_isNotQueuedForItAgain_butIsForAnother() {
        ingest("t1");
        queue.setRules(PROJECT, new ReviewRules(true, 0, 0, List.of("legal"), 1));
        ReviewItem first = queue.consider(PROJECT, "t1", List.of("legal"), null).orElseThrow();
        queue.label(PROJECT, first.id(), label("ann", OutcomeStatus.SUCCESS));
        assertThat(queue.consider(PROJECT, "t1", List.of("legal"), null)).isEmpty();
        ReviewItem second = queue.consider(PROJECT, "t1", List.of("legal"), outcome("t1", OutcomeStatus.DISPUTED, 0.8))
                .orElseThrow();
        assertThat(second.reason()).isEqualTo(JdbcReviewQueue.DISPUTED);
    }

    @Test
    void consider_unknownTrace_enqueuesNothing() {
        queue.setRules(PROJECT, new ReviewRules(true, 0, 100, List.of(), 1));
        assertThat(queue.consider(PROJECT, "nope", List.of(), null)).isEmpty();
        ingest(OTHER_PROJECT, List.of("theirs"));
        assertThat(queue.consider(PROJECT, "theirs", List.of(), null)).isEmpty();
        assertThat(queue.list(PROJECT, null, 10)).isEmpty();
    }

    @Test
    void consider_concurrentlyForOneTrace_opensOneItem() throws Exception {
        ingest("t1");
        queue.setRules(PROJECT, new ReviewRules(true, 0, 0, List.of("legal"), 1));
        List<Optional<ReviewItem>> results = concurrently(8, i -> queue.consider(PROJECT, "t1", List.of("legal"), null));
        assertThat(results.stream().filter(Optional::isPresent).count()).isEqualTo(1);
        assertThat(queue.list(PROJECT, null, 10)).hasSize(1);
    }

    // --- next, label, skip ---

    @Test
    void next_emptyQueue_returnsNothing() {
        assertThat(queue.next(PROJECT, "ann")).isEmpty();
    }

    @Test
    void next_assignsTheOldestOpenItem_andOffersItAgainUntilLabelled() {
        List<ReviewItem> items = enqueue(1, "t1", "t2");
        ReviewItem got = queue.next(PROJECT, "ann").orElseThrow();
        assertThat(got.id()).isEqualTo(items.get(0).id());
        assertThat(got.assignees()).containsExactly("ann");
        assertThat(queue.next(PROJECT, "ann").map(ReviewItem::id)).contains(got.id());
        assertThat(queue.next(PROJECT, "bob").map(ReviewItem::id)).contains(items.get(1).id());
        assertThat(queue.next(PROJECT, "cy")).isEmpty();
    }

    @Test
    void next_blankAnnotator_isBadInput() {
        assertThatThrownBy(() -> queue.next(PROJECT, " "))
                .isInstanceOf(BadInputException.class)
                .extracting(e -> ((BadInputException) e).errors().get(0).field())
                .isEqualTo("annotatorId");
    }

    @Test
    void label_lastRequiredLabel_closesTheItem_andRecordsReviewFeedback() {
        ReviewItem item = enqueue(1, "t1").get(0);
        queue.next(PROJECT, "ann");
        ReviewItem done = queue.label(PROJECT, item.id(),
                new ReviewLabel("ann", OutcomeStatus.FAILURE, "wrong_intent", "asked for a refund, got a card", null));
        assertThat(done.status()).isEqualTo(ReviewItem.Status.DONE);
        assertThat(done.assignees()).isEmpty();
        assertThat(done.labels()).extracting(ReviewLabel::annotatorId, ReviewLabel::verdict, ReviewLabel::label,
                        ReviewLabel::comment)
                .containsExactly(tuple("ann", OutcomeStatus.FAILURE, "wrong_intent", "asked for a refund, got a card"));
        assertThat(done.labels().get(0).createdAt()).isNotNull();
        assertThat(feedback.recorded()).singleElement().satisfies(f -> {
            assertThat(f.traceId()).isEqualTo("t1");
            assertThat(f.spanId()).isNull();
            assertThat(f.kind()).isEqualTo(FeedbackKind.REVIEW);
            assertThat(f.value().text()).isEqualTo("\"failure\"");
            assertThat(f.source()).isEqualTo(FeedbackSource.ANNOTATOR);
            assertThat(f.authorId()).isEqualTo("ann");
            assertThat(f.reason()).isEqualTo("asked for a refund, got a card");
            assertThat(f.confidence()).isEqualTo(1.0);
            assertThat(f.idempotencyKey()).isEqualTo("review:" + item.id() + ":ann");
        });
        assertThat(feedback.rows()).isEqualTo(1);
        assertThat(queue.next(PROJECT, "bob")).isEmpty();
    }

    @Test
    void label_withTwoLabelsPerItem_slotsGoToTwoAnnotators_andBothVerdictsAreRecorded() {
        List<ReviewItem> items = enqueue(2, "t1", "t2");
        assertThat(queue.next(PROJECT, "ann").map(ReviewItem::id)).contains(items.get(0).id());
        assertThat(queue.next(PROJECT, "bob").map(ReviewItem::id)).contains(items.get(0).id());
        assertThat(queue.next(PROJECT, "cy").map(ReviewItem::id)).contains(items.get(1).id()); // first is full
        assertThat(queue.get(PROJECT, items.get(0).id()).orElseThrow().assignees()).containsExactly("ann", "bob");

        ReviewItem half = queue.label(PROJECT, items.get(0).id(), label("ann", OutcomeStatus.SUCCESS));
        assertThat(half.status()).isEqualTo(ReviewItem.Status.OPEN);
        assertThat(half.assignees()).containsExactly("bob");
        assertThat(feedback.recorded()).isEmpty();

        ReviewItem done = queue.label(PROJECT, items.get(0).id(), label("bob", OutcomeStatus.FAILURE));
        assertThat(done.status()).isEqualTo(ReviewItem.Status.DONE);
        assertThat(done.labels()).extracting(ReviewLabel::annotatorId).containsExactly("ann", "bob");
        assertThat(feedback.recorded()).extracting(Feedback::authorId, f -> f.value().text(), Feedback::idempotencyKey)
                .containsExactlyInAnyOrder(
                        tuple("ann", "\"success\"", "review:" + items.get(0).id() + ":ann"),
                        tuple("bob", "\"failure\"", "review:" + items.get(0).id() + ":bob"));
        assertThat(feedback.calls()).isEqualTo(1);
    }

    @Test
    void label_again_replacesTheAnnotatorsLabel() {
        ReviewItem item = enqueue(2, "t1").get(0);
        queue.label(PROJECT, item.id(), label("ann", OutcomeStatus.SUCCESS));
        ReviewItem relabelled = queue.label(PROJECT, item.id(), label("ann", OutcomeStatus.FAILURE));
        assertThat(relabelled.status()).isEqualTo(ReviewItem.Status.OPEN);
        assertThat(relabelled.labels()).extracting(ReviewLabel::annotatorId, ReviewLabel::verdict)
                .containsExactly(tuple("ann", OutcomeStatus.FAILURE));
    }

    @Test
    void label_labelledItem_isNotOfferedToThatAnnotatorAgain() {
        ReviewItem item = enqueue(2, "t1").get(0);
        queue.label(PROJECT, item.id(), label("ann", OutcomeStatus.SUCCESS));
        assertThat(queue.next(PROJECT, "ann")).isEmpty();
        assertThat(queue.next(PROJECT, "bob").map(ReviewItem::id)).contains(item.id());
    }

    @Test
    void label_verdictOtherThanSuccessOrFailure_isBadInputNamingVerdict() {
        ReviewItem item = enqueue(1, "t1").get(0);
        for (OutcomeStatus verdict : new OutcomeStatus[] {OutcomeStatus.DISPUTED, OutcomeStatus.UNKNOWN, null}) {
            assertThatThrownBy(() -> queue.label(PROJECT, item.id(), label("ann", verdict)))
                    .isInstanceOf(BadInputException.class)
                    .extracting(e -> ((BadInputException) e).errors().get(0).field())
                    .isEqualTo("verdict");
        }
        assertThat(queue.get(PROJECT, item.id()).orElseThrow().labels()).isEmpty();
    }

    @Test
    void label_blankAnnotator_isBadInputNamingAnnotatorId() {
        ReviewItem item = enqueue(1, "t1").get(0);
        assertThatThrownBy(() -> queue.label(PROJECT, item.id(), label("", OutcomeStatus.SUCCESS)))
                .isInstanceOf(BadInputException.class)
                .extracting(e -> ((BadInputException) e).errors().get(0).field())
                .isEqualTo("annotatorId");
    }

    @Test
    void label_unknownItem_isNotFound() {
        assertThatThrownBy(() -> queue.label(PROJECT, "no-such-item", label("ann", OutcomeStatus.SUCCESS)))
                .isInstanceOf(NotFoundException.class);
        assertThatThrownBy(() -> queue.skip(PROJECT, "no-such-item", "ann")).isInstanceOf(NotFoundException.class);
        assertThat(queue.get(PROJECT, "no-such-item")).isEmpty();
    }

    @Test
    void label_itemOfAnotherProject_isNotFound() {
        ReviewItem item = enqueue(1, "t1").get(0);
        assertThatThrownBy(() -> queue.label(OTHER_PROJECT, item.id(), label("ann", OutcomeStatus.SUCCESS)))
                .isInstanceOf(NotFoundException.class);
        assertThat(queue.get(OTHER_PROJECT, item.id())).isEmpty();
        assertThat(queue.next(OTHER_PROJECT, "ann")).isEmpty();
        assertThat(queue.get(PROJECT, item.id()).orElseThrow().labels()).isEmpty();
    }

    @Test
    void label_doneItem_isRefused_andChangesNothing() {
        ReviewItem item = enqueue(1, "t1").get(0);
        queue.label(PROJECT, item.id(), label("ann", OutcomeStatus.SUCCESS));
        assertThatThrownBy(() -> queue.label(PROJECT, item.id(), label("bob", OutcomeStatus.FAILURE)))
                .isInstanceOf(BadInputException.class);
        assertThatThrownBy(() -> queue.label(PROJECT, item.id(), label("ann", OutcomeStatus.FAILURE)))
                .isInstanceOf(BadInputException.class);
        assertThat(queue.get(PROJECT, item.id()).orElseThrow().labels())
                .extracting(ReviewLabel::annotatorId, ReviewLabel::verdict)
                .containsExactly(tuple("ann", OutcomeStatus.SUCCESS));
        assertThat(feedback.recorded()).hasSize(1);
    }

    @Test
    void label_whenRecordingTheVerdictsFails_changesNothing() {
        ReviewItem item = enqueue(1, "t1").get(0);
        queue.next(PROJECT, "ann");
        feedback.failWith(new BadInputException("traceId", "simulated failure of the feedback store"));
        assertThatThrownBy(() -> queue.label(PROJECT, item.id(), label("ann", OutcomeStatus.SUCCESS)))
                .hasMessageContaining("simulated failure");
        ReviewItem after = queue.get(PROJECT, item.id()).orElseThrow();
        assertThat(after.status()).isEqualTo(ReviewItem.Status.OPEN);
        assertThat(after.labels()).isEmpty();
        assertThat(after.assignees()).containsExactly("ann");
        assertThat(feedback.rows()).as("the store's nested write joined the queue's transaction").isZero();
    }

    @Test
    void skip_givesTheSlotBack_andTheItemIsNotOfferedToTheSkipperAgain() {
        List<ReviewItem> items = enqueue(1, "t1", "t2");
        assertThat(queue.next(PROJECT, "ann").map(ReviewItem::id)).contains(items.get(0).id());
        ReviewItem skipped = queue.skip(PROJECT, items.get(0).id(), "ann");
        assertThat(skipped.assignees()).isEmpty();
        assertThat(skipped.status()).isEqualTo(ReviewItem.Status.OPEN);
        assertThat(queue.next(PROJECT, "ann").map(ReviewItem::id)).contains(items.get(1).id());
        assertThat(queue.next(PROJECT, "bob").map(ReviewItem::id)).contains(items.get(0).id());
    }

    @Test
    void skip_doneItem_isRefused() {
        ReviewItem item = enqueue(1, "t1").get(0);
        queue.label(PROJECT, item.id(), label("ann", OutcomeStatus.SUCCESS));
        assertThatThrownBy(() -> queue.skip(PROJECT, item.id(), "bob")).isInstanceOf(BadInputException.class);
    }

    @Test
    void next_concurrentAnnotators_neverOverAssign() throws Exception {
        List<ReviewItem> items = enqueue(2, "t1", "t2", "t3", "t4", "t5");
        int annotators = 16;
        List<Optional<ReviewItem>> got = concurrently(annotators, i -> queue.next(PROJECT, "ann-" + i));
        Map<String, Integer> perItem = new HashMap<>();
        got.forEach(o -> o.ifPresent(item -> perItem.merge(item.id(), 1, Integer::sum)));
        assertThat(perItem).hasSize(items.size()).allSatisfy((id, n) -> assertThat(n).isEqualTo(2));
        assertThat(got.stream().filter(Optional::isEmpty).count()).isEqualTo(annotators - 2L * items.size());
        for (ReviewItem item : queue.list(PROJECT, null, 10)) {
            assertThat(item.assignees()).hasSize(2);
        }
    }

    @Test
    void nextAndLabel_concurrentAnnotatorsDrainingTheQueue_labelEachItemExactlyAsOftenAsRequired() throws Exception {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            ids.add("t" + i);
        }
        List<ReviewItem> items = enqueue(3, ids.toArray(String[]::new));
        concurrently(6, i -> {
            String annotator = "ann-" + i;
            for (Optional<ReviewItem> next = queue.next(PROJECT, annotator); next.isPresent();
                    next = queue.next(PROJECT, annotator)) {
                queue.label(PROJECT, next.get().id(), label(annotator, i % 2 == 0 ? OutcomeStatus.SUCCESS
                        : OutcomeStatus.FAILURE));
            }
            return null;
        });
        List<ReviewItem> after = queue.list(PROJECT, null, 100);
        assertThat(after).hasSize(items.size()).allSatisfy(item -> {
            assertThat(item.status()).isEqualTo(ReviewItem.Status.DONE);
            assertThat(item.labels()).hasSize(3);
            assertThat(item.assignees()).isEmpty();
        });
        assertThat(feedback.recorded()).hasSize(3 * items.size());
        assertThat(feedback.rows()).isEqualTo(3 * items.size());
    }

    // --- list, get ---

    @Test
    void list_filtersByStatus_oldestFirst_upToTheLimit() {
        List<ReviewItem> items = enqueue(1, "t1", "t2", "t3");
        queue.label(PROJECT, items.get(1).id(), label("ann", OutcomeStatus.SUCCESS));
        assertThat(queue.list(PROJECT, null, 10)).extracting(ReviewItem::id)
                .containsExactly(items.get(0).id(), items.get(1).id(), items.get(2).id());
        assertThat(queue.list(PROJECT, ReviewItem.Status.OPEN, 10)).extracting(ReviewItem::id)
                .containsExactly(items.get(0).id(), items.get(2).id());
        assertThat(queue.list(PROJECT, ReviewItem.Status.DONE, 10)).extracting(ReviewItem::id)
                .containsExactly(items.get(1).id());
        assertThat(queue.list(PROJECT, null, 2)).hasSize(2);
        assertThat(queue.list(OTHER_PROJECT, null, 10)).isEmpty();
    }

    @Test
    void list_limitOutOfRange_isBadInputNamingLimit() {
        for (int limit : new int[] {0, -1, JdbcReviewQueue.MAX_LIMIT + 1}) {
            assertThatThrownBy(() -> queue.list(PROJECT, null, limit))
                    .isInstanceOf(BadInputException.class)
                    .extracting(e -> ((BadInputException) e).errors().get(0).field())
                    .isEqualTo("limit");
        }
    }

    // --- agreement ---

    @Test
    void agreement_noItemWithTwoLabels_hasNoFields() {
        ReviewItem item = enqueue(2, "t1").get(0);
        queue.label(PROJECT, item.id(), label("ann", OutcomeStatus.SUCCESS));
        assertThat(queue.agreement(PROJECT).fields()).isEmpty();
    }

    @Test
    void agreement_twoAnnotatorsOnASmallSet_reportsVerdictAndLabelAgreement() {
        List<ReviewItem> items = enqueue(2, "t1", "t2", "t3", "t4", "t5");
        // verdicts ann: S S F F, bob: S F F F -> po 0.75, kappa 0.5, alpha 1 - 7·2/30
        label(items.get(0), "ann", OutcomeStatus.SUCCESS, "billing");
        label(items.get(0), "bob", OutcomeStatus.SUCCESS, "billing");
        label(items.get(1), "ann", OutcomeStatus.SUCCESS, "card");
        label(items.get(1), "bob", OutcomeStatus.FAILURE, "fraud");
        label(items.get(2), "ann", OutcomeStatus.FAILURE, null);
        label(items.get(2), "bob", OutcomeStatus.FAILURE, null);
        label(items.get(3), "ann", OutcomeStatus.FAILURE, null);
        label(items.get(3), "bob", OutcomeStatus.FAILURE, null);
        label(items.get(4), "ann", OutcomeStatus.SUCCESS, "card"); // one label only: not pairable

        AgreementReport report = queue.agreement(PROJECT);
        assertThat(report.fields()).extracting(AgreementReport.Field::field).containsExactly("verdict", "label");
        AgreementReport.Field verdict = report.fields().get(0);
        assertThat(verdict.items()).isEqualTo(4);
        assertThat(verdict.annotators()).isEqualTo(2);
        assertThat(verdict.observed()).isCloseTo(0.75, within(1e-9));
        assertThat(verdict.cohensKappa()).isCloseTo(0.5, within(1e-9));
        assertThat(verdict.krippendorffAlpha()).isCloseTo(1 - 14.0 / 30, within(1e-9));
        // labels ann: billing card, bob: billing fraud -> po 0.5, kappa 1/3, alpha 1 - 3·2/10
        AgreementReport.Field category = report.fields().get(1);
        assertThat(category.items()).isEqualTo(2);
        assertThat(category.observed()).isCloseTo(0.5, within(1e-9));
        assertThat(category.cohensKappa()).isCloseTo(1.0 / 3, within(1e-9));
        assertThat(category.krippendorffAlpha()).isCloseTo(0.4, within(1e-9));
        assertThat(queue.agreement(OTHER_PROJECT).fields()).isEmpty();
    }

    @Test
    void agreement_threeAnnotators_hasAlphaButNoKappa() {
        List<ReviewItem> items = enqueue(2, "t1", "t2");
        label(items.get(0), "ann", OutcomeStatus.SUCCESS, null);
        label(items.get(0), "bob", OutcomeStatus.FAILURE, null);
        label(items.get(1), "bob", OutcomeStatus.SUCCESS, null);
        label(items.get(1), "cy", OutcomeStatus.SUCCESS, null);
        AgreementReport.Field verdict = queue.agreement(PROJECT).fields().get(0);
        assertThat(verdict.annotators()).isEqualTo(3);
        assertThat(verdict.cohensKappa()).isNull();
        assertThat(verdict.krippendorffAlpha()).isNotNull();
        assertThat(verdict.observed()).isCloseTo(0.5, within(1e-9));
    }

    // --- with the real feedback store ---

    @Test
    void label_withTheRealFeedbackStore_reviewVerdictsDecideTheOutcome() throws Exception {
        FeedbackStore real = realFeedbackStore();
        JdbcReviewQueue withReal = new JdbcReviewQueue(db, settings, real, clock);
        withReal.setRules(PROJECT, new ReviewRules(true, 0, 0, List.of("legal"), 2));
        ingest("t1");
        ReviewItem item = withReal.consider(PROJECT, "t1", List.of("legal"), null).orElseThrow();
        withReal.label(PROJECT, item.id(), label("ann", OutcomeStatus.FAILURE));
        assertThat(real.forTrace(PROJECT, "t1")).isEmpty();
        withReal.label(PROJECT, item.id(), label("bob", OutcomeStatus.FAILURE));

        assertThat(real.forTrace(PROJECT, "t1")).extracting(Feedback::kind, Feedback::authorId, f -> f.value().text())
                .containsExactlyInAnyOrder(tuple(FeedbackKind.REVIEW, "ann", "\"failure\""),
                        tuple(FeedbackKind.REVIEW, "bob", "\"failure\""));
        Outcome outcome = real.outcome(PROJECT, "t1").orElseThrow();
        assertThat(outcome.status()).isEqualTo(OutcomeStatus.FAILURE);
        assertThat(outcome.reviewed()).isTrue();
    }

    /** The real store, found by name so that this suite compiles before it exists; skips the test without it. */
    private FeedbackStore realFeedbackStore() throws Exception {
        Class<?> type;
        try {
            type = Class.forName("dev.ratchet.feedback.JdbcFeedbackStore");
        } catch (ClassNotFoundException e) {
            Assumptions.abort("JdbcFeedbackStore does not exist yet");
            throw e;
        }
        Constructor<?> constructor;
        try {
            constructor = type.getConstructor(Database.class, Clock.class);
        } catch (NoSuchMethodException e) {
            Assumptions.abort("JdbcFeedbackStore has no (Database, Clock) constructor");
            throw e;
        }
        return (FeedbackStore) constructor.newInstance(db, clock);
    }

    // --- helpers ---

    private void ingest(String... ids) {
        ingest(PROJECT, List.of(ids));
    }

    private void ingest(String project, List<String> ids) {
        List<Trace> batch = new ArrayList<>();
        for (String id : ids) {
            batch.add(trace(id, T0).build());
        }
        traces.ingest(project, batch);
    }

    /** Ingests traces and queues each (tag rule), {@code labelsPerItem} labels each, in the order given. */
    private List<ReviewItem> enqueue(int labelsPerItem, String... ids) {
        ingest(ids);
        queue.setRules(PROJECT, new ReviewRules(true, 0, 0, List.of("review-me"), labelsPerItem));
        List<ReviewItem> items = new ArrayList<>();
        for (String id : ids) {
            items.add(queue.consider(PROJECT, id, List.of("review-me"), null).orElseThrow());
        }
        return items;
    }

    private void label(ReviewItem item, String annotator, OutcomeStatus verdict, String category) {
        queue.label(PROJECT, item.id(), new ReviewLabel(annotator, verdict, category, null, null));
    }

    private static ReviewLabel label(String annotator, OutcomeStatus verdict) {
        return new ReviewLabel(annotator, verdict, null, null, null);
    }

    private static Outcome outcome(String traceId, OutcomeStatus status, double confidence) {
        return new Outcome(traceId, status, 0, confidence, 2, false, "test", T0);
    }

    /** Runs {@code n} calls at once (released together) and returns their results in call order. */
    private static <T> List<T> concurrently(int n, IndexedCall<T> call) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(n);
        try {
            CountDownLatch ready = new CountDownLatch(n);
            CountDownLatch go = new CountDownLatch(1);
            List<Future<T>> futures = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                int index = i;
                Callable<T> task = () -> {
                    ready.countDown();
                    go.await();
                    return call.call(index);
                };
                futures.add(pool.submit(task));
            }
            ready.await();
            go.countDown();
            List<T> results = new ArrayList<>();
            for (Future<T> f : futures) {
                results.add(f.get());
            }
            return results;
        } finally {
            pool.shutdownNow();
        }
    }

    @FunctionalInterface
    private interface IndexedCall<T> {
        T call(int index) throws Exception;
    }

    /** A clock that moves forward one millisecond each time it is read. Thread-safe. */
    static final class TickingClock extends Clock {
        private final AtomicLong millis;

        TickingClock(Instant start) {
            this.millis = new AtomicLong(start.toEpochMilli());
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(millis.getAndIncrement());
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            throw new UnsupportedOperationException();
        }
    }
}
