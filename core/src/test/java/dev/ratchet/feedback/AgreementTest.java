package dev.ratchet.feedback;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The agreement statistics against published worked examples, reproduced to the published precision:
 * <ul>
 *   <li>Cohen's kappa: Wikipedia, "Cohen's kappa", section "Simple example": 50 grant applications read by two
 *       readers, Yes/Yes 20, Yes/No 5, No/Yes 10, No/No 15; po = 0.70, pe = 0.50, κ = 0.40. And the same
 *       article's "Same percentages but different numbers": tables 45/15/25/15 (κ = 0.1304) and 25/35/5/35
 *       (κ = 0.2593), where a Yes/No cell means reader A said Yes and reader B said No.</li>
 *   <li>Krippendorff's alpha, nominal: K. Krippendorff, "Computing Krippendorff's Alpha-Reliability" (2011,
 *       https://repository.upenn.edu/asc_papers/43), section C, "Nominal data, any number of observers, missing
 *       data": 4 observers, 12 units, α = 0.743. And Wikipedia, "Krippendorff's alpha", section "A computational
 *       example": 3 coders, 15 units, missing data, nominal α = 0.691.</li>
 * </ul>
 */
class AgreementTest {

    private static final String Y = "yes";
    private static final String N = "no";

    // --- Cohen's kappa ---

    @Test
    void cohensKappa_wikipediaGrantExample_is0_40() {
        assertThat(Agreement.cohensKappa(raterA(20, 5, 10, 15), raterB(20, 5, 10, 15))).isCloseTo(0.40, within(1e-9));
    }

    @Test
    void cohensKappa_wikipediaSamePercentagesExamples_are0_1304And0_2593() {
        assertThat(Agreement.cohensKappa(raterA(45, 15, 25, 15), raterB(45, 15, 25, 15))).isCloseTo(0.1304, within(5e-5));
        assertThat(Agreement.cohensKappa(raterA(25, 35, 5, 35), raterB(25, 35, 5, 35))).isCloseTo(0.2593, within(5e-5));
    }

    @Test
    void cohensKappa_perfectAgreementWithTwoCategories_isOne() {
        assertThat(Agreement.cohensKappa(List.of("a", "b", "a", "c"), List.of("a", "b", "a", "c"))).isEqualTo(1.0);
    }

    @Test
    void cohensKappa_oneCategoryEverywhere_isUndefined() {
        // po = pe = 1: there is no variation to agree on, so kappa is 0/0; reported as NaN, not 1.
        assertThat(Agreement.cohensKappa(List.of("a", "a", "a"), List.of("a", "a", "a"))).isNaN();
    }

    @Test
    void cohensKappa_noItems_isUndefined() {
        assertThat(Agreement.cohensKappa(List.of(), List.of())).isNaN();
    }

    @Test
    void cohensKappa_itemsWithAMissingValue_areLeftOut() {
        List<String> a = new ArrayList<>(raterA(20, 5, 10, 15));
        List<String> b = new ArrayList<>(raterB(20, 5, 10, 15));
        a.add(null);
        b.add(Y);
        a.add(N);
        b.add(null);
        assertThat(Agreement.cohensKappa(a, b)).isCloseTo(0.40, within(1e-9));
    }

    @Test
    void cohensKappa_completeDisagreementOnBalancedData_isMinusOne() {
        assertThat(Agreement.cohensKappa(List.of("a", "b"), List.of("b", "a"))).isCloseTo(-1.0, within(1e-12));
    }

    @Test
    void cohensKappa_listsOfDifferentLength_areRefused() {
        assertThatThrownBy(() -> Agreement.cohensKappa(List.of("a"), List.of("a", "b")))
                .isInstanceOf(IllegalArgumentException.class);
    }

    // --- Krippendorff's alpha ---

    @Test
    void krippendorffAlpha_krippendorff2011NominalExample_is0_743() {
        Integer[][] observers = {
                {1, 2, 3, 3, 2, 1, 4, 1, 2, null, null, null},
                {1, 2, 3, 3, 2, 2, 4, 1, 2, 5, null, 3},
                {null, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, null},
                {1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, null}};
        assertThat(Agreement.krippendorffAlphaNominal(units(observers))).isCloseTo(0.743, within(5e-4));
    }

    @Test
    void krippendorffAlpha_wikipediaComputationalExample_is0_691() {
        Integer[][] coders = {
                {null, null, null, null, null, 3, 4, 1, 2, 1, 1, 3, 3, null, 3},
                {1, null, 2, 1, 3, 3, 4, 3, null, null, null, null, null, null, null},
                {null, null, 2, 1, 3, 4, 4, null, 2, 1, 1, 3, 3, null, 4}};
        assertThat(Agreement.krippendorffAlphaNominal(units(coders))).isCloseTo(0.691, within(5e-4));
    }

    @Test
    void krippendorffAlpha_perfectAgreement_isOne() {
        assertThat(Agreement.krippendorffAlphaNominal(List.of(List.of("a", "a"), Arrays.asList("b", "b", null),
                List.of("a", "a", "a")))).isEqualTo(1.0);
    }

