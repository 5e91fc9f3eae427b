package dev.ratchet.eval;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * What a suite is for, which decides how it may change. Every suite changes only by new, immutable versions; the
 * kinds differ in what an edit must say:
 * <ul>
 *   <li>{@code eval}: frozen. An edit must name the version it was made from, and that must be the latest: a
 *       version once measured is never changed, and two editors never silently overwrite each other. Never trained
 *       on.</li>
 *   <li>{@code regression}: grows. Cases are added (a case fixed by a promoted change joins it) without naming a
 *       version; removing one needs a reason, kept in the suite's history.</li>
 *   <li>{@code custom}: anything else a team wants to track; edits like regression's, removals without reason.</li>
 * </ul>
 */
public enum SuiteKind {
    EVAL, REGRESSION, CUSTOM;

    @JsonValue
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<SuiteKind> parse(String wire) {
        return Arrays.stream(values()).filter(k -> k.wire().equals(wire)).findFirst();
    }

    static String allowed() {
        return String.join(", ", Arrays.stream(values()).map(SuiteKind::wire).toList());
    }
}
