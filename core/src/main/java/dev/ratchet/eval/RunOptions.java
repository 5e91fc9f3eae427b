package dev.ratchet.eval;

/**
 * How a run replays its cases.
 *
 * @param concurrency   cases in flight at once
 * @param caseTimeoutMs how long one case may take before it fails as timed out
 * @param allowLive     whether a call without a fixture goes to the agent's live implementation (true) or fails
 *                      the case (false, strict: the default, and the only hermetic mode)
 */
public record RunOptions(int concurrency, long caseTimeoutMs, boolean allowLive) {

    public static final int DEFAULT_CONCURRENCY = 8;
    public static final long DEFAULT_CASE_TIMEOUT_MS = 60_000;
    public static final int MAX_CONCURRENCY = 256;
    public static final long MAX_CASE_TIMEOUT_MS = 3_600_000;
}
