package dev.ratchet.bench;

import java.util.Arrays;

/**
 * What one timed phase did: how many traces and spans were durably stored in how long, and, for a
 * request/response path, the latency of each batch.
 *
 * @param latencyNanos per-batch latencies; empty where the path has no requests
 */
record PhaseResult(long traces, long spans, long nanos, long[] latencyNanos) {

    static PhaseResult of(java.util.List<Batch> batches, long nanos, long[] latencyNanos) {
        long traces = 0;
        long spans = 0;
        for (Batch b : batches) {
            traces += b.traces().size();
            spans += b.spanCount();
        }
        return new PhaseResult(traces, spans, nanos, latencyNanos);
    }

    double spansPerSecond() {
        return spans * 1e9 / nanos;
    }

    double tracesPerSecond() {
        return traces * 1e9 / nanos;
    }

    /** The {@code q}-quantile (0..1) of the batch latencies in milliseconds, nearest rank. */
    double latencyMillis(double q) {
        if (latencyNanos.length == 0) {
            return Double.NaN;
        }
        long[] sorted = latencyNanos.clone();
        Arrays.sort(sorted);
        int rank = (int) Math.ceil(q * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))] / 1e6;
    }
}
