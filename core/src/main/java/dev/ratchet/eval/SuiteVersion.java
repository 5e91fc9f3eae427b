package dev.ratchet.eval;

import java.time.Instant;
import java.util.List;

/**
 * One immutable version of a suite: its cases, in order, and the hash of their content (the SHA-256 of their
 * {@link CaseSpec#contentHash}es in order), so two versions with the same hash replay the same tests.
 */
public record SuiteVersion(String suiteId, String suiteName, SuiteKind kind, int version, String contentHash,
        List<String> caseIds, String note, Instant createdAt) {

    public SuiteVersion {
        caseIds = List.copyOf(caseIds);
    }
}
