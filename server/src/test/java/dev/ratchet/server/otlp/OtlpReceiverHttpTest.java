package dev.ratchet.server.otlp;

import static dev.ratchet.server.otlp.OtlpRequests.CHILD_ID;
import static dev.ratchet.server.otlp.OtlpRequests.ROOT_ID;
import static dev.ratchet.server.otlp.OtlpRequests.attr;
import static dev.ratchet.server.otlp.OtlpRequests.id;
import static dev.ratchet.server.otlp.OtlpRequests.request;
import static dev.ratchet.server.otlp.OtlpRequests.span;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.ByteString;
import dev.ratchet.server.ServerConfig;
import dev.ratchet.server.TestServer;
import dev.ratchet.server.TestServer.Response;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code POST /v1/traces} over real HTTP: both encodings, gzip, partial success, and every refusal. */
class OtlpReceiverHttpTest {

    static final String KEY = TestServer.ADMIN_KEY;
    static final Map<String, String> PROTOBUF = Map.of("Content-Type", "application/x-protobuf");
    static final Map<String, String> JSON = Map.of("Content-Type", "application/json");
    private static final AtomicLong NEXT_TRACE = new AtomicLong(1);

    @TempDir
    static Path dir;
    static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start(dir);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    /** A fresh trace id per test, so tests sharing the server never see each other's spans. */
    private static String newTraceId() {
        return "%032x".formatted(0xabc0000L + NEXT_TRACE.getAndIncrement());
    }

    private static String otlpJson(String traceId, String spanId, String parentId, String name, String attributes) {
        return """
                {"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"json-svc"}}]},
                  "scopeSpans":[{"scope":{"name":"manual"},"spans":[
                    {"traceId":"%s","spanId":"%s","parentSpanId":"%s","name":"%s","kind":3,
                     "startTimeUnixNano":"1772359200000000000","endTimeUnixNano":"1772359200500000000",
                     "attributes":%s,"status":{"code":1},"someFutureField":{"x":1}}]}]}]}"""
                .formatted(traceId, spanId, parentId, name, attributes);
    }

    private static JsonNode storedTrace(String traceId) {
        Response r = server.get("/api/v1/traces/" + traceId, KEY);
        assertThat(r.status()).as("GET trace %s: %s", traceId, r).isEqualTo(200);
        return r.json();
    }

