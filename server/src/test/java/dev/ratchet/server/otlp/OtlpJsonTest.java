package dev.ratchet.server.otlp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ratchet.common.BadInputException;
import io.opentelemetry.proto.collector.trace.v1.ExportTracePartialSuccess;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class OtlpJsonTest {

    private static ExportTraceServiceRequest parse(String json) {
        return OtlpJson.parse(json.getBytes(StandardCharsets.UTF_8));
    }

    private static Span onlySpan(ExportTraceServiceRequest r) {
        return r.getResourceSpans(0).getScopeSpans(0).getSpans(0);
    }

    @Test
    void parse_hexIds_decodeToTheirBytesInSpansAndLinks() {
        Span span = onlySpan(parse("""
                {"resourceSpans":[{"scopeSpans":[{"spans":[{
                  "traceId":"4BF92F3577B34DA6A3CE929D0E0E4736","spanId":"00f067aa0ba902b7",
                  "parentSpanId":"53995c3f42cd8ad8","name":"s",
                  "links":[{"traceId":"0af7651916cd43dd8448eb211c80319c","spanId":"b7ad6b7169203331"}]}]}]}]}"""));

        assertThat(OtlpValues.hex(span.getTraceId())).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
        assertThat(OtlpValues.hex(span.getSpanId())).isEqualTo("00f067aa0ba902b7");
        assertThat(OtlpValues.hex(span.getParentSpanId())).isEqualTo("53995c3f42cd8ad8");
        assertThat(OtlpValues.hex(span.getLinks(0).getTraceId())).isEqualTo("0af7651916cd43dd8448eb211c80319c");
        assertThat(OtlpValues.hex(span.getLinks(0).getSpanId())).isEqualTo("b7ad6b7169203331");
    }

    @Test
    void parse_protoFieldNames_areAcceptedToo() {
        Span span = onlySpan(parse("""
                {"resource_spans":[{"scope_spans":[{"spans":[{
                  "trace_id":"4bf92f3577b34da6a3ce929d0e0e4736","span_id":"00f067aa0ba902b7","name":"s",
                  "start_time_unix_nano":1772359200000000000}]}]}]}"""));

        assertThat(OtlpValues.hex(span.getTraceId())).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
        assertThat(span.getStartTimeUnixNano()).isEqualTo(1772359200000000000L);
    }

    @Test
    void parse_enumIntsAndUnknownFields_areAccepted() {
        Span span = onlySpan(parse("""
                {"resourceSpans":[{"scopeSpans":[{"spans":[{
                  "traceId":"4bf92f3577b34da6a3ce929d0e0e4736","spanId":"00f067aa0ba902b7","name":"s",
                  "kind":2,"status":{"code":2,"message":"boom"},"notInTheSpec":[1,2,3]}],
                  "futureScopeField":true}]}],"futureTopLevel":{}}"""));

        assertThat(span.getKind()).isEqualTo(Span.SpanKind.SPAN_KIND_SERVER);
        assertThat(span.getStatus().getCode()).isEqualTo(Status.StatusCode.STATUS_CODE_ERROR);
        assertThat(span.getStatus().getMessage()).isEqualTo("boom");
    }

    @Test
    void parse_base64IdsFromOlderExporters_areStillAccepted() {
        Span span = onlySpan(parse("""
                {"resourceSpans":[{"scopeSpans":[{"spans":[{
                  "traceId":"S/kvNXezTaajzpKdDg5HNg==","spanId":"APBnqgupArc=","name":"s"}]}]}]}"""));

        assertThat(OtlpValues.hex(span.getTraceId())).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
        assertThat(OtlpValues.hex(span.getSpanId())).isEqualTo("00f067aa0ba902b7");
    }

    @Test
    void parse_idThatIsNeitherHexNorBase64_becomesEmptySoOnlyThatSpanIsRejected() {
        ExportTraceServiceRequest request = parse("""
                {"resourceSpans":[{"scopeSpans":[{"spans":[
                  {"traceId":"not an id!","spanId":"00f067aa0ba902b7","name":"bad","startTimeUnixNano":"1"},
                  {"traceId":"4bf92f3577b34da6a3ce929d0e0e4736","spanId":"00f067aa0ba902b7","name":"good",
                   "startTimeUnixNano":"1"}]}]}]}""");

        OtlpMapping mapping = OtlpTraceMapper.map(request);

        assertThat(mapping.rejectedSpans()).isEqualTo(1);
        assertThat(mapping.traces()).hasSize(1);
    }

    @Test
    void parse_malformedOrMisshapenJson_isBadInput() {
        assertThatThrownBy(() -> parse("{\"resourceSpans\":")).isInstanceOf(BadInputException.class);
        assertThatThrownBy(() -> parse("[1,2]")).isInstanceOf(BadInputException.class)
                .hasMessageContaining("must be a JSON object");
        assertThatThrownBy(() -> parse("{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[{\"startTimeUnixNano\":\"soon\"}]}]}]}"))
                .isInstanceOf(BadInputException.class).hasMessageContaining("OTLP/JSON");
    }

    @Test
    void print_partialSuccess_usesOtlpJsonFieldNames() {
        String json = OtlpJson.print(ExportTraceServiceResponse.newBuilder()
                .setPartialSuccess(ExportTracePartialSuccess.newBuilder().setRejectedSpans(2).setErrorMessage("bad ids"))
                .build());

        assertThat(json).isEqualTo("{\"partialSuccess\":{\"rejectedSpans\":\"2\",\"errorMessage\":\"bad ids\"}}");
        assertThat(OtlpJson.print(ExportTraceServiceResponse.getDefaultInstance())).isEqualTo("{}");
    }
}
