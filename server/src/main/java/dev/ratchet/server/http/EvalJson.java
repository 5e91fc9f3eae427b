package dev.ratchet.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ratchet.common.BadInputException;
import dev.ratchet.common.FieldError;
import dev.ratchet.common.JsonText;
import dev.ratchet.eval.CallKind;
import dev.ratchet.eval.CaseContext;
import dev.ratchet.eval.CaseSpec;
import dev.ratchet.eval.Fixture;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Strict reading of the eval API's JSON: unknown fields and wrong types are refused naming the field (e.g.
 * {@code cases[2].fixtures[0].kind}) before the eval store checks the content, so a bad request stores nothing.
 * A JSON {@code null} reads as absent.
 */
final class EvalJson {

    static final Set<String> CASE_FIELDS = Set.of("input", "context", "expected", "fixtures", "expectations", "tags",
            "originTraceId");
    private static final Set<String> CONTEXT_FIELDS = Set.of("memorySnapshotId", "documents");
    private static final Set<String> FIXTURE_FIELDS = Set.of("kind", "name", "request", "result", "error", "cost");

    private EvalJson() {
    }

    /**
     * The cases of an array field; every case's first shape problem is added to {@code errors} (under
     * {@code field[i].}), and the cases that read are returned.
     */
    static List<CaseSpec> cases(JsonNode body, String field, List<FieldError> errors) {
        JsonNode array = body.get(field);
        if (array == null || array.isNull()) {
            return List.of();
        }
        if (!array.isArray()) {
            errors.add(FieldError.of(field, "must be an array of cases"));
            return List.of();
        }
        List<CaseSpec> out = new ArrayList<>();
        for (int i = 0; i < array.size(); i++) {
            try {
                out.add(caseSpec(array.get(i), field + "[" + i + "]"));
            } catch (BadInputException e) {
                errors.addAll(e.errors());
            }
        }
        return out;
    }

    /** One case; throws at its first shape problem. */
    static CaseSpec caseSpec(JsonNode c, String at) {
        JsonFields.object(c, at);
        String p = at + ".";
        JsonFields.unknown(c, CASE_FIELDS, p);
        CaseContext context = null;
        JsonNode ctx = c.get("context");
        if (ctx != null && !ctx.isNull()) {
            JsonFields.object(ctx, p + "context");
            JsonFields.unknown(ctx, CONTEXT_FIELDS, p + "context.");
            JsonNode docs = ctx.get("documents");
            List<JsonText> documents = new ArrayList<>();
            if (docs != null && !docs.isNull()) {
                if (!docs.isArray()) {
                    throw new BadInputException(p + "context.documents", "must be an array of JSON values");
                }
                docs.forEach(d -> documents.add(JsonText.of(d)));
            }
            context = new CaseContext(JsonFields.text(ctx, "memorySnapshotId", p + "context."), documents);
        }
        List<Fixture> fixtures = new ArrayList<>();
        JsonNode fx = c.get("fixtures");
        if (fx != null && !fx.isNull()) {
            if (!fx.isArray()) {
                throw new BadInputException(p + "fixtures", "must be an array of fixtures");
            }
            for (int i = 0; i < fx.size(); i++) {
                fixtures.add(fixture(fx.get(i), p + "fixtures[" + i + "]"));
            }
        }
        return new CaseSpec(JsonText.of(c.get("input")), context, JsonText.of(c.get("expected")), fixtures,
                jsonList(c, "expectations", p), JsonFields.strings(c, "tags", p), JsonFields.text(c, "originTraceId", p));
    }

    private static Fixture fixture(JsonNode f, String at) {
        JsonFields.object(f, at);
        JsonFields.unknown(f, FIXTURE_FIELDS, at + ".");
        String kindText = JsonFields.text(f, "kind", at + ".");
        CallKind kind = null;
        if (kindText != null) {
            kind = CallKind.parse(kindText).orElseThrow(() -> new BadInputException(at + ".kind",
                    "unknown kind '" + kindText + "'; one of tool, retrieval, llm"));
        }
        JsonNode cost = f.get("cost");
        if (cost != null && !cost.isNull() && !cost.isNumber()) {
            throw new BadInputException(at + ".cost", "must be a number");
        }
        return new Fixture(kind, JsonFields.text(f, "name", at + "."), JsonText.of(f.get("request")), JsonText.of(f.get("result")),
                JsonFields.text(f, "error", at + "."), cost == null || cost.isNull() ? null : cost.decimalValue());
    }

    /** An array of JSON values (e.g. expectations); each element as it is, for the store to check. */
    static List<JsonText> jsonList(JsonNode node, String field, String at) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return List.of();
        }
        if (!v.isArray()) {
            throw new BadInputException(at + field, "must be an array");
        }
        List<JsonText> out = new ArrayList<>();
        for (int i = 0; i < v.size(); i++) {
            JsonText t = JsonText.of(v.get(i));
            if (t == null) {
                throw new BadInputException(at + field + "[" + i + "]", "must not be null");
            }
            out.add(t);
        }
        return out;
    }

    /** A positive integer path parameter, or null for {@code latest}. */
    static Integer version(String text, String field) {
        if (text.equals("latest")) {
            return null;
        }
        try {
            int v = Integer.parseInt(text);
            if (v >= 1) {
                return v;
            }
        } catch (NumberFormatException e) {
            // refused below
        }
        throw new BadInputException(field, "must be a version number (1, 2, ...) or 'latest', got '" + text + "'");
    }
}
