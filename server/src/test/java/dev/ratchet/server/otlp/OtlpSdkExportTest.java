package dev.ratchet.server.otlp;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ratchet.server.TestServer;
import dev.ratchet.server.TestServer.Response;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import io.opentelemetry.exporter.internal.otlp.traces.TraceRequestMarshaler;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.exporter.otlp.internal.HttpExporter;
import io.opentelemetry.exporter.otlp.internal.HttpExporterBuilder;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.common.internal.StandardComponentId;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The stock OpenTelemetry Java SDK exporting GenAI spans to a real Ratchet server, read back through the
 * REST API: the contract an agent team relies on when it sets only an endpoint and a header.
 */
class OtlpSdkExportTest {

    static final String KEY = TestServer.ADMIN_KEY;
    static final String INPUT_MESSAGES = """
            [{"role":"user","parts":[{"type":"text","content":"Why was my card declined?"}]}]""";
    static final String OUTPUT_MESSAGES = """
            [{"role":"assistant","parts":[{"type":"tool_call","id":"call_1","name":"get_card_status",
              "arguments":{"card":"1234"}}],"finish_reason":"tool_call"}]""";

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

    /**
     * What a GenAI-instrumented agent emits for one turn: an invoke_agent root, a chat call and a tool
     * call under it. Children end (and, with a simple processor, are exported) before the root.
     *
     * @return the trace id, in hex as the SDK shows it
     */
    private static String runAgentTurn(SpanExporter exporter, boolean batch) {
        Resource resource = Resource.getDefault().merge(Resource.create(Attributes.of(
                AttributeKey.stringKey("service.name"), "card-service",
                AttributeKey.stringKey("service.version"), "3.2.1")));
        RecordingExporter recording = new RecordingExporter(exporter);
        SdkTracerProvider provider = SdkTracerProvider.builder()
                .setResource(resource)
                .addSpanProcessor(batch ? BatchSpanProcessor.builder(recording).build() : SimpleSpanProcessor.create(recording))
                .build();
        try {
            Tracer tracer = provider.get("dev.ratchet.test.agent", "1.0");
            Span agent = tracer.spanBuilder("invoke_agent card-helper")
                    .setSpanKind(SpanKind.INTERNAL)
                    .setAttribute("gen_ai.operation.name", "invoke_agent")
                    .setAttribute("gen_ai.agent.name", "card-helper")
                    .setAttribute("gen_ai.agent.version", "v7")
                    .setAttribute("gen_ai.conversation.id", "conv-88")
                    .setAttribute("user.id", "u-5")
                    .setAttribute("gen_ai.input.messages", INPUT_MESSAGES)
                    .startSpan();
            Scope scope = agent.makeCurrent(); // children started below get the agent span as parent
            try {
                Span chat = tracer.spanBuilder("chat gpt-4o")
                        .setSpanKind(SpanKind.CLIENT)
                        .setAttribute("gen_ai.operation.name", "chat")
                        .setAttribute("gen_ai.provider.name", "openai")
                        .setAttribute("gen_ai.request.model", "gpt-4o")
                        .setAttribute("gen_ai.response.model", "gpt-4o-2024-08-06")
                        .setAttribute("gen_ai.usage.input_tokens", 321L)
                        .setAttribute("gen_ai.usage.output_tokens", 17L)
                        .setAttribute("gen_ai.system_instructions", "You help with card problems.")
                        .setAttribute("gen_ai.input.messages", INPUT_MESSAGES)
                        .setAttribute("gen_ai.output.messages", OUTPUT_MESSAGES)
                        .startSpan();
                chat.end();
                Span tool = tracer.spanBuilder("execute_tool get_card_status")
                        .setSpanKind(SpanKind.INTERNAL)
                        .setAttribute("gen_ai.operation.name", "execute_tool")
                        .setAttribute("gen_ai.tool.name", "get_card_status")
                        .setAttribute("gen_ai.tool.call.id", "call_1")
                        .setAttribute("gen_ai.tool.call.arguments", "{\"card\":\"1234\"}")
                        .setAttribute("gen_ai.tool.call.result", "{\"status\":\"blocked\",\"reason\":\"fraud check\"}")
                        .startSpan();
                tool.end();
            } finally {
                scope.close();
            }
            agent.setAttribute("gen_ai.output.messages", """
                    [{"role":"assistant","parts":[{"type":"text","content":"It is blocked by a fraud check."}]}]""");
            agent.setStatus(StatusCode.OK);
            agent.end();
            provider.forceFlush().join(30, TimeUnit.SECONDS);
            assertThat(recording.allSucceeded()).as("every export request the SDK made succeeded").isTrue();
            return agent.getSpanContext().getTraceId();
        } finally {
            provider.shutdown().join(30, TimeUnit.SECONDS);
        }
    }

