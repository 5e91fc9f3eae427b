package dev.ratchet.trace;

import java.util.List;
import java.util.Optional;

/**
 * Durable storage of traces, scoped by project. Implementations are thread-safe.
 */
public interface TraceStore {

    /**
     * Stores a batch atomically: all of it or none of it, committed durably before this returns.
     * Idempotent by id: a trace sent again is merged into the stored one (new non-null values win,
     * the time span widens), a span sent again replaces the stored span with the same id, and spans
     * of a trace sent in a later batch attach to it.
     */
    IngestResult ingest(String projectId, List<Trace> traces);

    /** The trace with its full span list (ordered by start time), if it exists in this project. */
    Optional<Trace> get(String projectId, String traceId);

    /** A page of traces without their spans, filtered and ordered as {@link TraceQuery} says. */
    TracePage list(String projectId, TraceQuery query);
}
