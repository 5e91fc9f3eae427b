package dev.ratchet.trace;

import dev.ratchet.common.JsonText;
import java.math.BigDecimal;
import java.time.Instant;

/**
 * One step of a trace. Spans form a tree through {@code parentId}; a parent may arrive in a later
 * batch than its children. For a tool span, {@code input} holds the arguments and {@code output} the
 * result; for an llm span, {@code input}/{@code output} hold the messages and {@code model}/{@code usage}
 * the model and its tokens.
 *
 * @param toolName    the tool invoked, for tool spans (defaults to {@code name})
 * @param toolCallId  the model's id for this tool call, when the model issued one
 */
public record Span(
        String id,
        String parentId,
        SpanKind kind,
        String name,
        JsonText input,
        JsonText output,
        JsonText attributes,
        Instant startTime,
        Instant endTime,
        Status status,
        String error,
        String model,
        Usage usage,
        BigDecimal cost,
        String toolName,
        String toolCallId) {
}
