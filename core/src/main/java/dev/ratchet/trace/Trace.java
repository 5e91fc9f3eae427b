package dev.ratchet.trace;

import dev.ratchet.common.JsonText;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;

/**
 * One interaction of an agent, with the steps it took. The id is the client's when it gave one (so
 * feedback sent later can name it) and stable forever after. {@code instructions} is whatever the agent
 * ran under (a system prompt, a rule set, a version of intent descriptions), kept so a replay knows
 * what the agent was told. {@code spans} is null in list results, which carry no span trees.
 *
 * @param latencyMs  as reported, or else end minus start
 * @param spanCount  number of spans stored for the trace (read side only)
 * @param outcome    the trace's outcome status as derived from its feedback ({@code success}, {@code failure},
 *                   {@code disputed}, {@code unknown}); null when it has no feedback, and on the write side
 * @param score      the outcome's score, -1 to +1; null when it has no feedback, and on the write side
 */
public record Trace(
        String id,
        String agent,
        String version,
        String sessionId,
        String userId,
        Instant startTime,
        Instant endTime,
        JsonText input,
        JsonText instructions,
        JsonText output,
        Status status,
        String error,
        String model,
        Usage usage,
        BigDecimal cost,
        Long latencyMs,
        List<String> tags,
        JsonText metadata,
        Integer spanCount,
        String outcome,
        Double score,
        List<Span> spans) {

    /** The same trace with another span list (used when spans are attached or stripped). */
    public Trace withSpans(List<Span> newSpans) {
        return new Trace(id, agent, version, sessionId, userId, startTime, endTime, input, instructions, output,
                status, error, model, usage, cost, latencyMs, tags, metadata, spanCount, outcome, score,
                newSpans);
    }
}
