package dev.ratchet.eval;

/**
 * Progress of a run, for a CLI's progress bar or a benchmark's counters. Called from the runner's threads, so
 * implementations are thread-safe and quick.
 */
public interface RunListener {

    RunListener NONE = new RunListener() { };

    /** The run is stored and about to start its {@code total} cases. */
    default void started(Run run, int total) {
    }

    /** One more case is done ({@code done} of {@code total}); its result may not be stored yet. */
    default void caseFinished(CaseResult result, int done, int total) {
    }

    /** {@code count} results were committed in one transaction. */
    default void resultsWritten(int count) {
    }
}
