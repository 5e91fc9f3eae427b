package dev.ratchet.feedback;

import static dev.ratchet.feedback.FeedbackBuilder.T0;
import static dev.ratchet.feedback.FeedbackBuilder.feedback;
import static dev.ratchet.feedback.FeedbackBuilder.review;
import static dev.ratchet.feedback.FeedbackBuilder.thumbs;
import static dev.ratchet.feedback.FeedbackBuilder.verifier;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.within;

import dev.ratchet.common.BadInputException;
import dev.ratchet.common.FieldError;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The outcome algorithm of {@link OutcomeRules}, rule by rule, with the numbers it must produce. */
class OutcomeEngineTest {

    private static final Instant NOW = Instant.parse("2026-11-21T12:00:00Z");
    private static final OutcomeRules DEFAULTS = OutcomeRules.defaults();

    private static Outcome evaluate(FeedbackBuilder... items) {
        return evaluate(DEFAULTS, items);
    }

    private static Outcome evaluate(OutcomeRules rules, FeedbackBuilder... items) {
        return OutcomeEngine.evaluate("t-1", Stream.of(items).map(FeedbackBuilder::build).toList(), rules, NOW);
    }

    private static double confidenceOf(double evidence) {
        return 1 - Math.exp(-evidence / DEFAULTS.evidenceScale());
    }

    private static OutcomeRules with(Map<String, Double> labelPolarity, Map<FeedbackKind, Double> kindWeights,
            boolean correctionMeansFailure) {
        OutcomeRules d = DEFAULTS;
        return new OutcomeRules(d.sourceWeights(), d.categoryWeights(), kindWeights, d.kindPolarity(), labelPolarity,
                d.successThreshold(), d.failureThreshold(), d.strongSignal(), d.evidenceScale(), correctionMeansFailure);
    }

    // --- no signals ---

    @Test
    void evaluate_noSignals_isUnknown() {
        Outcome o = evaluate();

        assertThat(o.status()).isEqualTo(OutcomeStatus.UNKNOWN);
        assertThat(o.score()).isZero();
        assertThat(o.confidence()).isZero();
        assertThat(o.signals()).isZero();
        assertThat(o.reviewed()).isFalse();
        assertThat(o.reason()).isEqualTo("No feedback yet.");
        assertThat(o.traceId()).isEqualTo("t-1");
        assertThat(o.updatedAt()).isEqualTo(NOW);
    }

    // --- polarity per kind, weights, thresholds, confidence ---

    @Test
    void evaluate_singleThumbsUp_isSuccessWithScoreOneAndConfidenceFromItsWeight() {
        Outcome o = evaluate(thumbs(true));

        assertThat(o.status()).isEqualTo(OutcomeStatus.SUCCESS);
        assertThat(o.score()).isEqualTo(1.0);
        assertThat(o.confidence()).isCloseTo(confidenceOf(1.0), within(1e-12)).isCloseTo(0.632, within(1e-3));
        assertThat(o.signals()).isEqualTo(1);
        assertThat(o.reason()).contains("1.00").contains("success threshold 0.30");
    }

    @Test
    void evaluate_singleThumbsDown_isFailure() {
        Outcome o = evaluate(thumbs(false));

        assertThat(o.status()).isEqualTo(OutcomeStatus.FAILURE);
        assertThat(o.score()).isEqualTo(-1.0);
        assertThat(o.reason()).contains("failure threshold");
    }

    @Test
    void evaluate_approvalAndVerifier_areBooleansLikeThumbs() {
        assertThat(evaluate(feedback(FeedbackKind.APPROVAL, "false")).score()).isEqualTo(-1.0);
        assertThat(evaluate(verifier(true)).score()).isEqualTo(1.0);
    }

    @Test
    void evaluate_rating_polarityIsItsPlaceOnTheScale() {
        Outcome four = evaluate(feedback(FeedbackKind.RATING, "4"));
        Outcome onTen = evaluate(feedback(FeedbackKind.RATING, "2").scale("0", "10"));

        assertThat(four.score()).isCloseTo(0.5, within(1e-12));
        assertThat(four.status()).isEqualTo(OutcomeStatus.SUCCESS);
        assertThat(four.confidence()).isCloseTo(confidenceOf(0.5), within(1e-12));
        assertThat(onTen.score()).isCloseTo(-0.6, within(1e-12));
        assertThat(onTen.status()).isEqualTo(OutcomeStatus.FAILURE);
    }

