package dev.ratchet.memory;

import dev.ratchet.common.JsonText;
import java.time.Instant;

/**
 * One stored memory item. Scope: {@code project} and {@code agent} always, {@code user} and {@code session}
 * when the item is theirs only (null: shared by every user or session of the agent). Valid from {@code
 * validFrom} (inclusive) to {@code validTo} (exclusive; null: until superseded or pruned). {@code
 * updatedAt} moves when the content or status changes (a merge, a supersession, pruning), not when usage
 * counters move.
 */
public record MemoryItem(
        String project,
        String id,
        String agent,
        String user,
        String session,
        MemoryKind kind,
        String text,
        String key,
        JsonText value,
        Provenance provenance,
        Instant validFrom,
        Instant validTo,
        MemoryStatus status,
        String supersededBy,
        long timesRetrieved,
        long successCount,
        long failureCount,
        String idempotencyKey,
        Instant createdAt,
        Instant updatedAt) {
}
