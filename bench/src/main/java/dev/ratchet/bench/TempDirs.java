package dev.ratchet.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** The temporary folders benchmarks measure in: made under a chosen parent, removed whole afterwards. */
final class TempDirs {

    private TempDirs() {
    }

    /** A new folder {@code prefix*} under {@code parent} (the system temp directory when null). */
    static Path create(Path parent, String prefix) throws IOException {
        Path p = parent != null ? parent : Path.of(System.getProperty("java.io.tmpdir"));
        Files.createDirectories(p);
        return Files.createTempDirectory(p.toAbsolutePath(), prefix);
    }

    /** Removes {@code root} and everything under it; a missing folder is fine. */
    static void deleteRecursively(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
