package dev.ratchet.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ratchet.common.BadInputException;
import dev.ratchet.common.FieldError;
import dev.ratchet.common.NotFoundException;
import dev.ratchet.feedback.Feedback;
import dev.ratchet.feedback.FeedbackJson;
import dev.ratchet.feedback.FeedbackStore;
import dev.ratchet.server.AfterIngest;
import dev.ratchet.trace.IngestResult;
import dev.ratchet.trace.Status;
import dev.ratchet.trace.Trace;
import dev.ratchet.trace.TraceJson;
import dev.ratchet.trace.TraceQuery;
import dev.ratchet.trace.TraceStore;
import io.javalin.http.Context;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** {@code POST /api/v1/traces}, {@code GET /api/v1/traces}, {@code GET /api/v1/traces/{id}}. */
public final class TraceRoutes {

    private static final Set<String> LIST_PARAMS = Set.of("agent", "version", "sessionId", "userId", "status",
            "from", "to", "q", "outcome", "sort", "limit", "cursor");

    private final TraceStore traces;
    private final FeedbackStore feedback;
    private final AfterIngest after;
    private final IngestGate gate;
    private final long maxBodyBytes;
    private final Clock clock;

    public TraceRoutes(TraceStore traces, FeedbackStore feedback, AfterIngest after, IngestGate gate, long maxBodyBytes,
            Clock clock) {
        this.traces = traces;
        this.feedback = feedback;
        this.after = after;
        this.gate = gate;
        this.maxBodyBytes = maxBodyBytes;
        this.clock = clock;
    }

    /**
     * Stores a batch of traces and, when the body also has a {@code feedback} array, that feedback, which
     * may name the batch's own traces. Everything is validated before anything is stored.
     */
    public void ingest(Context ctx) {
        String project = Auth.principal(ctx).projectId();
        // Reading and parsing hold a permit too: they are what uses memory under load.
        Ingested done = gate.run(() -> {
            JsonNode root = TraceJson.readEnvelope(Bodies.read(ctx, maxBodyBytes));
            List<FieldError> errors = new ArrayList<>();
            List<Trace> batch = List.of();
            try {
                batch = TraceJson.parseBatch(root, clock);
            } catch (BadInputException e) {
                errors.addAll(e.errors());
            }
            List<Feedback> signals = root.isObject()
                    ? FeedbackJson.parseItems(root.get("feedback"), null, "feedback", null, clock, errors)
                    : List.of();
            if (errors.isEmpty()) {
                checkReferences(project, batch, signals, errors);
            }
            if (!errors.isEmpty()) {
                throw new BadInputException(errors);
            }
            IngestResult stored = traces.ingest(project, batch);
            FeedbackStore.RecordResult recorded = signals.isEmpty() ? null : feedback.record(project, signals);
            return new Ingested(batch, stored, recorded);
        });
        after.traces(project, done.batch());
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("accepted", done.stored().traceIds().size());
        body.put("spans", done.stored().spans());
        body.put("ids", done.stored().traceIds());
        if (done.recorded() != null) {
            after.feedback(project, done.recorded());
            body.put("feedback", Map.of("stored", done.recorded().stored(), "duplicates", done.recorded().duplicates()));
        }
        ctx.json(body);
    }

    /**
     * Feedback sent with traces may name a trace of the batch or one stored before, and a span of it.
     * Checked before anything is stored, so that a wrong reference cannot leave the traces stored and
     * the feedback refused.
     */
    private void checkReferences(String project, List<Trace> batch, List<Feedback> signals, List<FieldError> errors) {
        Map<String, Trace> byId = new HashMap<>();
        batch.forEach(t -> byId.put(t.id(), t));
        for (int j = 0; j < signals.size(); j++) {
            Feedback f = signals.get(j);
            Trace t = byId.computeIfAbsent(f.traceId(), id -> traces.get(project, id).orElse(null));
            if (t == null) {
                errors.add(FieldError.of("feedback[" + j + "].traceId",
                        "unknown trace '" + f.traceId() + "': not in this batch nor stored before"));
            } else if (f.spanId() != null && !hasSpan(t, f.spanId()) && !storedHasSpan(project, t.id(), f.spanId())) {
                errors.add(FieldError.of("feedback[" + j + "].spanId", "unknown span '" + f.spanId() + "' of trace '"
                        + f.traceId() + "'"));
            }
        }
    }

    private static boolean hasSpan(Trace t, String spanId) {
        return t.spans() != null && t.spans().stream().anyMatch(s -> s.id().equals(spanId));
    }

    private boolean storedHasSpan(String project, String traceId, String spanId) {
        return traces.get(project, traceId).map(t -> hasSpan(t, spanId)).orElse(false);
    }

    private record Ingested(List<Trace> batch, IngestResult stored, FeedbackStore.RecordResult recorded) {
    }

    public void get(Context ctx) {
        String project = Auth.principal(ctx).projectId();
        String id = ctx.pathParam("id");
        Trace trace = traces.get(project, id).orElseThrow(() -> new NotFoundException("trace", id));
        ctx.json(trace);
    }

    public void list(Context ctx) {
        String project = Auth.principal(ctx).projectId();
        for (String param : ctx.queryParamMap().keySet()) {
            if (!LIST_PARAMS.contains(param)) {
                throw new BadInputException(param, "unknown query parameter; known: " + String.join(", ", LIST_PARAMS));
            }
        }
        String statusText = ctx.queryParam("status");
        Status status = null;
        if (statusText != null) {
            status = Status.parse(statusText)
                    .orElseThrow(() -> new BadInputException("status", "must be one of unset, ok, error"));
        }
        TraceQuery query = new TraceQuery(
                ctx.queryParam("agent"),
                ctx.queryParam("version"),
                ctx.queryParam("sessionId"),
                ctx.queryParam("userId"),
                status,
                instantParam(ctx, "from"),
                instantParam(ctx, "to"),
                ctx.queryParam("q"),
                ctx.queryParam("outcome"),
                TraceQuery.Sort.fromWire(ctx.queryParam("sort")),
                intParam(ctx, "limit", TraceQuery.DEFAULT_LIMIT),
                ctx.queryParam("cursor"));
        ctx.json(traces.list(project, query));
    }

    private static Instant instantParam(Context ctx, String name) {
        String v = ctx.queryParam(name);
        if (v == null) {
            return null;
        }
        try {
            return Instant.parse(v);
        } catch (DateTimeParseException e) {
            throw new BadInputException(name, "not an ISO-8601 instant (e.g. 2026-11-21T10:00:00Z)");
        }
    }

    static int intParam(Context ctx, String name, int fallback) {
        String v = ctx.queryParam(name);
        if (v == null) {
            return fallback;
        }
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new BadInputException(name, "must be an integer");
        }
    }
}
