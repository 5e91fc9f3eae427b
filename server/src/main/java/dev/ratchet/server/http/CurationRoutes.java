package dev.ratchet.server.http;

import dev.ratchet.common.BadInputException;
import dev.ratchet.common.NotFoundException;
import dev.ratchet.curation.CurationDecision;
import dev.ratchet.curation.CurationPolicies;
import dev.ratchet.curation.Curator;
import io.javalin.http.Context;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Curation of corrections into memory: the policy ({@code GET/PUT /api/v1/settings/curation}, PUT with an admin
 * key, since it decides what every agent of the project remembers) and the log of decisions ({@code GET
 * /api/v1/curation/log}, {@code GET /api/v1/curation/log/{feedbackId}}). Always the key's project.
 */
public final class CurationRoutes {

    private static final long MAX_BODY = 64 * 1024;
    private static final List<String> LOG_PARAMS = List.of("traceId", "status", "limit");
    private static final int DEFAULT_LIMIT = 100;

    private final Curator curator;

    public CurationRoutes(Curator curator) {
        this.curator = curator;
    }

    public void getPolicy(Context ctx) {
        ctx.json(curator.policy(Auth.principal(ctx).projectId()));
    }

    /** Replaces the policy; fields left out take their defaults. Validated whole before anything changes. */
    public void putPolicy(Context ctx) {
        String project = Auth.admin(ctx).projectId();
        ctx.json(curator.setPolicy(project, CurationPolicies.read(Bodies.json(Bodies.read(ctx, MAX_BODY)))));
    }

    /** Decisions, most recent first: {@code {"items":[..],"queued":n,"failing":m}}. */
    public void log(Context ctx) {
        String project = Auth.principal(ctx).projectId();
        for (String param : ctx.queryParamMap().keySet()) {
            if (!LOG_PARAMS.contains(param)) {
                throw new BadInputException(param, "unknown query parameter; known: " + String.join(", ", LOG_PARAMS));
            }
        }
        String statusText = ctx.queryParam("status");
        CurationDecision.Status status = null;
        if (statusText != null) {
            status = CurationDecision.Status.parse(statusText).orElseThrow(() -> new BadInputException("status",
                    "must be one of pending, written, skipped, failed"));
        }
        int limit = TraceRoutes.intParam(ctx, "limit", DEFAULT_LIMIT);
        List<CurationDecision> items = curator.log(project, ctx.queryParam("traceId"), status, limit);
        Curator.QueueStatus queue = curator.status(project);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("items", items);
        body.put("queued", queue.queued());
        body.put("failing", queue.failing());
        ctx.json(body);
    }

    public void decision(Context ctx) {
        String project = Auth.principal(ctx).projectId();
        String id = ctx.pathParam("feedbackId");
        ctx.json(curator.decision(project, id).orElseThrow(() -> new NotFoundException("curation decision", id)));
    }
}
