package dev.ratchet.memory;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Where a memory item came from: the traces and feedback items that taught it. Merging a near-duplicate
 * into an existing item unions their provenance, so evidence accumulates instead of items piling up.
 */
public record Provenance(List<String> traceIds, List<String> feedbackIds) {

    public Provenance {
        traceIds = traceIds == null ? List.of() : List.copyOf(traceIds);
        feedbackIds = feedbackIds == null ? List.of() : List.copyOf(feedbackIds);
    }

    public static Provenance none() {
        return new Provenance(List.of(), List.of());
    }

    public static Provenance ofTraces(String... traceIds) {
        return new Provenance(List.of(traceIds), List.of());
    }

    /** This provenance followed by the other's ids it lacks (order of first appearance). */
    public Provenance merge(Provenance other) {
        return new Provenance(union(traceIds, other.traceIds), union(feedbackIds, other.feedbackIds));
    }

    private static List<String> union(List<String> a, List<String> b) {
        Set<String> out = new LinkedHashSet<>(a);
        out.addAll(b);
        return List.copyOf(out);
    }
}
