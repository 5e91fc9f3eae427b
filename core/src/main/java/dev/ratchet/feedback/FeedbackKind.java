package dev.ratchet.feedback;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * What a signal is. The value each kind carries:
 * <ul>
 *   <li>{@code rating}: a number within {@code scale} (default 1 to 5)</li>
 *   <li>{@code thumbs}, {@code approval}, {@code verifier}: a boolean (up, approved, passed); a reason may say why</li>
 *   <li>{@code label}: a string (a category name)</li>
 *   <li>{@code comment}: a string</li>
 *   <li>{@code correction}: the corrected output (any JSON, e.g. {@code {"text": "..."}})</li>
 *   <li>{@code judge}: a score from 0 to 1, with a rationale as {@code reason}</li>
 *   <li>implicit kinds: no value needed; {@code edited} may carry the edited output</li>
 *   <li>{@code review}: a human reviewer's verdict, {@code "success"} or {@code "failure"}</li>
 * </ul>
 */
public enum FeedbackKind {
    RATING(Category.EXPLICIT),
    THUMBS(Category.EXPLICIT),
    LABEL(Category.EXPLICIT),
    COMMENT(Category.EXPLICIT),
    CORRECTION(Category.EXPLICIT),
    APPROVAL(Category.EXPLICIT),
    ACCEPTED(Category.IMPLICIT),
    RETRIED(Category.IMPLICIT),
    EDITED(Category.IMPLICIT),
    ESCALATED(Category.IMPLICIT),
    ABANDONED(Category.IMPLICIT),
    FOLLOW_UP(Category.IMPLICIT),
    VERIFIER(Category.AUTOMATED),
    JUDGE(Category.AUTOMATED),
    REVIEW(Category.REVIEW);

    /** Where a kind comes from; the outcome rules weigh categories differently. */
    public enum Category {
        EXPLICIT, IMPLICIT, AUTOMATED, REVIEW;

        @JsonValue
        public String wire() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private final Category category;

    FeedbackKind(Category category) {
        this.category = category;
    }

    public Category category() {
        return category;
    }

    @JsonValue
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<FeedbackKind> parse(String wire) {
        return Arrays.stream(values()).filter(k -> k.wire().equals(wire)).findFirst();
    }

    public static String allowed() {
        return String.join(", ", Arrays.stream(values()).map(FeedbackKind::wire).toList());
    }
}
