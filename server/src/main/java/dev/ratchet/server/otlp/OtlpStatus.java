package dev.ratchet.server.otlp;

import com.google.protobuf.CodedOutputStream;
import dev.ratchet.common.Json;
import io.javalin.http.Context;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Locale;
import java.util.Map;

/**
 * Error answers on the OTLP endpoint. OTLP/HTTP says the body of every 4xx and 5xx answer is a
 * {@code google.rpc.Status} in the request's encoding, so exporters can log the reason. The message has
 * two fields that matter here, {@code code} (1, a gRPC status code) and {@code message} (2), written
 * directly with protobuf's wire encoder rather than by pulling in the googleapis protos for one message.
 */
public final class OtlpStatus {

    /** The path errors are written this way on. */
    public static final String PATH = "/v1/traces";

    private OtlpStatus() {
    }

    /** Writes {@code message} as a Status with the gRPC code matching {@code httpStatus}. */
    public static void write(Context ctx, int httpStatus, String message, Map<String, String> headers) {
        headers.forEach(ctx::header);
        ctx.status(httpStatus);
        int code = grpcCode(httpStatus);
        if (isProtobuf(ctx.contentType())) {
            ctx.contentType(OtlpReceiver.PROTOBUF).result(encode(code, message));
        } else {
            ctx.contentType(OtlpReceiver.JSON).result(Json.write(Map.of("code", code, "message", message)));
        }
    }

    static byte[] encode(int code, String message) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            CodedOutputStream out = CodedOutputStream.newInstance(bytes);
            out.writeInt32(1, code);
            out.writeString(2, message);
            out.flush();
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The canonical gRPC code for an HTTP status, as gRPC's own HTTP mapping pairs them. */
    static int grpcCode(int httpStatus) {
        return switch (httpStatus) {
            case 400, 413, 415 -> 3;  // INVALID_ARGUMENT
            case 401 -> 16;           // UNAUTHENTICATED
            case 403 -> 7;            // PERMISSION_DENIED
            case 404 -> 5;            // NOT_FOUND
            case 429 -> 8;            // RESOURCE_EXHAUSTED
            case 503 -> 14;           // UNAVAILABLE
            default -> 13;            // INTERNAL
        };
    }

    private static boolean isProtobuf(String contentType) {
        String media = contentType == null ? "" : contentType.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
        return media.equals(OtlpReceiver.PROTOBUF) || media.equals("application/protobuf");
    }
}
