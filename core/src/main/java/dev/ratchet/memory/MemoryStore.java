package dev.ratchet.memory;

import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * An agent's curated memory: items written from what was learned, searched at run time. Everything is
 * scoped by project; nothing here ever returns another project's items.
 */
public interface MemoryStore extends AutoCloseable {

    /**
     * Remembers a batch, all or nothing. Each write becomes a new item, merges into a near-duplicate, supersedes
     * the active item with the same key in its scope, or (same idempotency key as a stored item) is a duplicate.
     * Durable and searchable when this returns.
     *
     * @return one result per write, in order
     * @throws dev.ratchet.common.BadInputException naming each bad item and field; then nothing is stored
     */
    List<MemoryWriteResult> write(String project, List<MemoryWrite> batch);

    /**
     * The best active, currently valid items of the scope for the query; an item whose key equals the query
     * comes first. Counts each returned item as retrieved.
     *
     * @throws dev.ratchet.common.BadInputException if the query or agent is blank, or k or minScore out of range
     */
    List<MemoryHit> search(String project, MemorySearch search);

    /** The item, whatever its status; empty if it does not exist in this project. */
    Optional<MemoryItem> get(String project, String id);

    /** The agent's items with this status (null: any), newest first, at most {@code limit} (1 to 1,000). */
    List<MemoryItem> list(String project, String agent, MemoryStatus status, int limit);

    /** Counts one successful (or failed) use of each item, for pruning and later learning. Unknown ids are ignored. */
    void recordUsage(String project, Collection<String> itemIds, boolean success);

    /** Rebuilds the search index of one project (null: every project) from the database. */
    void reindex(String project);

    /**
     * Records which items are active and valid in the scope now (the items a search of that scope could
     * return). Idempotent: the same state gives the same snapshot, stored once.
     */
    MemorySnapshot snapshot(String project, String agent, String user, String session);

    /**
     * How snapshot {@code b} differs from snapshot {@code a}.
     *
     * @throws dev.ratchet.common.NotFoundException if either is not a snapshot of this project
     */
    MemoryDiff diff(String project, String a, String b);

    @Override
    void close();
}