    private static ExportTraceServiceResponse protobufResponse(Response r) {
        try {
            return ExportTraceServiceResponse.parseFrom(r.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] gzip(byte[] data) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(data);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static ExportTraceServiceRequest onTrace(String traceId, ExportTraceServiceRequest request) {
        ExportTraceServiceRequest.Builder b = request.toBuilder();
        b.getResourceSpansBuilderList().forEach(rs -> rs.getScopeSpansBuilderList().forEach(ss ->
                ss.getSpansBuilderList().forEach(s -> {
                    if (s.getTraceId().size() == 16) {
                        s.setTraceId(id(traceId));
                    }
                })));
        return b.build();
    }

    @Test
    void post_otlpJsonWithHexIds_storesTraceAndAnswersJson() {
        String traceId = newTraceId();
        String body = otlpJson(traceId, "a1b2c3d4e5f60708", "", "chat gpt-4o", """
                [{"key":"gen_ai.operation.name","value":{"stringValue":"chat"}},
                 {"key":"gen_ai.request.model","value":{"stringValue":"gpt-4o"}},
                 {"key":"gen_ai.usage.input_tokens","value":{"intValue":"12"}},
                 {"key":"gen_ai.usage.output_tokens","value":{"intValue":5}}]""");

        Response r = server.post("/v1/traces", KEY, body.getBytes(StandardCharsets.UTF_8), JSON);

        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        assertThat(r.header("Content-Type")).startsWith("application/json");
        assertThat(r.json().has("partialSuccess")).isFalse();
        JsonNode t = storedTrace(traceId);
        assertThat(t.path("id").asText()).isEqualTo(traceId);
        assertThat(t.path("agent").asText()).isEqualTo("json-svc");
        assertThat(t.path("status").asText()).isEqualTo("ok");
        assertThat(t.path("startTime").asText()).isEqualTo("2026-03-01T10:00:00Z");
        assertThat(t.path("endTime").asText()).isEqualTo("2026-03-01T10:00:00.500Z");
        JsonNode span = t.path("spans").get(0);
        assertThat(span.path("id").asText()).isEqualTo("a1b2c3d4e5f60708");
        assertThat(span.has("parentId")).isFalse();
        assertThat(span.path("kind").asText()).isEqualTo("llm");
        assertThat(span.path("model").asText()).isEqualTo("gpt-4o");
        assertThat(span.path("usage").path("inputTokens").asLong()).isEqualTo(12);
        assertThat(span.path("usage").path("outputTokens").asLong()).isEqualTo(5);
        assertThat(span.path("attributes").path("otel.span_kind").asText()).isEqualTo("client");
    }

    @Test
    void post_protobuf_storesTraceAndAnswersProtobuf() {
        String traceId = newTraceId();
        ExportTraceServiceRequest request = onTrace(traceId, request(
                span(ROOT_ID, null, "invoke_agent desk", 0)
                        .addAttributes(attr("gen_ai.operation.name", "invoke_agent"))
                        .addAttributes(attr("gen_ai.agent.name", "desk")),
                span(CHILD_ID, ROOT_ID, "execute_tool get_card", 1)
                        .addAttributes(attr("gen_ai.operation.name", "execute_tool"))
                        .addAttributes(attr("gen_ai.tool.name", "get_card"))
                        .addAttributes(attr("gen_ai.tool.call.arguments", "{\"card\":\"1234\"}"))));

        Response r = server.post("/v1/traces", KEY, request.toByteArray(), PROTOBUF);

        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        assertThat(r.header("Content-Type")).isEqualTo("application/x-protobuf");
        assertThat(protobufResponse(r).hasPartialSuccess()).isFalse();
        JsonNode t = storedTrace(traceId);
        assertThat(t.path("agent").asText()).isEqualTo("desk");
        assertThat(t.path("spanCount").asInt()).isEqualTo(2);
        JsonNode tool = t.path("spans").get(1);
        assertThat(tool.path("parentId").asText()).isEqualTo(ROOT_ID);
        assertThat(tool.path("toolName").asText()).isEqualTo("get_card");
        assertThat(tool.path("input").path("card").asText()).isEqualTo("1234");
    }

    @Test
    void post_gzipBody_isDecompressed() {
        String traceId = newTraceId();
        byte[] body = gzip(onTrace(traceId, request(span(ROOT_ID, null, "zipped", 0))).toByteArray());

        Response r = server.post("/v1/traces", KEY, body,
                Map.of("Content-Type", "application/x-protobuf", "Content-Encoding", "gzip"));

        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        assertThat(storedTrace(traceId).path("spans").get(0).path("name").asText()).isEqualTo("zipped");
    }

    @Test
    void post_sameRequestTwice_storesItsSpansOnce() {
        String traceId = newTraceId();
        byte[] body = onTrace(traceId, request(span(ROOT_ID, null, "root", 0), span(CHILD_ID, ROOT_ID, "child", 1)))
                .toByteArray();

        assertThat(server.post("/v1/traces", KEY, body, PROTOBUF).status()).isEqualTo(200);
        assertThat(server.post("/v1/traces", KEY, body, PROTOBUF).status()).isEqualTo(200);

        assertThat(storedTrace(traceId).path("spans")).hasSize(2);
    }

    @Test
    void post_childAfterRoot_keepsWhatTheRootSaid() {
        String traceId = newTraceId();
        byte[] root = onTrace(traceId, request(span(ROOT_ID, null, "invoke_agent desk", 0)
                .addAttributes(attr("gen_ai.operation.name", "invoke_agent"))
                .addAttributes(attr("gen_ai.agent.name", "desk"))
                .addAttributes(attr("gen_ai.output.messages", "[{\"role\":\"assistant\",\"content\":\"done\"}]"))
                .setStatus(io.opentelemetry.proto.trace.v1.Status.newBuilder()
                        .setCode(io.opentelemetry.proto.trace.v1.Status.StatusCode.STATUS_CODE_OK))))
                .toByteArray();
        byte[] lateChild = onTrace(traceId, request(span(CHILD_ID, ROOT_ID, "chat", 100)
                .addAttributes(attr("gen_ai.operation.name", "chat"))
                .addAttributes(attr("gen_ai.agent.name", "some-other-name"))
                .addAttributes(attr("gen_ai.output.messages", "[{\"role\":\"assistant\",\"content\":\"partial\"}]"))))
                .toByteArray();

        assertThat(server.post("/v1/traces", KEY, root, PROTOBUF).status()).isEqualTo(200);
        assertThat(server.post("/v1/traces", KEY, lateChild, PROTOBUF).status()).isEqualTo(200);

        JsonNode t = storedTrace(traceId);
        assertThat(t.path("agent").asText()).isEqualTo("desk");
        assertThat(t.path("status").asText()).isEqualTo("ok");
        assertThat(t.path("output").get(0).path("content").asText()).isEqualTo("done");
        assertThat(t.path("spans")).hasSize(2);
        assertThat(t.path("endTime").asText()).as("the late child widens the trace")
                .isEqualTo(OtlpRequests.T0.plusMillis(110).toString());
    }

    @Test
    void post_invalidTraceId_reportsPartialSuccessAndStoresTheValidSpans() {
        String traceId = newTraceId();
        ExportTraceServiceRequest request = onTrace(traceId, request(
                span(ROOT_ID, null, "good root", 0),
                span(CHILD_ID, ROOT_ID, "no trace id", 1).setTraceId(ByteString.EMPTY),
                span("1111111111111111", ROOT_ID, "good child", 2)));

        Response r = server.post("/v1/traces", KEY, request.toByteArray(), PROTOBUF);

        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        ExportTraceServiceResponse response = protobufResponse(r);
        assertThat(response.getPartialSuccess().getRejectedSpans()).isEqualTo(1);
        assertThat(response.getPartialSuccess().getErrorMessage())
                .contains("no trace id").contains("trace_id must be 16 bytes");
        assertThat(storedTrace(traceId).path("spans")).extracting(s -> s.path("name").asText())
                .containsExactly("good root", "good child");
    }

    @Test
    void post_otlpJsonWithInvalidIds_reportsPartialSuccessInJson() {
        String traceId = newTraceId();
        String body = """
                {"resourceSpans":[{"scopeSpans":[{"spans":[
                  {"traceId":"%s","spanId":"0102030405060708","name":"ok","startTimeUnixNano":"1772359200000000000"},
                  {"traceId":"not-an-id!","spanId":"0102030405060709","name":"bad","startTimeUnixNano":"1772359200000000000"},
                  {"traceId":"%s","spanId":"","name":"no span id","startTimeUnixNano":"1772359200000000000"}]}]}]}"""
                .formatted(traceId, traceId);

        Response r = server.post("/v1/traces", KEY, body.getBytes(StandardCharsets.UTF_8), JSON);

        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        JsonNode partial = r.json().path("partialSuccess");
        assertThat(partial.path("rejectedSpans").asLong()).isEqualTo(2);
        assertThat(partial.path("errorMessage").asText()).contains("'bad'").contains("'no span id'");
        assertThat(storedTrace(traceId).path("spans")).hasSize(1);
    }

    @Test
    void post_emptyRequest_isSuccess() {
        Response r = server.post("/v1/traces", KEY, "{}".getBytes(StandardCharsets.UTF_8), JSON);

        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        assertThat(r.json().isEmpty()).isTrue();
    }

    @Test
    void post_garbageProtobuf_is400() throws java.io.IOException {
        Response r = server.post("/v1/traces", KEY, "this is not protobuf".getBytes(StandardCharsets.UTF_8), PROTOBUF);

        assertThat(r.status()).as(r.toString()).isEqualTo(400);
        // OTLP: the error body is a google.rpc.Status in the request's encoding (code 3 = INVALID_ARGUMENT).
        assertThat(r.header("Content-Type")).startsWith("application/x-protobuf");
        com.google.protobuf.CodedInputStream in = com.google.protobuf.CodedInputStream.newInstance(r.body());
        assertThat(in.readTag()).isEqualTo((1 << 3) | 0);
        assertThat(in.readInt32()).isEqualTo(3);
        assertThat(in.readTag()).isEqualTo((2 << 3) | 2);
        assertThat(in.readString()).contains("not a protobuf ExportTraceServiceRequest");
    }

    @Test
    void post_malformedJson_is400() {
        Response r = server.post("/v1/traces", KEY, "{\"resourceSpans\": [".getBytes(StandardCharsets.UTF_8), JSON);

        assertThat(r.status()).as(r.toString()).isEqualTo(400);
        assertThat(r.json().path("code").asInt()).isEqualTo(3);
        assertThat(r.json().path("message").asText()).contains("malformed JSON");
    }

    @Test
    void post_jsonOfTheWrongShape_is400() {
        Response r = server.post("/v1/traces", KEY, "{\"resourceSpans\": 7}".getBytes(StandardCharsets.UTF_8), JSON);

        assertThat(r.status()).as(r.toString()).isEqualTo(400);
        assertThat(r.json().path("message").asText()).contains("OTLP/JSON");
    }

    @Test
    void post_brokenGzip_is400() {
        Response r = server.post("/v1/traces", KEY, new byte[] {1, 2, 3, 4},
                Map.of("Content-Type", "application/x-protobuf", "Content-Encoding", "gzip"));

        assertThat(r.status()).as(r.toString()).isEqualTo(400);
    }

    @Test
    void post_unsupportedContentType_is415() {
        Response r = server.post("/v1/traces", KEY, "hello".getBytes(StandardCharsets.UTF_8),
                Map.of("Content-Type", "text/plain"));

        assertThat(r.status()).as(r.toString()).isEqualTo(415);
        assertThat(r.json().path("message").asText()).contains("application/x-protobuf").contains("application/json");
    }

    @Test
    void post_jsonWithCharsetParameter_isAccepted() {
        Response r = server.post("/v1/traces", KEY, "{}".getBytes(StandardCharsets.UTF_8),
                Map.of("Content-Type", "application/json; charset=utf-8"));

        assertThat(r.status()).as(r.toString()).isEqualTo(200);
    }

    @Test
    void post_missingOrUnknownKey_is401() {
        byte[] body = request(span(ROOT_ID, null, "root", 0)).toByteArray();

        Response missing = server.post("/v1/traces", null, body, PROTOBUF);
        Response unknown = server.post("/v1/traces", "not-a-real-key-0123456789", body, PROTOBUF);

        assertThat(missing.status()).isEqualTo(401);
        // A google.rpc.Status in protobuf: field 1 (code) = 16, UNAUTHENTICATED.
        assertThat(missing.header("Content-Type")).startsWith("application/x-protobuf");
        assertThat(missing.body()[0]).isEqualTo((byte) 0x08);
        assertThat(missing.body()[1]).isEqualTo((byte) 16);
        assertThat(missing.header("WWW-Authenticate")).isEqualTo("Bearer");
        assertThat(unknown.status()).isEqualTo(401);
    }

    @Test
    void post_overTheBodyLimit_is413(@TempDir Path smallDir) {
        try (TestServer small = TestServer.start(ServerConfig.defaults(smallDir).withPort(0)
                .withBootstrapKey(KEY).withLimits(1024, 64))) {
            String traceId = newTraceId();
            byte[] big = onTrace(traceId, request(span(ROOT_ID, null, "x".repeat(4000), 0))).toByteArray();

            Response plain = small.post("/v1/traces", KEY, big, PROTOBUF);
            Response zipped = small.post("/v1/traces", KEY, gzip(big),
                    Map.of("Content-Type", "application/x-protobuf", "Content-Encoding", "gzip"));

            assertThat(plain.status()).as(plain.toString()).isEqualTo(413);
            assertThat(zipped.status()).as("limit holds after decompression: %s", zipped).isEqualTo(413);
            assertThat(gzip(big).length).isLessThan(1024);
            assertThat(small.get("/api/v1/traces/" + traceId, KEY).status()).isEqualTo(404);
        }
    }

    @Test
    void post_ingestGateSaturated_is503WithRetryAfterAndStoresNothing(@TempDir Path busyDir) {
        try (TestServer busy = TestServer.start(ServerConfig.defaults(busyDir).withPort(0)
                .withBootstrapKey(KEY).withLimits(ServerConfig.DEFAULT_MAX_BODY_BYTES, 0))) {
            String traceId = newTraceId();
            byte[] body = onTrace(traceId, request(span(ROOT_ID, null, "root", 0))).toByteArray();

            Response r = busy.post("/v1/traces", KEY, body, PROTOBUF);

            assertThat(r.status()).as(r.toString()).isEqualTo(503);
            assertThat(r.header("Retry-After")).isEqualTo("1");
            assertThat(busy.get("/api/v1/traces/" + traceId, KEY).status()).isEqualTo(404);
        }
    }
}
