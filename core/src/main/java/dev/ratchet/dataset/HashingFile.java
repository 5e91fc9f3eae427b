package dev.ratchet.dataset;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A file written through a large buffer whose SHA-256, size and line count are known when it is closed, so the
 * manifest's checksums cost no second read. Not thread-safe.
 */
final class HashingFile implements AutoCloseable {

    private final OutputStream out;
    private final MessageDigest sha;
    private final byte[] buffer = new byte[256 * 1024];
    private int used;
    private long bytes;
    private long rows;
    private String hex;

    HashingFile(Path path) throws IOException {
        this.out = Files.newOutputStream(path);
        try {
            this.sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JVM", e);
        }
    }

    /** Writes {@code line} and a line feed, counting it as a row. */
    void line(byte[] line) throws IOException {
        write(line);
        write('\n');
        rows++;
    }

    /** Writes a header line that is not counted as a row. */
    void header(byte[] line) throws IOException {
        write(line);
        write('\n');
    }

    private void write(byte[] b) throws IOException {
        if (b.length > buffer.length - used) {
            flushBuffer();
            if (b.length > buffer.length) {
                sha.update(b);
                out.write(b);
                bytes += b.length;
                return;
            }
        }
        System.arraycopy(b, 0, buffer, used, b.length);
        used += b.length;
    }

    private void write(int b) throws IOException {
        if (used == buffer.length) {
            flushBuffer();
        }
        buffer[used++] = (byte) b;
    }

    private void flushBuffer() throws IOException {
        if (used > 0) {
            sha.update(buffer, 0, used);
            out.write(buffer, 0, used);
            bytes += used;
            used = 0;
        }
    }

    long rows() {
        return rows;
    }

    long bytes() {
        return bytes;
    }

    /** The SHA-256 of everything written, in hex; valid after {@link #close}. */
    String sha256() {
        return hex;
    }

    @Override
    public void close() throws IOException {
        if (hex != null) {
            return;
        }
        flushBuffer();
        out.close();
        hex = HexFormat.of().formatHex(sha.digest());
    }
}
