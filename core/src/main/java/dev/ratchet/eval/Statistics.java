package dev.ratchet.eval;

import org.apache.commons.statistics.distribution.BinomialDistribution;
import org.apache.commons.statistics.distribution.NormalDistribution;

/**
 * The statistics of runs and of the gate, each a published method chosen for small samples (suites are often
 * tens of cases, where the textbook normal approximations misbehave):
 * <ul>
 *   <li>{@link #wilson}: the Wilson score interval for one proportion (Newcombe 1998, "Two-sided confidence
 *       intervals for the single proportion", Statistics in Medicine 17:857-872, method 3). Stays inside [0, 1]
 *       and is sensible at 0 and n successes, unlike the Wald interval.</li>
 *   <li>{@link #mcnemarExactP}: the exact conditional McNemar test: given the discordant pairs, the smaller count
 *       is Binomial(b + c, 1/2) under "no difference"; the two-sided p-value doubles its tail (capped at 1).</li>
 *   <li>{@link #newcombePaired}: the square-and-add (hybrid score) interval for a difference of paired proportions
 *       (Newcombe 1998, "Improved confidence intervals for the difference between binomial proportions based on
 *       paired data", Statistics in Medicine 17:2635-2650, method 10): Wilson intervals of the two rates combined
 *       with a correction for their correlation. The gate uses its lower bound.</li>
 * </ul>
 * Stateless; every method is a pure function of its arguments.
 */
public final class Statistics {

    private Statistics() {
    }

    /** The standard normal quantile for a two-sided interval at {@code confidence} (0.95 gives 1.95996...). */
    public static double zTwoSided(double confidence) {
        requireConfidence(confidence);
        return NormalDistribution.of(0, 1).inverseCumulativeProbability(1 - (1 - confidence) / 2);
    }

    /**
     * The Wilson score interval of {@code successes} out of {@code n} at {@code confidence}; [0, 1] when n is 0
     * (nothing observed, nothing known).
     *
     * @throws IllegalArgumentException if the counts are negative or successes exceed n, or confidence is not in (0, 1)
     */
    public static Interval wilson(long successes, long n, double confidence) {
        if (n < 0 || successes < 0 || successes > n) {
            throw new IllegalArgumentException("need 0 <= successes <= n, got " + successes + " of " + n);
        }
        double z = zTwoSided(confidence);
        if (n == 0) {
            return new Interval(0, 1);
        }
        double p = (double) successes / n;
        double z2 = z * z;
        double denominator = 1 + z2 / n;
        double centre = (p + z2 / (2.0 * n)) / denominator;
        double half = z / denominator * Math.sqrt(p * (1 - p) / n + z2 / (4.0 * n * n));
        // At 0 (or n) successes the bound is 0 (or 1) exactly; rounding would leave a hair off.
        double lower = successes == 0 ? 0 : Math.max(0, centre - half);
        double upper = successes == n ? 1 : Math.min(1, centre + half);
        return new Interval(lower, upper);
    }

    /**
     * The two-sided exact McNemar p-value for {@code b} and {@code c} discordant pairs (pairs where only the first,
     * or only the second, succeeded): {@code min(1, 2 P(X <= min(b, c)))} with {@code X ~ Binomial(b + c, 1/2)}.
     * 1 when there is no discordant pair.
     */
    public static double mcnemarExactP(long b, long c) {
        if (b < 0 || c < 0) {
            throw new IllegalArgumentException("discordant counts must not be negative");
        }
        long n = b + c;
        if (n == 0) {
            return 1;
        }
        if (n > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("too many discordant pairs: " + n);
        }
        double tail = BinomialDistribution.of((int) n, 0.5).cumulativeProbability((int) Math.min(b, c));
        return Math.min(1, 2 * tail);
    }

    /**
     * Newcombe's interval (method 10) for {@code p1 - p2}, where {@code p1} is the success rate of the first
     * member of each pair and {@code p2} of the second, from the paired table:
     *
     * @param both    pairs where both succeeded
     * @param onlyFirst pairs where only the first succeeded
     * @param onlySecond pairs where only the second succeeded
     * @param neither pairs where neither succeeded
     * @return [-1, 1] when there are no pairs
     */
    public static Interval newcombePaired(long both, long onlyFirst, long onlySecond, long neither, double confidence) {
        if (both < 0 || onlyFirst < 0 || onlySecond < 0 || neither < 0) {
            throw new IllegalArgumentException("counts must not be negative");
        }
        long n = both + onlyFirst + onlySecond + neither;
        requireConfidence(confidence);
        if (n == 0) {
            return new Interval(-1, 1);
        }
        long first = both + onlyFirst;
        long second = both + onlySecond;
        double p1 = (double) first / n;
        double p2 = (double) second / n;
        Interval w1 = wilson(first, n, confidence);
        Interval w2 = wilson(second, n, confidence);
        double psi = 0;
        if (first > 0 && first < n && second > 0 && second < n) {
            double product = (double) first * (n - first) * second * (n - second);
            double a = (double) both * neither - (double) onlyFirst * onlySecond;
            if (a > n / 2.0) {
                psi = (a - n / 2.0) / Math.sqrt(product);
            } else if (a < 0) {
                psi = a / Math.sqrt(product);
            }
        }
        double d = p1 - p2;
        double dl1 = p1 - w1.lower();
        double du1 = w1.upper() - p1;
        double dl2 = p2 - w2.lower();
        double du2 = w2.upper() - p2;
        double lower = d - Math.sqrt(Math.max(0, dl1 * dl1 + du2 * du2 - 2 * psi * dl1 * du2));
        double upper = d + Math.sqrt(Math.max(0, dl2 * dl2 + du1 * du1 - 2 * psi * dl2 * du1));
        return new Interval(Math.max(-1, lower), Math.min(1, upper));
    }

    /** The value at quantile {@code q} (0 to 1) of sorted values, nearest-rank; null for no values. */
    static Long nearestRank(long[] sorted, double q) {
        if (sorted.length == 0) {
            return null;
        }
        int rank = (int) Math.ceil(q * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    private static void requireConfidence(double confidence) {
        if (!(confidence > 0 && confidence < 1)) {
            throw new IllegalArgumentException("confidence must be in (0, 1), got " + confidence);
        }
    }
}
