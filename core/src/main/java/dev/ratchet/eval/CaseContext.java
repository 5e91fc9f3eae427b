package dev.ratchet.eval;

import dev.ratchet.common.JsonText;
import java.util.List;
import java.util.Objects;

/**
 * What the agent knew besides the input when the case was recorded.
 *
 * @param memorySnapshotId the memory snapshot the agent ran with, if known (a {@code memory} snapshot id)
 * @param documents        the documents retrieved for it, in order (the outputs of its retrieval spans)
 */
public record CaseContext(String memorySnapshotId, List<JsonText> documents) {

    public CaseContext {
        documents = documents == null ? List.of() : documents.stream().filter(Objects::nonNull).toList();
    }

    public static CaseContext empty() {
        return new CaseContext(null, List.of());
    }
}