    private static JsonNode spanNamed(JsonNode trace, String name) {
        return StreamSupport.stream(trace.path("spans").spliterator(), false)
                .filter(s -> s.path("name").asText().equals(name)).findFirst().orElseThrow();
    }

    private static void assertAgentTurnMapped(String traceId) {
        Response r = server.get("/api/v1/traces/" + traceId, KEY);
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        JsonNode t = r.json();
        assertThat(t.path("id").asText()).isEqualTo(traceId);
        assertThat(t.path("agent").asText()).isEqualTo("card-helper");
        assertThat(t.path("version").asText()).isEqualTo("v7");
        assertThat(t.path("sessionId").asText()).isEqualTo("conv-88");
        assertThat(t.path("userId").asText()).isEqualTo("u-5");
        assertThat(t.path("status").asText()).isEqualTo("ok");
        assertThat(t.path("input").get(0).path("parts").get(0).path("content").asText())
                .isEqualTo("Why was my card declined?");
        assertThat(t.path("output").get(0).path("parts").get(0).path("content").asText())
                .isEqualTo("It is blocked by a fraud check.");
        assertThat(t.path("metadata").path("resource").path("service.name").asText()).isEqualTo("card-service");
        assertThat(t.path("metadata").path("scope").path("name").asText()).isEqualTo("dev.ratchet.test.agent");
        assertThat(t.path("spans")).hasSize(3);

        JsonNode agent = spanNamed(t, "invoke_agent card-helper");
        assertThat(agent.path("kind").asText()).isEqualTo("agent");
        assertThat(agent.has("parentId")).isFalse();

        JsonNode chat = spanNamed(t, "chat gpt-4o");
        assertThat(chat.path("kind").asText()).isEqualTo("llm");
        assertThat(chat.path("parentId").asText()).isEqualTo(agent.path("id").asText());
        assertThat(chat.path("model").asText()).isEqualTo("gpt-4o-2024-08-06");
        assertThat(chat.path("usage").path("inputTokens").asLong()).isEqualTo(321);
        assertThat(chat.path("usage").path("outputTokens").asLong()).isEqualTo(17);
        assertThat(chat.path("input").get(0).path("role").asText()).isEqualTo("system");
        assertThat(chat.path("input").get(0).path("parts").get(0).path("content").asText())
                .isEqualTo("You help with card problems.");
        assertThat(chat.path("input").get(1).path("parts").get(0).path("content").asText())
                .isEqualTo("Why was my card declined?");
        assertThat(chat.path("output").get(0).path("parts").get(0).path("name").asText()).isEqualTo("get_card_status");
        assertThat(chat.path("attributes").path("gen_ai.provider.name").asText()).isEqualTo("openai");
        assertThat(chat.path("attributes").path("otel.span_kind").asText()).isEqualTo("client");

        JsonNode tool = spanNamed(t, "execute_tool get_card_status");
        assertThat(tool.path("kind").asText()).isEqualTo("tool");
        assertThat(tool.path("toolName").asText()).isEqualTo("get_card_status");
        assertThat(tool.path("toolCallId").asText()).isEqualTo("call_1");
        assertThat(tool.path("input").path("card").asText()).isEqualTo("1234");
        assertThat(tool.path("output").path("status").asText()).isEqualTo("blocked");
    }

