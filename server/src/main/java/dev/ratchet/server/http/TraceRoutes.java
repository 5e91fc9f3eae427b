package dev.ratchet.server.http;

import dev.ratchet.common.BadInputException;
import dev.ratchet.common.NotFoundException;
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
import java.util.List;
import java.util.Map;
import java.util.Set;

/** {@code POST /api/v1/traces}, {@code GET /api/v1/traces}, {@code GET /api/v1/traces/{id}}. */
public final class TraceRoutes {

    private static final Set<String> LIST_PARAMS = Set.of("agent", "version", "sessionId", "userId", "status",
            "from", "to", "q", "limit", "cursor");

    private final TraceStore traces;
    private final IngestGate gate;
    private final long maxBodyBytes;
    private final Clock clock;

    public TraceRoutes(TraceStore traces, IngestGate gate, long maxBodyBytes, Clock clock) {
        this.traces = traces;
        this.gate = gate;
        this.maxBodyBytes = maxBodyBytes;
        this.clock = clock;
    }

    public void ingest(Context ctx) {
        String project = Auth.principal(ctx).projectId();
        // Reading and parsing hold a permit too: they are what uses memory under load.
        IngestResult result = gate.run(() -> {
            List<Trace> batch = TraceJson.parseBatch(Bodies.read(ctx, maxBodyBytes), clock);
            return traces.ingest(project, batch);
        });
        ctx.json(Map.of("accepted", result.traceIds().size(), "spans", result.spans(), "ids", result.traceIds()));
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
