package dev.ratchet.eval;

import dev.ratchet.common.JsonText;
import java.time.Instant;
import java.util.List;

/**
 * A stored case. Immutable: a case never changes once stored, so a result that names it names exactly what was
 * replayed; an edit of a suite stores a new case instead.
 *
 * @param contentHash see {@link CaseSpec#contentHash}
 */
public record EvalCase(String id, String contentHash, JsonText input, CaseContext context, JsonText expected,
        List<Fixture> fixtures, List<JsonText> expectations, List<String> tags, String originTraceId,
        Instant createdAt) {

    /** The case as written, e.g. to copy it into another suite. */
    public CaseSpec spec() {
        return new CaseSpec(input, context, expected, fixtures, expectations, tags, originTraceId);
    }
}
