package dev.ratchet.trace;

import java.util.List;

/** What an ingest call stored: the ids of the traces touched and the number of spans written. */
public record IngestResult(List<String> traceIds, int spans) {
}
