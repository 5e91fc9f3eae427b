package dev.ratchet.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ratchet.common.BadInputException;
import dev.ratchet.common.FieldError;
import dev.ratchet.common.Json;
import dev.ratchet.common.JsonText;
import dev.ratchet.common.NotFoundException;
import dev.ratchet.eval.CaseSpec;
import dev.ratchet.eval.EditResult;
import dev.ratchet.eval.EvalStore;
import dev.ratchet.eval.NewSuite;
import dev.ratchet.eval.SuiteEdit;
import dev.ratchet.eval.SuiteVersion;
import dev.ratchet.eval.TraceCases;
import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Suites and cases over HTTP: create a suite ({@code POST /api/v1/suites}), list and get suites, get a version with
 * its cases, edit (a new version: {@code POST /api/v1/suites/{suite}/versions}), add cases, read the history, get a
 * case, and build a case from a captured trace ({@code POST /api/v1/cases/from-trace/{traceId}}), adding it to a
 * suite when the body names one. Always the key's project; {@code {suite}} is a suite's id or name. Bodies are read
 * strictly ({@link EvalJson}) and then checked by {@link EvalStore}; a refused request changes nothing.
 */
public final class SuiteRoutes {

    private static final Set<String> CREATE_FIELDS = Set.of("name", "kind", "description", "cases");
    private static final Set<String> EDIT_FIELDS = Set.of("baseVersion", "add", "remove", "note");
    private static final Set<String> ADD_FIELDS = Set.of("baseVersion", "cases", "note");
    private static final Set<String> REMOVAL_FIELDS = Set.of("caseId", "reason");
    private static final Set<String> FROM_TRACE_FIELDS = Set.of("suite", "baseVersion", "expectations", "tags", "note");
    /** When a case from a trace names no expectations: its output must equal the expected one (the correction). */
    static final JsonText DEFAULT_EXPECTATION = JsonText.parse("{\"type\":\"exact\"}", "expectations");

    private final EvalStore store;
    private final TraceCases traceCases;
    private final long maxBody;

    public SuiteRoutes(EvalStore store, TraceCases traceCases, long maxBody) {
        this.store = store;
        this.traceCases = traceCases;
        this.maxBody = maxBody;
    }

    /** 201 with version 1. */
    public void create(Context ctx) {
        String project = Auth.principal(ctx).projectId();
        JsonNode body = JsonFields.object(Bodies.json(Bodies.read(ctx, maxBody)), "$");
        JsonFields.unknown(body, CREATE_FIELDS, "");
        List<FieldError> errors = new ArrayList<>();
        String name = null;
        String kind = null;
        String description = null;
        try {
            name = JsonFields.text(body, "name", "");
            kind = JsonFields.text(body, "kind", "");
            description = JsonFields.text(body, "description", "");
        } catch (BadInputException e) {
            errors.addAll(e.errors());
        }
        List<CaseSpec> cases = EvalJson.cases(body, "cases", errors);
        if (!errors.isEmpty()) {
            throw new BadInputException(errors);
        }
        ctx.status(201).json(store.createSuite(project, new NewSuite(name, kind, description, cases)));
    }

    public void list(Context ctx) {
        ctx.json(Map.of("items", store.suites(Auth.principal(ctx).projectId())));
    }

    public void get(Context ctx) {
        ctx.json(store.suite(Auth.principal(ctx).projectId(), ctx.pathParam("suite")));
    }

    /** A version ({@code latest} or a number) with its cases in order. */
    public void version(Context ctx) {
        String project = Auth.principal(ctx).projectId();
        Integer v = EvalJson.version(ctx.pathParam("version"), "version");
        SuiteVersion version = store.version(project, ctx.pathParam("suite"), v);
        ObjectNode out = Json.MAPPER.valueToTree(version);
        out.set("cases", Json.MAPPER.valueToTree(store.cases(project, version.suiteId(), version.version())));
        ctx.json(out);
    }

    /** A new version from the latest: 201 when one was made, 200 (and the latest) when the edit changed nothing. */
    public void edit(Context ctx) {
        String project = Auth.principal(ctx).projectId();
        String suite = ctx.pathParam("suite");
        JsonNode body = JsonFields.object(Bodies.json(Bodies.read(ctx, maxBody)), "$");
        JsonFields.unknown(body, EDIT_FIELDS, "");
        List<FieldError> errors = new ArrayList<>();
        Integer base = null;
        String note = null;
        List<SuiteEdit.Removal> removals = new ArrayList<>();
        try {
            base = JsonFields.integer(body, "baseVersion", "");
            note = JsonFields.text(body, "note", "");
            removals = removals(body);
        } catch (BadInputException e) {
            errors.addAll(e.errors());
        }
        List<CaseSpec> add = EvalJson.cases(body, "add", errors);
        if (!errors.isEmpty()) {
            throw new BadInputException(errors);
        }
        answer(ctx, store.edit(project, suite, new SuiteEdit(base, add, removals, note)));
    }

