package dev.ratchet.server.otlp;

import com.google.protobuf.ByteString;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;

/** Builds OTLP export requests for tests, with fixed times (tests never depend on the clock). */
final class OtlpRequests {

    static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
    static final String ROOT_ID = "00f067aa0ba902b7";
    static final String CHILD_ID = "53995c3f42cd8ad8";
    static final Instant T0 = Instant.parse("2026-03-01T10:00:00.123456789Z");
    static final long T0_NANOS = T0.getEpochSecond() * 1_000_000_000L + T0.getNano();

    private OtlpRequests() {
    }

    static ByteString id(String hex) {
        return ByteString.copyFrom(HexFormat.of().parseHex(hex));
    }

    static KeyValue attr(String key, String value) {
        return KeyValue.newBuilder().setKey(key).setValue(AnyValue.newBuilder().setStringValue(value)).build();
    }

    static KeyValue attr(String key, long value) {
        return KeyValue.newBuilder().setKey(key).setValue(AnyValue.newBuilder().setIntValue(value)).build();
    }

    static KeyValue attr(String key, AnyValue value) {
        return KeyValue.newBuilder().setKey(key).setValue(value).build();
    }

    /** A span of {@link #TRACE_ID} that starts {@code startMillis} after {@link #T0} and lasts 10 ms. */
    static Span.Builder span(String spanId, String parentId, String name, long startMillis) {
        long start = T0_NANOS + startMillis * 1_000_000L;
        Span.Builder b = Span.newBuilder()
                .setTraceId(id(TRACE_ID))
                .setSpanId(id(spanId))
                .setName(name)
                .setKind(Span.SpanKind.SPAN_KIND_INTERNAL)
                .setStartTimeUnixNano(start)
                .setEndTimeUnixNano(start + 10_000_000L);
        if (parentId != null) {
            b.setParentSpanId(id(parentId));
        }
        return b;
    }

    static Status error(String message) {
        return Status.newBuilder().setCode(Status.StatusCode.STATUS_CODE_ERROR).setMessage(message).build();
    }

    /** One resource (with the given attributes) and one scope holding all the spans. */
    static ExportTraceServiceRequest request(List<KeyValue> resource, Span.Builder... spans) {
        ScopeSpans.Builder scope = ScopeSpans.newBuilder()
                .setScope(InstrumentationScope.newBuilder().setName("test.instrumentation").setVersion("0.9"));
        for (Span.Builder s : spans) {
            scope.addSpans(s);
        }
        return ExportTraceServiceRequest.newBuilder()
                .addResourceSpans(ResourceSpans.newBuilder()
                        .setResource(Resource.newBuilder().addAllAttributes(resource))
                        .addScopeSpans(scope))
                .build();
    }

    static ExportTraceServiceRequest request(Span.Builder... spans) {
        return request(List.of(attr("service.name", "support-service"), attr("service.version", "2.1.0")), spans);
    }
}
