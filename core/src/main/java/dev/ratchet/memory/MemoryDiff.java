package dev.ratchet.memory;

import java.util.List;

/** How snapshot B differs from snapshot A: item ids only in B, only in A, and in both with other content; each sorted. */
public record MemoryDiff(List<String> added, List<String> removed, List<String> changed) {

    public MemoryDiff {
        added = List.copyOf(added);
        removed = List.copyOf(removed);
        changed = List.copyOf(changed);
    }
}
