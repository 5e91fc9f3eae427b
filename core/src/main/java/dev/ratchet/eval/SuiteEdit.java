package dev.ratchet.eval;

import java.util.List;

/**
 * A change to a suite, made as a new version.
 *
 * @param baseVersion the version the edit was made from: required for {@code eval} suites, optional otherwise;
 *                    when given it must be the latest
 * @param add         cases to add; one whose content equals a case already in the suite is not added again
 * @param remove      cases to remove, each with a reason (required for {@code regression} suites)
 * @param note        what the version is about, kept with it
 */
public record SuiteEdit(Integer baseVersion, List<CaseSpec> add, List<Removal> remove, String note) {

    public SuiteEdit {
        add = add == null ? List.of() : add;
        remove = remove == null ? List.of() : remove;
    }

    public static SuiteEdit adding(List<CaseSpec> cases) {
        return new SuiteEdit(null, cases, List.of(), null);
    }

    /** One case to remove, and why. */
    public record Removal(String caseId, String reason) {
    }
}
