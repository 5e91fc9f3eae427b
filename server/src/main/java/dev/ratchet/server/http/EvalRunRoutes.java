package dev.ratchet.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ratchet.common.BadInputException;
import dev.ratchet.common.FieldError;
import dev.ratchet.common.Json;
import dev.ratchet.common.NotFoundException;
import dev.ratchet.eval.CaseResult;
import dev.ratchet.eval.CaseStatus;
import dev.ratchet.eval.EvalGate;
import dev.ratchet.eval.EvalStore;
import dev.ratchet.eval.GateRequest;
import dev.ratchet.eval.HttpAgent;
import dev.ratchet.eval.Run;
import dev.ratchet.server.eval.EvalRuns;
import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Eval runs and gates over HTTP: start a run ({@code POST /api/v1/eval-runs}, 202 once it is stored, the cases run
 * afterwards), poll it, read its results, compare two runs of one suite version, decide a gate and fetch its
 * evidence; and the fixtures endpoint of HTTP agents ({@code POST /replay/v1/runs/{run}/cases/{case}}), which takes
 * the run's token instead of an API key. Always the key's project. A run or suite named in a body that does not exist
 * is bad input (400 naming the field); one named in the path is a 404.
 */
public final class EvalRunRoutes {

    private static final Set<String> START_FIELDS = Set.of("suite", "suiteVersion", "agent", "agentVersion",
            "concurrency", "caseTimeoutMs", "allowLive");
    private static final Set<String> GATE_FIELDS = Set.of("evalBaselineRunId", "evalCandidateRunId",
            "regressionBaselineRunId", "regressionCandidateRunId", "margin", "alpha", "change");
    private static final List<String> RESULT_PARAMS = List.of("status", "limit", "offset");
    private static final List<String> RUNS_PARAMS = List.of("limit");
    private static final long MAX_BODY = 64 * 1024;
    private static final int DEFAULT_RESULTS = 1_000;
    private static final int MAX_RESULTS = 10_000;

    private final EvalStore store;
    private final EvalRuns runs;
    private final EvalGate gate;
    private final long maxFixtureBody;

    public EvalRunRoutes(EvalStore store, EvalRuns runs, EvalGate gate, long maxFixtureBody) {
        this.store = store;
        this.runs = runs;
        this.gate = gate;
        this.maxFixtureBody = maxFixtureBody;
    }

    /** 202 with the run (status {@code running}) and {@code Location}; 503 when the server runs its limit already. */
    public void start(Context ctx) {
        String project = Auth.principal(ctx).projectId();
        JsonNode body = JsonFields.object(Bodies.json(Bodies.read(ctx, MAX_BODY)), "$");
        JsonFields.unknown(body, START_FIELDS, "");
        List<FieldError> errors = new ArrayList<>();
        EvalRuns.Start start = null;
        try {
            start = new EvalRuns.Start(JsonFields.text(body, "suite", ""), JsonFields.integer(body, "suiteVersion", ""),
                    JsonFields.text(body, "agent", ""), JsonFields.text(body, "agentVersion", ""),
                    JsonFields.integer(body, "concurrency", ""), JsonFields.longValue(body, "caseTimeoutMs", ""),
                    JsonFields.bool(body, "allowLive", ""));
        } catch (BadInputException e) {
            errors.addAll(e.errors());
        }
        if (!errors.isEmpty()) {
            throw new BadInputException(errors);
        }
        Run run;
        try {
            run = runs.start(project, start);
        } catch (EvalRuns.Busy e) {
            throw new HttpError(503, "overloaded", e.getMessage(), Map.of("Retry-After", "5"));
        }
        ctx.header("Location", "/api/v1/eval-runs/" + run.id());
        ctx.status(202).json(view(project, run));
    }

    /** The run with its progress, and its summary once completed. */
    public void get(Context ctx) {
        String project = Auth.principal(ctx).projectId();
        ctx.json(view(project, run(project, ctx.pathParam("id"))));
    }

