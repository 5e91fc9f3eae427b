package dev.ratchet.dataset;

import dev.ratchet.eval.EvalCase;
import dev.ratchet.eval.EvalStore;
import dev.ratchet.eval.Suite;
import dev.ratchet.eval.SuiteKind;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The leakage guard's view of a project's frozen eval suites: the input text of every case of every version of every
 * suite of kind {@code eval}, sketched for exact and near matching. Built once per build; read-only afterwards, so
 * the build's workers query it concurrently.
 */
final class EvalIndex {

    /** A training input that matches an eval case. */
    record Hit(String caseId, String suite, double similarity, boolean exact) {
    }

    private final double threshold;
    private final LongIntMap exact = new LongIntMap();
    private final LshIndex near;
    private final List<String> caseIds = new ArrayList<>();
    private final List<String> suiteOf = new ArrayList<>();
    private final List<String> suites;

    private EvalIndex(double threshold, List<String> suites) {
        this.threshold = threshold;
        this.near = new LshIndex(threshold);
        this.suites = suites;
    }

    /** Every case of every version of the project's eval suites, each counted once. */
    static EvalIndex load(EvalStore evals, String project, double threshold) {
        List<Suite> frozen = evals.suites(project).stream().filter(s -> s.kind() == SuiteKind.EVAL).toList();
        EvalIndex index = new EvalIndex(threshold, frozen.stream().map(Suite::name).toList());
        Map<String, EvalCase> cases = new LinkedHashMap<>();
        Map<String, String> suiteByCase = new LinkedHashMap<>();
        for (Suite s : frozen) {
            for (int v = 1; v <= s.latestVersion(); v++) {
                for (EvalCase c : evals.cases(project, s.id(), v)) {
                    cases.putIfAbsent(c.id(), c);
                    suiteByCase.putIfAbsent(c.id(), s.name());
                }
            }
        }
        cases.forEach((id, c) -> index.add(id, suiteByCase.get(id), Texts.input(c.input() == null ? null : c.input().node())));
        return index;
    }

    private void add(String caseId, String suite, String text) {
        if (text == null || text.isBlank()) {
            return;
        }
        MinHash.Sketch sketch = MinHash.sketch(text);
        int n = caseIds.size();
        caseIds.add(caseId);
        suiteOf.add(suite);
        if (exact.get(sketch.exact()) == LongIntMap.ABSENT) {
            exact.put(sketch.exact(), n);
        }
        if (!sketch.empty()) {
            int item = near.add(sketch.signature());
            if (item != n) {
                throw new IllegalStateException("index out of step");
            }
        } else {
            near.add(new int[MinHash.HASHES]); // keeps item numbers in step with case numbers; never similar enough
        }
    }

    /** The eval case the text (as sketched) matches, exactly or nearly; null for none. Thread-safe. */
    Hit match(MinHash.Sketch sketch) {
        int e = exact.get(sketch.exact());
        if (e != LongIntMap.ABSENT) {
            return new Hit(caseIds.get(e), suiteOf.get(e), 1.0, true);
        }
        if (sketch.empty() || caseIds.isEmpty()) {
            return null;
        }
        int n = near.best(sketch.signature(), threshold);
        return n < 0 ? null : new Hit(caseIds.get(n), suiteOf.get(n), near.similarity(n, sketch.signature()), false);
    }

    List<String> suites() {
        return suites;
    }

    int cases() {
        return caseIds.size();
    }

    double threshold() {
        return threshold;
    }
}
