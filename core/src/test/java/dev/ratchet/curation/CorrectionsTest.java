package dev.ratchet.curation;

import static dev.ratchet.trace.TraceBuilder.trace;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ratchet.common.JsonText;
import dev.ratchet.curation.CurationPolicy.Scope;
import dev.ratchet.curation.CurationPolicy.SourceRule;
import dev.ratchet.curation.Corrections.Action;
import dev.ratchet.curation.Corrections.Plan;
import dev.ratchet.feedback.Feedback;
import dev.ratchet.feedback.FeedbackKind;
import dev.ratchet.feedback.FeedbackSource;
import dev.ratchet.feedback.OutcomeRules;
import dev.ratchet.memory.MemoryWrite;
import dev.ratchet.trace.Trace;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The rules that decide a correction, and how its memory item is built: pure, no storage. */
class CorrectionsTest {

    private static final Instant T0 = Instant.parse("2026-11-21T10:00:00Z");
    private static final OutcomeRules RULES = OutcomeRules.defaults();
    private static final CurationPolicy DEFAULTS = CurationPolicy.defaults();
    private static final Trace TRACE = trace("t-1", T0).input("{\"text\":\"Where is my card?\"}").sessionId("s-1")
            .build();

    private final List<Feedback> feedback = new ArrayList<>();

    private Feedback add(FeedbackKind kind, String valueJson, FeedbackSource source, String author, double confidence) {
        Feedback f = new Feedback("f-" + (feedback.size() + 1), "t-1", null, kind, JsonText.parse(valueJson, "value"),
                null, null, null, source, author, confidence, T0.plusSeconds(feedback.size()), null);
        feedback.add(f);
        return f;
    }

    private Feedback correction(String text, FeedbackSource source, String author, double confidence) {
        return add(FeedbackKind.CORRECTION, "{\"text\":\"" + text + "\"}", source, author, confidence);
    }

    private List<Plan> plan(CurationPolicy policy, Set<String> written) {
        return Corrections.plan(TRACE, feedback, RULES, policy, written, T0);
    }

    private Plan only(CurationPolicy policy) {
        List<Plan> plans = plan(policy, Set.of());
        assertThat(plans).hasSize(1);
        return plans.get(0);
    }

    private static CurationPolicy with(Map<FeedbackSource, SourceRule> sources, boolean reviewPromotes, Scope scope) {
        return new CurationPolicy(true, 0.8, sources, reviewPromotes, "correction", scope, null);
    }

    @Test
    void traceWithoutCorrections_hasNothingToPlan() {
        add(FeedbackKind.THUMBS, "false", FeedbackSource.END_USER, null, 1);
        assertThat(plan(DEFAULTS, Set.of())).isEmpty();
    }

    @Test
    void reviewJudgingTheOutputASuccess_disputesEvenAHumanCorrection() {
        correction("It shipped.", FeedbackSource.ANNOTATOR, "ann-1", 1);
        add(FeedbackKind.REVIEW, "\"success\"", FeedbackSource.ANNOTATOR, "ann-2", 1);

        Plan p = only(DEFAULTS);
        assertThat(p.action()).isEqualTo(Action.SKIP);
        assertThat(p.reason()).startsWith("disputed: human review judged the agent's output a success");
    }

    @Test
    void passingVerifier_isNotStrongEnoughToDispute() {
        correction("It shipped.", FeedbackSource.END_USER, null, 1);
        add(FeedbackKind.VERIFIER, "true", FeedbackSource.SYSTEM, null, 1);

        assertThat(only(DEFAULTS).action()).isEqualTo(Action.WRITE);
    }

    @Test
    void reviewFindingTheOutputWrong_overridesAThumbsUp() {
        correction("It shipped.", FeedbackSource.END_USER, null, 1);
        add(FeedbackKind.THUMBS, "true", FeedbackSource.END_USER, null, 1);
        assertThat(only(DEFAULTS).reason()).startsWith("disputed: a positive 'thumbs' from end user");

        add(FeedbackKind.REVIEW, "\"failure\"", FeedbackSource.ANNOTATOR, "ann-1", 1);
        assertThat(only(DEFAULTS).action()).isEqualTo(Action.WRITE);
    }

