package dev.ratchet.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** The statistics against published worked examples; each source is cited where its numbers are used. */
class StatisticsTest {

    private static final double PUBLISHED = 0.00005; // published to 4 decimals

    /**
     * Newcombe RG (1998), "Two-sided confidence intervals for the single proportion: comparison of seven methods",
     * Statistics in Medicine 17:857-872, Table I, method 3 (Wilson score interval without continuity correction).
     */
    @Test
    void wilson_matchesNewcombe1998TableI() {
        assertInterval(Statistics.wilson(81, 263, 0.95), 0.2553, 0.3662);
        assertInterval(Statistics.wilson(15, 148, 0.95), 0.0624, 0.1605);
        assertInterval(Statistics.wilson(0, 20, 0.95), 0.0, 0.1611);
        assertInterval(Statistics.wilson(1, 29, 0.95), 0.0061, 0.1718);
    }

    @Test
    void wilson_allSuccesses_upperBoundIsExactlyOne() {
        Interval i = Statistics.wilson(20, 20, 0.95);
        assertThat(i.upper()).isEqualTo(1.0);
        assertThat(i.lower()).isCloseTo(1 - 0.1611, within(PUBLISHED)); // mirror of 0/20 above
    }

    @Test
    void wilson_noObservations_isTheWholeRange() {
        assertThat(Statistics.wilson(0, 0, 0.95)).isEqualTo(new Interval(0, 1));
    }

    @Test
    void zTwoSided_95percent_isTheFamiliarQuantile() {
        assertThat(Statistics.zTwoSided(0.95)).isCloseTo(1.959963985, within(1e-9));
        assertThat(Statistics.zTwoSided(0.90)).isCloseTo(1.644853627, within(1e-9));
    }

    /**
     * Fagerland MW, Lydersen S, Laake P (2013), "The McNemar test for binary matched-pairs data: mid-p and asymptotic
     * are better than exact conditional", BMC Medical Research Methodology 13:91, Table 1: airway hyper-responsiveness
     * before and after stem cell transplantation in 21 children (Bentur et al. 2009): 1 | 1 / 7 | 12, so 1 and 7
     * discordant pairs; the paper reports the exact conditional p = 0.070.
     * Independently: P(X <= 1 | Binomial(8, 1/2)) = (C(8,0) + C(8,1)) / 2^8 = (1 + 8) / 256, doubled = 18/256 = 0.0703125.
     */
    @Test
    void mcnemarExact_matchesFagerland2013Bentur() {
        double p = Statistics.mcnemarExactP(1, 7);
        assertThat(p).isCloseTo(0.070, within(0.0005));
        assertThat(p).isCloseTo(18.0 / 256, within(1e-12));
    }

    /**
     * Fagerland MW, Lydersen S, Laake P (2017), "Statistical Analysis of Contingency Tables", CRC Press, chapter 8
     * (the paired 2x2 table), example of complete response before and after consolidation therapy (Cavo et al. 2012):
     * 59 | 6 / 16 | 80; McNemar exact conditional p = 0.0525 (0.052479 in the authors' R package contingencytables).
     * Independently: P(X <= 6 | Binomial(22, 1/2)) = (1 + 22 + 231 + 1540 + 7315 + 26334 + 74613) / 2^22
     * = 110056 / 4194304, doubled = 220112 / 4194304 = 0.0524788.
     */
    @Test
    void mcnemarExact_matchesFagerland2017Cavo() {
        double p = Statistics.mcnemarExactP(6, 16);
        assertThat(p).isCloseTo(0.052479, within(0.0000005));
        assertThat(p).isCloseTo(220112.0 / 4194304, within(1e-12));
        assertThat(Statistics.mcnemarExactP(16, 6)).isEqualTo(p);
    }

    @Test
    void mcnemarExact_noOrBalancedDiscordance_isOne() {
        assertThat(Statistics.mcnemarExactP(0, 0)).isEqualTo(1.0);
        assertThat(Statistics.mcnemarExactP(5, 5)).isEqualTo(1.0);
    }

    /**
     * Same source and table as {@link #mcnemarExact_matchesFagerland2017Cavo}: the Newcombe square-and-add interval
     * for the difference of paired proportions, estimate -0.0621, 95% CI -0.1186 to -0.0046.
     */
    @Test
    void newcombePaired_matchesFagerland2017Cavo() {
        Interval i = Statistics.newcombePaired(59, 6, 16, 80, 0.95);
        assertInterval(i, -0.1186, -0.0046);
    }

    @Test
    void newcombePaired_identicalRuns_straddleZeroTightly() {
        Interval i = Statistics.newcombePaired(80, 0, 0, 20, 0.95);
        assertThat(i.lower()).isNegative().isGreaterThan(-0.05);
        assertThat(i.upper()).isPositive().isLessThan(0.05);
    }

    @Test
    void nearestRank_picksTheRankedValue() {
        long[] sorted = {10, 20, 30, 40, 50, 60, 70, 80, 90, 100};
        assertThat(Statistics.nearestRank(sorted, 0.5)).isEqualTo(50);
        assertThat(Statistics.nearestRank(sorted, 0.95)).isEqualTo(100);
        assertThat(Statistics.nearestRank(new long[0], 0.5)).isNull();
    }

    private static void assertInterval(Interval actual, double lower, double upper) {
        assertThat(actual.lower()).as("lower").isCloseTo(lower, within(PUBLISHED));
        assertThat(actual.upper()).as("upper").isCloseTo(upper, within(PUBLISHED));
    }
}
