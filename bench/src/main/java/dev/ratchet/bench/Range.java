package dev.ratchet.bench;

import java.util.Arrays;
import java.util.Locale;

/** Median and extremes of a few repeated measurements; the median of an even count is the mean of the middle two. */
record Range(double median, double min, double max) {

    static Range of(double... values) {
        if (values.length == 0) {
            throw new IllegalArgumentException("no values");
        }
        double[] v = values.clone();
        Arrays.sort(v);
        int n = v.length;
        double median = n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
        return new Range(median, v[0], v[n - 1]);
    }

    /** {@code 12,345 (12,001–12,900)} for rates. */
    String rate() {
        return String.format(Locale.ROOT, "%,.0f (%,.0f–%,.0f)", median, min, max);
    }

    /** {@code 0.71 (0.69–0.74)} for ratios. */
    String ratio() {
        return String.format(Locale.ROOT, "%.2f (%.2f–%.2f)", median, min, max);
    }
}
