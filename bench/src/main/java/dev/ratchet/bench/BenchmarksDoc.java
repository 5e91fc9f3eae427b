package dev.ratchet.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code docs/benchmarks.md}: an intro, then one {@code ## } section per benchmark. Each benchmark
 * replaces only its own section, so results of different benchmarks (and text written by hand in other
 * sections) survive each other's runs.
 */
final class BenchmarksDoc {

    static final String TITLE = "# Benchmarks";

    static final String INTRO = TITLE + "\n\n"
            + "Each benchmark runs from the `bench` module and reports its result as a ratio against a baseline "
            + "measured in the same run on the same machine, so the ratio means more than the absolute figures; "
            + "each section describes the machine it ran on, how it measured, and the exact command that "
            + "reproduces it (build with `./mvnw -q -B -pl bench -am package -DskipTests`, then run "
            + "`java -jar bench/target/ratchet-bench.jar <benchmark>` with JDK 21 or newer from the repository "
            + "root; `--help` lists the options). A run rewrites its own section and leaves the others alone.\n";

    private BenchmarksDoc() {
    }

    /**
     * Writes {@code section} (starting with its {@code ## } heading line) into the file, replacing the
     * section with the same heading if there is one and appending it otherwise. Creates the file, with
     * the intro, if it does not exist. The file is replaced atomically where the file system allows.
     */
    static void write(Path file, String section) throws IOException {
        String existing = Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
        String updated = upsert(existing, section);
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, ".benchmarks", ".md.tmp");
        try {
            Files.writeString(tmp, updated, StandardCharsets.UTF_8);
            try {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** The document with {@code section} put in place; pure, for tests. */
    static String upsert(String document, String section) {
        String heading = section.lines().findFirst().orElseThrow().strip();
        if (!heading.startsWith("## ")) {
            throw new IllegalArgumentException("a section starts with a '## ' heading: " + heading);
        }
        String body = section.endsWith("\n") ? section : section + "\n";
        String doc = document.isBlank() ? INTRO : document;
        if (!doc.startsWith(TITLE)) {
            doc = INTRO + "\n" + doc;
        }
        List<String> lines = new ArrayList<>(doc.lines().toList());
        int start = -1;
        int end = lines.size();
        boolean fenced = false;
        for (int i = 0; i < lines.size(); i++) {
            String l = lines.get(i);
            if (l.startsWith("```")) {
                fenced = !fenced;
                continue;
            }
            if (fenced || !l.startsWith("## ")) {
                continue;
            }
            if (start < 0 && l.strip().equals(heading)) {
                start = i;
            } else if (start >= 0) {
                end = i;
                break;
            }
        }
        StringBuilder out = new StringBuilder();
        if (start < 0) {
            out.append(String.join("\n", lines).stripTrailing()).append("\n\n").append(body);
        } else {
            List<String> before = lines.subList(0, start);
            List<String> after = lines.subList(end, lines.size());
            out.append(String.join("\n", before).stripTrailing()).append("\n\n").append(body);
            if (!after.isEmpty()) {
                out.append('\n').append(String.join("\n", after).stripTrailing()).append('\n');
            }
        }
        return out.toString();
    }
}
