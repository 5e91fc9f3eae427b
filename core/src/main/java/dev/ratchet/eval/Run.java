package dev.ratchet.eval;

import dev.ratchet.common.JsonText;
import java.time.Instant;

/**
 * One replay of a suite version against an agent version.
 *
 * @param summary null until the run has completed
 * @param error   why the run failed, when it did (not a case's failure: those are results)
 */
public record Run(String id, String suiteId, int suiteVersion, String agent, String agentVersion,
        JsonText configuration, RunOptions options, RunStatus status, RunSummary summary, String error,
        Instant startedAt, Instant finishedAt) {
}
