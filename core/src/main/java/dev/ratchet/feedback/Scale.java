package dev.ratchet.feedback;

import java.math.BigDecimal;

/** The declared range of a rating, inclusive. */
public record Scale(BigDecimal min, BigDecimal max) {

    public static final Scale DEFAULT = new Scale(BigDecimal.ONE, BigDecimal.valueOf(5));

    public boolean contains(BigDecimal value) {
        return value.compareTo(min) >= 0 && value.compareTo(max) <= 0;
    }

    /** Where {@code value} lies on the scale, from -1 (min) to +1 (max). */
    public double polarity(BigDecimal value) {
        double span = max.subtract(min).doubleValue();
        return span == 0 ? 0 : 2 * value.subtract(min).doubleValue() / span - 1;
    }
}
