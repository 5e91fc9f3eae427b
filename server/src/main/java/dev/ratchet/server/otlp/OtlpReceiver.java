package dev.ratchet.server.otlp;

import com.google.protobuf.InvalidProtocolBufferException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.ratchet.common.BadInputException;
import dev.ratchet.common.FieldError;
import dev.ratchet.feedback.Feedback;
import dev.ratchet.feedback.FeedbackJson;
import dev.ratchet.feedback.FeedbackStore;
import dev.ratchet.server.AfterIngest;
import dev.ratchet.server.http.Auth;
import dev.ratchet.server.http.Bodies;
import dev.ratchet.server.http.HttpError;
import dev.ratchet.server.http.IngestGate;
import dev.ratchet.trace.TraceStore;
import io.javalin.http.Context;
import io.opentelemetry.proto.collector.trace.v1.ExportTracePartialSuccess;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
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
    private final FeedbackStore feedback;
    private final AfterIngest after;
    private final IngestGate gate;
    private final long maxBodyBytes;
    private final Clock clock;

    public OtlpReceiver(TraceStore traces, FeedbackStore feedback, AfterIngest after, IngestGate gate, long maxBodyBytes,
            Clock clock) {
        this.traces = traces;
        this.feedback = feedback;
        this.after = after;
        this.gate = gate;
        this.maxBodyBytes = maxBodyBytes;
        this.clock = clock;
    }

    public void handle(Context ctx) {
        String project = Auth.principal(ctx).projectId();
        boolean json = isJson(ctx.contentType());
        // Reading and decoding hold a permit too: they are what uses memory under load.
        Received received = gate.run(() -> {
            byte[] body = Bodies.read(ctx, maxBodyBytes);
            ExportTraceServiceRequest request = json ? OtlpJson.parse(body) : parseProtobuf(body);
            OtlpMapping mapped = OtlpTraceMapper.map(request);
            if (!mapped.traces().isEmpty()) {
                traces.ingest(project, mapped.traces());
            }
            return new Received(mapped, recordFeedback(project, request));
        });
        OtlpMapping mapping = received.mapping();
        after.traces(project, mapping.traces());
        if (received.feedback() != null) {
            after.feedback(project, received.feedback().recorded());
        }
        ExportTraceServiceResponse.Builder response = ExportTraceServiceResponse.newBuilder();
        String refusedFeedback = received.feedback() == null ? null : received.feedback().refused();
        if (mapping.rejectedSpans() > 0 || refusedFeedback != null) {
            String message = mapping.rejectedSpans() > 0 ? mapping.errorMessage() : "";
            if (refusedFeedback != null) {
                message = (message.isEmpty() ? "" : message + "; ") + refusedFeedback;
            }
            response.setPartialSuccess(ExportTracePartialSuccess.newBuilder()
                    .setRejectedSpans(mapping.rejectedSpans())
                    .setErrorMessage(message));
        }
        ctx.status(200);
        if (json) {
            ctx.contentType(JSON).result(OtlpJson.print(response.build()));
        } else {
            ctx.contentType(PROTOBUF).result(response.build().toByteArray());
        }
    }

    /**
     * Records the feedback carried in the request's spans (see {@link OtlpFeedback}). Items that are not
     * valid feedback are left out and named in the answer's partial-success message; they never cost the
     * spans their place.
     */
    private FeedbackOutcome recordFeedback(String project, ExportTraceServiceRequest request) {
        JsonNode items = OtlpFeedback.extract(request).get("feedback");
        if (items.isEmpty()) {
            return null;
        }
        List<Feedback> valid = new ArrayList<>();
        List<String> refused = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            List<FieldError> errors = new ArrayList<>();
            Feedback f = FeedbackJson.parseItem(items.get(i), null, "", null, clock, errors);
            if (errors.isEmpty()) {
                valid.add(f);
            } else {
                FieldError first = errors.get(0);
                refused.add("feedback on span " + items.get(i).path("spanId").asText() + ": " + first.field() + " "
                        + first.reason());
            }
        }
        FeedbackStore.RecordResult recorded = valid.isEmpty()
                ? new FeedbackStore.RecordResult(List.of(), List.of(), List.of())
                : feedback.record(project, valid);
        return new FeedbackOutcome(recorded, refused.isEmpty() ? null
                : refused.size() + " feedback item(s) refused: " + String.join("; ", refused.subList(0, Math.min(5, refused.size()))));
    }

    private record FeedbackOutcome(FeedbackStore.RecordResult recorded, String refused) {
    }

    private record Received(OtlpMapping mapping, FeedbackOutcome feedback) {
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
