package dev.ratchet.eval;

import java.util.List;

/**
 * What an edit did.
 *
 * @param version   the new version, or the latest unchanged one when the edit changed nothing
 * @param created   whether a new version was made
 * @param caseIds   for each added case, in order, its id: new, or the id of the equal case already in the suite
 */
public record EditResult(SuiteVersion version, boolean created, List<String> caseIds) {
}