    @Test
    void export_stockProtobufExporter_genAiSpansComeBackMapped() {
        OtlpHttpSpanExporter exporter = OtlpHttpSpanExporter.builder()
                .setEndpoint(server.url() + "/v1/traces")
                .addHeader("Authorization", "Bearer " + KEY)
                .build();

        String traceId = runAgentTurn(exporter, false);

        assertAgentTurnMapped(traceId);
    }

    @Test
    void export_stockExporterWithGzipAndBatching_genAiSpansComeBackMapped() {
        OtlpHttpSpanExporter exporter = OtlpHttpSpanExporter.builder()
                .setEndpoint(server.url() + "/v1/traces")
                .addHeader("Authorization", "Bearer " + KEY)
                .setCompression("gzip")
                .build();

        String traceId = runAgentTurn(exporter, true);

        assertAgentTurnMapped(traceId);
    }

    @Test
    void export_sdkJsonExporter_genAiSpansComeBackMapped() {
        String traceId = runAgentTurn(new SdkJsonSpanExporter(server.url() + "/v1/traces", KEY), false);

        assertAgentTurnMapped(traceId);
    }

    @Test
    void export_wrongKey_failsTheExportAndStoresNothing() {
        RecordingExporter exporter = new RecordingExporter(OtlpHttpSpanExporter.builder()
                .setEndpoint(server.url() + "/v1/traces")
                .addHeader("Authorization", "Bearer wrong-key-0123456789")
                .build());
        SdkTracerProvider provider = SdkTracerProvider.builder()
                .addSpanProcessor(SimpleSpanProcessor.create(exporter)).build();
        try {
            Span span = provider.get("t").spanBuilder("refused").startSpan();
            span.end();
            provider.forceFlush().join(30, TimeUnit.SECONDS);

            assertThat(exporter.allSucceeded()).isFalse();
            assertThat(server.get("/api/v1/traces/" + span.getSpanContext().getTraceId(), KEY).status()).isEqualTo(404);
        } finally {
            provider.shutdown().join(30, TimeUnit.SECONDS);
        }
    }

    /** Passes spans on and keeps each export's result, which the span processors do not report. */
    private static final class RecordingExporter implements SpanExporter {
        private final SpanExporter delegate;
        private final List<CompletableResultCode> results = new CopyOnWriteArrayList<>();

        RecordingExporter(SpanExporter delegate) {
            this.delegate = delegate;
        }

        /** Whether at least one export ran and every one finished successfully (waiting for each). */
        boolean allSucceeded() {
            return !results.isEmpty() && results.stream().allMatch(r -> r.join(30, TimeUnit.SECONDS).isSuccess());
        }

        @Override
        public CompletableResultCode export(Collection<SpanData> spans) {
            CompletableResultCode result = delegate.export(spans);
            results.add(result);
            return result;
        }

        @Override
        public CompletableResultCode flush() {
            return delegate.flush();
        }

        @Override
        public CompletableResultCode shutdown() {
            return delegate.shutdown();
        }
    }

    /**
     * The Java SDK's OTLP/HTTP JSON exporter. The SDK builds one (its JSON marshaler and HTTP sender,
     * the same that {@link OtlpHttpSpanExporter} uses for protobuf) but exposes it only through internal
     * classes, so this test wires them the way {@link OtlpHttpSpanExporter} does. If an SDK upgrade
     * moves these internals, this is the one place to adapt.
     */
    private static final class SdkJsonSpanExporter implements SpanExporter {
        private final HttpExporter delegate;

        SdkJsonSpanExporter(String endpoint, String key) {
            this.delegate = new HttpExporterBuilder(
                    StandardComponentId.ExporterType.OTLP_HTTP_JSON_SPAN_EXPORTER, endpoint)
                    .exportAsJson()
                    .addConstantHeaders("Authorization", "Bearer " + key)
                    .build();
        }

        @Override
        public CompletableResultCode export(Collection<SpanData> spans) {
            return delegate.export(TraceRequestMarshaler.create(spans), spans.size());
        }

        @Override
        public CompletableResultCode flush() {
            return CompletableResultCode.ofSuccess();
        }

        @Override
        public CompletableResultCode shutdown() {
            return delegate.shutdown();
        }
    }
}
