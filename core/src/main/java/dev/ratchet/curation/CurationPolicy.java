package dev.ratchet.curation;

import com.fasterxml.jackson.annotation.JsonValue;
import dev.ratchet.feedback.FeedbackSource;
import dev.ratchet.memory.MemoryKind;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Which corrections a project turns into memory by itself, and how. Stored per project (JSON, the field
 * names below) and read at every decision, so a change applies to the next correction curated.
 *
 * @param enabled        curate at all (default true)
 * @param minConfidence  a correction from a {@link SourceRule#THRESHOLD} source qualifies when its confidence
 *                       is at least this (0 to 1, default 0.8)
 * @param sources        how each feedback source qualifies (default: end user and annotator
 *                       {@link SourceRule#ALWAYS}, system {@link SourceRule#THRESHOLD}); a source left out
 *                       keeps its default
 * @param reviewPromotes whether a human review that finds the trace's output wrong promotes a correction that
 *                       did not qualify by itself (default true)
 * @param kind           the memory kind written, a {@link MemoryKind} wire name (default {@code correction})
 * @param scope          whom the item serves: the trace's agent (default), or only the trace's user or session
 * @param ttlSeconds     how long a written item stays valid, from its writing; null (default) for no limit
 */
public record CurationPolicy(
        boolean enabled,
        double minConfidence,
        Map<FeedbackSource, SourceRule> sources,
        boolean reviewPromotes,
        String kind,
        Scope scope,
        Long ttlSeconds) {

    /** Longest {@link #ttlSeconds}: ten years. */
    public static final long MAX_TTL_SECONDS = 3650L * 24 * 3600;

    public static CurationPolicy defaults() {
        return new CurationPolicy(true, 0.8, defaultSources(), true, MemoryKind.CORRECTION.wire(), Scope.AGENT, null);
    }

    static Map<FeedbackSource, SourceRule> defaultSources() {
        Map<FeedbackSource, SourceRule> m = new EnumMap<>(FeedbackSource.class);
        m.put(FeedbackSource.END_USER, SourceRule.ALWAYS);
        m.put(FeedbackSource.ANNOTATOR, SourceRule.ALWAYS);
        m.put(FeedbackSource.SYSTEM, SourceRule.THRESHOLD);
        return java.util.Collections.unmodifiableMap(m);
    }

    /** How a source's own correction qualifies, before any review. */
    public enum SourceRule {
        /** Whatever its confidence. */
        ALWAYS,
        /** When its confidence reaches {@link CurationPolicy#minConfidence}. */
        THRESHOLD,
        /** Never by itself; only a review can promote it. */
        NEVER;

        @JsonValue
        public String wire() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static Optional<SourceRule> parse(String wire) {
            return Arrays.stream(values()).filter(r -> r.wire().equals(wire)).findFirst();
        }

        static String names() {
            return Arrays.stream(values()).map(SourceRule::wire).collect(Collectors.joining(", "));
        }
    }

    /**
     * Whom a curated item serves. {@link #USER} and {@link #SESSION} keep one user's (one session's) corrections
     * from reaching the others; a trace without that user (session) is then skipped, never widened to the agent.
     */
    public enum Scope {
        AGENT, USER, SESSION;

        @JsonValue
        public String wire() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static Optional<Scope> parse(String wire) {
            return Arrays.stream(values()).filter(s -> s.wire().equals(wire)).findFirst();
        }

        static String names() {
            return Arrays.stream(values()).map(Scope::wire).collect(Collectors.joining(", "));
        }
    }
}
