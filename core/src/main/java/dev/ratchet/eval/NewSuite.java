package dev.ratchet.eval;

import java.util.List;

/**
 * A suite to create, with the cases of its first version (may be empty).
 *
 * @param name unique in the project: 1 to 128 of letters, digits and {@code . _ : -}
 */
public record NewSuite(String name, String kind, String description, List<CaseSpec> cases) {

    public NewSuite {
        cases = cases == null ? List.of() : cases;
    }
}
