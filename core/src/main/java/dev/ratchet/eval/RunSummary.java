package dev.ratchet.eval;

import java.math.BigDecimal;

/**
 * A finished run in numbers.
 *
 * @param errors          cases that errored or timed out (counted in {@code failed} too)
 * @param successRate     passed / total (0 for an empty suite)
 * @param successInterval the 95% Wilson score interval of the success rate
 * @param p50LatencyMs    median agent latency (nearest rank); null for an empty suite
 * @param p95LatencyMs    95th percentile (nearest rank); null for an empty suite
 * @param totalCost       sum of the known case costs; null when no case had one
 */
public record RunSummary(int total, int passed, int failed, int errors, double successRate, Interval successInterval,
        Long p50LatencyMs, Long p95LatencyMs, BigDecimal totalCost) {
}
