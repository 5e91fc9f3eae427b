package dev.ratchet.eval;

import dev.ratchet.common.JsonText;
import java.time.Duration;

/**
 * A run to start: which suite version, which agent version, and how.
 *
 * @param suite         the suite's id or name
 * @param version       the suite version; null for the latest
 * @param agent         the agent's name, as its traces carry it
 * @param agentVersion  the version under test (a label, e.g. a release or a candidate id); may be null
 * @param configuration the version's configuration, handed to the agent with every case; may be null
 * @param concurrency   cases in flight at once, 1 to 256; null for {@value RunOptions#DEFAULT_CONCURRENCY}
 * @param caseTimeout   per case, up to an hour; null for 60 seconds
 * @param allowLive     whether calls without a fixture may go live (see {@link RunOptions#allowLive})
 */
public record RunRequest(String suite, Integer version, String agent, String agentVersion, JsonText configuration,
        Integer concurrency, Duration caseTimeout, boolean allowLive) {

    /** The latest version of {@code suite}, run with the defaults. */
    public static RunRequest of(String suite, String agent, String agentVersion) {
        return new RunRequest(suite, null, agent, agentVersion, null, null, null, false);
    }

    public RunRequest withVersion(Integer v) {
        return new RunRequest(suite, v, agent, agentVersion, configuration, concurrency, caseTimeout, allowLive);
    }

    public RunRequest withConfiguration(JsonText c) {
        return new RunRequest(suite, version, agent, agentVersion, c, concurrency, caseTimeout, allowLive);
    }

    public RunRequest withConcurrency(Integer c) {
        return new RunRequest(suite, version, agent, agentVersion, configuration, c, caseTimeout, allowLive);
    }

    public RunRequest withCaseTimeout(Duration t) {
        return new RunRequest(suite, version, agent, agentVersion, configuration, concurrency, t, allowLive);
    }

    public RunRequest withAllowLive(boolean live) {
        return new RunRequest(suite, version, agent, agentVersion, configuration, concurrency, caseTimeout, live);
    }
}
