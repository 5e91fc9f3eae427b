package dev.ratchet.server.http;

import java.util.concurrent.Semaphore;
import java.util.function.Supplier;

/**
 * Bounds the ingest work in flight (reading, decoding and storing a request). When every permit is taken the request is refused at once with 503
 * and {@code Retry-After}, which OTLP exporters and the SDK honour, instead of queueing without limit
 * and running out of memory. Shared by the REST and OTLP ingest routes.
 */
public final class IngestGate {

    private final Semaphore permits;

    public IngestGate(int maxConcurrent) {
        this.permits = new Semaphore(maxConcurrent);
    }

    public <T> T run(Supplier<T> work) {
        if (!permits.tryAcquire()) {
            throw HttpError.overloaded();
        }
        try {
            return work.get();
        } finally {
            permits.release();
        }
    }
}
