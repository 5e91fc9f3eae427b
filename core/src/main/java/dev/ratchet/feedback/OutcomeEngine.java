package dev.ratchet.feedback;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ratchet.common.BadInputException;
import dev.ratchet.common.FieldError;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Turns the feedback of one trace into its {@link Outcome}, by the algorithm {@link OutcomeRules} documents.
 * Pure: the same feedback, rules and instant give the same outcome, so outcomes can be recomputed at any
 * time (when feedback arrives, when rules change) and always agree.
 *
 * <p>Where the rules leave something open, this is what holds:
 * <ul>
 *   <li>Polarity of kinds whose value carries none (implicit kinds, {@code comment}, {@code correction}) comes
 *       from {@link OutcomeRules#kindPolarity}; a kind missing there has polarity 0, except {@code correction},
 *       which is -1 (it says the output was wrong). A label missing from {@link OutcomeRules#labelPolarity} has
 *       polarity 0. A review verdict is +1 (success) or -1 (failure).</li>
 *   <li>A source or category missing from the weight maps weighs 1; {@link OutcomeRules#kindWeights}, when it
 *       names the kind, replaces the category weight.</li>
 *   <li>Items that pass no judgement (a comment, a label with no polarity, an implicit kind whose polarity
 *       is 0) are counted as signals but left out of Σw, so three comments do not dilute a thumbs up. A
 *       judgement that is neutral (a rating in the middle of its scale) counts and pulls the score to 0.</li>
 *   <li>Review verdicts: the majority decides; on a tie the latest verdict (by {@code createdAt}, then by
 *       position in the list) wins.</li>
 *   <li>A value that does not fit its kind (possible only for feedback not read by {@link FeedbackJson}) has
 *       polarity 0.</li>
 * </ul>
 * Thread-safe (stateless).
 */
public final class OutcomeEngine {

    private OutcomeEngine() {
    }

    /**
     * The outcome of {@code traceId} under {@code rules}. Items of {@code all} about other traces are ignored;
     * items about a span of the trace count for the trace.
     *
     * @param now the outcome's {@code updatedAt}
     */
    public static Outcome evaluate(String traceId, List<Feedback> all, OutcomeRules rules, Instant now) {
        List<Signal> signals = new ArrayList<>(all.size());
        for (Feedback f : all) {
            if (traceId.equals(f.traceId())) {
                signals.add(new Signal(f, polarity(f, rules), weight(f, rules)));
            }
        }
        double sumW = 0;
        double sumWp = 0;
        double evidence = 0;
        for (Signal s : signals) {
            if (!judges(s.feedback().kind()) && s.polarity == 0) {
                continue; // passes no judgement: counted as a signal, not weighed
            }
            sumW += s.weight;
            sumWp += s.weight * s.polarity;
            evidence += s.weight * Math.abs(s.polarity);
        }
        double score = sumW > 0 ? clamp(sumWp / sumW) : 0;
        double confidence = rules.evidenceScale() > 0 ? 1 - Math.exp(-evidence / rules.evidenceScale()) : 0;
        int n = signals.size();

        Signal latestReview = null;
        int reviewSuccess = 0;
        int reviewFailure = 0;
        Signal correction = null;
        Signal strongestUp = null;
        Signal strongestDown = null;
        for (Signal s : signals) {
            FeedbackKind kind = s.feedback.kind();
            if (kind == FeedbackKind.REVIEW) {
                String verdict = text(s.feedback);
                if ("success".equals(verdict) || "failure".equals(verdict)) {
                    if ("success".equals(verdict)) {
                        reviewSuccess++;
                    } else {
                        reviewFailure++;
                    }
                    if (latestReview == null || !s.createdAt().isBefore(latestReview.createdAt())) {
                        latestReview = s;
                    }
                }
            }
            if (kind == FeedbackKind.CORRECTION && correction == null) {
                correction = s;
            }
            double strength = s.weight * Math.abs(s.polarity);
            if (strength >= rules.strongSignal() && s.polarity > 0
                    && (strongestUp == null || strength > strongestUp.strength())) {
                strongestUp = s;
            }
            if (strength >= rules.strongSignal() && s.polarity < 0
                    && (strongestDown == null || strength > strongestDown.strength())) {
                strongestDown = s;
            }
        }

        if (latestReview != null) {
            boolean success = reviewSuccess == reviewFailure
                    ? "success".equals(text(latestReview.feedback))
                    : reviewSuccess > reviewFailure;
            int reviews = reviewSuccess + reviewFailure;
            String why = reviews == 1
                    ? "A human reviewer judged it a " + (success ? "success" : "failure") + "."
                    : reviewSuccess == reviewFailure
                            ? "Human reviewers were split " + reviewSuccess + " to " + reviewFailure
                                    + "; the latest verdict, " + (success ? "success" : "failure") + ", decides."
                            : "Human reviewers judged it a " + (success ? "success" : "failure") + " ("
                                    + Math.max(reviewSuccess, reviewFailure) + " of " + reviews + " verdicts).";
            return new Outcome(traceId, success ? OutcomeStatus.SUCCESS : OutcomeStatus.FAILURE, score, confidence, n,
                    true, why, now);
        }
        if (correction != null && rules.correctionMeansFailure()) {
            return new Outcome(traceId, OutcomeStatus.FAILURE, score, confidence, n, false,
                    "A correction was given" + by(correction.feedback) + ", so the output counts as a failure.", now);
        }
        if (strongestUp != null && strongestDown != null) {
            return new Outcome(traceId, OutcomeStatus.DISPUTED, score, confidence, n, false,
                    "Strong signals disagree: " + describe(strongestUp) + " against " + describe(strongestDown) + ".",
                    now);
        }
        if (n == 0) {
            return new Outcome(traceId, OutcomeStatus.UNKNOWN, 0, 0, 0, false, "No feedback yet.", now);
        }
        String from = " from " + n + (n == 1 ? " signal" : " signals");
        if (score >= rules.successThreshold()) {
            return new Outcome(traceId, OutcomeStatus.SUCCESS, score, confidence, n, false,
                    "Score " + fmt(score) + from + " reaches the success threshold " + fmt(rules.successThreshold()) + ".",
                    now);
        }
        if (score <= rules.failureThreshold()) {
            return new Outcome(traceId, OutcomeStatus.FAILURE, score, confidence, n, false,
                    "Score " + fmt(score) + from + " reaches the failure threshold " + fmt(rules.failureThreshold()) + ".",
                    now);
        }
        return new Outcome(traceId, OutcomeStatus.UNKNOWN, score, confidence, n, false,
                "Score " + fmt(score) + from + " lies between the failure (" + fmt(rules.failureThreshold())
                        + ") and success (" + fmt(rules.successThreshold()) + ") thresholds.",
                now);
    }

    /**
     * Whether a kind always judges the output, even with polarity 0 (a middling rating). Kinds that take
     * their polarity from a table (comment, label, implicit kinds) judge only when it is not 0.
     */
    private static boolean judges(FeedbackKind kind) {
        return switch (kind) {
            case RATING, THUMBS, APPROVAL, CORRECTION, VERIFIER, JUDGE, REVIEW -> true;
            default -> false;
        };
    }

    /**
     * The signed strength w·p of one signal under {@code rules}: positive when it says the output was good,
     * negative when bad, 0 when it passes no judgement. A signal with {@code |w·p| ≥ strongSignal} is strong,
     * and two strong signals of opposite sign make an outcome disputed; curation uses the same test to tell
     * when a correction is contradicted.
     */
    public static double strength(Feedback f, OutcomeRules rules) {
        return weight(f, rules) * polarity(f, rules);
    }

    /** The polarity p in [-1, +1] of one signal, as the class comment says. */
    static double polarity(Feedback f, OutcomeRules rules) {
        JsonNode v = f.value() == null ? null : f.value().node();
        return switch (f.kind()) {
            case RATING -> {
                if (v == null || !v.isNumber()) {
                    yield 0;
                }
                Scale scale = f.scale() == null ? Scale.DEFAULT : f.scale();
                yield clamp(scale.polarity(v.decimalValue()));
            }
            case THUMBS, APPROVAL, VERIFIER -> v != null && v.isBoolean() ? (v.booleanValue() ? 1 : -1) : 0;
            case JUDGE -> v != null && v.isNumber() ? clamp(2 * v.doubleValue() - 1) : 0;
            case LABEL -> v != null && v.isTextual() ? clamp(orZero(map(rules.labelPolarity()).get(v.textValue()))) : 0;
            case REVIEW -> {
                String verdict = v != null && v.isTextual() ? v.textValue() : null;
                yield "success".equals(verdict) ? 1 : "failure".equals(verdict) ? -1 : 0;
            }
            case CORRECTION -> clamp(map(rules.kindPolarity()).getOrDefault(f.kind(), -1.0));
            default -> clamp(orZero(map(rules.kindPolarity()).get(f.kind())));
        };
    }

    /** The weight w = source weight × (kind weight, else category weight) × confidence. */
    static double weight(Feedback f, OutcomeRules rules) {
        double source = orOne(map(rules.sourceWeights()).get(f.source()));
        Double kind = map(rules.kindWeights()).get(f.kind());
        double category = kind != null ? kind : orOne(map(rules.categoryWeights()).get(f.kind().category()));
        return Math.max(0, source * category * f.confidence());
    }

    /**
     * The rules as stored: maps left out (null) take the defaults' maps; then every problem is reported,
     * naming the field (thresholds in [-1, 1] with success above failure, weights ≥ 0, polarities in [-1, 1],
     * strongSignal and evidenceScale above 0).
     *
     * @throws BadInputException listing every problem
     */
    static OutcomeRules validated(OutcomeRules rules) {
        if (rules == null) {
            throw new BadInputException("$", "outcome rules are required");
        }
        OutcomeRules d = OutcomeRules.defaults();
        OutcomeRules r = new OutcomeRules(
                rules.sourceWeights() == null ? d.sourceWeights() : rules.sourceWeights(),
                rules.categoryWeights() == null ? d.categoryWeights() : rules.categoryWeights(),
                rules.kindWeights() == null ? d.kindWeights() : rules.kindWeights(),
                rules.kindPolarity() == null ? d.kindPolarity() : rules.kindPolarity(),
                rules.labelPolarity() == null ? d.labelPolarity() : rules.labelPolarity(),
                rules.successThreshold(), rules.failureThreshold(), rules.strongSignal(), rules.evidenceScale(),
                rules.correctionMeansFailure());
        List<FieldError> errors = new ArrayList<>();
        weights(errors, "sourceWeights", r.sourceWeights());
        weights(errors, "categoryWeights", r.categoryWeights());
        weights(errors, "kindWeights", r.kindWeights());
        polarities(errors, "kindPolarity", r.kindPolarity());
        polarities(errors, "labelPolarity", r.labelPolarity());
        threshold(errors, "successThreshold", r.successThreshold());
        threshold(errors, "failureThreshold", r.failureThreshold());
        if (inRange(r.successThreshold()) && inRange(r.failureThreshold())
                && !(r.successThreshold() > r.failureThreshold())) {
            errors.add(FieldError.of("successThreshold", "must be greater than failureThreshold ("
                    + r.failureThreshold() + ")"));
        }
        if (!(Double.isFinite(r.strongSignal()) && r.strongSignal() > 0)) {
            errors.add(FieldError.of("strongSignal", "must be a number above 0"));
        }
        if (!(Double.isFinite(r.evidenceScale()) && r.evidenceScale() > 0)) {
            errors.add(FieldError.of("evidenceScale", "must be a number above 0"));
        }
        if (!errors.isEmpty()) {
            throw new BadInputException(errors);
        }
        return new OutcomeRules(copy(r.sourceWeights()), copy(r.categoryWeights()), copy(r.kindWeights()),
                copy(r.kindPolarity()), Map.copyOf(r.labelPolarity()), r.successThreshold(), r.failureThreshold(),
                r.strongSignal(), r.evidenceScale(), r.correctionMeansFailure());
    }

    private static void weights(List<FieldError> errors, String field, Map<?, Double> map) {
        map.forEach((k, v) -> {
            if (k == null || v == null || !Double.isFinite(v) || v < 0) {
                errors.add(FieldError.of(field + "." + key(k), "must be a number ≥ 0"));
            }
        });
    }

    private static void polarities(List<FieldError> errors, String field, Map<?, Double> map) {
        map.forEach((k, v) -> {
            if (k == null || v == null || !inRange(v)) {
                errors.add(FieldError.of(field + "." + key(k), "must be a number from -1 to 1"));
            }
        });
    }

    private static void threshold(List<FieldError> errors, String field, double v) {
        if (!inRange(v)) {
            errors.add(FieldError.of(field, "must be a number from -1 to 1"));
        }
    }

    private static String key(Object k) {
        if (k instanceof FeedbackSource s) {
            return s.wire();
        }
        if (k instanceof FeedbackKind kind) {
            return kind.wire();
        }
        if (k instanceof FeedbackKind.Category c) {
            return c.wire();
        }
        return String.valueOf(k);
    }

    private static boolean inRange(double v) {
        return Double.isFinite(v) && v >= -1 && v <= 1;
    }

    /** An unmodifiable copy that keeps the enum order (Map.copyOf would not), so stored JSON is stable. */
    private static <K extends Enum<K>> Map<K, Double> copy(Map<K, Double> map) {
        if (map.isEmpty()) {
            return Map.of();
        }
        return java.util.Collections.unmodifiableMap(new EnumMap<>(map));
    }

    private static <K, V> Map<K, V> map(Map<K, V> m) {
        return m == null ? Map.of() : m;
    }

    private static double orOne(Double v) {
        return v == null ? 1 : v;
    }

    private static double orZero(Double v) {
        return v == null ? 0 : v;
    }

    private static double clamp(double v) {
        return Double.isNaN(v) ? 0 : Math.max(-1, Math.min(1, v));
    }

    private static String text(Feedback f) {
        JsonNode v = f.value() == null ? null : f.value().node();
        return v != null && v.isTextual() ? v.textValue() : null;
    }

    private static String by(Feedback f) {
        return f.authorId() != null ? " by " + f.authorId() : " by " + f.source().wire().replace('_', ' ');
    }

    private static String describe(Signal s) {
        Feedback f = s.feedback;
        String what = switch (f.kind()) {
            case THUMBS -> s.polarity > 0 ? "a thumbs up" : "a thumbs down";
            case APPROVAL -> s.polarity > 0 ? "an approval" : "a rejection";
            case VERIFIER -> (s.polarity > 0 ? "a passed" : "a failed") + " verifier"
                    + (f.name() != null ? " '" + f.name() + "'" : "");
            case RATING -> "a rating of " + f.value().text();
            case JUDGE -> "a judge score of " + f.value().text();
            case LABEL -> "the label " + f.value().text();
            default -> "a '" + f.kind().wire() + "' signal";
        };
        return what + " from " + f.source().wire().replace('_', ' ');
    }

    private static String fmt(double v) {
        return String.format(Locale.ROOT, "%.2f", v);
    }

    private record Signal(Feedback feedback, double polarity, double weight) {
        Instant createdAt() {
            return feedback.createdAt() == null ? Instant.MIN : feedback.createdAt();
        }

        double strength() {
            return weight * Math.abs(polarity);
        }
    }
}
