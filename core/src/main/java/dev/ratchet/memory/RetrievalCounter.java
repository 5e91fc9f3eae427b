package dev.ratchet.memory;

import dev.ratchet.store.Database;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jdbi.v3.core.statement.PreparedBatch;

/**
 * How often searches returned each item, added up in memory and added to {@code times_retrieved} by
 * {@link #flush}. A search must not pay a durable write (an fsync on SQLite) for a statistic: counting here
 * costs a map update, and one flush writes the counts of many searches in one transaction.
 *
 * <p>A crash loses the counts not flushed yet, never more; a flush that fails keeps its counts for the
 * next. Counts are added ({@code times_retrieved + n}), never set, so several processes may count the same
 * items. Thread-safe: a count that arrives during a flush is kept for the next one.
 */
final class RetrievalCounter {

    private record Ref(String project, String id) {
    }

    private static final Comparator<Ref> ORDER = Comparator.comparing(Ref::project).thenComparing(Ref::id);

    private final ConcurrentHashMap<Ref, Long> pending = new ConcurrentHashMap<>();

    /** Counts one retrieval of each id (an id given twice counts twice). */
    void count(String project, Collection<String> ids) {
        for (String id : ids) {
            pending.merge(new Ref(project, id), 1L, Long::sum);
        }
    }

    /** Items with counts not yet flushed. */
    int pending() {
        return pending.size();
    }

    /**
     * Adds every pending count to the database, in one transaction, and forgets it; an item that does not
     * exist is skipped. When the write fails, the counts stay pending and the failure is thrown.
     */
    void flush(Database db) {
        if (pending.isEmpty()) {
            return;
        }
        Map<Ref, Long> taken = new HashMap<>();
        for (Ref ref : pending.keySet()) {
            Long n = pending.remove(ref);
            if (n != null) {
                taken.put(ref, n);
            }
        }
        // One order for every process, so that two flushes of the same items never wait on each other in a cycle.
        List<Ref> refs = taken.keySet().stream().sorted(ORDER).toList();
        try {
            db.write(h -> {
                PreparedBatch b = h.prepareBatch("UPDATE memory_items SET times_retrieved = times_retrieved + :n"
                        + " WHERE project_id = :project AND id = :id");
                for (Ref ref : refs) {
                    b.bind("n", taken.get(ref)).bind("project", ref.project()).bind("id", ref.id()).add();
                }
                b.execute();
                return null;
            });
        } catch (RuntimeException | Error e) {
            taken.forEach((ref, n) -> pending.merge(ref, n, Long::sum));
            throw e;
        }
    }
}