    @Test
    void evaluate_middleOfTheScale_isNeutralAndUnknown() {
        Outcome o = evaluate(feedback(FeedbackKind.RATING, "3"));

        assertThat(o.score()).isZero();
        assertThat(o.confidence()).isZero();
        assertThat(o.status()).isEqualTo(OutcomeStatus.UNKNOWN);
        assertThat(o.reason()).contains("between");
    }

    @Test
    void evaluate_judgeScore_isTwiceTheScoreMinusOne_weighedAsAutomatedFromTheSystem() {
        Outcome o = evaluate(feedback(FeedbackKind.JUDGE, "0.9"));

        double w = 0.7 * 0.6; // system × automated
        assertThat(o.score()).isCloseTo(0.8, within(1e-12));
        assertThat(o.confidence()).isCloseTo(confidenceOf(w * 0.8), within(1e-12));
    }

    @Test
    void evaluate_weights_combineSourceCategoryAndConfidence() {
        // thumbs up from the user: w = 1 × 1 × 1, p = +1; failed verifier at confidence 0.5: w = 0.7 × 0.6 × 0.5, p = -1
        Outcome o = evaluate(thumbs(true), verifier(false).confidence(0.5));

        double wv = 0.7 * 0.6 * 0.5;
        assertThat(o.score()).isCloseTo((1 - wv) / (1 + wv), within(1e-12)).isCloseTo(0.6529, within(1e-4));
        assertThat(o.confidence()).isCloseTo(confidenceOf(1 + wv), within(1e-12));
        assertThat(o.status()).isEqualTo(OutcomeStatus.SUCCESS);
        assertThat(o.signals()).isEqualTo(2);
    }

    @Test
    void evaluate_annotatorsWeighMoreThanEndUsers() {
        Outcome o = evaluate(thumbs(true).confidence(0.5), thumbs(false).source(FeedbackSource.ANNOTATOR).confidence(0.5));

        // w = 0.5 (user) and 0.75 (annotator): not strong, so the weighted score decides
        assertThat(o.score()).isCloseTo((0.5 - 0.75) / 1.25, within(1e-12));
        assertThat(o.status()).isEqualTo(OutcomeStatus.UNKNOWN);
    }

    @Test
    void evaluate_kindWeight_replacesTheCategoryWeight() {
        OutcomeRules rules = with(Map.of(), Map.of(FeedbackKind.VERIFIER, 2.0), true);

        Outcome o = evaluate(rules, verifier(false), thumbs(true).confidence(0.5));

        double wv = 0.7 * 2.0;
        assertThat(o.score()).isCloseTo((0.5 - wv) / (0.5 + wv), within(1e-12));
        assertThat(o.confidence()).isCloseTo(confidenceOf(0.5 + wv), within(1e-12));
        assertThat(o.status()).isEqualTo(OutcomeStatus.FAILURE);
    }

    @Test
    void evaluate_zeroConfidence_weighsNothing() {
        Outcome o = evaluate(thumbs(true), thumbs(false).confidence(0));

        assertThat(o.score()).isEqualTo(1.0);
        assertThat(o.signals()).isEqualTo(2);
    }

    @Test
    void evaluate_implicitSignals_takeTheirPolarityFromTheRules() {
        Outcome retried = evaluate(feedback(FeedbackKind.RETRIED, null));
        Outcome edited = evaluate(feedback(FeedbackKind.EDITED, "{\"text\":\"fixed\"}"));
        Outcome accepted = evaluate(feedback(FeedbackKind.ACCEPTED, null));

        assertThat(retried.score()).isEqualTo(-1.0);
        assertThat(retried.confidence()).isCloseTo(confidenceOf(0.5), within(1e-12)); // implicit weighs 0.5
        assertThat(edited.score()).isCloseTo(-0.5, within(1e-12));
        assertThat(accepted.status()).isEqualTo(OutcomeStatus.SUCCESS);
    }

    @Test
    void evaluate_scoreExactlyAtAThreshold_reachesIt() {
        Outcome followUp = evaluate(feedback(FeedbackKind.FOLLOW_UP, null)); // polarity -0.3

        assertThat(followUp.score()).isEqualTo(-0.3);
        assertThat(followUp.status()).isEqualTo(OutcomeStatus.FAILURE);
    }

