package dev.ratchet.server.otlp;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.ratchet.common.BadInputException;
import dev.ratchet.server.http.Auth;
import dev.ratchet.server.http.Bodies;
import dev.ratchet.server.http.HttpError;
import dev.ratchet.server.http.IngestGate;
import dev.ratchet.trace.TraceStore;
import io.javalin.http.Context;
import io.opentelemetry.proto.collector.trace.v1.ExportTracePartialSuccess;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import java.util.Locale;

/**
 * {@code POST /v1/traces}: the OTLP/HTTP trace endpoint (OTLP 1.x), so any OpenTelemetry SDK or
 * Collector exports to Ratchet with only an endpoint and a header. Accepts binary protobuf
 * ({@code application/x-protobuf}) and OTLP/JSON ({@code application/json}), gzip or not, and answers in
 * the encoding of the request.
 *
 * <p>Outcomes: 200 with an {@code ExportTraceServiceResponse} once the valid spans are durably stored;
 * its {@code partial_success} counts and explains the spans refused (the others are stored all the same,
 * as OTLP asks). 400 for a body that does not decode, 413 above the body limit (after decompression),
 * 415 for another content type, 503 with {@code Retry-After} while too much ingest is in flight; each
 * of these stores nothing. Idempotent: an exporter retrying a request stores the same spans once.
 */
public final class OtlpReceiver {

    static final String PROTOBUF = "application/x-protobuf";
    static final String JSON = "application/json";

    private final TraceStore traces;
    private final IngestGate gate;
    private final long maxBodyBytes;

    public OtlpReceiver(TraceStore traces, IngestGate gate, long maxBodyBytes) {
        this.traces = traces;
        this.gate = gate;
        this.maxBodyBytes = maxBodyBytes;
    }

    public void handle(Context ctx) {
        String project = Auth.principal(ctx).projectId();
        boolean json = isJson(ctx.contentType());
        // Reading and decoding hold a permit too: they are what uses memory under load.
        OtlpMapping mapping = gate.run(() -> {
            byte[] body = Bodies.read(ctx, maxBodyBytes);
            ExportTraceServiceRequest request = json ? OtlpJson.parse(body) : parseProtobuf(body);
            OtlpMapping mapped = OtlpTraceMapper.map(request);
            if (!mapped.traces().isEmpty()) {
                traces.ingest(project, mapped.traces());
            }
            return mapped;
        });
        ExportTraceServiceResponse.Builder response = ExportTraceServiceResponse.newBuilder();
        if (mapping.rejectedSpans() > 0) {
            response.setPartialSuccess(ExportTracePartialSuccess.newBuilder()
                    .setRejectedSpans(mapping.rejectedSpans())
                    .setErrorMessage(mapping.errorMessage()));
        }
        ctx.status(200);
        if (json) {
            ctx.contentType(JSON).result(OtlpJson.print(response.build()));
        } else {
            ctx.contentType(PROTOBUF).result(response.build().toByteArray());
        }
    }

    /** Whether the body is OTLP/JSON (true) or protobuf (false); 415 for anything else. */
    private static boolean isJson(String contentType) {
        String mediaType = contentType == null ? "" : contentType.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
        return switch (mediaType) {
            case JSON -> true;
            case PROTOBUF, "application/protobuf" -> false;
            default -> throw new HttpError(415, "unsupported_media_type", "Content-Type '"
                    + (contentType == null ? "" : contentType) + "' is not supported on /v1/traces; send "
                    + PROTOBUF + " or " + JSON);
        };
    }

    private static ExportTraceServiceRequest parseProtobuf(byte[] body) {
        try {
            return ExportTraceServiceRequest.parseFrom(body);
        } catch (InvalidProtocolBufferException e) {
            throw new BadInputException("$", "not a protobuf ExportTraceServiceRequest: " + e.getMessage());
        }
    }
}
