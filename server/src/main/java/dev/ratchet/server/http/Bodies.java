package dev.ratchet.server.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.ratchet.common.BadInputException;
import dev.ratchet.common.Json;
import io.javalin.http.Context;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Locale;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Reads request bodies within a size limit that holds after decompression, so a small gzip bomb cannot
 * exhaust memory. Supported encodings: identity and gzip.
 */
public final class Bodies {

    private static final long DRAIN_LIMIT = 64L * 1024 * 1024;

    private Bodies() {
    }

    /** The decoded body bytes; 413 if over {@code limit}, 415 for an unknown encoding, 400 for broken gzip. */
    public static byte[] read(Context ctx, long limit) {
        long declared = ctx.req().getContentLengthLong();
        String encoding = ctx.header("Content-Encoding");
        boolean gzip = false;
        if (encoding != null && !encoding.isBlank()) {
            String e = encoding.trim().toLowerCase(Locale.ROOT);
            if (e.equals("gzip") || e.equals("x-gzip")) {
                gzip = true;
            } else if (!e.equals("identity")) {
                throw new HttpError(415, "unsupported_encoding", "Content-Encoding '" + encoding + "' is not supported; use gzip or none");
            }
        }
        if (declared > limit) {
            drain(ctx);
            throw HttpError.tooLarge(limit);
        }
        try {
            InputStream raw = ctx.req().getInputStream();
            if (!gzip && declared >= 0) {
                return raw.readNBytes((int) declared); // the common case: one exact-size buffer, no copies
            }
            InputStream in = gzip ? new GZIPInputStream(raw, 64 * 1024) : raw;
            try {
                return readBounded(in, limit);
            } catch (HttpError e) {
                drain(ctx);
                throw e;
            }
        } catch (ZipException | java.io.EOFException e) {
            throw new BadInputException("$", "body is not valid gzip: " + e.getMessage());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Reads and drops what is left of a refused body (up to {@value #DRAIN_LIMIT} bytes), so that a client still
     * sending it receives the 413 instead of a connection reset mid-upload; past that the connection closes.
     */
    private static void drain(Context ctx) {
        try {
            InputStream in = ctx.req().getInputStream();
            byte[] buf = new byte[64 * 1024];
            long total = 0;
            int n;
            while (total < DRAIN_LIMIT && (n = in.read(buf)) != -1) {
                total += n;
            }
        } catch (IOException e) {
            // the client went away: nothing to answer
        }
    }

    private static byte[] readBounded(InputStream in, long limit) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(8192);
        byte[] buf = new byte[64 * 1024];
        long total = 0;
        int n;
        while ((n = in.read(buf)) != -1) {
            total += n;
            if (total > limit) {
                throw HttpError.tooLarge(limit);
            }
            out.write(buf, 0, n);
        }
        return out.toByteArray();
    }

    /** Parses JSON, turning malformed JSON or invalid UTF-8 into a 400 that says where. */
    public static JsonNode json(byte[] body) {
        if (body.length == 0) {
            throw new BadInputException("$", "request body is empty; expected JSON");
        }
        try {
            JsonNode node = Json.MAPPER.readTree(body);
            if (node == null || node.isMissingNode()) {
                throw new BadInputException("$", "request body is empty; expected JSON");
            }
            return node;
        } catch (JsonProcessingException e) {
            throw Json.malformed(e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
