package dev.ratchet.curation;

import static dev.ratchet.trace.TraceBuilder.trace;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.ratchet.common.BadInputException;
import dev.ratchet.common.FieldError;
import dev.ratchet.common.Json;
import dev.ratchet.common.JsonText;
import dev.ratchet.curation.CurationDecision.Status;
import dev.ratchet.curation.CurationPolicy.Scope;
import dev.ratchet.feedback.Feedback;
import dev.ratchet.feedback.FeedbackKind;
import dev.ratchet.feedback.FeedbackSource;
import dev.ratchet.feedback.FeedbackStore;
import dev.ratchet.feedback.JdbcFeedbackStore;
import dev.ratchet.feedback.JdbcReviewQueue;
import dev.ratchet.feedback.OutcomeStatus;
import dev.ratchet.feedback.ProjectSettings;
import dev.ratchet.feedback.ReviewItem;
import dev.ratchet.feedback.ReviewLabel;
import dev.ratchet.feedback.ReviewRules;
import dev.ratchet.memory.BgeSmallEmbedder;
import dev.ratchet.memory.Embedder;
import dev.ratchet.memory.JdbcMemoryStore;
import dev.ratchet.memory.MemoryConfig;
import dev.ratchet.memory.MemoryItem;
import dev.ratchet.memory.MemoryKind;
import dev.ratchet.memory.MemorySearch;
import dev.ratchet.memory.MemoryStatus;
import dev.ratchet.store.Database;
import dev.ratchet.trace.JdbcTraceStore;
import dev.ratchet.trace.TraceStore;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What curation must do on every engine: real stores (trace, feedback, review, memory with the real bge model and
 * Lucene), a worker drained by the test. Each engine extends this class and says how to open a fresh database.
 */
public abstract class CurationContract {

    /** Loading the model is the slow part: one instance for every test of the JVM. */
    static final Embedder BGE = new BgeSmallEmbedder();
    private static final String P = "acme";
    private static final String AGENT = "desk";
    private static final Instant T0 = Instant.parse("2026-11-21T10:00:00Z");

