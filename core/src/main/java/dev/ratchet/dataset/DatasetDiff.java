package dev.ratchet.dataset;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ratchet.common.Json;
import dev.ratchet.common.NotFoundException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * How version {@code b} differs from version {@code a}: the spec fields that changed, the traces added, removed or
 * moved between splits (from the versions' {@code sources.csv}), and the change in examples per category.
 *
 * @param specChanges dot paths of the spec fields whose values differ, sorted
 * @param added       traces in b and not in a (their count, and the first {@value #LISTED} ids in order)
 * @param categories  per category, examples in a and in b
 */
public record DatasetDiff(String a, String b, List<String> specChanges, long examplesA, long examplesB,
        Change added, Change removed, Change moved, Map<String, long[]> categories) {

    static final int LISTED = 100;

    /** A count and the first ids. */
    public record Change(long count, List<String> traceIds) {
    }

    /** The diff of two versions of the project. @throws NotFoundException unless both are the project's */
    public static DatasetDiff of(DatasetStore store, DatasetPipeline pipeline, String project, String a, String b) {
        Manifest ma = store.manifest(project, a).orElseThrow(() -> new NotFoundException("dataset version", a));
        Manifest mb = store.manifest(project, b).orElseThrow(() -> new NotFoundException("dataset version", b));
        Map<String, String> sa = sources(pipeline.file(project, a, DatasetPipeline.SOURCES));
        Map<String, String> sb = sources(pipeline.file(project, b, DatasetPipeline.SOURCES));
        List<String> added = new ArrayList<>();
        List<String> moved = new ArrayList<>();
        long addedCount = 0;
        long movedCount = 0;
        for (Map.Entry<String, String> e : sb.entrySet()) {
            String before = sa.get(e.getKey());
            if (before == null) {
                if (addedCount++ < LISTED) {
                    added.add(e.getKey());
                }
            } else if (!before.equals(e.getValue())) {
                if (movedCount++ < LISTED) {
                    moved.add(e.getKey());
                }
            }
        }
        List<String> removed = new ArrayList<>();
        long removedCount = 0;
        for (String trace : sa.keySet()) {
            if (!sb.containsKey(trace) && removedCount++ < LISTED) {
                removed.add(trace);
            }
        }
        Map<String, long[]> categories = new TreeMap<>();
        ma.categories().forEach((c, splits) -> categories.computeIfAbsent(c, k -> new long[2])[0] =
                splits.values().stream().mapToLong(Long::longValue).sum());
        mb.categories().forEach((c, splits) -> categories.computeIfAbsent(c, k -> new long[2])[1] =
                splits.values().stream().mapToLong(Long::longValue).sum());
        List<String> changes = new ArrayList<>(new TreeSet<>(changes("", Json.MAPPER.valueToTree(ma.spec()),
                Json.MAPPER.valueToTree(mb.spec()))));
        return new DatasetDiff(a, b, changes, ma.sourceTraces(), mb.sourceTraces(), new Change(addedCount, added),
                new Change(removedCount, removed), new Change(movedCount, moved), categories);
    }

    /** Trace id to split, in file order (trace order). */
    private static Map<String, String> sources(Path file) {
        Map<String, String> out = new java.util.LinkedHashMap<>();
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            r.readLine();
            for (String line; (line = r.readLine()) != null; ) {
                List<String> fields = csv(line);
                out.put(fields.get(0), fields.get(1));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
        return out;
    }

    private static List<String> csv(String line) {
        List<String> out = new ArrayList<>(3);
        StringBuilder f = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quoted) {
                if (c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
                    f.append('"');
                    i++;
                } else if (c == '"') {
                    quoted = false;
                } else {
                    f.append(c);
                }
            } else if (c == '"') {
                quoted = true;
            } else if (c == ',') {
                out.add(f.toString());
                f.setLength(0);
            } else {
                f.append(c);
            }
        }
        out.add(f.toString());
        return out;
    }

    private static List<String> changes(String at, JsonNode a, JsonNode b) {
        List<String> out = new ArrayList<>();
        if (a != null && b != null && a.isObject() && b.isObject()) {
            Map<String, Boolean> names = new HashMap<>();
            for (Iterator<String> it = a.fieldNames(); it.hasNext(); ) {
                names.put(it.next(), true);
            }
            for (Iterator<String> it = b.fieldNames(); it.hasNext(); ) {
                names.put(it.next(), true);
            }
            for (String n : names.keySet()) {
                out.addAll(changes(at.isEmpty() ? n : at + "." + n, a.get(n), b.get(n)));
            }
            return out;
        }
        if (a == null ? b != null : !a.equals(b)) {
            out.add(at);
        }
        return out;
    }
}
