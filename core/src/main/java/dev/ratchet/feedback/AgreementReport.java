package dev.ratchet.feedback;

import java.util.List;

/**
 * Agreement among annotators, per labelled field ({@code verdict}, and {@code label} when labels are used).
 *
 * @param items          items with at least two labels
 * @param observed       share of pairs of labels on the same item that agree
 * @param cohensKappa    Cohen's kappa when exactly two annotators labelled every such item, else null
 * @param krippendorffAlpha Krippendorff's alpha (nominal), for any number of annotators and missing labels
 */
public record AgreementReport(List<Field> fields) {

    public record Field(String field, int items, int annotators, double observed, Double cohensKappa,
            Double krippendorffAlpha) {
    }
}
