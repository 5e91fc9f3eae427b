package dev.ratchet.memory;

/**
 * What became of one {@link MemoryWrite}: the id of the item that now holds it, and how. {@code supersededId}
 * is the item it replaced ({@link Action#SUPERSEDED} only).
 */
public record MemoryWriteResult(String id, Action action, String supersededId) {

    public enum Action {
        /** A new item. */
        CREATED,
        /** A near-duplicate (or the same keyed content) of an active item, merged into it. */
        MERGED,
        /** A new item that replaced the active item with the same key. */
        SUPERSEDED,
        /** A retry: an item with this idempotency key already exists. */
        DUPLICATE
    }
}
