package dev.ratchet.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ratchet.common.BadInputException;
import dev.ratchet.common.NotFoundException;
import dev.ratchet.feedback.OutcomeStatus;
import dev.ratchet.feedback.ReviewItem;
import dev.ratchet.feedback.ReviewLabel;
import dev.ratchet.feedback.ReviewQueue;
import io.javalin.http.Context;
import java.time.Clock;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;

/**
 * Human review: {@code GET /api/v1/review/next?annotator=A}, {@code POST /api/v1/review/{id}/label},
 * {@code POST /api/v1/review/{id}/skip}, {@code GET /api/v1/review/items}, {@code GET /api/v1/review/items/{id}},
 * {@code GET /api/v1/review/agreement}.
 */
public final class ReviewRoutes {

    private static final long MAX_BODY = 64 * 1024;
    private static final int MAX_ID = 256;

    private final ReviewQueue queue;
    private final Clock clock;

    public ReviewRoutes(ReviewQueue queue, Clock clock) {
        this.queue = queue;
        this.clock = clock;
    }

    public void next(Context ctx) {
        String project = Auth.principal(ctx).projectId();
        String annotator = annotator(ctx.queryParam("annotator"), "annotator");
        var item = queue.next(project, annotator);
        if (item.isEmpty()) {
            ctx.status(204);
            return;
        }
        ctx.json(item.get());
    }

    public void label(Context ctx) {
        String project = Auth.principal(ctx).projectId();
        JsonNode body = object(ctx, Set.of("annotator", "verdict", "label", "comment"));
        String annotator = annotator(text(body, "annotator", true), "annotator");
        String verdictText = text(body, "verdict", true);
        OutcomeStatus verdict = OutcomeStatus.parse(verdictText)
                .filter(v -> v == OutcomeStatus.SUCCESS || v == OutcomeStatus.FAILURE)
                .orElseThrow(() -> new BadInputException("verdict", "must be success or failure"));
        ReviewLabel label = new ReviewLabel(annotator, verdict, text(body, "label", false), text(body, "comment", false),
                clock.instant());
        ctx.json(queue.label(project, ctx.pathParam("id"), label));
    }

    public void skip(Context ctx) {
        String project = Auth.principal(ctx).projectId();
        JsonNode body = object(ctx, Set.of("annotator"));
        ctx.json(queue.skip(project, ctx.pathParam("id"), annotator(text(body, "annotator", true), "annotator")));
    }

    public void items(Context ctx) {
        String project = Auth.principal(ctx).projectId();
        String statusText = ctx.queryParam("status");
        ReviewItem.Status status = null;
        if (statusText != null) {
            status = switch (statusText) {
                case "open" -> ReviewItem.Status.OPEN;
                case "done" -> ReviewItem.Status.DONE;
                default -> throw new BadInputException("status", "must be open or done");
            };
        }
        int limit = TraceRoutes.intParam(ctx, "limit", 100);
        if (limit < 1 || limit > 1000) {
            throw new BadInputException("limit", "must be between 1 and 1000");
        }
        ctx.json(Map.of("items", queue.list(project, status, limit)));
    }

    public void item(Context ctx) {
        String project = Auth.principal(ctx).projectId();
        String id = ctx.pathParam("id");
        ctx.json(queue.get(project, id).orElseThrow(() -> new NotFoundException("review item", id)));
    }

    public void agreement(Context ctx) {
        ctx.json(queue.agreement(Auth.principal(ctx).projectId()));
    }

    private static String annotator(String value, String field) {
        if (value == null || value.isBlank()) {
            throw new BadInputException(field, "required: who is reviewing");
        }
        if (value.length() > MAX_ID) {
            throw new BadInputException(field, "must be at most " + MAX_ID + " characters");
        }
        return value;
    }

    static JsonNode object(Context ctx, Set<String> allowed) {
        JsonNode body = Bodies.json(Bodies.read(ctx, MAX_BODY));
        if (!body.isObject()) {
            throw new BadInputException("$", "body must be a JSON object");
        }
        for (Iterator<String> it = body.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!allowed.contains(f)) {
                throw new BadInputException(f, "unknown field");
            }
        }
        return body;
    }

    private static String text(JsonNode body, String field, boolean required) {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) {
            if (required) {
                throw new BadInputException(field, "required");
            }
            return null;
        }
        if (!v.isTextual()) {
            throw new BadInputException(field, "must be a string");
        }
        if (v.textValue().length() > 10_000) {
            throw new BadInputException(field, "must be at most 10000 characters");
        }
        return v.textValue();
    }
}
