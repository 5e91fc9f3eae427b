package dev.ratchet.feedback;

import dev.ratchet.trace.Trace;
import java.util.List;

/**
 * Runs each project's {@link VerifierSpec}s on ingested traces, sampled, asynchronously and never on the
 * ingest path: {@link #submit} only enqueues (a bounded queue; when it is full the traces are not
 * verified and {@link #dropped} counts them), and worker threads record the results as feedback.
 */
public interface Verifiers extends AutoCloseable {

    List<VerifierSpec> specs(String projectId);

    /** Replaces the project's verifiers; bad specs (unknown type, invalid schema or regex) are bad input. */
    void setSpecs(String projectId, List<VerifierSpec> specs);

    /** Enqueues just-ingested traces for verification; returns at once. */
    void submit(String projectId, List<Trace> traces);

    /** Traces not verified because the queue was full, since start. */
    long dropped();

    /** Waits until everything submitted so far has been verified and recorded (tests, shutdown). */
    void drain() throws InterruptedException;

    @Override
    void close();
}
