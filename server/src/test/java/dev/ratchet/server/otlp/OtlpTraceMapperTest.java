package dev.ratchet.server.otlp;

import static dev.ratchet.server.otlp.OtlpRequests.CHILD_ID;
import static dev.ratchet.server.otlp.OtlpRequests.ROOT_ID;
import static dev.ratchet.server.otlp.OtlpRequests.T0;
import static dev.ratchet.server.otlp.OtlpRequests.TRACE_ID;
import static dev.ratchet.server.otlp.OtlpRequests.attr;
import static dev.ratchet.server.otlp.OtlpRequests.error;
import static dev.ratchet.server.otlp.OtlpRequests.id;
import static dev.ratchet.server.otlp.OtlpRequests.request;
import static dev.ratchet.server.otlp.OtlpRequests.span;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.ByteString;
import dev.ratchet.common.JsonText;
import dev.ratchet.common.Json;
import dev.ratchet.trace.Span;
import dev.ratchet.trace.SpanKind;
import dev.ratchet.trace.Status;
import dev.ratchet.trace.Trace;
import dev.ratchet.trace.Usage;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.ArrayValue;
import io.opentelemetry.proto.common.v1.KeyValueList;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class OtlpTraceMapperTest {

    private static final String INPUT_MESSAGES = """
            [{"role":"user","parts":[{"type":"text","content":"What is my balance?"}]}]""";
    private static final String OUTPUT_MESSAGES = """
            [{"role":"assistant","parts":[{"type":"text","content":"It is 42 EUR."}],"finish_reason":"stop"}]""";

    private static Trace only(OtlpMapping mapping) {
        assertThat(mapping.rejectedSpans()).isZero();
        assertThat(mapping.traces()).hasSize(1);
        return mapping.traces().getFirst();
    }

    private static Span spanNamed(Trace trace, String name) {
        return trace.spans().stream().filter(s -> s.name().equals(name)).findFirst().orElseThrow();
    }

    private static JsonNode json(String text) {
        return Json.readTree(text);
    }

    /** As it reads back from storage: numbers compare by value, not by node type. */
    private static JsonNode norm(JsonText text) {
        return norm(text == null ? null : text.node());
    }

    private static JsonNode norm(JsonNode node) {
        return node == null ? null : Json.readTree(Json.write(node));
    }

    @Test
    void map_otlpIds_becomeLowercaseHexTraceSpanAndParentIds() {
        Trace trace = only(OtlpTraceMapper.map(request(
                span(ROOT_ID, null, "root", 0),
                span(CHILD_ID, ROOT_ID, "child", 1))));

        assertThat(trace.id()).isEqualTo(TRACE_ID);
        assertThat(trace.spans()).extracting(Span::id).containsExactly(ROOT_ID, CHILD_ID);
        assertThat(spanNamed(trace, "root").parentId()).isNull();
        assertThat(spanNamed(trace, "child").parentId()).isEqualTo(ROOT_ID);
    }

    @Test
    void map_allZeroParentId_meansRoot() {
        Trace trace = only(OtlpTraceMapper.map(request(
                span(ROOT_ID, null, "root", 0).setParentSpanId(ByteString.copyFrom(new byte[8])))));

        assertThat(trace.spans().getFirst().parentId()).isNull();
    }

    @Test
    void map_spansOfTwoTraces_giveOneTraceEach() {
        String other = "0af7651916cd43dd8448eb211c80319c";
        OtlpMapping mapping = OtlpTraceMapper.map(request(
                span(ROOT_ID, null, "a", 0),
                span("1111111111111111", null, "b", 0).setTraceId(id(other)),
                span(CHILD_ID, ROOT_ID, "a-child", 1)));

        assertThat(mapping.traces()).extracting(Trace::id).containsExactly(TRACE_ID, other);
        assertThat(mapping.traces().get(0).spans()).extracting(Span::name).containsExactly("a", "a-child");
        assertThat(mapping.traces().get(1).spans()).extracting(Span::name).containsExactly("b");
    }

    @Test
    void map_nanosecondTimes_areKeptAndTraceSpansEarliestStartToLatestEnd() {
        Trace trace = only(OtlpTraceMapper.map(request(
                span(ROOT_ID, null, "root", 5),
                span(CHILD_ID, ROOT_ID, "child", 0).setEndTimeUnixNano(OtlpRequests.T0_NANOS + 99_000_000L))));

        Span child = spanNamed(trace, "child");
        assertThat(child.startTime()).isEqualTo(T0);
        assertThat(child.startTime().getNano()).isEqualTo(123_456_789);
        assertThat(trace.startTime()).isEqualTo(T0);
        assertThat(trace.endTime()).isEqualTo(T0.plus(Duration.ofMillis(99)));
    }

    @Test
    void map_unendedSpan_hasNoEndTime() {
        Trace trace = only(OtlpTraceMapper.map(request(span(ROOT_ID, null, "root", 0).setEndTimeUnixNano(0))));

        assertThat(trace.spans().getFirst().endTime()).isNull();
        assertThat(trace.endTime()).isNull();
    }

    @Test
    void map_genAiChatSpan_mapsModelTokensAndMessages() {
        Trace trace = only(OtlpTraceMapper.map(request(
                span(ROOT_ID, null, "invoke_agent support", 0).addAttributes(attr("gen_ai.operation.name", "invoke_agent")),
                span(CHILD_ID, ROOT_ID, "chat gpt-4o", 1)
                        .addAttributes(attr("gen_ai.operation.name", "chat"))
                        .addAttributes(attr("gen_ai.request.model", "gpt-4o"))
                        .addAttributes(attr("gen_ai.response.model", "gpt-4o-2024-08-06"))
                        .addAttributes(attr("gen_ai.usage.input_tokens", 120))
                        .addAttributes(attr("gen_ai.usage.output_tokens", 14))
                        .addAttributes(attr("gen_ai.system_instructions",
                                "[{\"type\":\"text\",\"content\":\"You are a bank assistant.\"}]"))
                        .addAttributes(attr("gen_ai.input.messages", INPUT_MESSAGES))
                        .addAttributes(attr("gen_ai.output.messages", OUTPUT_MESSAGES)))));

        Span chat = spanNamed(trace, "chat gpt-4o");
        assertThat(chat.kind()).isEqualTo(SpanKind.LLM);
        assertThat(chat.model()).isEqualTo("gpt-4o-2024-08-06");
        assertThat(chat.usage()).isEqualTo(new Usage(120L, 14L));
        assertThat(norm(chat.input())).isEqualTo(json("""
                [{"role":"system","parts":[{"type":"text","content":"You are a bank assistant."}]},
                 {"role":"user","parts":[{"type":"text","content":"What is my balance?"}]}]"""));
        assertThat(norm(chat.output())).isEqualTo(json(OUTPUT_MESSAGES));
    }

    @Test
    void map_requestModelOnly_isTheModel() {
        Trace trace = only(OtlpTraceMapper.map(request(span(ROOT_ID, null, "chat", 0)
                .addAttributes(attr("gen_ai.operation.name", "chat"))
                .addAttributes(attr("gen_ai.request.model", "llama3")))));

        assertThat(trace.spans().getFirst().model()).isEqualTo("llama3");
    }

    @Test
    void map_genAiEventStyle_mapsMessagesFromEventsAndOlderTokenNames() {
        var chat = span(ROOT_ID, null, "chat", 0)
                .addAttributes(attr("gen_ai.system", "openai"))
                .addAttributes(attr("gen_ai.request.model", "gpt-4"))
                .addAttributes(attr("gen_ai.usage.prompt_tokens", 30))
                .addAttributes(attr("gen_ai.usage.completion_tokens", "7"))
                .addEvents(event("gen_ai.system.message", attr("gen_ai.system", "openai"),
                        attr("content", "Be brief.")))
                .addEvents(event("gen_ai.user.message", attr("body", "{\"content\":\"Hi\"}")))
                .addEvents(event("gen_ai.choice", attr("body",
                        "{\"index\":0,\"finish_reason\":\"stop\",\"message\":{\"content\":\"Hello!\"}}")));

        Span s = only(OtlpTraceMapper.map(request(chat))).spans().getFirst();

        assertThat(s.kind()).isEqualTo(SpanKind.LLM);
        assertThat(s.usage()).isEqualTo(new Usage(30L, 7L));
        assertThat(norm(s.input())).isEqualTo(json("""
                [{"role":"system","content":"Be brief."},{"role":"user","content":"Hi"}]"""));
        assertThat(norm(s.output())).isEqualTo(json("""
                [{"role":"assistant","content":"Hello!","finish_reason":"stop","index":0}]"""));
    }

    @Test
    void map_legacyPromptAttributes_mapsWholeAndIndexedForms() {
        var whole = span(ROOT_ID, null, "whole", 0)
                .addAttributes(attr("gen_ai.operation.name", "chat"))
                .addAttributes(attr("gen_ai.prompt", "[{\"role\":\"user\",\"content\":\"Hi\"}]"))
                .addAttributes(attr("gen_ai.completion", "Hello"));
        var indexed = span(CHILD_ID, ROOT_ID, "indexed", 1)
                .addAttributes(attr("gen_ai.operation.name", "chat"))
                .addAttributes(attr("gen_ai.prompt.0.role", "system"))
                .addAttributes(attr("gen_ai.prompt.0.content", "Be brief."))
                .addAttributes(attr("gen_ai.prompt.1.role", "user"))
                .addAttributes(attr("gen_ai.prompt.1.content", "Hi"))
                .addAttributes(attr("gen_ai.completion.0.role", "assistant"))
                .addAttributes(attr("gen_ai.completion.0.content", "Hello"));

        Trace trace = only(OtlpTraceMapper.map(request(whole, indexed)));

        assertThat(norm(spanNamed(trace, "whole").input())).isEqualTo(json("[{\"role\":\"user\",\"content\":\"Hi\"}]"));
        assertThat(norm(spanNamed(trace, "whole").output())).isEqualTo(json("\"Hello\""));
        assertThat(norm(spanNamed(trace, "indexed").input())).isEqualTo(json("""
                [{"role":"system","content":"Be brief."},{"role":"user","content":"Hi"}]"""));
        assertThat(norm(spanNamed(trace, "indexed").output())).isEqualTo(json("[{\"role\":\"assistant\",\"content\":\"Hello\"}]"));
    }

    @Test
    void map_executeToolSpan_mapsToolNameCallIdArgumentsAndResult() {
        Span tool = only(OtlpTraceMapper.map(request(span(ROOT_ID, null, "execute_tool get_balance", 0)
                .addAttributes(attr("gen_ai.operation.name", "execute_tool"))
                .addAttributes(attr("gen_ai.tool.name", "get_balance"))
                .addAttributes(attr("gen_ai.tool.call.id", "call_7"))
                .addAttributes(attr("gen_ai.tool.call.arguments", "{\"account\":\"A-1\"}"))
                .addAttributes(attr("gen_ai.tool.call.result", "42 EUR"))))).spans().getFirst();

        assertThat(tool.kind()).isEqualTo(SpanKind.TOOL);
        assertThat(tool.toolName()).isEqualTo("get_balance");
        assertThat(tool.toolCallId()).isEqualTo("call_7");
        assertThat(norm(tool.input())).isEqualTo(json("{\"account\":\"A-1\"}"));
        assertThat(norm(tool.output())).isEqualTo(json("\"42 EUR\""));
    }

    @Test
    void map_toolSpanWithoutToolName_usesSpanName() {
        Span tool = only(OtlpTraceMapper.map(request(span(ROOT_ID, null, "lookup", 0)
                .addAttributes(attr("gen_ai.operation.name", "execute_tool"))))).spans().getFirst();

        assertThat(tool.toolName()).isEqualTo("lookup");
    }

    @Test
    void map_openInferenceLlmSpan_mapsModelTokensAndMessages() {
        Span llm = only(OtlpTraceMapper.map(request(span(ROOT_ID, null, "ChatOpenAI", 0)
                .addAttributes(attr("openinference.span.kind", "LLM"))
                .addAttributes(attr("llm.model_name", "gpt-4o-mini"))
                .addAttributes(attr("llm.token_count.prompt", 11))
                .addAttributes(attr("llm.token_count.completion", 3))
                .addAttributes(attr("llm.input_messages.0.message.role", "system"))
                .addAttributes(attr("llm.input_messages.0.message.content", "Be brief."))
                .addAttributes(attr("llm.input_messages.1.message.role", "user"))
                .addAttributes(attr("llm.input_messages.1.message.content", "Hi"))
                .addAttributes(attr("llm.output_messages.0.message.role", "assistant"))
                .addAttributes(attr("llm.output_messages.0.message.content", "Hello"))
                .addAttributes(attr("input.value", "{\"messages\":[]}"))))).spans().getFirst();

        assertThat(llm.kind()).isEqualTo(SpanKind.LLM);
        assertThat(llm.model()).isEqualTo("gpt-4o-mini");
        assertThat(llm.usage()).isEqualTo(new Usage(11L, 3L));
        assertThat(norm(llm.input())).isEqualTo(json("""
                [{"role":"system","content":"Be brief."},{"role":"user","content":"Hi"}]"""));
        assertThat(norm(llm.output())).isEqualTo(json("[{\"role\":\"assistant\",\"content\":\"Hello\"}]"));
    }

    @Test
    void map_openInferenceToolAndRetriever_mapsToolCallAndDocuments() {
        Trace trace = only(OtlpTraceMapper.map(request(
                span(ROOT_ID, null, "agent", 0)
                        .addAttributes(attr("openinference.span.kind", "AGENT"))
                        .addAttributes(attr("input.value", "What is my balance?"))
                        .addAttributes(attr("output.value", "42 EUR"))
                        .addAttributes(attr("session.id", "s-9"))
                        .addAttributes(attr("user.id", "u-3")),
                span(CHILD_ID, ROOT_ID, "get_balance", 1)
                        .addAttributes(attr("openinference.span.kind", "TOOL"))
                        .addAttributes(attr("tool.name", "get_balance"))
                        .addAttributes(attr("tool_call.id", "call_1"))
                        .addAttributes(attr("tool.parameters", "{\"account\":\"A-1\"}"))
                        .addAttributes(attr("output.value", "{\"balance\":42}")),
                span("2222222222222222", ROOT_ID, "search", 2)
                        .addAttributes(attr("openinference.span.kind", "RETRIEVER"))
                        .addAttributes(attr("input.value", "balance policy"))
                        .addAttributes(attr("retrieval.documents.0.document.id", "doc-1"))
                        .addAttributes(attr("retrieval.documents.0.document.content", "Balances update nightly."))
                        .addAttributes(attr("retrieval.documents.1.document.id", "doc-2")))));

        Span tool = spanNamed(trace, "get_balance");
        assertThat(tool.kind()).isEqualTo(SpanKind.TOOL);
        assertThat(tool.toolName()).isEqualTo("get_balance");
        assertThat(tool.toolCallId()).isEqualTo("call_1");
        assertThat(norm(tool.input())).isEqualTo(json("{\"account\":\"A-1\"}"));
        assertThat(norm(tool.output())).isEqualTo(json("{\"balance\":42}"));
        Span search = spanNamed(trace, "search");
        assertThat(search.kind()).isEqualTo(SpanKind.RETRIEVAL);
        assertThat(norm(search.input())).isEqualTo(json("\"balance policy\""));
        assertThat(norm(search.output())).isEqualTo(json("""
                [{"id":"doc-1","content":"Balances update nightly."},{"id":"doc-2"}]"""));
        assertThat(norm(trace.input())).isEqualTo(json("\"What is my balance?\""));
        assertThat(norm(trace.output())).isEqualTo(json("\"42 EUR\""));
        assertThat(trace.sessionId()).isEqualTo("s-9");
        assertThat(trace.userId()).isEqualTo("u-3");
    }

    @ParameterizedTest(name = "{0}={1} -> {2}")
    @CsvSource({
            "gen_ai.operation.name, invoke_agent, AGENT",
            "gen_ai.operation.name, create_agent, AGENT",
            "gen_ai.operation.name, chat, LLM",
            "gen_ai.operation.name, text_completion, LLM",
            "gen_ai.operation.name, generate_content, LLM",
            "gen_ai.operation.name, embeddings, LLM",
            "gen_ai.operation.name, execute_tool, TOOL",
            "gen_ai.operation.name, something_new, OTHER",
            "openinference.span.kind, LLM, LLM",
            "openinference.span.kind, EMBEDDING, LLM",
            "openinference.span.kind, TOOL, TOOL",
            "openinference.span.kind, RETRIEVER, RETRIEVAL",
            "openinference.span.kind, RERANKER, RETRIEVAL",
            "openinference.span.kind, AGENT, AGENT",
            "openinference.span.kind, CHAIN, AGENT",
            "openinference.span.kind, GUARDRAIL, GUARDRAIL",
            "openinference.span.kind, EVALUATOR, OTHER",
            "gen_ai.system, openai, LLM",
            "http.method, GET, OTHER"})
    void map_kindAttribute_givesSpanKind(String key, String value, SpanKind expected) {
        Span s = only(OtlpTraceMapper.map(request(span(ROOT_ID, null, "s", 0).addAttributes(attr(key, value)))))
                .spans().getFirst();

        assertThat(s.kind()).isEqualTo(expected);
    }

    @Test
    void map_genAiOperation_winsOverOpenInferenceKind() {
        Span s = only(OtlpTraceMapper.map(request(span(ROOT_ID, null, "s", 0)
                .addAttributes(attr("gen_ai.operation.name", "execute_tool"))
                .addAttributes(attr("openinference.span.kind", "LLM"))))).spans().getFirst();

        assertThat(s.kind()).isEqualTo(SpanKind.TOOL);
    }

    @Test
    void map_invokeAgentRoot_setsTraceFieldsFromIt() {
        Trace trace = only(OtlpTraceMapper.map(request(
                span(ROOT_ID, null, "invoke_agent support-bot", 0)
                        .addAttributes(attr("gen_ai.operation.name", "invoke_agent"))
                        .addAttributes(attr("gen_ai.agent.name", "support-bot"))
                        .addAttributes(attr("gen_ai.agent.version", "7"))
                        .addAttributes(attr("gen_ai.conversation.id", "conv-1"))
                        .addAttributes(attr("enduser.id", "alice"))
                        .addAttributes(attr("gen_ai.request.model", "gpt-4o"))
                        .addAttributes(attr("gen_ai.usage.input_tokens", 500))
                        .addAttributes(attr("gen_ai.usage.output_tokens", 60))
                        .addAttributes(attr("gen_ai.system_instructions", "You are a bank assistant."))
                        .addAttributes(attr("gen_ai.input.messages", INPUT_MESSAGES))
                        .addAttributes(attr("gen_ai.output.messages", OUTPUT_MESSAGES))
                        .setStatus(io.opentelemetry.proto.trace.v1.Status.newBuilder()
                                .setCode(io.opentelemetry.proto.trace.v1.Status.StatusCode.STATUS_CODE_OK)),
                span(CHILD_ID, ROOT_ID, "chat", 1)
                        .addAttributes(attr("gen_ai.operation.name", "chat"))
                        .addAttributes(attr("gen_ai.response.model", "child-model"))
                        .setStatus(error("child failed")))));

        assertThat(trace.agent()).isEqualTo("support-bot");
        assertThat(trace.version()).isEqualTo("7");
        assertThat(trace.sessionId()).isEqualTo("conv-1");
        assertThat(trace.userId()).isEqualTo("alice");
        assertThat(trace.model()).isEqualTo("gpt-4o");
        assertThat(trace.usage()).isEqualTo(new Usage(500L, 60L));
        assertThat(norm(trace.instructions())).isEqualTo(json("\"You are a bank assistant.\""));
        assertThat(norm(trace.input().node().get(1))).isEqualTo(json(INPUT_MESSAGES).get(0));
        assertThat(norm(trace.output())).isEqualTo(json(OUTPUT_MESSAGES));
        assertThat(trace.status()).isEqualTo(Status.OK);
        assertThat(trace.error()).isNull();
        assertThat(norm(trace.metadata())).isEqualTo(json("""
                {"resource":{"service.name":"support-service","service.version":"2.1.0"},
                 "scope":{"name":"test.instrumentation","version":"0.9"}}"""));
    }

    @Test
    void map_rootWithoutAgentName_usesResourceServiceNameAndVersion() {
        Trace trace = only(OtlpTraceMapper.map(request(span(ROOT_ID, null, "GET /chat", 0))));

        assertThat(trace.agent()).isEqualTo("support-service");
        assertThat(trace.version()).isEqualTo("2.1.0");
    }

    @Test
    void map_sdkDefaultServiceName_isNotAnAgentName() {
        Trace trace = only(OtlpTraceMapper.map(request(
                List.of(attr("service.name", "unknown_service:java")), span(ROOT_ID, null, "root", 0))));

        assertThat(trace.agent()).isNull();
    }

    @Test
    void map_childSpansOnly_leaveTraceFieldsNullSoTheRootIsNotOverwritten() {
        Trace trace = only(OtlpTraceMapper.map(request(
                span(CHILD_ID, ROOT_ID, "chat", 1)
                        .addAttributes(attr("gen_ai.operation.name", "chat"))
                        .addAttributes(attr("gen_ai.agent.name", "not-the-agent"))
                        .addAttributes(attr("gen_ai.response.model", "gpt-4o"))
                        .addAttributes(attr("gen_ai.input.messages", INPUT_MESSAGES))
                        .addAttributes(attr("gen_ai.conversation.id", "conv-1"))
                        .setStatus(error("rate limited")))));

        assertThat(trace.agent()).isNull();
        assertThat(trace.version()).isNull();
        assertThat(trace.input()).isNull();
        assertThat(trace.output()).isNull();
        assertThat(trace.model()).isNull();
        assertThat(trace.usage()).isNull();
        assertThat(trace.metadata()).isNull();
        assertThat(trace.status()).isEqualTo(Status.UNSET);
        assertThat(trace.error()).isNull();
        assertThat(trace.sessionId()).as("the session holds for the whole trace").isEqualTo("conv-1");
        assertThat(trace.spans().getFirst().error()).isEqualTo("rate limited");
    }

    @Test
    void map_nestedAgentSpan_isASourceButTheRootComesFirst() {
        Trace withRoot = only(OtlpTraceMapper.map(request(
                span(ROOT_ID, null, "invoke_agent router", 0)
                        .addAttributes(attr("gen_ai.operation.name", "invoke_agent"))
                        .addAttributes(attr("gen_ai.agent.name", "router")),
                span(CHILD_ID, ROOT_ID, "invoke_agent billing", 1)
                        .addAttributes(attr("gen_ai.operation.name", "invoke_agent"))
                        .addAttributes(attr("gen_ai.agent.name", "billing")))));
        Trace subAgentOnly = only(OtlpTraceMapper.map(request(
                span(CHILD_ID, ROOT_ID, "invoke_agent billing", 1)
                        .addAttributes(attr("gen_ai.operation.name", "invoke_agent"))
                        .addAttributes(attr("gen_ai.agent.name", "billing")))));

        assertThat(withRoot.agent()).isEqualTo("router");
        assertThat(subAgentOnly.agent()).isEqualTo("billing");
    }

    @Test
    void map_errorStatus_usesStatusMessageElseExceptionEventElseErrorType() {
        Trace trace = only(OtlpTraceMapper.map(request(
                span(ROOT_ID, null, "described", 0).setStatus(error("upstream timeout")),
                span(CHILD_ID, ROOT_ID, "exception", 1).setStatus(error(""))
                        .addEvents(event("exception", attr("exception.type", "java.io.IOException"),
                                attr("exception.message", "connection reset"))),
                span("3333333333333333", ROOT_ID, "typed", 2).setStatus(error(""))
                        .addAttributes(attr("error.type", "429")))));

        assertThat(trace.status()).isEqualTo(Status.ERROR);
        assertThat(trace.error()).isEqualTo("upstream timeout");
        assertThat(spanNamed(trace, "exception").status()).isEqualTo(Status.ERROR);
        assertThat(spanNamed(trace, "exception").error()).isEqualTo("connection reset");
        assertThat(spanNamed(trace, "typed").error()).isEqualTo("429");
    }

    @Test
    void map_spanAttributes_keepEveryValueEventsLinksAndOtlpKind() {
        AnyValue array = AnyValue.newBuilder().setArrayValue(ArrayValue.newBuilder()
                .addValues(AnyValue.newBuilder().setIntValue(1))
                .addValues(AnyValue.newBuilder().setStringValue("two"))).build();
        AnyValue kvlist = AnyValue.newBuilder().setKvlistValue(KeyValueList.newBuilder()
                .addValues(attr("nested", AnyValue.newBuilder().setBoolValue(true).build()))).build();
        var s = span(ROOT_ID, null, "s", 0)
                .setKind(io.opentelemetry.proto.trace.v1.Span.SpanKind.SPAN_KIND_CLIENT)
                .addAttributes(attr("text", "hello"))
                .addAttributes(attr("count", 3))
                .addAttributes(attr("ratio", AnyValue.newBuilder().setDoubleValue(0.5).build()))
                .addAttributes(attr("nan", AnyValue.newBuilder().setDoubleValue(Double.NaN).build()))
                .addAttributes(attr("flag", AnyValue.newBuilder().setBoolValue(false).build()))
                .addAttributes(attr("bytes", AnyValue.newBuilder().setBytesValue(ByteString.copyFrom(new byte[] {1, 2, 3})).build()))
                .addAttributes(attr("list", array))
                .addAttributes(attr("map", kvlist))
                .addEvents(event("cache.miss", attr("key", "k1")))
                .addLinks(io.opentelemetry.proto.trace.v1.Span.Link.newBuilder()
                        .setTraceId(id("0af7651916cd43dd8448eb211c80319c"))
                        .setSpanId(id("b7ad6b7169203331"))
                        .addAttributes(attr("link.kind", "follows")));

        JsonNode attributes = only(OtlpTraceMapper.map(request(s))).spans().getFirst().attributes().node();

        assertThat(norm(attributes)).isEqualTo(json("""
                {"text":"hello","count":3,"ratio":0.5,"nan":"NaN","flag":false,"bytes":"AQID",
                 "list":[1,"two"],"map":{"nested":true},
                 "otel.span_kind":"client",
                 "otel.events":[{"name":"cache.miss","time":"2026-03-01T10:00:00.123456789Z","attributes":{"key":"k1"}}],
                 "otel.links":[{"traceId":"0af7651916cd43dd8448eb211c80319c","spanId":"b7ad6b7169203331",
                                "attributes":{"link.kind":"follows"}}],
                 "otel.scope":"test.instrumentation"}"""));
    }

    @Test
    void map_invalidIdsAndTimes_rejectThoseSpansAndKeepTheOthers() {
        OtlpMapping mapping = OtlpTraceMapper.map(request(
                span(ROOT_ID, null, "good", 0),
                span(CHILD_ID, ROOT_ID, "empty trace id", 0).setTraceId(ByteString.EMPTY),
                span(CHILD_ID, ROOT_ID, "zero trace id", 0).setTraceId(ByteString.copyFrom(new byte[16])),
                span(CHILD_ID, ROOT_ID, "short span id", 0).setSpanId(id("abcd")),
                span(CHILD_ID, ROOT_ID, "bad parent", 0).setParentSpanId(id("abcd")),
                span(CHILD_ID, CHILD_ID, "own parent", 0),
                span(CHILD_ID, ROOT_ID, "inverted", 0).setEndTimeUnixNano(OtlpRequests.T0_NANOS - 1),
                span(CHILD_ID, ROOT_ID, "no start", 0).setStartTimeUnixNano(0)));

        assertThat(mapping.traces()).hasSize(1);
        assertThat(mapping.traces().getFirst().spans()).extracting(Span::name).containsExactly("good");
        assertThat(mapping.rejectedSpans()).isEqualTo(7);
        assertThat(mapping.problems()).hasSize(7);
        assertThat(mapping.problems().get(0)).startsWith("span 'empty trace id'").contains("trace_id must be 16 bytes");
        assertThat(mapping.problems().get(1)).contains("trace_id must be 16 bytes");
        assertThat(mapping.problems().get(2)).contains("span_id must be 8 bytes");
        assertThat(mapping.problems().get(3)).contains("parent_span_id must be empty or 8 bytes");
        assertThat(mapping.problems().get(4)).contains("cannot be its own parent");
        assertThat(mapping.problems().get(5)).contains("end_time_unix_nano is before start_time_unix_nano");
        assertThat(mapping.problems().get(6)).contains("start_time_unix_nano must be set");
    }

    @Test
    void map_manyRejectedSpans_describesTheFirstTenAndCountsTheRest() {
        var spans = new io.opentelemetry.proto.trace.v1.Span.Builder[25];
        for (int i = 0; i < spans.length; i++) {
            spans[i] = span(ROOT_ID, null, "bad" + i, 0).setTraceId(ByteString.EMPTY);
        }

        OtlpMapping mapping = OtlpTraceMapper.map(request(spans));

        assertThat(mapping.traces()).isEmpty();
        assertThat(mapping.rejectedSpans()).isEqualTo(25);
        assertThat(mapping.problems()).hasSize(OtlpTraceMapper.MAX_PROBLEMS);
        assertThat(mapping.errorMessage()).endsWith("; and 15 more");
    }

    @Test
    void map_sameSpanTwiceInOneRequest_keepsTheLastOnce() {
        Trace trace = only(OtlpTraceMapper.map(request(
                span(ROOT_ID, null, "first", 0),
                span(ROOT_ID, null, "second", 0))));

        assertThat(trace.spans()).extracting(Span::name).containsExactly("second");
    }

    @Test
    void map_nulCharactersInTextFields_areDropped() {
        Span s = only(OtlpTraceMapper.map(request(span(ROOT_ID, null, "ch\0at", 0)
                .addAttributes(attr("gen_ai.operation.name", "chat"))
                .addAttributes(attr("gen_ai.request.model", "gpt\0-4o"))))).spans().getFirst();

        assertThat(s.name()).isEqualTo("chat");
        assertThat(s.model()).isEqualTo("gpt-4o");
    }

    @Test
    void map_emptyRequest_givesNothing() {
        OtlpMapping mapping = OtlpTraceMapper.map(io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest
                .getDefaultInstance());

        assertThat(mapping.traces()).isEmpty();
        assertThat(mapping.rejectedSpans()).isZero();
        assertThat(mapping.errorMessage()).isEmpty();
    }

    private static io.opentelemetry.proto.trace.v1.Span.Event event(String name,
            io.opentelemetry.proto.common.v1.KeyValue... attributes) {
        return io.opentelemetry.proto.trace.v1.Span.Event.newBuilder()
                .setName(name)
                .setTimeUnixNano(OtlpRequests.T0_NANOS)
                .addAllAttributes(List.of(attributes))
                .build();
    }
}