    /** Adds cases (a new version); the same as an edit that only adds. */
    public void addCases(Context ctx) {
        String project = Auth.principal(ctx).projectId();
        String suite = ctx.pathParam("suite");
        JsonNode body = JsonFields.object(Bodies.json(Bodies.read(ctx, maxBody)), "$");
        JsonFields.unknown(body, ADD_FIELDS, "");
        List<FieldError> errors = new ArrayList<>();
        Integer base = null;
        String note = null;
        try {
            base = JsonFields.integer(body, "baseVersion", "");
            note = JsonFields.text(body, "note", "");
        } catch (BadInputException e) {
            errors.addAll(e.errors());
        }
        if (body.get("cases") == null || body.get("cases").isNull()) {
            errors.add(FieldError.of("cases", "required: an array of cases"));
        }
        List<CaseSpec> cases = EvalJson.cases(body, "cases", errors);
        if (!errors.isEmpty()) {
            throw new BadInputException(errors);
        }
        try {
            answer(ctx, store.edit(project, suite, new SuiteEdit(base, cases, List.of(), note)));
        } catch (BadInputException e) { // the store names the added cases "add"; this body calls them "cases"
            throw new BadInputException(e.errors().stream().map(f -> new FieldError(f.item(),
                    f.field().startsWith("add") ? "cases" + f.field().substring(3) : f.field(), f.reason())).toList());
        }
    }

    public void history(Context ctx) {
        String project = Auth.principal(ctx).projectId();
        ctx.json(Map.of("items", store.history(project, ctx.pathParam("suite"))));
    }

    public void getCase(Context ctx) {
        String project = Auth.principal(ctx).projectId();
        String id = ctx.pathParam("id");
        ctx.json(store.getCase(project, id).orElseThrow(() -> new NotFoundException("case", id)));
    }

    /**
     * The case of a captured trace ({@link TraceCases}): 200 {@code {"case": ..}} for the caller to add, or, when the
     * body names a suite, 201 with the case added ({@code {"case", "caseId", "created", "version"}}).
     */
    public void fromTrace(Context ctx) {
        String project = Auth.principal(ctx).projectId();
        byte[] raw = Bodies.read(ctx, maxBody);
        JsonNode body = raw.length == 0 ? Json.MAPPER.createObjectNode() : JsonFields.object(Bodies.json(raw), "$");
        JsonFields.unknown(body, FROM_TRACE_FIELDS, "");
        String suite = JsonFields.text(body, "suite", "");
        Integer base = JsonFields.integer(body, "baseVersion", "");
        String note = JsonFields.text(body, "note", "");
        List<JsonText> expectations = EvalJson.jsonList(body, "expectations", "");
        List<String> tags = JsonFields.strings(body, "tags", "");
        if (suite == null && (base != null || note != null)) {
            throw new BadInputException(base != null ? "baseVersion" : "note", "only with a suite to add the case to");
        }
        if (suite != null) {
            try {
                store.suite(project, suite);
            } catch (NotFoundException e) { // a name in the body is bad input; the trace in the path may be missing
                throw new BadInputException("suite", "no suite '" + suite + "' in this project");
            }
        }
        CaseSpec spec = traceCases.fromTrace(project, ctx.pathParam("traceId"),
                expectations.isEmpty() ? List.of(DEFAULT_EXPECTATION) : expectations, tags);
        List<FieldError> problems = spec.problems(); // the body's expectations and tags, since the trace's are valid
        if (!problems.isEmpty()) {
            throw new BadInputException(problems);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("case", spec);
        if (suite == null) {
            ctx.json(out);
            return;
        }
        EditResult r = store.edit(project, suite, new SuiteEdit(base, List.of(spec), List.of(),
                note != null ? note : "case from trace " + spec.originTraceId()));
        out.put("caseId", r.caseIds().get(0));
        out.put("created", r.created());
        out.put("version", r.version());
        ctx.status(201).json(out);
    }

    private static void answer(Context ctx, EditResult r) {
        ctx.status(r.created() ? 201 : 200).json(r);
    }

    private static List<SuiteEdit.Removal> removals(JsonNode body) {
        JsonNode v = body.get("remove");
        if (v == null || v.isNull()) {
            return List.of();
        }
        if (!v.isArray()) {
            throw new BadInputException("remove", "must be an array of {\"caseId\", \"reason\"}");
        }
        List<SuiteEdit.Removal> out = new ArrayList<>();
        for (int i = 0; i < v.size(); i++) {
            String at = "remove[" + i + "]";
            JsonNode r = JsonFields.object(v.get(i), at);
            JsonFields.unknown(r, REMOVAL_FIELDS, at + ".");
            out.add(new SuiteEdit.Removal(JsonFields.text(r, "caseId", at + "."), JsonFields.text(r, "reason", at + ".")));
        }
        return out;
    }
}