    /** The results stored so far, in case order: {@code {"items", "total", "offset"}}, filtered by status if asked. */
    public void results(Context ctx) {
        String project = Auth.principal(ctx).projectId();
        params(ctx, RESULT_PARAMS);
        String id = ctx.pathParam("id");
        run(project, id);
        String statusText = ctx.queryParam("status");
        CaseStatus status = null;
        if (statusText != null) {
            status = Arrays.stream(CaseStatus.values()).filter(s -> s.wire().equals(statusText)).findFirst()
                    .orElseThrow(() -> new BadInputException("status", "must be one of passed, failed, error, timeout"));
        }
        int limit = TraceRoutes.intParam(ctx, "limit", DEFAULT_RESULTS);
        int offset = TraceRoutes.intParam(ctx, "offset", 0);
        if (limit < 1 || limit > MAX_RESULTS) {
            throw new BadInputException("limit", "must be 1 to " + MAX_RESULTS);
        }
        if (offset < 0) {
            throw new BadInputException("offset", "must not be negative");
        }
        CaseStatus wanted = status;
        List<CaseResult> all = store.results(project, id).stream().filter(r -> wanted == null || r.status() == wanted).toList();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("items", all.subList(Math.min(offset, all.size()), Math.min(all.size(), offset + limit)));
        out.put("total", all.size());
        out.put("offset", offset);
        ctx.json(out);
    }

    /** {@code GET /api/v1/eval-runs/{id}/compare/{baselineId}}: the run as candidate against the baseline, case by case. */
    public void compare(Context ctx) {
        String project = Auth.principal(ctx).projectId();
        ctx.json(gate.compare(project, ctx.pathParam("baselineId"), ctx.pathParam("id")));
    }

    /** Runs of a suite, newest first: {@code {"items": [..]}}; {@code limit} 1 to 1,000 (default 20). */
    public void listForSuite(Context ctx) {
        String project = Auth.principal(ctx).projectId();
        params(ctx, RUNS_PARAMS);
        int limit = TraceRoutes.intParam(ctx, "limit", 20);
        List<ObjectNode> items = store.runs(project, ctx.pathParam("suite"), limit).stream().map(r -> view(project, r)).toList();
        ctx.json(Map.of("items", items));
    }

    /** Decides a gate and stores the verdict: 201 with it, whether the candidate passed or not. */
    public void decide(Context ctx) {
        String project = Auth.principal(ctx).projectId();
        JsonNode body = JsonFields.object(Bodies.json(Bodies.read(ctx, MAX_BODY)), "$");
        JsonFields.unknown(body, GATE_FIELDS, "");
        List<FieldError> errors = new ArrayList<>();
        Map<String, String> ids = new LinkedHashMap<>();
        Double margin = null;
        Double alpha = null;
        String change = null;
        try {
            for (String f : List.of("evalBaselineRunId", "evalCandidateRunId", "regressionBaselineRunId",
                    "regressionCandidateRunId")) {
                ids.put(f, JsonFields.text(body, f, ""));
            }
            margin = JsonFields.number(body, "margin", "");
            alpha = JsonFields.number(body, "alpha", "");
            change = JsonFields.text(body, "change", "");
        } catch (BadInputException e) {
            errors.addAll(e.errors());
        }
        ids.forEach((field, id) -> {
            if (id != null && store.run(project, id).isEmpty()) {
                errors.add(FieldError.of(field, "no run '" + id + "' in this project"));
            }
        });
        if (!errors.isEmpty()) {
            throw new BadInputException(errors);
        }
        ctx.status(201).json(gate.decide(project, new GateRequest(ids.get("evalBaselineRunId"),
                ids.get("evalCandidateRunId"), ids.get("regressionBaselineRunId"), ids.get("regressionCandidateRunId"),
                margin, alpha, change)));
    }

    public void getGate(Context ctx) {
        String project = Auth.principal(ctx).projectId();
        String id = ctx.pathParam("id");
        ctx.json(store.gate(project, id).orElseThrow(() -> new NotFoundException("gate", id)));
    }

    /** The HTTP agent contract's fixtures URL, served on this port: answers as {@link EvalRuns#fixture} says. */
    public void fixture(Context ctx) {
        byte[] body = Bodies.read(ctx, maxFixtureBody);
        HttpAgent.FixtureReply r = runs.fixture(ctx.pathParam("runId"), ctx.pathParam("caseId"),
                ctx.header("Authorization"), body);
        ctx.status(r.status()).json(r.body());
    }

    private Run run(String project, String id) {
        return store.run(project, id).orElseThrow(() -> new NotFoundException("run", id));
    }

    /** A run as the API shows it: the stored run, its suite's name, and {@code progress: {done, total}}. */
    private ObjectNode view(String project, Run run) {
        ObjectNode out = Json.MAPPER.valueToTree(run);
        out.put("suiteName", store.suite(project, run.suiteId()).name());
        EvalRuns.Progress p = runs.progress(project, run);
        out.putObject("progress").put("done", p.done()).put("total", p.total());
        return out;
    }

    private static void params(Context ctx, List<String> known) {
        for (String param : ctx.queryParamMap().keySet()) {
            if (!known.contains(param)) {
                throw new BadInputException(param, "unknown query parameter; known: " + String.join(", ", known));
            }
        }
    }
}
