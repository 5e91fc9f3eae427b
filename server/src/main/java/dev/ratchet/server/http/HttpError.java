package dev.ratchet.server.http;

import java.util.Map;

/** An HTTP-level refusal (401, 403, 413, 415, 503, ...) with its code, message and extra headers. */
public final class HttpError extends RuntimeException {

    private final int status;
    private final String code;
    private final Map<String, String> headers;

    public HttpError(int status, String code, String message) {
        this(status, code, message, Map.of());
    }

    public HttpError(int status, String code, String message, Map<String, String> headers) {
        super(message);
        this.status = status;
        this.code = code;
        this.headers = headers;
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }

    public Map<String, String> headers() {
        return headers;
    }

    public static HttpError unauthorized(String message) {
        return new HttpError(401, "unauthorized", message, Map.of("WWW-Authenticate", "Bearer"));
    }

    public static HttpError forbidden(String message) {
        return new HttpError(403, "forbidden", message);
    }

    public static HttpError tooLarge(long limit) {
        return new HttpError(413, "payload_too_large", "request body exceeds " + limit + " bytes (after decompression)");
    }

    public static HttpError overloaded() {
        return new HttpError(503, "overloaded", "too many ingest requests in flight; retry after the given delay",
                Map.of("Retry-After", "1"));
    }
}
