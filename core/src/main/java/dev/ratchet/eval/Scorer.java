package dev.ratchet.eval;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.ValidationMessage;
import dev.ratchet.memory.Embedder;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * One expectation of a case, compiled from its JSON declaration by {@link ScorerParser} (which is also the
 * validation: what it refuses, a suite refuses). Each type reads the output (optionally at a JSON pointer
 * {@code path}) and compares it with the case's expected output unless the declaration names its own value.
 * Immutable and thread-safe; {@link #score} never throws for a bad output, it fails with a reason.
 *
 * <p>Why one file: the types are small and read best side by side; their parameters are documented on
 * {@link ScorerParser}.
 */
public sealed interface Scorer {

    /** The declared type, e.g. {@code exact}. */
    String type();

    /** The verdict on one observation. */
    Score score(Observation o, ScoringServices services);

    /** {@code exact}: the output equals the expected value as JSON (member order and number spelling aside). */
    record Exact(String path, JsonNode value) implements Scorer {
        public String type() {
            return "exact";
        }

        public Score score(Observation o, ScoringServices services) {
            JsonNode got = Outputs.at(o.output(), path);
            JsonNode want = value != null ? value : Outputs.at(o.expected(), path);
            if (want.isMissingNode()) {
                return Score.fail(type(), "no expected value: the case has no expected output" + at(path));
            }
            boolean same = CanonicalJson.write(got).equals(CanonicalJson.write(want)) && !got.isMissingNode();
            return Score.of(type(), same, "expected " + Outputs.quote(want) + at(path) + ", got " + Outputs.quote(got));
        }
    }

    /** {@code normalized_text}: the texts are equal once case, punctuation and whitespace are normalised. */
    record NormalizedText(String path, String value) implements Scorer {
        public String type() {
            return "normalized_text";
        }

        public Score score(Observation o, ScoringServices services) {
            String got = Outputs.text(Outputs.at(o.output(), path));
            String want = value != null ? value : Outputs.text(Outputs.at(o.expected(), path));
            if (want == null) {
                return Score.fail(type(), "no expected text: the case has no expected output" + at(path));
            }
            boolean same = got != null && Outputs.normalize(got).equals(Outputs.normalize(want));
            return Score.of(type(), same, "expected text \"" + Outputs.cut(want) + "\", got " + (got == null ? "none" : "\"" + Outputs.cut(got) + "\""));
        }
    }

    /** {@code contains}: the output's text contains every value; the score is the share found. */
    record Contains(String path, List<String> values, boolean ignoreCase) implements Scorer {
        public String type() {
            return "contains";
        }

        public Score score(Observation o, ScoringServices services) {
            String text = Outputs.text(Outputs.at(o.output(), path));
            if (text == null) {
                return Score.fail(type(), "no output text" + at(path));
            }
            String hay = ignoreCase ? text.toLowerCase(java.util.Locale.ROOT) : text;
            List<String> missing = new ArrayList<>();
            for (String v : values) {
                if (!hay.contains(ignoreCase ? v.toLowerCase(java.util.Locale.ROOT) : v)) {
                    missing.add("\"" + Outputs.cut(v) + "\"");
                }
            }
            double share = (values.size() - missing.size()) / (double) values.size();
            return new Score(type(), missing.isEmpty(), share,
                    missing.isEmpty() ? null : "output does not contain " + String.join(", ", missing), List.of());
        }
    }

    /** {@code regex}: the pattern is found in the output's text. */
    record Regex(String path, Pattern pattern) implements Scorer {
        /** Steps of the matcher allowed per character of text, so that a pathological pattern cannot hang a run. */
        static final int BUDGET_PER_CHAR = 10_000;

        public String type() {
            return "regex";
        }

        public Score score(Observation o, ScoringServices services) {
            String text = Outputs.text(Outputs.at(o.output(), path));
            if (text == null) {
                return Score.fail(type(), "no output text" + at(path));
            }
            try {
                boolean found = pattern.matcher(new Budgeted(text, (long) BUDGET_PER_CHAR * (text.length() + 1))).find();
                return Score.of(type(), found, "pattern /" + Outputs.cut(pattern.pattern()) + "/ not found in \"" + Outputs.cut(text) + "\"");
            } catch (Budgeted.Exceeded e) {
                return Score.fail(type(), "pattern /" + Outputs.cut(pattern.pattern()) + "/ took too long on this output (backtracking)");
            }
        }
    }

    /** {@code json_schema}: the output validates against the schema. */
    record Schema(String path, JsonSchema schema) implements Scorer {
        public String type() {
            return "json_schema";
        }

        public Score score(Observation o, ScoringServices services) {
            JsonNode got = Outputs.at(o.output(), path);
            if (got.isMissingNode()) {
                got = com.fasterxml.jackson.databind.node.NullNode.getInstance();
            }
            Set<String> messages = new LinkedHashSet<>();
            for (ValidationMessage m : schema.validate(got)) {
                messages.add(m.getMessage());
            }
            return Score.of(type(), messages.isEmpty(), "output does not match the schema: "
                    + Outputs.cut(String.join("; ", messages)));
        }
    }

    /** {@code numeric}: the output is a number within {@code tolerance} of the expected one (relative: a share of it). */
    record Numeric(String path, BigDecimal value, BigDecimal tolerance, boolean relative) implements Scorer {
        public String type() {
            return "numeric";
        }

        public Score score(Observation o, ScoringServices services) {
            BigDecimal want = value != null ? value : Outputs.number(Outputs.at(o.expected(), path));
            if (want == null) {
                return Score.fail(type(), "no expected number: the case's expected output has none" + at(path));
            }
            BigDecimal got = Outputs.number(Outputs.at(o.output(), path));
            if (got == null) {
                return Score.fail(type(), "output" + at(path) + " is not a number: " + Outputs.quote(Outputs.at(o.output(), path)));
            }
            BigDecimal allowed = relative ? tolerance.multiply(want.abs()) : tolerance;
            BigDecimal diff = got.subtract(want).abs();
            return Score.of(type(), diff.compareTo(allowed) <= 0, "expected " + want.toPlainString() + " ± "
                    + allowed.stripTrailingZeros().toPlainString() + at(path) + ", got " + got.toPlainString());
        }
    }

    /**
     * {@code trajectory}: the agent's tool calls include the expected ones: each by tool name and, when given, a
     * subset of its arguments (every member given must be present and equal, recursively into objects). Order
     * {@code in_order} (default): as a subsequence; {@code exact}: exactly these calls, in this order, no others;
     * {@code any_order}: each matched by a distinct call. The score is the share of expected calls matched.
     */
    record Trajectory(List<ExpectedCall> calls, String order) implements Scorer {
        public String type() {
            return "trajectory";
        }

        /** One expected tool call; {@code arguments} null matches any. */
        public record ExpectedCall(String tool, JsonNode arguments) {
            boolean matches(Call c) {
                return c.kind() == CallKind.TOOL && tool.equals(c.name())
                        && (arguments == null || subset(arguments, c.request() == null ? null : c.request().node()));
            }

            String describe() {
                return "'" + tool + "'" + (arguments == null ? "" : " with " + Outputs.quote(arguments));
            }
        }

        public Score score(Observation o, ScoringServices services) {
            List<Call> made = o.calls().stream().filter(c -> c.kind() == CallKind.TOOL).toList();
            int matched = 0;
            String problem = null;
            switch (order) {
                case "exact" -> {
                    for (int i = 0; i < calls.size(); i++) {
                        if (i < made.size() && calls.get(i).matches(made.get(i))) {
                            matched++;
                        } else if (problem == null) {
                            problem = "call " + (i + 1) + " should be " + calls.get(i).describe() + ", was "
                                    + (i < made.size() ? "'" + made.get(i).name() + "' with " + Outputs.cut(String.valueOf(made.get(i).request())) : "none");
                        }
                    }
                    if (problem == null && made.size() > calls.size()) {
                        problem = (made.size() - calls.size()) + " unexpected call(s) after the expected ones, first '" + made.get(calls.size()).name() + "'";
                    }
                }
                case "any_order" -> {
                    boolean[] used = new boolean[made.size()];
                    for (ExpectedCall e : calls) {
                        boolean found = false;
                        for (int j = 0; j < made.size() && !found; j++) {
                            if (!used[j] && e.matches(made.get(j))) {
                                used[j] = true;
                                found = true;
                            }
                        }
                        if (found) {
                            matched++;
                        } else if (problem == null) {
                            problem = "no call " + e.describe();
                        }
                    }
                }
                default -> { // in_order
                    int j = 0;
                    for (ExpectedCall e : calls) {
                        while (j < made.size() && !e.matches(made.get(j))) {
                            j++;
                        }
                        if (j < made.size()) {
                            matched++;
                            j++;
                        } else {
                            if (problem == null) {
                                problem = "no call " + e.describe() + " after the earlier expected calls";
                            }
                            j = made.size();
                        }
                    }
                }
            }
            double share = calls.isEmpty() ? 1 : matched / (double) calls.size();
            boolean passed = problem == null;
            return new Score(type(), passed, share, passed ? null : problem + " (calls made: "
                    + Outputs.cut(String.join(", ", made.stream().map(Call::name).toList())) + ")", List.of());
        }

        /** Whether every member of {@code want} is in {@code got} and equal (objects recursively, the rest canonically). */
        static boolean subset(JsonNode want, JsonNode got) {
            if (want.isObject()) {
                if (got == null || !got.isObject()) {
                    return false;
                }
                for (var it = want.fields(); it.hasNext(); ) {
                    var f = it.next();
                    if (!got.has(f.getKey()) || !subset(f.getValue(), got.get(f.getKey()))) {
                        return false;
                    }
                }
                return true;
            }
            return got != null && CanonicalJson.write(want).equals(CanonicalJson.write(got));
        }
    }

    /** {@code embedding_similarity}: the cosine of the output's and the expected text's embeddings is at least {@code threshold}. */
    record EmbeddingSimilarity(String path, String value, double threshold) implements Scorer {
        public String type() {
            return "embedding_similarity";
        }

        public Score score(Observation o, ScoringServices services) {
            Embedder embedder = services.embedder();
            if (embedder == null) {
                return Score.fail(type(), "no embedder is configured for this run");
            }
            String want = value != null ? value : Outputs.text(Outputs.at(o.expected(), path));
            String got = Outputs.text(Outputs.at(o.output(), path));
            if (want == null || want.isBlank()) {
                return Score.fail(type(), "no expected text: the case has no expected output" + at(path));
            }
            if (got == null || got.isBlank()) {
                return Score.fail(type(), "no output text" + at(path));
            }
            List<float[]> v = embedder.embedAll(List.of(got, want));
            double cosine = Math.max(0, Math.min(1, dot(v.get(0), v.get(1))));
            boolean passed = cosine >= threshold;
            return new Score(type(), passed, cosine, passed ? null : String.format(java.util.Locale.ROOT,
                    "similarity %.4f below %.4f", cosine, threshold), List.of());
        }
    }

    /** {@code latency}: the agent answered within {@code maxMs} milliseconds. */
    record Latency(long maxMs) implements Scorer {
        public String type() {
            return "latency";
        }

        public Score score(Observation o, ScoringServices services) {
            return Score.of(type(), o.latencyMs() <= maxMs, "took " + o.latencyMs() + " ms, budget " + maxMs + " ms");
        }
    }

    /** {@code cost}: the case cost at most {@code max}; an unknown cost fails (a budget must be shown to hold). */
    record Cost(BigDecimal max) implements Scorer {
        public String type() {
            return "cost";
        }

        public Score score(Observation o, ScoringServices services) {
            if (o.cost() == null) {
                return Score.fail(type(), "cost unknown: the agent reported none and no fixture recorded one");
            }
            return Score.of(type(), o.cost().compareTo(max) <= 0, "cost " + o.cost().toPlainString() + ", budget " + max.toPlainString());
        }
    }

    /** {@code llm_judge}: a judge model grades the output against the rubric; passes at {@code threshold} or above. */
    record LlmJudge(String rubric, String model, double threshold) implements Scorer {
        public String type() {
            return "llm_judge";
        }

        public Score score(Observation o, ScoringServices services) {
            Judge judge = services.judge();
            if (judge == null) {
                return Score.fail(type(), "no judge is configured for this run");
            }
            try {
                Judge.Verdict v = judge.judge(model, rubric, o.input(), o.output(), o.expected());
                boolean passed = v.score() >= threshold;
                String why = v.rationale() == null ? "" : v.rationale();
                return new Score(type(), passed, v.score(), passed ? (why.isEmpty() ? null : why)
                        : String.format(java.util.Locale.ROOT, "judged %.2f, below %.2f: %s", v.score(), threshold, why), List.of());
            } catch (Judge.JudgeException e) {
                return Score.fail(type(), "judge failed: " + e.getMessage());
            }
        }
    }

    /** {@code all}: every member passes; the score is their mean. */
    record All(List<Scorer> of) implements Scorer {
        public String type() {
            return "all";
        }

        public Score score(Observation o, ScoringServices services) {
            List<Score> parts = of.stream().map(s -> s.score(o, services)).toList();
            boolean passed = parts.stream().allMatch(Score::passed);
            double mean = parts.stream().mapToDouble(Score::score).average().orElse(1);
            return new Score(type(), passed, mean, passed ? null : failures(parts), parts);
        }
    }

    /** {@code any}: at least one member passes; the score is their best. */
    record Any(List<Scorer> of) implements Scorer {
        public String type() {
            return "any";
        }

        public Score score(Observation o, ScoringServices services) {
            List<Score> parts = of.stream().map(s -> s.score(o, services)).toList();
            boolean passed = parts.stream().anyMatch(Score::passed);
            double best = parts.stream().mapToDouble(Score::score).max().orElse(0);
            return new Score(type(), passed, best, passed ? null : "none passed: " + failures(parts), parts);
        }
    }

    /** {@code weighted}: the weighted mean of the members' scores is at least {@code threshold}. */
    record Weighted(List<Scorer> of, List<Double> weights, double threshold) implements Scorer {
        public String type() {
            return "weighted";
        }

        public Score score(Observation o, ScoringServices services) {
            List<Score> parts = of.stream().map(s -> s.score(o, services)).toList();
            double sum = 0;
            double total = 0;
            for (int i = 0; i < parts.size(); i++) {
                sum += weights.get(i) * parts.get(i).score();
                total += weights.get(i);
            }
            double mean = sum / total;
            boolean passed = mean >= threshold;
            return new Score(type(), passed, mean, passed ? null : String.format(java.util.Locale.ROOT,
                    "weighted score %.4f below %.4f: %s", mean, threshold, failures(parts)), parts);
        }
    }

    /** Embedders return unit vectors (their contract), so the dot product is the cosine. */
    private static double dot(float[] a, float[] b) {
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            sum += (double) a[i] * b[i];
        }
        return sum;
    }

    private static String at(String path) {
        return path == null || path.isEmpty() ? "" : " at " + path;
    }

    private static String failures(List<Score> parts) {
        List<String> out = new ArrayList<>();
        for (Score p : parts) {
            if (!p.passed()) {
                out.add(p.type() + ": " + Objects.requireNonNullElse(p.reason(), "failed"));
            }
        }
        return Outputs.cut(String.join("; ", out));
    }
}
