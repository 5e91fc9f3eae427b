package dev.ratchet.eval;

/**
 * An agent under test, in-process. The runner calls {@link #run} once per case, from several threads at once (up
 * to the run's concurrency), so implementations are thread-safe. For agents in other languages, see
 * {@link HttpAgent}.
 */
public interface Agent {

    /**
     * Answers one case. Every tool, retrieval and model call goes through {@code tools}, which replays the case's
     * fixtures. Throwing fails the case (status {@code error}, the exception as its reason), never the run. The
     * runner interrupts the thread when the case times out.
     */
    AgentAnswer run(AgentRequest request, Tools tools) throws Exception;

    /**
     * The real tools, for runs that allow live calls when no fixture matches; null (the default) when the agent has
     * none, and then such a call fails the case as in strict replay.
     */
    default Tools live() {
        return null;
    }
}
