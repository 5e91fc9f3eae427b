package dev.ratchet.trace;

import java.util.List;

/** One page of a trace listing; {@code nextCursor} is null on the last page. */
public record TracePage(List<Trace> items, String nextCursor) {
}