    @Test
    void evaluate_scoreBetweenThresholds_isUnknown() {
        // (1 - 0.75) / 1.75 = 0.143: below the success threshold
        Outcome o = evaluate(thumbs(true), thumbs(false).confidence(0.75));

        assertThat(o.score()).isCloseTo(0.25 / 1.75, within(1e-12));
        assertThat(o.status()).isEqualTo(OutcomeStatus.UNKNOWN);
        assertThat(o.reason()).contains("between the failure (-0.30) and success (0.30) thresholds");
    }

    @Test
    void evaluate_labels_takeTheirPolarityFromTheRules_unknownLabelsAreNeutral() {
        OutcomeRules rules = with(Map.of("resolved", 1.0, "wrong_intent", -1.0), Map.of(), true);

        assertThat(evaluate(rules, feedback(FeedbackKind.LABEL, "\"wrong_intent\"")).status())
                .isEqualTo(OutcomeStatus.FAILURE);
        assertThat(evaluate(rules, feedback(FeedbackKind.LABEL, "\"resolved\"")).status())
                .isEqualTo(OutcomeStatus.SUCCESS);
        Outcome other = evaluate(rules, feedback(FeedbackKind.LABEL, "\"billing\""));
        assertThat(other.score()).isZero();
        assertThat(other.status()).isEqualTo(OutcomeStatus.UNKNOWN);
        assertThat(other.signals()).isEqualTo(1);
    }

    @Test
    void evaluate_comments_areSignalsButDoNotDiluteAJudgement() {
        Outcome o = evaluate(thumbs(true), feedback(FeedbackKind.COMMENT, "\"ok I guess\""),
                feedback(FeedbackKind.COMMENT, "\"thanks\""));

        assertThat(o.score()).isCloseTo(1.0, within(1e-12));
        assertThat(o.signals()).isEqualTo(3);
        assertThat(o.status()).isEqualTo(OutcomeStatus.SUCCESS);
        assertThat(o.confidence()).isCloseTo(confidenceOf(1.0), within(1e-12));
    }

    @Test
    void evaluate_middlingRating_isAJudgement_andPullsTheScoreTowardsZero() {
        Outcome o = evaluate(thumbs(true), feedback(FeedbackKind.RATING, "3"));

        assertThat(o.score()).isCloseTo(0.5, within(1e-12));
        assertThat(o.confidence()).isCloseTo(confidenceOf(1.0), within(1e-12));
    }

    @Test
    void evaluate_confidence_growsWithMoreAgreeingEvidence() {
        Outcome one = evaluate(thumbs(true));
        Outcome three = evaluate(thumbs(true), thumbs(true), feedback(FeedbackKind.RATING, "5"));

        assertThat(three.score()).isEqualTo(1.0);
        assertThat(three.confidence()).isCloseTo(confidenceOf(3.0), within(1e-12)).isGreaterThan(one.confidence());
    }

    @Test
    void evaluate_evidenceScale_stretchesConfidence() {
        OutcomeRules d = DEFAULTS;
        OutcomeRules slow = new OutcomeRules(d.sourceWeights(), d.categoryWeights(), d.kindWeights(), d.kindPolarity(),
                d.labelPolarity(), d.successThreshold(), d.failureThreshold(), d.strongSignal(), 4.0,
                d.correctionMeansFailure());

        assertThat(evaluate(slow, thumbs(true)).confidence()).isCloseTo(1 - Math.exp(-0.25), within(1e-12));
    }

    @Test
    void evaluate_weightsMissingFromTheRules_weighOne() {
        OutcomeRules sparse = new OutcomeRules(Map.of(), Map.of(), Map.of(), Map.of(), Map.of(), 0.3, -0.3, 0.8, 1.0,
                true);

        Outcome o = evaluate(sparse, verifier(false), feedback(FeedbackKind.RETRIED, null));

        // the verifier weighs 1 with polarity -1; retried has polarity 0 without a rule for it, so it is not weighed
        assertThat(o.score()).isCloseTo(-1.0, within(1e-12));
        assertThat(o.confidence()).isCloseTo(confidenceOf(1.0), within(1e-12));
        assertThat(o.status()).isEqualTo(OutcomeStatus.FAILURE);
    }

    // --- correction ---