    @Test
    void krippendorffAlpha_oneCategoryEverywhere_isUndefined() {
        assertThat(Agreement.krippendorffAlphaNominal(List.of(List.of("a", "a"), List.of("a", "a")))).isNaN();
    }

    @Test
    void krippendorffAlpha_noPairableUnit_isUndefined() {
        assertThat(Agreement.krippendorffAlphaNominal(List.of())).isNaN();
        assertThat(Agreement.krippendorffAlphaNominal(List.of(List.of("a"), Arrays.asList(null, "b")))).isNaN();
    }

    @Test
    void krippendorffAlpha_twoCodersNoMissing_isScottsPiCorrectedForSampleSize() {
        // For two coders without missing values, nominal alpha = 1 - (n-1)/n · (1 - π), n the number of values
        // (Wikipedia, "Krippendorff's alpha", section "Alpha's embrace of other statistics", Scott's pi).
        List<String> a = raterA(20, 5, 10, 15);
        List<String> b = raterB(20, 5, 10, 15);
        List<List<String>> units = new ArrayList<>();
        for (int i = 0; i < a.size(); i++) {
            units.add(List.of(a.get(i), b.get(i)));
        }
        double yes = (25.0 + 30.0) / 100; // share of Yes over both readers' 100 values
        double pi = (0.70 - (yes * yes + (1 - yes) * (1 - yes))) / (1 - (yes * yes + (1 - yes) * (1 - yes)));
        assertThat(Agreement.krippendorffAlphaNominal(units)).isCloseTo(1 - 99.0 / 100 * (1 - pi), within(1e-12));
    }

    // --- observed agreement and the report ---

    @Test
    void observedAgreement_countsAgreeingPairsOverAllPairs() {
        // unit 1: 3 pairs, 1 agreeing (a,a); unit 2: 1 pair, agreeing; unit 3: not pairable.
        assertThat(Agreement.observedAgreement(List.of(List.of("a", "a", "b"), List.of("c", "c"), List.of("d"))))
                .isCloseTo(0.5, within(1e-12));
        assertThat(Agreement.observedAgreement(List.of())).isNaN();
    }

    @Test
    void summarize_twoAnnotators_reportsKappaAndAlpha() {
        AgreementReport.Field f = Agreement.summarize("verdict", List.of(
                Map.of("ann", "success", "bob", "success"),
                Map.of("ann", "success", "bob", "failure"),
                Map.of("ann", "failure", "bob", "failure"),
                Map.of("ann", "failure", "bob", "failure"),
                Map.of("ann", "failure")));
        assertThat(f.items()).isEqualTo(4);
        assertThat(f.annotators()).isEqualTo(2);
        assertThat(f.observed()).isCloseTo(0.75, within(1e-12));
        assertThat(f.cohensKappa()).isCloseTo(0.5, within(1e-12));
        assertThat(f.krippendorffAlpha()).isCloseTo(1 - 7 * 2 / 30.0, within(1e-12));
    }

    @Test
    void summarize_threeAnnotators_hasNoKappa() {
        AgreementReport.Field f = Agreement.summarize("verdict", List.of(
                Map.of("ann", "success", "bob", "success"),
                Map.of("bob", "failure", "cy", "failure")));
        assertThat(f.annotators()).isEqualTo(3);
        assertThat(f.cohensKappa()).isNull();
        assertThat(f.krippendorffAlpha()).isEqualTo(1.0);
    }

    @Test
    void summarize_oneCategoryEverywhere_hasNeitherKappaNorAlpha() {
        AgreementReport.Field f = Agreement.summarize("verdict", List.of(Map.of("ann", "success", "bob", "success")));
        assertThat(f.observed()).isEqualTo(1.0);
        assertThat(f.cohensKappa()).isNull();
        assertThat(f.krippendorffAlpha()).isNull();
    }

    @Test
    void summarize_noPairableUnit_isNull() {
        assertThat(Agreement.summarize("label", List.of(Map.of("ann", "x")))).isNull();
        assertThat(Agreement.summarize("label", List.of())).isNull();
    }

    /** Rater A of a 2x2 table: Yes/Yes, Yes/No, No/Yes, No/No counts (A's value first). */
    private static List<String> raterA(int yy, int yn, int ny, int nn) {
        List<String> a = new ArrayList<>();
        a.addAll(Collections.nCopies(yy + yn, Y));
        a.addAll(Collections.nCopies(ny + nn, N));
        return a;
    }

    /** Rater B of the same table, item by item. */
    private static List<String> raterB(int yy, int yn, int ny, int nn) {
        List<String> b = new ArrayList<>();
        b.addAll(Collections.nCopies(yy, Y));
        b.addAll(Collections.nCopies(yn, N));
        b.addAll(Collections.nCopies(ny, Y));
        b.addAll(Collections.nCopies(nn, N));
        return b;
    }

    /** Units (columns) of an observers-by-units table, values as strings, nulls kept as missing. */
    private static List<List<String>> units(Integer[][] table) {
        List<List<String>> units = new ArrayList<>();
        for (int u = 0; u < table[0].length; u++) {
            List<String> unit = new ArrayList<>();
            for (Integer[] row : table) {
                unit.add(row[u] == null ? null : row[u].toString());
            }
            units.add(unit);
        }
        return units;
    }
}
