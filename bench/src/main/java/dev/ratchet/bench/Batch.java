package dev.ratchet.bench;

import dev.ratchet.trace.Trace;
import java.util.List;

/**
 * One batch prepared before any clock runs, in the form each measured path takes it: the request body
 * for REST, the validated traces for the store, and the column values for the raw insert. All three
 * describe the same traces.
 */
record Batch(byte[] body, List<Trace> traces, List<Object[]> traceRows, List<Object[]> spanRows) {

    int spanCount() {
        return spanRows.size();
    }
}