    @Test
    void sourceSetToNever_isWrittenOnlyAfterReview_andNotAtAllWithPromotionOff() {
        correction("It shipped.", FeedbackSource.END_USER, "u-1", 1);
        CurationPolicy never = with(Map.of(FeedbackSource.END_USER, SourceRule.NEVER), true, Scope.AGENT);
        CurationPolicy noPromotion = with(Map.of(FeedbackSource.END_USER, SourceRule.NEVER), false, Scope.AGENT);

        assertThat(only(never).reason()).isEqualTo("corrections from end user are not written by themselves;"
                + " a human review that finds the output wrong will promote it");
        add(FeedbackKind.REVIEW, "\"failure\"", FeedbackSource.ANNOTATOR, "ann-1", 1);
        assertThat(only(never).action()).isEqualTo(Action.WRITE);
        assertThat(only(never).reason()).isEqualTo("promoted by a human review that found the output wrong");
        assertThat(only(noPromotion).reason()).endsWith("; review promotion is off");
    }

    @Test
    void splitReviews_areDecidedByTheLatestVerdict_asForTheOutcome() {
        correction("It shipped.", FeedbackSource.SYSTEM, null, 0.1);
        add(FeedbackKind.REVIEW, "\"success\"", FeedbackSource.ANNOTATOR, "ann-1", 1);
        add(FeedbackKind.REVIEW, "\"failure\"", FeedbackSource.ANNOTATOR, "ann-2", 1);

        assertThat(only(DEFAULTS).action()).isEqualTo(Action.WRITE);
    }

    @Test
    void correctionThatDoesNotQualify_doesNotDisputeOneThatDoes() {
        Feedback human = correction("It was lost.", FeedbackSource.ANNOTATOR, "ann-1", 1);
        Feedback judge = correction("It shipped.", FeedbackSource.SYSTEM, "judge", 0.2);

        List<Plan> plans = plan(DEFAULTS, Set.of());
        assertThat(plans).extracting(p -> p.correction().id()).containsExactly(human.id(), judge.id());
        assertThat(plans.get(0).action()).isEqualTo(Action.WRITE);
        assertThat(plans.get(1).reason()).startsWith("confidence 0.20 is below the minimum 0.80 for system");
    }

    @Test
    void sameAnswerWithOtherCaseAndPunctuation_isNoDisagreement() {
        correction("It was LOST.", FeedbackSource.ANNOTATOR, "ann-1", 1);
        correction("it was lost", FeedbackSource.END_USER, "u-1", 1);

        assertThat(plan(DEFAULTS, Set.of())).extracting(Plan::action).containsExactly(Action.WRITE, Action.WRITE);
    }

    @Test
    void writtenCorrection_staysWritten_andTheLogNotesALaterDispute() {
        Feedback c = correction("It shipped.", FeedbackSource.END_USER, null, 1);
        assertThat(plan(DEFAULTS, Set.of(c.id()))).singleElement()
                .satisfies(p -> assertThat(p).isEqualTo(new Plan(c, Action.KEEP, null, null)));

        add(FeedbackKind.REVIEW, "\"success\"", FeedbackSource.ANNOTATOR, "ann-1", 1);
        Plan p = plan(DEFAULTS, Set.of(c.id())).get(0);
        assertThat(p.action()).isEqualTo(Action.KEEP);
        assertThat(p.reason()).startsWith("written; since then disputed: human review");
    }

    @Test
    void sessionScope_writesForTheSessionOnly_andUserScopeNeedsAUser() {
        correction("It shipped.", FeedbackSource.END_USER, null, 1);

        MemoryWrite w = only(with(null, true, Scope.SESSION)).write();
        assertThat(w.session()).isEqualTo("s-1");
        assertThat(w.user()).isNull();
        Plan user = only(with(null, true, Scope.USER));
        assertThat(user.action()).isEqualTo(Action.SKIP);
        assertThat(user.reason()).contains("has no userId");
    }

