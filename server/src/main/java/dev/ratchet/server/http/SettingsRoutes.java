package dev.ratchet.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.type.TypeFactory;
import dev.ratchet.common.BadInputException;
import dev.ratchet.common.Json;
import dev.ratchet.feedback.FeedbackStore;
import dev.ratchet.feedback.OutcomeRules;
import dev.ratchet.feedback.ReviewQueue;
import dev.ratchet.feedback.ReviewRules;
import dev.ratchet.feedback.VerifierSpec;
import dev.ratchet.feedback.Verifiers;
import io.javalin.http.Context;
import java.util.List;
import java.util.Map;

/**
 * A project's feedback settings, read and replaced whole: {@code /api/v1/settings/outcome-rules},
 * {@code /review-rules}, {@code /verifiers} (GET and PUT). Fields a PUT leaves out take their default
 * values (a verifier's {@code sampleRate} is 1). A PUT is validated completely before anything changes;
 * a changed outcome rule set recomputes the project's outcomes.
 */
public final class SettingsRoutes {

    private static final long MAX_BODY = 1024 * 1024;

    private final FeedbackStore feedback;
    private final ReviewQueue review;
    private final Verifiers verifiers;

    public SettingsRoutes(FeedbackStore feedback, ReviewQueue review, Verifiers verifiers) {
        this.feedback = feedback;
        this.review = review;
        this.verifiers = verifiers;
    }

    public void getOutcomeRules(Context ctx) {
        ctx.json(feedback.rules(Auth.principal(ctx).projectId()));
    }

    public void putOutcomeRules(Context ctx) {
        String project = Auth.principal(ctx).projectId();
        feedback.setRules(project, read(ctx, OutcomeRules.class, OutcomeRules.defaults()));
        ctx.json(feedback.rules(project));
    }

    public void getReviewRules(Context ctx) {
        ctx.json(review.rules(Auth.principal(ctx).projectId()));
    }

    public void putReviewRules(Context ctx) {
        String project = Auth.principal(ctx).projectId();
        review.setRules(project, read(ctx, ReviewRules.class, ReviewRules.defaults()));
        ctx.json(review.rules(project));
    }

    public void getVerifiers(Context ctx) {
        ctx.json(Map.of("verifiers", verifiers.specs(Auth.principal(ctx).projectId())));
    }

    public void putVerifiers(Context ctx) {
        String project = Auth.principal(ctx).projectId();
        JsonNode body = Bodies.json(Bodies.read(ctx, MAX_BODY));
        if (!body.isObject() || !body.path("verifiers").isArray() || body.size() != 1) {
            throw new BadInputException("verifiers", "body must be {\"verifiers\": [ ... ]}");
        }
        for (JsonNode spec : body.get("verifiers")) {
            if (spec.isObject() && !spec.has("sampleRate")) {
                ((ObjectNode) spec).put("sampleRate", 1.0); // check every trace unless told otherwise
            }
        }
        List<VerifierSpec> specs = convert(body.get("verifiers"), "verifiers");
        verifiers.setSpecs(project, specs);
        ctx.json(Map.of("verifiers", verifiers.specs(project)));
    }

    /** The body as a {@code type}; fields it leaves out keep their default values. */
    private static <T> T read(Context ctx, Class<T> type, T defaults) {
        JsonNode body = Bodies.json(Bodies.read(ctx, MAX_BODY));
        if (!body.isObject()) {
            throw new BadInputException("$", "body must be a JSON object");
        }
        ObjectNode merged = Json.MAPPER.valueToTree(defaults);
        merged.setAll((ObjectNode) body);
        return convert(merged, type.getSimpleName(), type);
    }

    private static <T> T convert(JsonNode node, String what, Class<T> type) {
        try {
            return Json.MAPPER.treeToValue(node, type);
        } catch (com.fasterxml.jackson.databind.exc.MismatchedInputException e) {
            String path = e.getPath().stream()
                    .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
                    .reduce((a, b) -> b.startsWith("[") ? a + b : a + "." + b).orElse("$");
            throw new BadInputException(path, e.getOriginalMessage());
        } catch (com.fasterxml.jackson.core.JsonProcessingException | IllegalArgumentException e) {
            throw new BadInputException("$", "not a valid " + what + ": " + e.getMessage());
        }
    }

    private static List<VerifierSpec> convert(JsonNode node, String what) {
        try {
            return Json.MAPPER.readerFor(TypeFactory.defaultInstance().constructCollectionType(List.class, VerifierSpec.class))
                    .readValue(node);
        } catch (com.fasterxml.jackson.databind.exc.MismatchedInputException e) {
            String path = "verifiers" + e.getPath().stream()
                    .map(r -> r.getFieldName() != null ? "." + r.getFieldName() : "[" + r.getIndex() + "]")
                    .reduce("", String::concat);
            throw new BadInputException(path, e.getOriginalMessage());
        } catch (java.io.IOException e) {
            throw new BadInputException(what, e.getMessage());
        }
    }
}
