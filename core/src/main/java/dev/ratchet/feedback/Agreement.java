package dev.ratchet.feedback;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Inter-annotator agreement statistics for nominal values (categories compared only for equality). Pure
 * functions; values are strings, a null value is missing.
 *
 * <p>Where a statistic is undefined (no data, or no variation at all, so that chance agreement is
 * certain and there is nothing to be reliable about) it is {@link Double#NaN}; the review queue reports
 * such a statistic as absent rather than inventing a 0 or a 1.
 */
public final class Agreement {

    private Agreement() {
    }

    /**
     * Cohen's kappa (Cohen 1960) of two raters: {@code (po - pe) / (1 - pe)}, with po the share of items on
     * which they agree and pe the agreement expected from each rater's own category frequencies. Item i is
     * {@code raterA.get(i)} against {@code raterB.get(i)}; items where either value is missing (null) are
     * left out.
     *
     * @return kappa in [-1, 1]; NaN without items, or when pe = 1 (both raters used one and the same
     *         category throughout)
     * @throws IllegalArgumentException when the lists differ in length
     */
    public static double cohensKappa(List<String> raterA, List<String> raterB) {
        if (raterA.size() != raterB.size()) {
            throw new IllegalArgumentException("the raters' lists differ in length: " + raterA.size() + " and "
                    + raterB.size());
        }
        Map<String, Integer> countA = new HashMap<>();
        Map<String, Integer> countB = new HashMap<>();
        int n = 0;
        int agree = 0;
        for (int i = 0; i < raterA.size(); i++) {
            String a = raterA.get(i);
            String b = raterB.get(i);
            if (a == null || b == null) {
                continue;
            }
            n++;
            if (a.equals(b)) {
                agree++;
            }
            countA.merge(a, 1, Integer::sum);
            countB.merge(b, 1, Integer::sum);
        }
        if (n == 0) {
            return Double.NaN;
        }
        double po = (double) agree / n;
        double pe = 0;
        for (Map.Entry<String, Integer> e : countA.entrySet()) {
            pe += (double) e.getValue() / n * countB.getOrDefault(e.getKey(), 0) / n;
        }
        if (pe >= 1.0) {
            return Double.NaN;
        }
        return (po - pe) / (1 - pe);
    }

    /**
     * Krippendorff's alpha for nominal data, computed from the coincidence matrix as in Krippendorff,
     * "Computing Krippendorff's Alpha-Reliability" (2011): {@code 1 - (n - 1) * Σ_{c≠k} o_ck / Σ_{c≠k} n_c n_k}.
     * Any number of raters, missing values allowed.
     *
     * @param units each unit's values, one per rater, null where a rater gave none; a unit with fewer than two
     *              values is not pairable and is left out
     * @return alpha, at most 1; NaN when fewer than two pairable values exist or all pairable values are the
     *         same category (expected disagreement 0)
     */
    public static double krippendorffAlphaNominal(List<List<String>> units) {
        Map<String, Map<String, Double>> coincidences = new HashMap<>();
        for (List<String> unit : units) {
            List<String> values = present(unit);
            int m = values.size();
            if (m < 2) {
                continue;
            }
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < m; j++) {
                    if (i != j) {
                        coincidences.computeIfAbsent(values.get(i), k -> new HashMap<>())
                                .merge(values.get(j), 1.0 / (m - 1), Double::sum);
                    }
                }
            }
        }
        Map<String, Double> marginals = new HashMap<>();
        double observedDisagreement = 0;
        for (Map.Entry<String, Map<String, Double>> row : coincidences.entrySet()) {
            for (Map.Entry<String, Double> cell : row.getValue().entrySet()) {
                marginals.merge(row.getKey(), cell.getValue(), Double::sum);
                if (!row.getKey().equals(cell.getKey())) {
                    observedDisagreement += cell.getValue();
                }
            }
        }
        double n = marginals.values().stream().mapToDouble(Double::doubleValue).sum();
        double sumOfSquares = marginals.values().stream().mapToDouble(v -> v * v).sum();
        double expectedDisagreement = n * n - sumOfSquares; // Σ_{c≠k} n_c n_k
        if (n < 2 || expectedDisagreement <= 0) {
            return Double.NaN;
        }
        return 1 - (n - 1) * observedDisagreement / expectedDisagreement;
    }

    /**
     * The share of pairs of values given to the same unit that are equal, over all pairable units (two or more
     * values); NaN when there is no pair.
     */
    public static double observedAgreement(List<List<String>> units) {
        long pairs = 0;
        long agreeing = 0;
        for (List<String> unit : units) {
            List<String> values = present(unit);
            for (int i = 0; i < values.size(); i++) {
                for (int j = i + 1; j < values.size(); j++) {
                    pairs++;
                    if (values.get(i).equals(values.get(j))) {
                        agreeing++;
                    }
                }
            }
        }
        return pairs == 0 ? Double.NaN : (double) agreeing / pairs;
    }

    /**
     * The report for one field over units given as annotator → value (null values are missing): units with
     * fewer than two values are left out; Cohen's kappa only when exactly two annotators gave a value to every
     * remaining unit. Null when no unit remains.
     */
    static AgreementReport.Field summarize(String field, List<Map<String, String>> unitsByAnnotator) {
        List<Map<String, String>> pairable = new ArrayList<>();
        for (Map<String, String> unit : unitsByAnnotator) {
            Map<String, String> present = new LinkedHashMap<>();
            unit.forEach((annotator, value) -> {
                if (value != null) {
                    present.put(annotator, value);
                }
            });
            if (present.size() >= 2) {
                pairable.add(present);
            }
        }
        if (pairable.isEmpty()) {
            return null;
        }
        Set<String> annotators = new HashSet<>();
        List<List<String>> units = new ArrayList<>();
        for (Map<String, String> unit : pairable) {
            annotators.addAll(unit.keySet());
            units.add(List.copyOf(unit.values()));
        }
        Double kappa = null;
        if (annotators.size() == 2) {
            List<String> pair = List.copyOf(annotators);
            List<String> a = new ArrayList<>();
            List<String> b = new ArrayList<>();
            for (Map<String, String> unit : pairable) {
                a.add(unit.get(pair.get(0)));
                b.add(unit.get(pair.get(1)));
            }
            kappa = orNull(cohensKappa(a, b));
        }
        return new AgreementReport.Field(field, pairable.size(), annotators.size(), observedAgreement(units), kappa,
                orNull(krippendorffAlphaNominal(units)));
    }

    private static List<String> present(List<String> unit) {
        return unit.stream().filter(Objects::nonNull).toList();
    }

    private static Double orNull(double value) {
        return Double.isNaN(value) ? null : value;
    }
}
