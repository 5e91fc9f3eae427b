package dev.ratchet.server.otlp;

import dev.ratchet.trace.Trace;
import java.util.List;

/**
 * What {@link OtlpTraceMapper} made of one export request: one trace per OTLP trace id, with the spans
 * that could be stored, and the spans it had to refuse.
 *
 * @param traces         ready for {@code TraceStore.ingest}, in the order their ids first appeared
 * @param rejectedSpans  spans left out (invalid ids, missing or inverted times)
 * @param problems       why, one line per rejected span, at most {@link OtlpTraceMapper#MAX_PROBLEMS}
 */
public record OtlpMapping(List<Trace> traces, long rejectedSpans, List<String> problems) {

    public OtlpMapping {
        traces = List.copyOf(traces);
        problems = List.copyOf(problems);
    }

    /** The problems as one line for OTLP's {@code partial_success.error_message}; empty when none. */
    public String errorMessage() {
        String joined = String.join("; ", problems);
        long unlisted = rejectedSpans - problems.size();
        return unlisted > 0 ? joined + "; and " + unlisted + " more" : joined;
    }
}
