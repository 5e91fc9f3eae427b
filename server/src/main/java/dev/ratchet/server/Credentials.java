package dev.ratchet.server;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import java.util.Properties;

/**
 * {@code <data-dir>/credentials}: the bootstrap admin key, written once with mode 600 so that only its
 * owner can read it, and {@code <data-dir>/endpoint}: the URL of the server last started on the
 * directory. Together they let the CLI talk to a local server with no flags.
 */
public final class Credentials {

    public static final String CREDENTIALS_FILE = "credentials";
    public static final String ENDPOINT_FILE = "endpoint";

    private Credentials() {
    }

    public static void writeKey(Path dataDir, String project, String key) {
        Path file = dataDir.resolve(CREDENTIALS_FILE);
        try {
            Files.deleteIfExists(file);
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Properties p = new Properties();
            p.setProperty("project", project);
            p.setProperty("key", key);
            try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.TRUNCATE_EXISTING)) {
                p.store(w, "Ratchet bootstrap admin key; keep this file private");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    public static Optional<String> readKey(Path dataDir) {
        Path file = dataDir.resolve(CREDENTIALS_FILE);
        if (!Files.isReadable(file)) {
            return Optional.empty();
        }
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            Properties p = new Properties();
            p.load(r);
            return Optional.ofNullable(p.getProperty("key"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    public static void writeEndpoint(Path dataDir, String url) {
        try {
            Files.writeString(dataDir.resolve(ENDPOINT_FILE), url + "\n", StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write endpoint file in " + dataDir, e);
        }
    }

    public static Optional<String> readEndpoint(Path dataDir) {
        Path file = dataDir.resolve(ENDPOINT_FILE);
        try {
            return Files.isReadable(file) ? Optional.of(Files.readString(file, StandardCharsets.UTF_8).trim()) : Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }
}
