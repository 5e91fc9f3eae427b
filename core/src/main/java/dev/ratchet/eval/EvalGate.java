package dev.ratchet.eval;

import dev.ratchet.common.BadInputException;
import dev.ratchet.common.FieldError;
import dev.ratchet.common.Ids;
import dev.ratchet.common.NotFoundException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Compares runs and decides whether a candidate may replace the baseline.
 *
 * <p><b>The gate.</b> A candidate passes when both hold:
 * <ol>
 *   <li>it breaks no regression case: no case of the regression suite version that the baseline passed fails for
 *       the candidate (without a baseline run, no case may fail at all);</li>
 *   <li>it is not worse on the eval suite, as a non-inferiority test on paired data: with {@code d} the candidate's
 *       success rate minus the baseline's on the same cases, the hypothesis {@code d <= -margin} must be rejected
 *       at one-sided level {@code alpha}, that is, the lower bound of Newcombe's {@code 1 - 2 alpha} two-sided
 *       interval for {@code d} (method 10 of Newcombe 1998, {@link Statistics#newcombePaired}) must be at least
 *       {@code -margin}.</li>
 * </ol>
 * Why this test: it uses the pairing (both versions answer the same cases, so the concordant cases carry no noise
 * and the bound tightens when the two agree), it handles a margin directly (the exact McNemar test only tests
 * {@code d = 0}), and it is well-behaved at small counts and at 0 or 100% success, where Wald intervals fail. The
 * burden of proof is on the candidate: on a small suite the bound is wide, so a tight margin cannot be shown and the
 * gate fails, saying so. The exact McNemar p-value is reported alongside as the test of any difference.
 *
 * <p>Every verdict is stored with its inputs ({@link EvalStore#gate}). Thread-safe.
 */
public final class EvalGate {

    public static final double DEFAULT_MARGIN = 0.05;
    public static final double DEFAULT_ALPHA = 0.05;

    private final EvalStore store;
    private final Clock clock;

    public EvalGate(EvalStore store, Clock clock) {
        this.store = Objects.requireNonNull(store, "store");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * Compares two completed runs of one suite version, case by case.
     *
     * @throws NotFoundException if a run does not exist in the project
     * @throws BadInputException if the runs are of different suite versions, or one has not completed
     */
    public RunComparison compare(String project, String baselineRunId, String candidateRunId) {
        List<FieldError> errors = new ArrayList<>();
        Run base = completed(project, baselineRunId, "baselineRunId", errors);
        Run cand = completed(project, candidateRunId, "candidateRunId", errors);
        sameVersion(base, cand, "candidateRunId", errors);
        if (!errors.isEmpty()) {
            throw new BadInputException(errors);
        }
        return compare(project, base, cand);
    }

    /**
     * Decides on a candidate and stores the verdict with its inputs.
     *
     * @throws NotFoundException if a run does not exist in the project
     * @throws BadInputException for missing runs, runs of different suite versions, of the wrong suite kind or not
     *         completed, or a margin or alpha out of range; nothing is stored then
     */
    public GateVerdict decide(String project, GateRequest request) {
        if (request == null) {
            throw new BadInputException("$", "required");
        }
        List<FieldError> errors = new ArrayList<>();
        double margin = request.margin() == null ? DEFAULT_MARGIN : request.margin();
        double alpha = request.alpha() == null ? DEFAULT_ALPHA : request.alpha();
        if (!(margin >= 0 && margin <= 0.5)) {
            errors.add(FieldError.of("margin", "must be from 0 to 0.5 (a difference in success rate)"));
        }
        if (!(alpha > 0 && alpha < 0.5)) {
            errors.add(FieldError.of("alpha", "must be between 0 and 0.5 (one-sided)"));
        }
        if (request.change() != null && request.change().length() > 1_000) {
            errors.add(FieldError.of("change", "at most 1000 characters"));
        }
        Run evalBase = completed(project, request.evalBaselineRunId(), "evalBaselineRunId", errors);
        Run evalCand = completed(project, request.evalCandidateRunId(), "evalCandidateRunId", errors);
        sameVersion(evalBase, evalCand, "evalCandidateRunId", errors);
        kind(project, evalBase, SuiteKind.EVAL, "evalBaselineRunId", errors);
        Run regBase = null;
        Run regCand = null;
        if (request.regressionCandidateRunId() != null) {
            regCand = completed(project, request.regressionCandidateRunId(), "regressionCandidateRunId", errors);
            kind(project, regCand, SuiteKind.REGRESSION, "regressionCandidateRunId", errors);
            if (request.regressionBaselineRunId() != null) {
                regBase = completed(project, request.regressionBaselineRunId(), "regressionBaselineRunId", errors);
                sameVersion(regBase, regCand, "regressionCandidateRunId", errors);
            }
        } else if (request.regressionBaselineRunId() != null) {
            errors.add(FieldError.of("regressionCandidateRunId", "required when a regression baseline run is given"));
        }
        if (!errors.isEmpty()) {
            throw new BadInputException(errors);
        }

        List<String> reasons = new ArrayList<>();
        RunComparison eval = compare(project, evalBase, evalCand);
        Interval interval = newcombe(eval, 1 - 2 * alpha);
        boolean evalOk = interval.lower() >= -margin;
        reasons.add(String.format(Locale.ROOT, "eval: success %.4f -> %.4f over %d cases (%d fixed, %d broken, exact McNemar"
                        + " p = %.4g); one-sided %.0f%% lower bound of the difference %.4f %s -%.4f: %s",
                eval.baselineSuccessRate(), eval.candidateSuccessRate(), eval.cases(), eval.fixed().size(),
                eval.broken().size(), eval.mcnemarP(), 100 * (1 - alpha), interval.lower(), evalOk ? ">=" : "<", margin,
                evalOk ? "not worse" : "not shown to be within the margin"));

        RunComparison regression = null;
        List<String> broken = List.of();
        boolean regressionOk = true;
        if (regCand != null) {
            if (regBase != null) {
                regression = compare(project, regBase, regCand);
                broken = regression.broken();
            } else {
                broken = store.results(project, regCand.id()).stream().filter(r -> !r.passed()).map(CaseResult::caseId).toList();
            }
            regressionOk = broken.isEmpty();
            reasons.add(regressionOk ? "regression: no case broken"
                    : "regression: " + broken.size() + " case(s) broken: " + Outputs.cut(String.join(", ", broken)));
        } else {
            reasons.add("regression: no regression run given; not checked");
        }
        GateRequest inputs = new GateRequest(request.evalBaselineRunId(), request.evalCandidateRunId(),
                request.regressionBaselineRunId(), request.regressionCandidateRunId(), margin, alpha, request.change());
        GateVerdict verdict = new GateVerdict(Ids.newId(clock), evalOk && regressionOk, reasons, inputs, eval,
                interval.lower(), regression, broken, clock.instant());
        store.insertGate(project, verdict);
        return verdict;
    }

    private RunComparison compare(String project, Run base, Run cand) {
        Map<String, Boolean> before = new HashMap<>();
        for (CaseResult r : store.results(project, base.id())) {
            before.put(r.caseId(), r.passed());
        }
        List<String> fixed = new ArrayList<>();
        List<String> broken = new ArrayList<>();
        List<String> bothPass = new ArrayList<>();
        List<String> bothFail = new ArrayList<>();
        for (CaseResult r : store.results(project, cand.id())) {
            Boolean was = before.get(r.caseId());
            if (was == null) {
                continue; // cannot happen for runs of one version; a case without a pair carries no paired evidence
            }
            if (was && r.passed()) {
                bothPass.add(r.caseId());
            } else if (was) {
                broken.add(r.caseId());
            } else if (r.passed()) {
                fixed.add(r.caseId());
            } else {
                bothFail.add(r.caseId());
            }
        }
        int n = fixed.size() + broken.size() + bothPass.size() + bothFail.size();
        double baseRate = n == 0 ? 0 : (double) (bothPass.size() + broken.size()) / n;
        double candRate = n == 0 ? 0 : (double) (bothPass.size() + fixed.size()) / n;
        int basePassed = bothPass.size() + broken.size();
        RunComparison c = new RunComparison(base.id(), cand.id(), base.suiteId(), base.suiteVersion(), n, fixed, broken,
                bothPass, bothFail, baseRate, candRate, candRate - baseRate, null,
                Statistics.mcnemarExactP(fixed.size(), broken.size()),
                basePassed == 0 ? 0 : (double) broken.size() / basePassed);
        return withInterval(c, newcombe(c, 0.95));
    }

    private static RunComparison withInterval(RunComparison c, Interval i) {
        return new RunComparison(c.baselineRunId(), c.candidateRunId(), c.suiteId(), c.suiteVersion(), c.cases(), c.fixed(),
                c.broken(), c.unchangedPassing(), c.unchangedFailing(), c.baselineSuccessRate(), c.candidateSuccessRate(),
                c.difference(), i, c.mcnemarP(), c.regressionRate());
    }

    /** Newcombe's interval of candidate minus baseline: candidate is the first member of each pair. */
    private static Interval newcombe(RunComparison c, double confidence) {
        return Statistics.newcombePaired(c.unchangedPassing().size(), c.fixed().size(), c.broken().size(),
                c.unchangedFailing().size(), confidence);
    }

    private Run completed(String project, String runId, String field, List<FieldError> errors) {
        if (runId == null || runId.isBlank()) {
            errors.add(FieldError.of(field, "required: a run id"));
            return null;
        }
        Run run = store.run(project, runId).orElseThrow(() -> new NotFoundException("run", runId));
        if (run.status() != RunStatus.COMPLETED) {
            errors.add(FieldError.of(field, "run '" + runId + "' is " + run.status().wire() + ", not completed"));
            return null;
        }
        return run;
    }

    private static void sameVersion(Run a, Run b, String field, List<FieldError> errors) {
        if (a != null && b != null && (!a.suiteId().equals(b.suiteId()) || a.suiteVersion() != b.suiteVersion())) {
            errors.add(FieldError.of(field, "runs compare only on one suite version: run '" + a.id() + "' is of suite "
                    + a.suiteId() + " version " + a.suiteVersion() + ", run '" + b.id() + "' of suite " + b.suiteId()
                    + " version " + b.suiteVersion()));
        }
    }

    private void kind(String project, Run run, SuiteKind kind, String field, List<FieldError> errors) {
        if (run == null) {
            return;
        }
        Suite s = store.suite(project, run.suiteId());
        if (s.kind() != kind) {
            errors.add(FieldError.of(field, "run '" + run.id() + "' is of " + s.kind().wire() + " suite '" + s.name()
                    + "'; this input takes a run of a " + kind.wire() + " suite"));
        }
    }
}