    @Test
    void correctionWithoutText_orTraceWithoutInput_isSkipped() {
        add(FeedbackKind.CORRECTION, "{\"text\":\"  \"}", FeedbackSource.END_USER, null, 1);
        assertThat(only(DEFAULTS).reason()).isEqualTo("the correction carries no corrected output");

        Trace noInput = trace("t-1", T0).build();
        feedback.clear();
        correction("It shipped.", FeedbackSource.END_USER, null, 1);
        assertThat(Corrections.plan(noInput, feedback, RULES, DEFAULTS, Set.of(), T0).get(0).reason())
                .isEqualTo("the trace has no input to remember the correction by");
    }

    @Test
    void write_carriesProvenanceValueKeyAndIdempotencyKey() {
        Feedback c = add(FeedbackKind.CORRECTION, "{\"text\":\"It was lost.\",\"intent\":\"lost_card\"}",
                FeedbackSource.END_USER, null, 1);

        MemoryWrite w = only(DEFAULTS).write();
        assertThat(w.agent()).isEqualTo("desk");
        assertThat(w.kind()).isEqualTo("correction");
        assertThat(w.text()).isEqualTo("Input: Where is my card?\nCorrect answer: It was lost.");
        assertThat(w.key()).isEqualTo("where is my card");
        assertThat(w.value()).isEqualTo(c.value());
        assertThat(w.provenance().traceIds()).containsExactly("t-1");
        assertThat(w.provenance().feedbackIds()).containsExactly(c.id());
        assertThat(w.idempotencyKey()).isEqualTo("curation:" + c.id());
        assertThat(w.ttl()).isNull();
    }

    @Test
    void inputText_readsStringsTextFieldsAndTheLastUserMessage() {
        assertThat(Corrections.inputText(JsonText.parse("\"plain\"", "x"))).isEqualTo("plain");
        assertThat(Corrections.inputText(JsonText.parse("{\"query\":\"q\",\"page\":2}", "x"))).isEqualTo("q");
        assertThat(Corrections.inputText(JsonText.parse("""
                {"messages":[{"role":"system","content":"be nice"},{"role":"user","content":"first"},
                 {"role":"assistant","content":"a"},{"role":"user","content":[{"type":"text","text":"second"}]}]}""", "x")))
                .isEqualTo("second");
        assertThat(Corrections.inputText(JsonText.parse("[{\"role\":\"user\",\"content\":\"hi\"}]", "x"))).isEqualTo("hi");
        assertThat(Corrections.inputText(JsonText.parse("{\"card\":\"1234\"}", "x"))).isEqualTo("{\"card\":\"1234\"}");
        assertThat(Corrections.inputText(null)).isNull();
        assertThat(Corrections.answerText(JsonText.parse("{\"answer\":\"42\"}", "x"))).isEqualTo("42");
        assertThat(Corrections.answerText(JsonText.parse("{\"intent\":\"lost_card\"}", "x")))
                .isEqualTo("{\"intent\":\"lost_card\"}");
    }

    @Test
    void key_isTheNormalisedInput_andLongInputsStayWithinTheLimit() {
        assertThat(Corrections.key("  Where's my   CARD?! ")).isEqualTo("where s my card");
        assertThat(Corrections.key("Ｗｈｅｒｅ is my card")).isEqualTo("where is my card");
        assertThat(Corrections.key("???")).isEqualTo("???");
        String a = Corrections.key("word ".repeat(200) + "one");
        String b = Corrections.key("word ".repeat(200) + "two");
        assertThat(a).hasSize(MemoryWrite.MAX_KEY).isNotEqualTo(b);
    }

    @Test
    void text_ofVeryLongInputAndAnswer_fitsInOneItem() {
        String text = Corrections.text("i".repeat(20_000), "a".repeat(20_000));
        assertThat(text).hasSizeLessThanOrEqualTo(MemoryWrite.MAX_TEXT).startsWith("Input: iii").contains("\nCorrect answer: aaa");
        assertThat(Corrections.text("short", "a".repeat(7_000))).hasSizeLessThanOrEqualTo(MemoryWrite.MAX_TEXT)
                .contains("a".repeat(7_000));
    }
}
