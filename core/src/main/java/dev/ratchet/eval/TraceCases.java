package dev.ratchet.eval;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ratchet.common.JsonText;
import dev.ratchet.common.NotFoundException;
import dev.ratchet.feedback.Feedback;
import dev.ratchet.feedback.FeedbackKind;
import dev.ratchet.feedback.FeedbackStore;
import dev.ratchet.trace.Span;
import dev.ratchet.trace.SpanKind;
import dev.ratchet.trace.Status;
import dev.ratchet.trace.Trace;
import dev.ratchet.trace.TraceStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Turns a captured trace into a replayable case (a failure becomes a test):
 * <ul>
 *   <li>input: the trace's input;</li>
 *   <li>fixtures: one per tool, retrieval and llm span, in start order, keyed as {@link CallKey} says (a tool span by
 *       its tool name and arguments, a retrieval by its query, an llm span by its model and messages), with the
 *       span's output as the result, or its error when it failed;</li>
 *   <li>context: the outputs of its retrieval spans as documents, and {@code metadata.memorySnapshotId} of the trace
 *       when it carries one;</li>
 *   <li>expected output: the latest {@code correction} in its feedback (the corrected output, e.g.
 *       {@code {"text": "..."}}), else the trace's own output.</li>
 * </ul>
 * Thread-safe.
 */
public final class TraceCases {

    private final TraceStore traces;
    private final FeedbackStore feedback;

    public TraceCases(TraceStore traces, FeedbackStore feedback) {
        this.traces = Objects.requireNonNull(traces, "traces");
        this.feedback = Objects.requireNonNull(feedback, "feedback");
    }

    /**
     * The case of a stored trace, to add to a suite.
     *
     * @param expectations scorers (JSON) the case is to be judged by
     * @throws NotFoundException if the trace does not exist in the project
     */
    public CaseSpec fromTrace(String project, String traceId, List<JsonText> expectations, List<String> tags) {
        Trace t = traces.get(project, traceId).orElseThrow(() -> new NotFoundException("trace", traceId));
        JsonText expected = t.output();
        for (Feedback f : feedback.forTrace(project, traceId)) {
            if (f.kind() == FeedbackKind.CORRECTION && f.spanId() == null && f.value() != null) {
                expected = f.value(); // oldest first: the last correction wins
            }
        }
        List<Fixture> fixtures = new ArrayList<>();
        List<JsonText> documents = new ArrayList<>();
        for (Span s : t.spans() == null ? List.<Span>of() : t.spans()) {
            CallKind kind = kind(s.kind());
            if (kind == null) {
                continue;
            }
            String name = switch (kind) {
                case TOOL -> s.toolName() != null ? s.toolName() : s.name();
                case LLM -> s.model() != null ? s.model() : s.name();
                case RETRIEVAL -> null;
            };
            String error = s.status() == Status.ERROR ? Objects.requireNonNullElse(s.error(), "failed") : null;
            fixtures.add(new Fixture(kind, name, s.input(), error == null ? s.output() : null, error, s.cost()));
            if (kind == CallKind.RETRIEVAL && s.output() != null) {
                documents.add(s.output());
            }
        }
        String snapshot = null;
        if (t.metadata() != null) {
            JsonNode m = t.metadata().path("memorySnapshotId");
            snapshot = m.isTextual() ? m.textValue() : null;
        }
        return new CaseSpec(t.input(), new CaseContext(snapshot, documents), expected, fixtures, expectations, tags, t.id());
    }

    private static CallKind kind(SpanKind k) {
        return switch (k) {
            case TOOL -> CallKind.TOOL;
            case RETRIEVAL -> CallKind.RETRIEVAL;
            case LLM -> CallKind.LLM;
            default -> null;
        };
    }
}