    @Test
    void evaluate_correctionAndThumbsUp_isFailure() {
        Outcome o = evaluate(thumbs(true), thumbs(true).source(FeedbackSource.ANNOTATOR),
                feedback(FeedbackKind.CORRECTION, "{\"text\":\"Your card was lost; I have frozen it.\"}")
                        .source(FeedbackSource.ANNOTATOR).author("ann-7"));

        assertThat(o.status()).isEqualTo(OutcomeStatus.FAILURE);
        assertThat(o.reviewed()).isFalse();
        assertThat(o.score()).isCloseTo((1 + 1.5 - 1.5) / 4.0, within(1e-12)); // a correction's polarity is -1
        assertThat(o.reason()).contains("correction").contains("ann-7");
    }

    @Test
    void evaluate_correctionWhenTheRuleIsOff_isJustANegativeSignal() {
        OutcomeRules rules = with(Map.of(), Map.of(), false);

        Outcome o = evaluate(rules, thumbs(true), thumbs(true).source(FeedbackSource.ANNOTATOR),
                feedback(FeedbackKind.CORRECTION, "{\"text\":\"better\"}").confidence(0.5));

        assertThat(o.score()).isCloseTo((1 + 1.5 - 0.5) / 3.0, within(1e-12));
        assertThat(o.status()).isEqualTo(OutcomeStatus.SUCCESS);
    }

    // --- disputes ---

    @Test
    void evaluate_strongOppositeSignals_isDisputed() {
        Outcome o = evaluate(thumbs(true), thumbs(false).source(FeedbackSource.ANNOTATOR));

        assertThat(o.status()).isEqualTo(OutcomeStatus.DISPUTED);
        assertThat(o.score()).isCloseTo((1 - 1.5) / 2.5, within(1e-12));
        assertThat(o.confidence()).isCloseTo(confidenceOf(2.5), within(1e-12));
        assertThat(o.reason()).contains("disagree").contains("thumbs up").contains("thumbs down");
    }

    @Test
    void evaluate_weakOppositeSignal_isNoDispute() {
        // a retry weighs 0.5 × |-1| = 0.5 < 0.8: not strong enough to dispute a thumbs up
        Outcome o = evaluate(thumbs(true), feedback(FeedbackKind.RETRIED, null));

        assertThat(o.status()).isEqualTo(OutcomeStatus.SUCCESS);
        assertThat(o.score()).isCloseTo(0.5 / 1.5, within(1e-12));
    }

    @Test
    void evaluate_strongSignalsOfTheSameSign_areNoDispute() {
        assertThat(evaluate(thumbs(false), thumbs(false).source(FeedbackSource.ANNOTATOR)).status())
                .isEqualTo(OutcomeStatus.FAILURE);
    }

    @Test
    void evaluate_correctionAndStrongOppositeSignals_isFailureNotDisputed() {
        Outcome o = evaluate(thumbs(true), feedback(FeedbackKind.CORRECTION, "\"fixed\""));

        assertThat(o.status()).isEqualTo(OutcomeStatus.FAILURE);
    }

    // --- review ---

    @Test
    void evaluate_reviewVerdict_overridesAutomatedFailures() {
        Outcome o = evaluate(verifier(false).name("schema"), verifier(false).name("tool"),
                feedback(FeedbackKind.JUDGE, "0.05"), review("success"));

        assertThat(o.status()).isEqualTo(OutcomeStatus.SUCCESS);
        assertThat(o.reviewed()).isTrue();
        assertThat(o.signals()).isEqualTo(4);
        double wv = 0.7 * 0.6;
        double wr = 1.5 * 1.0;
        assertThat(o.score()).isCloseTo((-wv - wv + wv * -0.9 + wr) / (3 * wv + wr), within(1e-12));
        assertThat(o.reason()).contains("review").contains("success");
    }

    @Test
    void evaluate_reviewVerdict_overridesACorrectionAndADispute() {
        Outcome o = evaluate(thumbs(true), thumbs(false).source(FeedbackSource.ANNOTATOR),
                feedback(FeedbackKind.CORRECTION, "\"fixed\""), review("success"));

        assertThat(o.status()).isEqualTo(OutcomeStatus.SUCCESS);
        assertThat(o.reviewed()).isTrue();
    }

    @Test
    void evaluate_reviewMajority_decidesEvenAgainstTheLatestVerdict() {
        Outcome o = evaluate(review("failure"), review("failure"), review("success"));

        assertThat(o.status()).isEqualTo(OutcomeStatus.FAILURE);
        assertThat(o.reason()).contains("2 of 3");
    }

