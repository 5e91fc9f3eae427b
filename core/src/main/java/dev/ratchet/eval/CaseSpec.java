package dev.ratchet.eval;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ratchet.common.FieldError;
import dev.ratchet.common.Hashing;
import dev.ratchet.common.Json;
import dev.ratchet.common.JsonText;
import java.util.ArrayList;
import java.util.List;

/**
 * A case as written: what to give the agent, what it may call, and what its answer must satisfy. Checked by
 * {@link EvalStore} when a suite is created or edited ({@link #validate}).
 *
 * @param input         what the agent receives (any JSON)
 * @param context       what else it knew (memory snapshot, retrieved documents); may be null
 * @param expected      the expected output, which scorers compare with unless they name their own value; may be null
 * @param fixtures      recorded calls, served in replay (see {@link CallKey} for how they are keyed)
 * @param expectations  scorers as JSON, e.g. {@code {"type": "exact"}}; every one must pass for the case to pass
 * @param tags          free labels, for selecting and reporting
 * @param originTraceId the trace the case was built from, if any
 */
public record CaseSpec(JsonText input, CaseContext context, JsonText expected, List<Fixture> fixtures,
        List<JsonText> expectations, List<String> tags, String originTraceId) {

    static final int MAX_TAGS = 32;
    static final int MAX_TAG = 64;
    static final int MAX_FIXTURES = 10_000;

    public CaseSpec {
        context = context == null ? CaseContext.empty() : context;
        fixtures = fixtures == null ? List.of() : fixtures;
        expectations = expectations == null ? List.of() : expectations;
        tags = tags == null ? List.of() : tags;
    }

    /**
     * The hash of what decides the case's verdict: input, context, expected output, fixtures and expectations, each
     * in canonical JSON. Tags and origin are left out: two cases that replay and score alike are the same test.
     */
    public String contentHash() {
        ObjectNode n = Json.MAPPER.createObjectNode();
        n.set("input", node(input));
        ObjectNode ctx = n.putObject("context");
        ctx.put("memorySnapshotId", context.memorySnapshotId());
        ArrayNode docs = ctx.putArray("documents");
        context.documents().forEach(d -> docs.add(d.node()));
        n.set("expected", node(expected));
        ArrayNode fx = n.putArray("fixtures");
        for (Fixture f : fixtures) {
            ObjectNode o = fx.addObject();
            CallKey k = f.key();
            o.put("key", k.kind().wire() + ' ' + k.name() + ' ' + k.request());
            o.set("result", node(f.result()));
            o.put("error", f.error());
            o.put("cost", f.cost());
        }
        ArrayNode ex = n.putArray("expectations");
        expectations.forEach(e -> ex.add(node(e)));
        return Hashing.sha256Hex(CanonicalJson.write(n));
    }

    private static JsonNode node(JsonText t) {
        return t == null ? Json.MAPPER.nullNode() : t.node();
    }

    /**
     * Every problem that would keep this case out of a suite (fields named from the case, e.g.
     * {@code expectations[0].type}); empty when it is a valid case. The same checks {@link EvalStore} makes.
     */
    public List<FieldError> problems() {
        List<FieldError> errors = new ArrayList<>();
        validate("", null, errors);
        return errors;
    }

    /**
     * Adds every problem of this case to {@code errors} (fields under {@code at}, e.g. {@code cases[2]}), and
     * returns the compiled expectations when there is none.
     */
    List<Scorer> validate(String at, Integer item, List<FieldError> errors) {
        int before = errors.size();
        if (input == null) {
            errors.add(new FieldError(item, at + "input", "required (any JSON value but null)"));
        }
        if (fixtures.size() > MAX_FIXTURES) {
            errors.add(new FieldError(item, at + "fixtures", "at most " + MAX_FIXTURES));
        }
        for (int i = 0; i < fixtures.size(); i++) {
            Fixture f = fixtures.get(i);
            String field = at + "fixtures[" + i + "]";
            if (f == null) {
                errors.add(new FieldError(item, field, "missing fixture"));
                continue;
            }
            if (f.kind() == null) {
                errors.add(new FieldError(item, field + ".kind", "required: one of " + CallKind.allowed()));
            } else if (f.kind() != CallKind.RETRIEVAL && (f.name() == null || f.name().isBlank())) {
                errors.add(new FieldError(item, field + ".name",
                        "required for " + f.kind().wire() + " fixtures (the " + (f.kind() == CallKind.TOOL ? "tool" : "model") + ")"));
            }
            if (f.cost() != null && f.cost().signum() < 0) {
                errors.add(new FieldError(item, field + ".cost", "must not be negative"));
            }
        }
        if (expectations.isEmpty()) {
            errors.add(new FieldError(item, at + "expectations",
                    "at least one scorer: a case without expectations passes whatever the agent does"));
        }
        List<Scorer> scorers = new ArrayList<>();
        for (int i = 0; i < expectations.size(); i++) {
            JsonText e = expectations.get(i);
            Scorer s = ScorerParser.compile(e == null ? null : e.node(), at + "expectations[" + i + "]", item, errors);
            if (s != null) {
                scorers.add(s);
            }
        }
        if (tags.size() > MAX_TAGS) {
            errors.add(new FieldError(item, at + "tags", "at most " + MAX_TAGS));
        }
        for (int i = 0; i < tags.size(); i++) {
            String t = tags.get(i);
            if (t == null || t.isBlank() || t.length() > MAX_TAG) {
                errors.add(new FieldError(item, at + "tags[" + i + "]",
                        "must be 1 to " + MAX_TAG + " characters, not blank"));
            }
        }
        if (originTraceId != null && originTraceId.isBlank()) {
            errors.add(new FieldError(item, at + "originTraceId", "must not be blank when given"));
        }
        return errors.size() == before ? scorers : null;
    }
}
