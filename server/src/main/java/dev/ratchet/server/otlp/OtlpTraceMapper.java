package dev.ratchet.server.otlp;

import static dev.ratchet.server.otlp.OtlpValues.NODES;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.ByteString;
import dev.ratchet.common.JsonText;
import dev.ratchet.common.Times;
import dev.ratchet.trace.Span;
import dev.ratchet.trace.SpanKind;
import dev.ratchet.trace.Status;
import dev.ratchet.trace.Trace;
import dev.ratchet.trace.Usage;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * Maps an OTLP {@link ExportTraceServiceRequest} onto Ratchet's traces. Pure: no clock, no I/O, the same
 * request always gives the same result. This class is long because it is the one place that knows
 * the attribute names of the OpenTelemetry GenAI semantic conventions (current and older) and of
 * OpenInference; reading them in one place keeps the precedence between them visible.
 *
 * <h2>Ids and grouping</h2>
 * The trace id is the OTLP trace id in lowercase hex (32 characters), the span id the span id in hex
 * (16), the parent id the parent span id in hex, or null when empty or all zeros. Spans are grouped by
 * trace id into one {@link Trace} per id and request; a span sent again replaces the stored one.
 *
 * <h2>Rejected spans</h2>
 * A span is left out, and counted in {@link OtlpMapping#rejectedSpans()}, when its trace id is not 16
 * bytes or is all zeros, its span id is not 8 bytes or is all zeros, its parent span id is neither empty
 * nor 8 bytes (or equals its own id), its start time is missing, or it ends before it starts. The other
 * spans of the request are kept.
 *
 * <h2>Span kind</h2>
 * {@code gen_ai.operation.name}: {@code invoke_agent}, {@code create_agent} → agent; {@code chat},
 * {@code text_completion}, {@code generate_content}, {@code embeddings} → llm; {@code execute_tool} →
 * tool. Else {@code openinference.span.kind}: LLM, EMBEDDING → llm; TOOL → tool; RETRIEVER, RERANKER →
 * retrieval; AGENT, CHAIN → agent; GUARDRAIL → guardrail; EVALUATOR → other. Else, for spans from before
 * {@code gen_ai.operation.name} existed, {@code gen_ai.request.model} or {@code gen_ai.system} → llm.
 * Otherwise other.
 *
 * <h2>Span fields</h2>
 * <ul>
 *   <li>times: {@code start_time_unix_nano}, {@code end_time_unix_nano} (0 = not ended), to the
 *       nanosecond;</li>
 *   <li>status: OTLP ERROR → error, with the status message as the error text, else the
 *       {@code exception.message} of an {@code exception} event, else {@code error.type}; OK → ok;
 *       UNSET → unset;</li>
 *   <li>model: {@code gen_ai.response.model}, {@code gen_ai.request.model}, {@code llm.model_name};</li>
 *   <li>tokens: {@code gen_ai.usage.input_tokens} / {@code gen_ai.usage.output_tokens}, the older
 *       {@code gen_ai.usage.prompt_tokens} / {@code gen_ai.usage.completion_tokens}, OpenInference
 *       {@code llm.token_count.prompt} / {@code llm.token_count.completion};</li>
 *   <li>tool spans: tool name {@code gen_ai.tool.name}, {@code tool.name}, else the span name; call id
 *       {@code gen_ai.tool.call.id}, {@code tool_call.id}; input {@code gen_ai.tool.call.arguments},
 *       {@code tool.parameters}, {@code input.value}; output {@code gen_ai.tool.call.result},
 *       {@code output.value};</li>
 *   <li>other spans: input and output are the messages as {@link LlmMessages} finds them, else
 *       {@code input.value} / {@code output.value}; retrieval spans take their output from
 *       {@code retrieval.documents.{i}.document.*} first;</li>
 *   <li>a string attribute holding a JSON object or array is parsed wherever it becomes an input, an
 *       output or instructions; other text stays text;</li>
 *   <li>attributes: every original attribute (string, bool, int, double, array, kvlist as themselves;
 *       bytes as base64), plus {@code otel.span_kind} (internal, server, client, producer, consumer,
 *       unspecified), {@code otel.events} ([{name, time, attributes}]), {@code otel.links}
 *       ([{traceId, spanId, traceState, attributes}]), {@code otel.scope} (the instrumentation scope name)
 *       and {@code otel.trace_state}, the last four only when not empty.</li>
 * </ul>
 *
 * <h2>Trace fields, and why only some spans set them</h2>
 * The store merges a trace sent again field by field: a non-null value overwrites, null keeps what is
 * stored, status unset keeps the stored status. Exporters send the spans of one trace in several
 * requests, children usually first. So trace fields come only from the spans that speak for the whole
 * trace: the <em>sources</em>, which are root spans (no parent) and agent spans, roots first, then agent
 * spans by start time. A batch without a source leaves these fields null (status unset), and a child
 * span arriving after its root cannot overwrite what the root said.
 * <ul>
 *   <li>agent: {@code gen_ai.agent.name} of a source, else the resource {@code service.name} of a source
 *       (the SDK default {@code unknown_service...} does not count);</li>
 *   <li>version: {@code gen_ai.agent.version}, else the resource {@code service.version};</li>
 *   <li>input, output, model, usage: those of the first source that has them; instructions:
 *       {@code gen_ai.system_instructions} of a source;</li>
 *   <li>status and error: of the first source whose status is not unset;</li>
 *   <li>metadata: {@code {"resource": {resource attributes}, "scope": {"name", "version"}}} of the first
 *       source;</li>
 *   <li>session id ({@code gen_ai.conversation.id}, {@code session.id}) and user id ({@code user.id},
 *       {@code enduser.id}): from the sources, else from any span of the trace, as they hold for the
 *       whole trace wherever they appear;</li>
 *   <li>start and end: the earliest start and the latest end among the spans of the request (the store
 *       widens them across requests).</li>
 * </ul>
 */
public final class OtlpTraceMapper {

    /** How many rejected spans are described one by one; the rest are counted. */
    public static final int MAX_PROBLEMS = 10;

    private static final String UNKNOWN_SERVICE = "unknown_service";

    private OtlpTraceMapper() {
    }

    /** Maps a request; never throws for content, since a bad span is rejected rather than failing the rest. */
    public static OtlpMapping map(ExportTraceServiceRequest request) {
        Map<String, Map<String, Mapped>> byTrace = new LinkedHashMap<>();
        long rejected = 0;
        List<String> problems = new ArrayList<>();
        for (ResourceSpans rs : request.getResourceSpansList()) {
            ObjectNode resource = OtlpValues.object(rs.getResource().getAttributesList());
            for (ScopeSpans ss : rs.getScopeSpansList()) {
                for (io.opentelemetry.proto.trace.v1.Span s : ss.getSpansList()) {
                    String problem = problem(s);
                    if (problem != null) {
                        rejected++;
                        if (problems.size() < MAX_PROBLEMS) {
                            problems.add(describe(s) + ": " + problem);
                        }
                        continue;
                    }
                    Mapped m = span(s, resource, ss.getScope());
                    byTrace.computeIfAbsent(OtlpValues.hex(s.getTraceId()), k -> new LinkedHashMap<>())
                            .put(m.span().id(), m);
                }
            }
        }
        List<Trace> traces = new ArrayList<>(byTrace.size());
        byTrace.forEach((id, spans) -> traces.add(trace(id, List.copyOf(spans.values()))));
        return new OtlpMapping(traces, rejected, problems);
    }

    /** A span with what the trace-level mapping needs to read besides the span itself. */
    private record Mapped(Span span, AttributeView attributes, ObjectNode resource, InstrumentationScope scope) {
        boolean isSource() {
            return span.parentId() == null || span.kind() == SpanKind.AGENT;
        }
    }

    private static String problem(io.opentelemetry.proto.trace.v1.Span s) {
        if (!OtlpValues.isValidId(s.getTraceId(), OtlpValues.TRACE_ID_BYTES)) {
            return "trace_id must be 16 bytes (32 hex characters) and not all zero";
        }
        if (!OtlpValues.isValidId(s.getSpanId(), OtlpValues.SPAN_ID_BYTES)) {
            return "span_id must be 8 bytes (16 hex characters) and not all zero";
        }
        ByteString parent = s.getParentSpanId();
        if (!parent.isEmpty() && parent.size() != OtlpValues.SPAN_ID_BYTES) {
            return "parent_span_id must be empty or 8 bytes (16 hex characters)";
        }
        if (parent.equals(s.getSpanId())) {
            return "parent_span_id equals span_id; a span cannot be its own parent";
        }
        // fixed64 on the wire: above Long.MAX_VALUE (year 2262) reads as negative here.
        if (s.getStartTimeUnixNano() <= 0) {
            return "start_time_unix_nano must be set (nanoseconds since the Unix epoch)";
        }
        if (s.getEndTimeUnixNano() < 0) {
            return "end_time_unix_nano is out of range";
        }
        if (s.getEndTimeUnixNano() != 0 && s.getEndTimeUnixNano() < s.getStartTimeUnixNano()) {
            return "end_time_unix_nano is before start_time_unix_nano";
        }
        return null;
    }

    private static String describe(io.opentelemetry.proto.trace.v1.Span s) {
        String name = s.getName().length() > 100 ? s.getName().substring(0, 100) + "..." : s.getName();
        return "span '" + name + "' (trace_id '" + OtlpValues.hex(s.getTraceId()) + "', span_id '"
                + OtlpValues.hex(s.getSpanId()) + "')";
    }

    private static Mapped span(io.opentelemetry.proto.trace.v1.Span s, ObjectNode resource, InstrumentationScope scope) {
        ObjectNode attributes = OtlpValues.object(s.getAttributesList());
        AttributeView a = new AttributeView(attributes);
        List<EventView> events = s.getEventsList().stream()
                .map(e -> new EventView(e.getName(), Times.instant(e.getTimeUnixNano()),
                        new AttributeView(OtlpValues.object(e.getAttributesList()))))
                .toList();
        SpanKind kind = kind(a);
        Status status = switch (s.getStatus().getCode()) {
            case STATUS_CODE_ERROR -> Status.ERROR;
            case STATUS_CODE_OK -> Status.OK;
            default -> Status.UNSET;
        };
        String error = status == Status.ERROR ? error(s.getStatus().getMessage(), events, a) : null;

        JsonNode input;
        JsonNode output;
        String toolName = null;
        String toolCallId = null;
        if (kind == SpanKind.TOOL) {
            toolName = Objects.requireNonNullElse(a.string("gen_ai.tool.name", "tool.name"), name(s));
            toolCallId = a.string("gen_ai.tool.call.id", "tool_call.id");
            input = a.json("gen_ai.tool.call.arguments", "tool.parameters", "input.value");
            output = a.json("gen_ai.tool.call.result", "output.value");
        } else {
            input = LlmMessages.input(a, events);
            if (input == null) {
                input = a.json("input.value");
            }
            output = kind == SpanKind.RETRIEVAL ? a.indexed("retrieval.documents", "document") : null;
            if (output == null) {
                output = LlmMessages.output(a, events);
            }
            if (output == null) {
                output = a.json("output.value");
            }
        }
        Usage usage = Usage.of(
                a.count("gen_ai.usage.input_tokens", "gen_ai.usage.prompt_tokens", "llm.token_count.prompt"),
                a.count("gen_ai.usage.output_tokens", "gen_ai.usage.completion_tokens", "llm.token_count.completion"));
        String model = a.string("gen_ai.response.model", "gen_ai.request.model", "llm.model_name");

        ObjectNode stored = attributes.deepCopy();
        stored.put("otel.span_kind", spanKind(s.getKind()));
        if (!events.isEmpty()) {
            ArrayNode list = stored.putArray("otel.events");
            for (EventView e : events) {
                list.addObject().put("name", e.name()).put("time", e.time().toString())
                        .set("attributes", e.attributes().node());
            }
        }
        if (s.getLinksCount() > 0) {
            ArrayNode list = stored.putArray("otel.links");
            for (io.opentelemetry.proto.trace.v1.Span.Link l : s.getLinksList()) {
                ObjectNode link = list.addObject()
                        .put("traceId", OtlpValues.hex(l.getTraceId()))
                        .put("spanId", OtlpValues.hex(l.getSpanId()));
                if (!l.getTraceState().isEmpty()) {
                    link.put("traceState", l.getTraceState());
                }
                link.set("attributes", OtlpValues.object(l.getAttributesList()));
            }
        }
        if (!scope.getName().isEmpty()) {
            stored.put("otel.scope", scope.getName());
        }
        if (!s.getTraceState().isEmpty()) {
            stored.put("otel.trace_state", s.getTraceState());
        }

        ByteString parent = s.getParentSpanId();
        String parentId = OtlpValues.isValidId(parent, OtlpValues.SPAN_ID_BYTES) ? OtlpValues.hex(parent) : null;
        Span span = new Span(
                OtlpValues.hex(s.getSpanId()),
                parentId,
                kind,
                name(s),
                JsonText.of(input),
                JsonText.of(output),
                JsonText.of(stored),
                Times.instant(s.getStartTimeUnixNano()),
                s.getEndTimeUnixNano() == 0 ? null : Times.instant(s.getEndTimeUnixNano()),
                status,
                error,
                model,
                usage,
                null,
                toolName,
                toolCallId);
        return new Mapped(span, a, resource, scope);
    }

    /** The kind of step, from the GenAI operation name, else OpenInference's span kind. */
    static SpanKind kind(AttributeView a) {
        String operation = a.string("gen_ai.operation.name");
        if (operation != null) {
            switch (operation.toLowerCase(Locale.ROOT)) {
                case "invoke_agent", "create_agent" -> {
                    return SpanKind.AGENT;
                }
                case "chat", "text_completion", "generate_content", "embeddings" -> {
                    return SpanKind.LLM;
                }
                case "execute_tool" -> {
                    return SpanKind.TOOL;
                }
                default -> {
                    // an operation this mapping does not know; OpenInference may still say
                }
            }
        }
        String openInference = a.string("openinference.span.kind");
        if (openInference != null) {
            switch (openInference.toUpperCase(Locale.ROOT)) {
                case "LLM", "EMBEDDING" -> {
                    return SpanKind.LLM;
                }
                case "TOOL" -> {
                    return SpanKind.TOOL;
                }
                case "RETRIEVER", "RERANKER" -> {
                    return SpanKind.RETRIEVAL;
                }
                case "AGENT", "CHAIN" -> {
                    return SpanKind.AGENT;
                }
                case "GUARDRAIL" -> {
                    return SpanKind.GUARDRAIL;
                }
                default -> {
                    return SpanKind.OTHER;
                }
            }
        }
        if (operation == null && (a.has("gen_ai.request.model") || a.has("gen_ai.system"))) {
            return SpanKind.LLM;
        }
        return SpanKind.OTHER;
    }

    private static String error(String statusMessage, List<EventView> events, AttributeView a) {
        if (!statusMessage.isBlank()) {
            return OtlpValues.text(statusMessage);
        }
        for (EventView e : events) {
            if (e.name().equals("exception")) {
                String message = e.attributes().string("exception.message", "exception.type");
                if (message != null) {
                    return message;
                }
            }
        }
        return a.string("error.type");
    }

    private static String name(io.opentelemetry.proto.trace.v1.Span s) {
        String name = OtlpValues.text(s.getName());
        return name.isBlank() ? "unnamed" : name;
    }

    private static String spanKind(io.opentelemetry.proto.trace.v1.Span.SpanKind kind) {
        return switch (kind) {
            case SPAN_KIND_INTERNAL -> "internal";
            case SPAN_KIND_SERVER -> "server";
            case SPAN_KIND_CLIENT -> "client";
            case SPAN_KIND_PRODUCER -> "producer";
            case SPAN_KIND_CONSUMER -> "consumer";
            case SPAN_KIND_UNSPECIFIED, UNRECOGNIZED -> "unspecified";
        };
    }

    private static Trace trace(String id, List<Mapped> spans) {
        List<Mapped> sources = spans.stream()
                .filter(Mapped::isSource)
                .sorted(Comparator.comparing((Mapped m) -> m.span().parentId() != null)
                        .thenComparing(m -> m.span().startTime()))
                .toList();
        String agent = first(sources, m -> m.attributes().string("gen_ai.agent.name"));
        if (agent == null) {
            agent = first(sources, m -> service(m.resource(), "service.name"));
        }
        String version = first(sources, m -> m.attributes().string("gen_ai.agent.version"));
        if (version == null) {
            version = first(sources, m -> service(m.resource(), "service.version"));
        }
        String sessionId = first(sources, spans, m -> m.attributes().string("gen_ai.conversation.id", "session.id"));
        String userId = first(sources, spans, m -> m.attributes().string("user.id", "enduser.id"));
        Mapped statusSource = sources.stream().filter(m -> m.span().status() != Status.UNSET).findFirst().orElse(null);

        Instant start = spans.stream().map(m -> m.span().startTime()).min(Comparator.naturalOrder()).orElseThrow();
        Instant end = spans.stream().map(m -> m.span().endTime()).filter(Objects::nonNull)
                .max(Comparator.naturalOrder()).orElse(null);
        return new Trace(
                id,
                agent,
                version,
                sessionId,
                userId,
                start,
                end,
                first(sources, m -> m.span().input()),
                first(sources, m -> JsonText.of(m.attributes().json("gen_ai.system_instructions"))),
                first(sources, m -> m.span().output()),
                statusSource == null ? Status.UNSET : statusSource.span().status(),
                statusSource == null ? null : statusSource.span().error(),
                first(sources, m -> m.span().model()),
                first(sources, m -> m.span().usage()),
                null,
                null,
                null,
                sources.isEmpty() ? null : JsonText.of(metadata(sources.getFirst())),
                null, null, null,
                spans.stream().map(Mapped::span).toList());
    }

    private static String service(ObjectNode resource, String key) {
        String value = new AttributeView(resource).string(key);
        return value == null || value.startsWith(UNKNOWN_SERVICE) ? null : value;
    }

    private static ObjectNode metadata(Mapped source) {
        ObjectNode metadata = NODES.objectNode();
        metadata.set("resource", source.resource());
        InstrumentationScope scope = source.scope();
        if (!scope.getName().isEmpty()) {
            ObjectNode s = metadata.putObject("scope").put("name", scope.getName());
            if (!scope.getVersion().isEmpty()) {
                s.put("version", scope.getVersion());
            }
        }
        return metadata;
    }

    private static <T> T first(List<Mapped> spans, Function<Mapped, T> read) {
        for (Mapped m : spans) {
            T value = read.apply(m);
            if (value != null) {
                return value;
            }
        }
        return null;
    }

    private static <T> T first(List<Mapped> preferred, List<Mapped> rest, Function<Mapped, T> read) {
        T value = first(preferred, read);
        return value != null ? value : first(rest, read);
    }
}
