package dev.ratchet.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ratchet.common.BadInputException;
import dev.ratchet.common.NotFoundException;
import dev.ratchet.feedback.Feedback;
import dev.ratchet.feedback.FeedbackJson;
import dev.ratchet.feedback.FeedbackSource;
import dev.ratchet.feedback.FeedbackStore;
import dev.ratchet.project.FeedbackTokens;
import dev.ratchet.trace.TraceStore;
import io.javalin.http.Context;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Feedback over HTTP: {@code POST /api/v1/feedback} (project key), {@code GET /api/v1/traces/{id}/feedback},
 * {@code POST /api/v1/traces/{id}/feedback-token}, and {@code POST /public/v1/feedback} where a browser
 * sends end-user feedback with a token instead of a key.
 */
public final class FeedbackRoutes {

    /** The header that carries a feedback token on the public endpoint. */
    public static final String TOKEN_HEADER = "X-Ratchet-Feedback-Token";
    private static final long MAX_BODY = 4L * 1024 * 1024;

    private final FeedbackStore feedback;
    private final TraceStore traces;
    private final FeedbackTokens tokens;
    private final AfterFeedback after;
    private final Clock clock;

    public FeedbackRoutes(FeedbackStore feedback, TraceStore traces, FeedbackTokens tokens, AfterFeedback after,
            Clock clock) {
        this.feedback = feedback;
        this.traces = traces;
        this.tokens = tokens;
        this.after = after;
        this.clock = clock;
    }

    public void record(Context ctx) {
        String project = Auth.principal(ctx).projectId();
        List<Feedback> batch = FeedbackJson.parseBatch(Bodies.read(ctx, MAX_BODY), clock);
        respond(ctx, project, batch);
    }

    public void list(Context ctx) {
        String project = Auth.principal(ctx).projectId();
        String id = ctx.pathParam("id");
        if (traces.get(project, id).isEmpty()) {
            throw new NotFoundException("trace", id);
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("traceId", id);
        body.put("outcome", feedback.outcome(project, id).orElse(null));
        body.put("items", feedback.forTrace(project, id));
        ctx.json(body);
    }

    public void issueToken(Context ctx) {
        String project = Auth.principal(ctx).projectId();
        String id = ctx.pathParam("id");
        Duration ttl = FeedbackTokens.DEFAULT_TTL;
        byte[] raw = Bodies.read(ctx, 4096);
        if (raw.length > 0) {
            JsonNode body = Bodies.json(raw);
            if (!body.isObject()) {
                throw new BadInputException("$", "body must be a JSON object, e.g. {\"ttlSeconds\": 1800}");
            }
            body.fieldNames().forEachRemaining(f -> {
                if (!f.equals("ttlSeconds")) {
                    throw new BadInputException(f, "unknown field");
                }
            });
            JsonNode seconds = body.get("ttlSeconds");
            if (seconds != null) {
                if (!seconds.canConvertToLong() || !seconds.isIntegralNumber() || seconds.asLong() < 1
                        || seconds.asLong() > FeedbackTokens.MAX_TTL.toSeconds()) {
                    throw new BadInputException("ttlSeconds", "must be an integer from 1 to " + FeedbackTokens.MAX_TTL.toSeconds());
                }
                ttl = Duration.ofSeconds(seconds.asLong());
            }
        }
        if (traces.get(project, id).isEmpty()) {
            throw new NotFoundException("trace", id);
        }
        FeedbackTokens.Issued issued = tokens.issue(project, id, ttl);
        ctx.status(201).json(Map.of("traceId", id, "token", issued.token(), "expiresAt", issued.expiresAt(),
                "header", TOKEN_HEADER, "endpoint", "/public/v1/feedback"));
    }

    /**
     * The public endpoint. The token decides project and trace; items may omit {@code traceId} (the
     * token's is used) but may not name another trace, and their source is always the end user.
     */
    public void recordWithToken(Context ctx) {
        FeedbackTokens.Claims claims;
        try {
            claims = tokens.verify(ctx.header(TOKEN_HEADER));
        } catch (FeedbackTokens.InvalidToken e) {
            throw new HttpError(401, "invalid_token", e.getMessage() + "; get a token from POST /api/v1/traces/{id}/feedback-token");
        }
        JsonNode body = Bodies.json(Bodies.read(ctx, MAX_BODY));
        JsonNode items = body.path("feedback");
        if (items.isArray()) {
            for (int i = 0; i < items.size(); i++) {
                JsonNode item = items.get(i);
                if (!item.isObject()) {
                    continue; // the parser reports it
                }
                JsonNode trace = item.get("traceId");
                if (trace != null && !trace.isNull() && !claims.traceId().equals(trace.asText())) {
                    throw new HttpError(403, "forbidden", "item " + i + ": this token is for trace '" + claims.traceId()
                            + "' only");
                }
                JsonNode source = item.get("source");
                if (source != null && !source.isNull() && !FeedbackSource.END_USER.wire().equals(source.asText())) {
                    throw new BadInputException(List.of(new dev.ratchet.common.FieldError(i, "source",
                            "feedback sent with a token is always from the end user")));
                }
                ((com.fasterxml.jackson.databind.node.ObjectNode) item).put("traceId", claims.traceId());
                ((com.fasterxml.jackson.databind.node.ObjectNode) item).put("source", FeedbackSource.END_USER.wire());
            }
        }
        List<Feedback> batch = FeedbackJson.parseBatch(body, clock);
        respond(ctx, claims.projectId(), batch);
    }

    private void respond(Context ctx, String project, List<Feedback> batch) {
        FeedbackStore.RecordResult result = feedback.record(project, batch);
        after.recorded(project, result);
        ctx.json(Map.of("stored", result.stored(), "duplicates", result.duplicates(), "outcomes", result.outcomes()));
    }

    /** What happens once feedback is stored: outcomes that changed may send traces to review. */
    @FunctionalInterface
    public interface AfterFeedback {
        void recorded(String projectId, FeedbackStore.RecordResult result);
    }
}
