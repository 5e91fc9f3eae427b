package dev.ratchet.curation;

import dev.ratchet.common.Hashing;
import dev.ratchet.common.JsonText;
import dev.ratchet.curation.CurationPolicy.SourceRule;
import dev.ratchet.feedback.Feedback;
import dev.ratchet.feedback.FeedbackKind;
import dev.ratchet.feedback.FeedbackSource;
import dev.ratchet.feedback.Outcome;
import dev.ratchet.feedback.OutcomeEngine;
import dev.ratchet.feedback.OutcomeRules;
import dev.ratchet.feedback.OutcomeStatus;
import dev.ratchet.memory.MemoryWrite;
import dev.ratchet.memory.Provenance;
import dev.ratchet.trace.PayloadText;
import dev.ratchet.trace.Trace;
import java.text.Normalizer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Decides, for every correction of one trace, whether it goes into memory and as what. Pure: the same trace,
 * feedback, rules and policy give the same plan, so a trace can be decided again whenever its feedback
 * changes, and the decisions always agree with the feedback as it stands.
 *
 * <p>In order, the first rule that applies decides a correction:
 * <ol>
 *   <li>Written before: stays written (a correction is written at most once). If it would now be held back,
 *       the log says so, but the item stays.</li>
 *   <li>Curation is disabled: skipped.</li>
 *   <li>The same author corrected the trace again later: the earlier correction is skipped as replaced (an
 *       edit is not a disagreement).</li>
 *   <li>Disputed by review: the human review verdicts on the trace (majority, a tie going to the latest, as
 *       {@link OutcomeEngine} counts them) say <em>success</em>. A reviewer found the output right, so there
 *       was nothing to correct.</li>
 *   <li>Disputed by a strong signal: without review verdicts, another signal on the trace says the output
 *       was good strongly enough that {@link OutcomeEngine} would call the trace disputed against a strong
 *       negative one ({@code w·p ≥ strongSignal} under the project's {@link OutcomeRules}: by default a user's
 *       thumbs up or approval, an annotator's, but not a passing verifier). A review verdict of failure
 *       overrides such a signal, as it overrides it for the outcome.</li>
 *   <li>Not qualified: its source's {@link SourceRule} is {@code never}, or {@code threshold} with a
 *       confidence below {@link CurationPolicy#minConfidence}, and no review promotes it. A review promotes it
 *       when {@link CurationPolicy#reviewPromotes} is on and the review verdicts say <em>failure</em>: a human
 *       confirmed that the output was wrong, which is what a correction claims.</li>
 *   <li>Disputed by another correction: another correction of the trace that qualifies too gives a different
 *       answer (compared after {@link #normalise}). Neither is written; a review verdict cannot tell which
 *       answer is right, so only a new correction by one of their authors (rule 3) settles it.</li>
 *   <li>Cannot be written: the trace names no agent (traces sent over OTLP may not), the policy scopes items
 *       to the trace's user (or session) and the trace has none (never widened to the whole agent), the trace
 *       has no input to remember it by, or the correction has no corrected output.</li>
 *   <li>Otherwise written, as {@link #build} builds it.</li>
 * </ol>
 * Disagreement is judged at the time of deciding: feedback that arrives after a correction was written does
 * not remove the item (rule 1).
 */
final class Corrections {

    /** Prefix of the memory idempotency key: {@code curation:<feedback id>}. */
    static final String IDEMPOTENCY_PREFIX = "curation:";
    /** Most characters of a memory text taken by the corrected answer, when input and answer must share. */
    private static final int MAX_ANSWER = MemoryWrite.MAX_TEXT / 2;
    private static final String INPUT_LABEL = "Input: ";
    private static final String ANSWER_LABEL = "\nCorrect answer: ";

    private Corrections() {
    }

    enum Action {
        /** Write {@link Plan#write} to memory. */
        WRITE,
        /** Do not write; {@link Plan#reason} says why. */
        SKIP,
        /** Already written; leave it. {@link Plan#reason}, when not null, is a note to add to the log. */
        KEEP
    }

    /** The decision on one correction. {@code write} is set for {@link Action#WRITE} only. */
    record Plan(Feedback correction, Action action, String reason, MemoryWrite write) {
    }

    /**
     * The plan for every correction of {@code feedback} (the trace's feedback, oldest first), in that order.
     *
     * @param written ids of corrections already written
     * @param now     only for counting review verdicts (the instant is not part of any decision)
     */
    static List<Plan> plan(Trace trace, List<Feedback> feedback, OutcomeRules rules, CurationPolicy policy,
            Set<String> written, Instant now) {
        List<Feedback> corrections = feedback.stream().filter(f -> f.kind() == FeedbackKind.CORRECTION).toList();
        if (corrections.isEmpty()) {
            return List.of();
        }
        OutcomeStatus verdict = reviewVerdict(trace.id(), feedback, rules, now);
        Feedback strongUp = null;
        for (Feedback f : feedback) {
            if (f.kind() != FeedbackKind.CORRECTION && f.kind() != FeedbackKind.REVIEW
                    && OutcomeEngine.strength(f, rules) >= rules.strongSignal()
                    && (strongUp == null || OutcomeEngine.strength(f, rules) > OutcomeEngine.strength(strongUp, rules))) {
                strongUp = f;
            }
        }
        List<Plan> plans = new ArrayList<>(corrections.size());
        for (int i = 0; i < corrections.size(); i++) {
            Feedback c = corrections.get(i);
            String held = heldBack(c, i, corrections, verdict, strongUp, policy);
            if (written.contains(c.id())) {
                plans.add(new Plan(c, Action.KEEP, held == null ? null : "written; since then " + held, null));
            } else if (held != null) {
                plans.add(new Plan(c, Action.SKIP, held, null));
            } else {
                plans.add(build(trace, c, policy));
            }
        }
        return plans;
    }

    /** Why rules 2 to 7 hold {@code c} back, or null when they do not. */
    private static String heldBack(Feedback c, int index, List<Feedback> corrections, OutcomeStatus verdict,
            Feedback strongUp, CurationPolicy policy) {
        if (!policy.enabled()) {
            return "curation is disabled for this project";
        }
        Feedback replacement = replacedBy(c, index, corrections);
        if (replacement != null) {
            return "replaced by a later correction from the same author (feedback " + replacement.id() + ")";
        }
        if (verdict == OutcomeStatus.SUCCESS) {
            return "disputed: human review judged the agent's output a success, so there is nothing to correct";
        }
        if (verdict == null && strongUp != null) {
            return "disputed: a positive '" + strongUp.kind().wire() + "' from " + source(strongUp.source())
                    + " (feedback " + strongUp.id() + ") says the output was right";
        }
        String unqualified = unqualified(c, verdict, policy);
        if (unqualified != null) {
            return unqualified;
        }
        String answer = normalise(answerText(c.value()));
        for (int j = 0; j < corrections.size(); j++) {
            Feedback other = corrections.get(j);
            if (j != index && replacedBy(other, j, corrections) == null && unqualified(other, verdict, policy) == null
                    && !normalise(answerText(other.value())).equals(answer)) {
                return "disputed: correction " + other.id() + " of the same trace gives a different answer";
            }
        }
        return null;
    }

    /** Why {@code c} does not qualify by its source or by review (rule 6), or null when it does. */
    private static String unqualified(Feedback c, OutcomeStatus verdict, CurationPolicy policy) {
        SourceRule rule = rule(policy, c.source());
        if (rule == SourceRule.ALWAYS || (rule == SourceRule.THRESHOLD && c.confidence() >= policy.minConfidence())) {
            return null;
        }
        if (policy.reviewPromotes() && verdict == OutcomeStatus.FAILURE) {
            return null;
        }
        String why = rule == SourceRule.NEVER
                ? "corrections from " + source(c.source()) + " are not written by themselves"
                : String.format(Locale.ROOT, "confidence %.2f is below the minimum %.2f for %s", c.confidence(),
                        policy.minConfidence(), source(c.source()));
        return why + (policy.reviewPromotes()
                ? "; a human review that finds the output wrong will promote it"
                : "; review promotion is off");
    }

    /** The source's rule; a source the policy leaves out has its default rule. */
    private static SourceRule rule(CurationPolicy policy, FeedbackSource source) {
        SourceRule r = policy.sources() == null ? null : policy.sources().get(source);
        return r != null ? r : CurationPolicy.defaultSources().getOrDefault(source, SourceRule.NEVER);
    }

    /** The later correction of the same author and source that replaces {@code c}, if any. */
    private static Feedback replacedBy(Feedback c, int index, List<Feedback> corrections) {
        if (c.authorId() == null) {
            return null;
        }
        for (int j = corrections.size() - 1; j > index; j--) {
            Feedback later = corrections.get(j);
            if (c.authorId().equals(later.authorId()) && c.source() == later.source()) {
                return later;
            }
        }
        return null;
    }

    /** The verdict of the trace's human reviews, as the outcome engine counts them; null without any. */
    private static OutcomeStatus reviewVerdict(String traceId, List<Feedback> feedback, OutcomeRules rules,
            Instant now) {
        List<Feedback> reviews = feedback.stream().filter(f -> f.kind() == FeedbackKind.REVIEW).toList();
        if (reviews.isEmpty()) {
            return null;
        }
        Outcome o = OutcomeEngine.evaluate(traceId, reviews, rules, now);
        return o.reviewed() ? o.status() : null;
    }

    /** Rule 8 or 9: the memory write for {@code c}, or why it cannot be written. */
    private static Plan build(Trace trace, Feedback c, CurationPolicy policy) {
        if (blank(trace.agent())) {
            return new Plan(c, Action.SKIP, "the trace names no agent to remember the correction for", null);
        }
        String user = null;
        String session = null;
        switch (policy.scope()) {
            case USER -> {
                if (blank(trace.userId())) {
                    return new Plan(c, Action.SKIP, "the policy scopes corrections to a user, and the trace has no"
                            + " userId", null);
                }
                user = trace.userId();
            }
            case SESSION -> {
                if (blank(trace.sessionId())) {
                    return new Plan(c, Action.SKIP, "the policy scopes corrections to a session, and the trace has no"
                            + " sessionId", null);
                }
                session = trace.sessionId();
            }
            case AGENT -> {
            }
        }
        String input = inputText(trace.input());
        if (blank(input)) {
            return new Plan(c, Action.SKIP, "the trace has no input to remember the correction by", null);
        }
        String answer = answerText(c.value());
        if (blank(answer)) {
            return new Plan(c, Action.SKIP, "the correction carries no corrected output", null);
        }
        MemoryWrite w = new MemoryWrite(trace.agent(), user, session, policy.kind(), text(input, answer), key(input),
                c.value(), new Provenance(List.of(trace.id()), List.of(c.id())),
                policy.ttlSeconds() == null ? null : Duration.ofSeconds(policy.ttlSeconds()), null,
                IDEMPOTENCY_PREFIX + c.id());
        SourceRule rule = rule(policy, c.source());
        String why = rule == SourceRule.ALWAYS ? "corrections from " + source(c.source()) + " are written"
                : rule == SourceRule.THRESHOLD && c.confidence() >= policy.minConfidence()
                        ? String.format(Locale.ROOT, "confidence %.2f reaches the minimum %.2f", c.confidence(),
                                policy.minConfidence())
                        : "promoted by a human review that found the output wrong";
        return new Plan(c, Action.WRITE, why, w);
    }

    /**
     * The memory text: {@code "Input: <input>\nCorrect answer: <answer>"}, so that a search with a similar input
     * finds it by words and by meaning. Over {@link MemoryWrite#MAX_TEXT}, the answer keeps up to half and the
     * input is cut to the rest, each marked with an ellipsis.
     */
    static String text(String input, String answer) {
        int room = MemoryWrite.MAX_TEXT - INPUT_LABEL.length() - ANSWER_LABEL.length();
        String a = answer.strip();
        String in = input.strip();
        if (in.length() + a.length() > room) {
            a = clip(a, Math.max(MAX_ANSWER, room - in.length()));
            in = clip(in, room - a.length());
        }
        return INPUT_LABEL + in + ANSWER_LABEL + a;
    }

    /**
     * The memory key of an input: {@link #normalise normalised}, so that the same question asked with other case,
     * spacing or punctuation finds the same key and a later correction of it supersedes the earlier one. Over
     * {@link MemoryWrite#MAX_KEY} characters, the start and a hash of the whole.
     */
    static String key(String input) {
        String n = normalise(input);
        if (n.isEmpty()) {
            n = input.strip().toLowerCase(Locale.ROOT).replaceAll("\\s+", " ");
        }
        if (n.length() <= MemoryWrite.MAX_KEY) {
            return n;
        }
        String hash = "#" + Hashing.sha256Hex(n).substring(0, 16);
        return n.substring(0, MemoryWrite.MAX_KEY - hash.length()).strip() + hash;
    }

    /** Unicode NFKC, lower case, every run of characters that are neither letters nor digits as one space, trimmed. */
    static String normalise(String text) {
        if (text == null) {
            return "";
        }
        String n = Normalizer.normalize(text, Normalizer.Form.NFKC).toLowerCase(Locale.ROOT);
        return n.replaceAll("[^\\p{L}\\p{N}]+", " ").strip();
    }

    /** The text of a trace input ({@link PayloadText#input}), else the JSON as the client sent it; null for none. */
    static String inputText(JsonText input) {
        if (input == null) {
            return null;
        }
        String text = PayloadText.input(input.node());
        return text != null ? text : input.text();
    }

    /** The text of a corrected output ({@link PayloadText#output}), else the JSON as sent; null for no value. */
    static String answerText(JsonText value) {
        if (value == null) {
            return null;
        }
        String text = PayloadText.output(value.node());
        return text != null ? text : value.text();
    }

    private static String clip(String s, int max) {
        return s.length() <= max ? s : s.substring(0, Math.max(0, max - 1)) + "…";
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }

    private static String source(FeedbackSource s) {
        return s.wire().replace('_', ' ');
    }
}