    @Test
    void evaluate_reviewTie_latestVerdictWins() {
        FeedbackBuilder early = review("success").at(T0.plusSeconds(10));
        FeedbackBuilder late = review("failure").at(T0.plusSeconds(20));

        assertThat(evaluate(early, late).status()).isEqualTo(OutcomeStatus.FAILURE);
        assertThat(evaluate(late, early).status()).as("by time, not by position").isEqualTo(OutcomeStatus.FAILURE);
        assertThat(evaluate(late, early).reason()).contains("split 1 to 1");
    }

    @Test
    void evaluate_reviewTieAtTheSameInstant_laterInTheListWins() {
        assertThat(evaluate(review("failure").at(T0), review("success").at(T0)).status())
                .isEqualTo(OutcomeStatus.SUCCESS);
    }

    // --- which feedback counts ---

    @Test
    void evaluate_feedbackOnASpan_countsForItsTrace() {
        Outcome o = evaluate(thumbs(false).span("s-tool"), verifier(false).span("s-llm"));

        assertThat(o.signals()).isEqualTo(2);
        assertThat(o.status()).isEqualTo(OutcomeStatus.FAILURE);
    }

    @Test
    void evaluate_feedbackOfOtherTraces_isIgnored() {
        Outcome o = evaluate(thumbs(true), thumbs(false).trace("t-2"), review("failure").trace("t-2"));

        assertThat(o.signals()).isEqualTo(1);
        assertThat(o.status()).isEqualTo(OutcomeStatus.SUCCESS);
        assertThat(o.reviewed()).isFalse();
    }

    @Test
    void evaluate_isPure_sameInputSameOutcome() {
        List<Feedback> items = List.of(thumbs(true).build(), verifier(false).build(), review("failure").build());

        assertThat(OutcomeEngine.evaluate("t-1", items, DEFAULTS, NOW))
                .isEqualTo(OutcomeEngine.evaluate("t-1", items, DEFAULTS, NOW));
    }

    @Test
    void outcomeStatuses_areExactlyTheOutcomesTracesCanBeListedBy() {
        assertThat(Stream.of(OutcomeStatus.values()).map(OutcomeStatus::wire).toList())
                .isEqualTo(dev.ratchet.trace.TraceQuery.OUTCOMES);
    }

    // --- rule validation ---

    @Test
    void validated_defaults_areValidAndUnchanged() {
        assertThat(OutcomeEngine.validated(DEFAULTS)).isEqualTo(DEFAULTS);
    }

    @Test
    void validated_mapsLeftOut_keepTheirDefaults() {
        OutcomeRules partial = new OutcomeRules(null, null, null, null, null, 0.5, -0.5, 0.8, 2.0, true);

        OutcomeRules r = OutcomeEngine.validated(partial);

        assertThat(r.sourceWeights()).isEqualTo(DEFAULTS.sourceWeights());
        assertThat(r.kindPolarity()).isEqualTo(DEFAULTS.kindPolarity());
        assertThat(r.successThreshold()).isEqualTo(0.5);
    }

    @Test
    void validated_badRules_reportEveryFieldAtOnce() {
        OutcomeRules bad = new OutcomeRules(Map.of(FeedbackSource.SYSTEM, -1.0), Map.of(), Map.of(),
                Map.of(FeedbackKind.RETRIED, -2.0), Map.of(), 1.5, -0.3, 0, 0, true);

        BadInputException e = catchThrowableOfType(BadInputException.class, () -> OutcomeEngine.validated(bad));

        assertThat(e.errors()).extracting(FieldError::field).containsExactlyInAnyOrder("sourceWeights.system",
                "kindPolarity.retried", "successThreshold", "strongSignal", "evidenceScale");
    }

    @Test
    void validated_successNotAboveFailure_isRefused() {
        OutcomeRules bad = new OutcomeRules(null, null, null, null, null, -0.2, -0.2, 0.8, 1.0, true);

        BadInputException e = catchThrowableOfType(BadInputException.class, () -> OutcomeEngine.validated(bad));

        assertThat(e.errors()).extracting(FieldError::field).containsExactly("successThreshold");
        assertThat(e.errors().get(0).reason()).contains("greater than failureThreshold");
    }
}