    /** A clock the test moves by hand. */
    static final class MutableClock extends Clock {
        private Instant now = Instant.parse("2026-11-21T12:00:00Z");

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }
    }

    @TempDir
    Path indexDir;

    private final MutableClock clock = new MutableClock();
    private Database db;
    private ProjectSettings settings;
    private TraceStore traces;
    private JdbcFeedbackStore recorded;
    private JdbcMemoryStore memory;
    private Curator curator;
    private FeedbackStore feedback;
    private int sequence;

    protected abstract Database openDatabase() throws Exception;

    @BeforeEach
    void open() throws Exception {
        db = openDatabase();
        settings = new ProjectSettings(db, clock);
        traces = new JdbcTraceStore(db, clock);
        recorded = new JdbcFeedbackStore(db, clock);
        memory = new JdbcMemoryStore(db, BGE, indexDir.resolve("memory"), clock, MemoryConfig.defaults());
        curator = new Curator(db, settings, traces, recorded, memory, clock);
        feedback = curator.feedbackStore();
    }

    @AfterEach
    void close() {
        if (curator != null) {
            curator.close();
        }
        if (memory != null) {
            memory.close();
        }
        if (db != null) {
            db.close();
        }
    }

    // --- helpers ---

    private void ingest(String traceId, String inputText) {
        ingest(traceId, inputText, null);
    }

    private void ingest(String traceId, String inputText, String userId) {
        traces.ingest(P, List.of(trace(traceId, T0).agent(AGENT).userId(userId)
                .input(Json.write(Map.of("text", inputText))).output("{\"text\":\"I do not know.\"}").build()));
    }

    /** A correction whose value is {@code {"text": answer}}, given one second after the previous feedback built. */
    private Feedback correction(String traceId, String answer, FeedbackSource source, String author, double confidence) {
        return item(traceId, FeedbackKind.CORRECTION, Json.write(Map.of("text", answer)), source, author, confidence);
    }

    private Feedback item(String traceId, FeedbackKind kind, String valueJson, FeedbackSource source, String author,
            double confidence) {
        sequence++;
        return new Feedback("f-" + traceId + "-" + sequence, traceId, null, kind, JsonText.parse(valueJson, "value"),
                null, null, null, source, author, confidence, T0.plusSeconds(sequence), null);
    }

    private List<MemoryItem> items() {
        return memory.list(P, AGENT, null, 100);
    }

    private CurationDecision decision(Feedback f) {
        return curator.decision(P, f.id()).orElseThrow();
    }

    // --- tests ---

    @Test
    void humanCorrection_becomesASearchableItemOfTheTracesAgent_withItsProvenance() {
        ingest("t-1", "Where is my new card?");
        Feedback c = correction("t-1", "Cards arrive within five working days of ordering.", FeedbackSource.END_USER,
                "u-1", 1.0);

        feedback.record(P, List.of(c));
        assertThat(decision(c).status()).isEqualTo(Status.PENDING);
        curator.drain();

        List<MemoryItem> items = items();
        assertThat(items).hasSize(1);
        MemoryItem item = items.get(0);
        assertThat(item.kind()).isEqualTo(MemoryKind.CORRECTION);
        assertThat(item.agent()).isEqualTo(AGENT);
        assertThat(item.user()).isNull();
        assertThat(item.text()).isEqualTo(
                "Input: Where is my new card?\nCorrect answer: Cards arrive within five working days of ordering.");
        assertThat(item.key()).isEqualTo("where is my new card");
        assertThat(item.value()).isEqualTo(c.value());
        assertThat(item.provenance().traceIds()).containsExactly("t-1");
        assertThat(item.provenance().feedbackIds()).containsExactly(c.id());
        assertThat(item.idempotencyKey()).isEqualTo("curation:" + c.id());

        assertThat(memory.search(P, MemorySearch.of(AGENT, "when does my card arrive", 3)))
                .extracting(h -> h.item().id()).containsExactly(item.id());
        assertThat(memory.search(P, MemorySearch.of("another-agent", "when does my card arrive", 3))).isEmpty();

        CurationDecision d = decision(c);
        assertThat(d.status()).isEqualTo(Status.WRITTEN);
        assertThat(d.memoryId()).isEqualTo(item.id());
        assertThat(d.memoryAction()).isEqualTo("created");
        assertThat(d.reason()).contains("end user");
        assertThat(curator.log(P, "t-1", null, 10)).containsExactly(d);
        assertThat(curator.status(P)).isEqualTo(new Curator.QueueStatus(0, 0));
    }

    @Test
    void lowConfidenceAutomatedCorrection_isNotWritten_untilAHumanReviewConfirmsIt() {
        ingest("t-1", "Can I raise my card limit?");
        Feedback c = correction("t-1", "Yes: up to 5,000 euros a day in the app.", FeedbackSource.SYSTEM, "judge-1", 0.5);
        feedback.record(P, List.of(c));
        curator.drain();

        assertThat(items()).isEmpty();
        assertThat(decision(c).status()).isEqualTo(Status.SKIPPED);
        assertThat(decision(c).reason()).isEqualTo("confidence 0.50 is below the minimum 0.80 for system;"
                + " a human review that finds the output wrong will promote it");

        JdbcReviewQueue review = new JdbcReviewQueue(db, settings, feedback, clock);
        review.setRules(P, new ReviewRules(true, 0, 100, List.of(), 1));
        ReviewItem queued = review.consider(P, "t-1", List.of(), null).orElseThrow();
        review.label(P, queued.id(), new ReviewLabel("ann-1", OutcomeStatus.FAILURE, null, null, clock.instant()));
        curator.drain();

        assertThat(items()).singleElement().satisfies(i -> {
            assertThat(i.text()).contains("5,000 euros");
            assertThat(i.provenance().feedbackIds()).containsExactly(c.id());
        });
        assertThat(decision(c).status()).isEqualTo(Status.WRITTEN);
        assertThat(decision(c).reason()).isEqualTo("promoted by a human review that found the output wrong");
    }

    @Test
    void automatedCorrectionAboveTheThreshold_isWrittenWithoutReview() {
        ingest("t-1", "What is the fee for a foreign ATM withdrawal?");
        Feedback c = correction("t-1", "Two percent, at least 2 euros.", FeedbackSource.SYSTEM, "judge-1", 0.9);
        feedback.record(P, List.of(c));
        curator.drain();

        assertThat(decision(c).status()).isEqualTo(Status.WRITTEN);
        assertThat(decision(c).reason()).isEqualTo("confidence 0.90 reaches the minimum 0.80");
        assertThat(items()).hasSize(1);
    }

    @Test
    void sameFeedbackReplayed_isWrittenOnce() {
        ingest("t-1", "How do I freeze my card?");
        Feedback c = correction("t-1", "Tap the card in the app and choose Freeze.", FeedbackSource.ANNOTATOR, "ann-1", 1);

        feedback.record(P, List.of(c));
        curator.drain();
        FeedbackStore.RecordResult again = feedback.record(P, List.of(c));
        assertThat(again.duplicates()).containsExactly(c.id());
        // New feedback on the trace sends it round again: the written correction stays written once.
        feedback.record(P, List.of(item("t-1", FeedbackKind.COMMENT, "\"thanks\"", FeedbackSource.END_USER, null, 1)));
        curator.drain();
        curator.drain();

        assertThat(items()).hasSize(1);
        assertThat(decision(c).status()).isEqualTo(Status.WRITTEN);
        assertThat(decision(c).memoryAction()).isEqualTo("created");
    }

    @Test
    void laterCorrectionOfTheSameInput_supersedesTheEarlier_andBothAreKeptLinked() {
        ingest("t-1", "Where is my card?");
        Feedback first = correction("t-1", "It was sent on Monday.", FeedbackSource.END_USER, "u-1", 1);
        feedback.record(P, List.of(first));
        curator.drain();
        clock.advance(Duration.ofMinutes(1));
        ingest("t-2", "  where is my CARD ");
        Feedback second = correction("t-2", "Your card was lost in the post; order a new one in the app.",
                FeedbackSource.ANNOTATOR, "ann-1", 1);
        feedback.record(P, List.of(second));
        curator.drain();

        CurationDecision d1 = decision(first);
        CurationDecision d2 = decision(second);
        assertThat(d2.memoryAction()).isEqualTo("superseded");
        assertThat(d2.supersededId()).isEqualTo(d1.memoryId());
        MemoryItem old = memory.get(P, d1.memoryId()).orElseThrow();
        assertThat(old.status()).isEqualTo(MemoryStatus.SUPERSEDED);
        assertThat(old.supersededBy()).isEqualTo(d2.memoryId());
        assertThat(memory.get(P, d2.memoryId()).orElseThrow().status()).isEqualTo(MemoryStatus.ACTIVE);
        assertThat(items()).hasSize(2);
        assertThat(memory.search(P, MemorySearch.of(AGENT, "where is my card", 5)))
                .extracting(h -> h.item().id()).containsExactly(d2.memoryId());
    }

    @Test
    void olderCorrectionPromotedLater_neverReplacesANewerOneOfTheSameInput() {
        ingest("t-old", "Is there a fee for card replacement?");
        Feedback old = correction("t-old", "Yes, 5 euros.", FeedbackSource.SYSTEM, "judge-1", 0.3);
        feedback.record(P, List.of(old));
        ingest("t-new", "Is there a fee for card replacement?");
        Feedback newer = correction("t-new", "No, replacements are free since 2026.", FeedbackSource.ANNOTATOR, "ann-1", 1);
        feedback.record(P, List.of(newer));
        curator.drain();

        feedback.record(P, List.of(item("t-old", FeedbackKind.REVIEW, "\"failure\"", FeedbackSource.ANNOTATOR, "ann-2", 1)));
        curator.drain();

        assertThat(decision(old).status()).isEqualTo(Status.SKIPPED);
        assertThat(decision(old).reason()).isEqualTo("a later correction of the same input (feedback " + newer.id()
                + ") is already in memory");
        assertThat(items()).singleElement().satisfies(i -> assertThat(i.text()).contains("free since 2026"));
    }

    @Test
    void correctionContradictedByAStrongPositiveSignal_isNotWritten() {
        ingest("t-1", "Can I pay with Apple Pay?");
        Feedback c = correction("t-1", "No, only Google Pay.", FeedbackSource.END_USER, "u-1", 1);
        Feedback up = item("t-1", FeedbackKind.THUMBS, "true", FeedbackSource.END_USER, "u-2", 1);
        feedback.record(P, List.of(c, up));
        curator.drain();

        assertThat(items()).isEmpty();
        assertThat(decision(c).status()).isEqualTo(Status.SKIPPED);
        assertThat(decision(c).reason()).isEqualTo("disputed: a positive 'thumbs' from end user (feedback " + up.id()
                + ") says the output was right");
    }

    @Test
    void correctionsThatDisagree_areNeitherWritten_untilTheirAuthorCorrectsAgain() {
        ingest("t-1", "What is the daily ATM limit?");
        Feedback a = correction("t-1", "500 euros.", FeedbackSource.ANNOTATOR, "ann-1", 1);
        Feedback b = correction("t-1", "1,000 euros.", FeedbackSource.ANNOTATOR, "ann-2", 1);
        feedback.record(P, List.of(a, b));
        curator.drain();

        assertThat(items()).isEmpty();
        assertThat(decision(a).reason()).isEqualTo("disputed: correction " + b.id() + " of the same trace gives a different answer");
        assertThat(decision(b).reason()).isEqualTo("disputed: correction " + a.id() + " of the same trace gives a different answer");

        Feedback agreed = correction("t-1", "1,000 euros.", FeedbackSource.ANNOTATOR, "ann-1", 1);
        feedback.record(P, List.of(agreed));
        curator.drain();

        assertThat(decision(a).reason()).startsWith("replaced by a later correction from the same author");
        assertThat(decision(b).status()).isEqualTo(Status.WRITTEN);
        assertThat(decision(agreed).status()).isEqualTo(Status.WRITTEN);
        assertThat(items()).singleElement().satisfies(i ->
                assertThat(i.provenance().feedbackIds()).containsExactlyInAnyOrder(b.id(), agreed.id()));
    }

    @Test
    void curationDisabled_writesAndQueuesNothing() {
        curator.setPolicy(P, new CurationPolicy(false, 0.8, null, true, "correction", Scope.AGENT, null));
        ingest("t-1", "Where is my card?");
        Feedback c = correction("t-1", "It shipped yesterday.", FeedbackSource.ANNOTATOR, "ann-1", 1);
        feedback.record(P, List.of(c));
        curator.drain();

        assertThat(items()).isEmpty();
        assertThat(curator.decision(P, c.id())).isEmpty();
        assertThat(curator.status(P)).isEqualTo(new Curator.QueueStatus(0, 0));
        assertThat(feedback.forTrace(P, "t-1")).containsExactly(c);
    }

    @Test
    void userScope_writesTheUsersOwnItem_andSkipsTracesWithoutAUser() {
        curator.setPolicy(P, new CurationPolicy(true, 0.8, null, true, "example", Scope.USER, 3600L));
        ingest("t-1", "Send my statement to my work address.", "u-7");
        ingest("t-2", "Send my statement to my work address.", null);
        Feedback mine = correction("t-1", "Statements go to Main Street 1.", FeedbackSource.END_USER, "u-7", 1);
        Feedback anonymous = correction("t-2", "Statements go to Side Street 2.", FeedbackSource.END_USER, null, 1);
        feedback.record(P, List.of(mine, anonymous));
        curator.drain();

        MemoryItem item = items().stream().filter(i -> i.status() == MemoryStatus.ACTIVE).findFirst().orElseThrow();
        assertThat(item.user()).isEqualTo("u-7");
        assertThat(item.kind()).isEqualTo(MemoryKind.EXAMPLE);
        assertThat(item.validTo()).isEqualTo(clock.instant().plusSeconds(3600));
        assertThat(memory.search(P, MemorySearch.of(AGENT, "statement address", 5))).isEmpty();
        assertThat(memory.search(P, MemorySearch.of(AGENT, "statement address", 5).withUser("u-7"))).hasSize(1);
        assertThat(decision(anonymous).reason())
                .isEqualTo("the policy scopes corrections to a user, and the trace has no userId");
        assertThat(items()).hasSize(1);
    }

    @Test
    void badPolicy_isRefusedNamingEachField_andChangesNothing() {
        CurationPolicy before = curator.setPolicy(P, new CurationPolicy(true, 0.6, null, false, "correction",
                Scope.AGENT, null));

        BadInputException e = catchThrowableOfType(BadInputException.class, () -> curator.setPolicy(P,
                new CurationPolicy(true, 1.5, null, true, "rumour", null, 0L)));

        assertThat(e.errors()).extracting(FieldError::field)
                .containsExactlyInAnyOrder("minConfidence", "kind", "scope", "ttlSeconds");
        assertThat(curator.policy(P)).isEqualTo(before);
        assertThat(before.sources()).isEqualTo(CurationPolicy.defaults().sources());
        assertThat(curator.policy("another-project")).isEqualTo(CurationPolicy.defaults());
    }

    @Test
    void refusedFeedback_queuesNothing() {
        ingest("t-1", "Where is my card?");
        Feedback good = correction("t-1", "It shipped.", FeedbackSource.ANNOTATOR, "ann-1", 1);
        Feedback unknownTrace = correction("t-404", "Nothing.", FeedbackSource.ANNOTATOR, "ann-1", 1);

        catchThrowableOfType(BadInputException.class, () -> feedback.record(P, List.of(good, unknownTrace)));

        assertThat(curator.decision(P, good.id())).isEmpty();
        assertThat(curator.status(P).queued()).isZero();
    }

    @Test
    void failedMemoryWrite_isLoggedAndRetried_untilItIsWritten_evenAfterARestart() {
        ingest("t-1", "How long does a transfer take?");
        Feedback c = correction("t-1", "Up to one working day.", FeedbackSource.ANNOTATOR, "ann-1", 1);
        memory.close(); // writes now fail, as with a broken index
        feedback.record(P, List.of(c));
        curator.drain();

        CurationDecision failed = decision(c);
        assertThat(failed.status()).isEqualTo(Status.FAILED);
        assertThat(failed.reason()).startsWith("attempt 1 failed: ").endsWith("; retried");
        assertThat(curator.status(P)).isEqualTo(new Curator.QueueStatus(1, 1));

        curator.close();
        memory = new JdbcMemoryStore(db, BGE, indexDir.resolve("memory"), clock, MemoryConfig.defaults());
        curator = new Curator(db, settings, traces, recorded, memory, clock);
        curator.drain();
        assertThat(decision(c).status()).as("not due before its back-off").isEqualTo(Status.FAILED);
        clock.advance(Curator.FIRST_RETRY);
        curator.drain();

        assertThat(decision(c).status()).isEqualTo(Status.WRITTEN);
        assertThat(decision(c).attempts()).isEqualTo(1);
        assertThat(items()).hasSize(1);
        assertThat(curator.status(P)).isEqualTo(new Curator.QueueStatus(0, 0));
    }

    @Test
    void worker_decidesQueuedTracesByItself() throws Exception {
        curator.start();
        ingest("t-1", "Can I get a refund?");
        Feedback c = correction("t-1", "Within 14 days of purchase.", FeedbackSource.END_USER, "u-1", 1);
        feedback.record(P, List.of(c));

        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (decision(c).status() != Status.WRITTEN && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(decision(c).status()).isEqualTo(Status.WRITTEN);
    }
}
