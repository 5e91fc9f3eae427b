package dev.ratchet.eval;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaId;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import com.networknt.schema.resource.AllowSchemaLoader;
import dev.ratchet.common.FieldError;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Compiles a scorer's JSON declaration into a {@link Scorer}, reporting every problem as a field error under the
 * declaration's path (e.g. {@code cases[0].expectations[1].threshold}). Unknown parameters are refused, so a typo
 * is reported instead of silently ignored. The declarations, with their parameters:
 * <pre>
 * {"type": "exact",                "path"?: "/pointer", "value"?: any}
 * {"type": "normalized_text",      "path"?, "value"?: "text"}
 * {"type": "contains",             "path"?, "value": "text" | "values": ["text", ...], "ignoreCase"?: false}
 * {"type": "regex",                "path"?, "pattern": "regex", "ignoreCase"?: false}
 * {"type": "json_schema",          "path"?, "schema": {JSON Schema, draft 2020-12 unless $schema says}}
 * {"type": "numeric",              "path"?, "value"?: number, "tolerance"?: 0, "relative"?: false}
 * {"type": "trajectory",           "calls": [{"tool": "name", "arguments"?: {subset}}], "order"?: "in_order" | "exact" | "any_order"}
 * {"type": "embedding_similarity", "path"?, "value"?: "text", "threshold": 0..1}
 * {"type": "latency",              "maxMs": positive integer}
 * {"type": "cost",                 "max": number >= 0}
 * {"type": "llm_judge",            "rubric": "text", "model"?: "name", "threshold"?: 0.5}
 * {"type": "all" | "any",          "of": [scorer, ...]}
 * {"type": "weighted",             "of": [{"weight": number > 0, "scorer": scorer}, ...], "threshold": 0..1}
 * </pre>
 * Where {@code value} is absent, the case's expected output (at {@code path}) is the value compared with.
 */
final class ScorerParser {

    static final int MAX_DEPTH = 8;

    private static final Map<String, Set<String>> PARAMETERS = Map.ofEntries(
            Map.entry("exact", Set.of("path", "value")),
            Map.entry("normalized_text", Set.of("path", "value")),
            Map.entry("contains", Set.of("path", "value", "values", "ignoreCase")),
            Map.entry("regex", Set.of("path", "pattern", "ignoreCase")),
            Map.entry("json_schema", Set.of("path", "schema")),
            Map.entry("numeric", Set.of("path", "value", "tolerance", "relative")),
            Map.entry("trajectory", Set.of("calls", "order")),
            Map.entry("embedding_similarity", Set.of("path", "value", "threshold")),
            Map.entry("latency", Set.of("maxMs")),
            Map.entry("cost", Set.of("max")),
            Map.entry("llm_judge", Set.of("rubric", "model", "threshold")),
            Map.entry("all", Set.of("of")),
            Map.entry("any", Set.of("of")),
            Map.entry("weighted", Set.of("of", "threshold")));

    /**
     * Only the drafts' own meta-schemas, bundled on the classpath, may be loaded: a {@code $ref} to a URL is
     * refused, so a case can make Ratchet fetch nothing.
     */
    private static final JsonSchemaFactory FACTORY = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012,
            b -> b.schemaLoaders(loaders -> loaders.add(new AllowSchemaLoader(iri -> iri.toString().startsWith("classpath:")))));
    private static final Map<String, JsonSchema> META_SCHEMAS = new ConcurrentHashMap<>();
    private static final List<String> DRAFTS = List.of(SchemaId.V4, SchemaId.V6, SchemaId.V7, SchemaId.V201909, SchemaId.V202012);

    private ScorerParser() {
    }

    /** The scorer declared by {@code node}, or null (with its problems added to {@code errors}). */
    static Scorer compile(JsonNode node, String at, Integer item, List<FieldError> errors) {
        return new Run(item, errors).compile(node, at, 0);
    }

    /** Parses and validates one declaration, as a whole: the first bad one's problems are all reported. */
    private record Run(Integer item, List<FieldError> errors) {

        Scorer compile(JsonNode node, String at, int depth) {
            if (node == null || !node.isObject()) {
                error(at, "a scorer is an object with a \"type\": one of " + types());
                return null;
            }
            if (depth > MAX_DEPTH) {
                error(at, "composites nest at most " + MAX_DEPTH + " deep");
                return null;
            }
            JsonNode typeNode = node.get("type");
            if (typeNode == null || !typeNode.isTextual()) {
                error(at + ".type", "required: one of " + types());
                return null;
            }
            String type = typeNode.textValue();
            Set<String> allowed = PARAMETERS.get(type);
            if (allowed == null) {
                error(at + ".type", "unknown scorer type '" + type + "': use one of " + types());
                return null;
            }
            int before = errors.size();
            for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
                String f = it.next();
                if (!f.equals("type") && !allowed.contains(f)) {
                    error(at + "." + f, "unknown parameter for " + type + "; allowed: " + String.join(", ", new TreeSet<>(allowed)));
                }
            }
            String path = allowed.contains("path") ? pointer(node, at) : null;
            Scorer s = switch (type) {
                case "exact" -> new Scorer.Exact(path, node.has("value") ? node.get("value") : null);
                case "normalized_text" -> new Scorer.NormalizedText(path, optionalText(node, at, "value"));
                case "contains" -> contains(node, at, path);
                case "regex" -> regex(node, at, path);
                case "json_schema" -> schema(node, at, path);
                case "numeric" -> numeric(node, at, path);
                case "trajectory" -> trajectory(node, at);
                case "embedding_similarity" -> new Scorer.EmbeddingSimilarity(path, optionalText(node, at, "value"),
                        fraction(node, at, "threshold", null));
                case "latency" -> latency(node, at);
                case "cost" -> cost(node, at);
                case "llm_judge" -> judge(node, at);
                case "all" -> new Scorer.All(members(node, at, depth));
                case "any" -> new Scorer.Any(members(node, at, depth));
                case "weighted" -> weighted(node, at, depth);
                default -> throw new IllegalStateException(type);
            };
            return errors.size() == before ? s : null;
        }

        private Scorer contains(JsonNode node, String at, String path) {
            List<String> values = new ArrayList<>();
            if (node.has("value") == node.has("values")) {
                error(at + ".value", "give exactly one of \"value\" (a text) or \"values\" (texts)");
            } else if (node.has("value")) {
                String v = optionalText(node, at, "value");
                if (v != null) {
                    values.add(v);
                }
            } else {
                JsonNode vs = node.get("values");
                if (!vs.isArray() || vs.isEmpty()) {
                    error(at + ".values", "must be a non-empty array of texts");
                } else {
                    for (int i = 0; i < vs.size(); i++) {
                        if (!vs.get(i).isTextual() || vs.get(i).textValue().isEmpty()) {
                            error(at + ".values[" + i + "]", "must be a non-empty text");
                        } else {
                            values.add(vs.get(i).textValue());
                        }
                    }
                }
            }
            return new Scorer.Contains(path, values, bool(node, at, "ignoreCase"));
        }

        private Scorer regex(JsonNode node, String at, String path) {
            String p = requiredText(node, at, "pattern");
            if (p == null) {
                return null;
            }
            try {
                return new Scorer.Regex(path, Pattern.compile(p, bool(node, at, "ignoreCase")
                        ? Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE : 0));
            } catch (PatternSyntaxException e) {
                error(at + ".pattern", "not a valid regular expression: " + e.getDescription() + " near index " + e.getIndex());
                return null;
            }
        }

        private Scorer schema(JsonNode node, String at, String path) {
            JsonNode schema = node.get("schema");
            String field = at + ".schema";
            if (schema == null || !(schema.isObject() || schema.isBoolean())) {
                error(field, "required: a JSON Schema (an object, or true/false)");
                return null;
            }
            String draft = SchemaId.V202012;
            JsonNode declared = schema.path("$schema");
            if (declared.isTextual()) {
                draft = DRAFTS.stream().filter(d -> strip(d).equals(strip(declared.textValue()))).findFirst().orElse(null);
                if (draft == null) {
                    error(field, "unknown $schema '" + declared.textValue() + "': use draft 4, 6, 7, 2019-09 or 2020-12");
                    return null;
                }
            }
            Set<ValidationMessage> problems = META_SCHEMAS.computeIfAbsent(draft, id -> FACTORY.getSchema(SchemaLocation.of(id)))
                    .validate(schema);
            if (!problems.isEmpty()) {
                error(field, "not a valid JSON Schema: " + Outputs.cut(String.join("; ", problems.stream().map(ValidationMessage::getMessage).toList())));
                return null;
            }
            try {
                JsonSchema compiled = FACTORY.getSchema(schema);
                compiled.initializeValidators(); // resolves every $ref now, so a bad one is refused here
                return new Scorer.Schema(path, compiled);
            } catch (RuntimeException e) {
                error(field, "not a usable JSON Schema: " + e.getMessage());
                return null;
            }
        }

        private Scorer numeric(JsonNode node, String at, String path) {
            BigDecimal value = null;
            if (node.has("value")) {
                value = node.get("value").isNumber() ? node.get("value").decimalValue() : null;
                if (value == null) {
                    error(at + ".value", "must be a number");
                }
            }
            BigDecimal tolerance = BigDecimal.ZERO;
            if (node.has("tolerance")) {
                JsonNode t = node.get("tolerance");
                if (!t.isNumber() || t.decimalValue().signum() < 0) {
                    error(at + ".tolerance", "must be a number >= 0");
                } else {
                    tolerance = t.decimalValue();
                }
            }
            return new Scorer.Numeric(path, value, tolerance, bool(node, at, "relative"));
        }

        private Scorer trajectory(JsonNode node, String at) {
            JsonNode calls = node.get("calls");
            List<Scorer.Trajectory.ExpectedCall> expected = new ArrayList<>();
            if (calls == null || !calls.isArray() || calls.isEmpty()) {
                error(at + ".calls", "required: a non-empty array of {\"tool\": name, \"arguments\"?: {subset}}");
            } else {
                for (int i = 0; i < calls.size(); i++) {
                    JsonNode c = calls.get(i);
                    String f = at + ".calls[" + i + "]";
                    if (!c.isObject()) {
                        error(f, "must be an object {\"tool\": name, \"arguments\"?: {subset}}");
                        continue;
                    }
                    for (Iterator<String> it = c.fieldNames(); it.hasNext(); ) {
                        String n = it.next();
                        if (!n.equals("tool") && !n.equals("arguments")) {
                            error(f + "." + n, "unknown member; allowed: arguments, tool");
                        }
                    }
                    String tool = requiredText(c, f, "tool");
                    JsonNode args = c.get("arguments");
                    if (args != null && args.isNull()) {
                        args = null;
                    }
                    if (tool != null) {
                        expected.add(new Scorer.Trajectory.ExpectedCall(tool, args));
                    }
                }
            }
            String order = "in_order";
            if (node.has("order")) {
                JsonNode o = node.get("order");
                if (!o.isTextual() || !Set.of("in_order", "exact", "any_order").contains(o.textValue())) {
                    error(at + ".order", "must be one of in_order, exact, any_order");
                } else {
                    order = o.textValue();
                }
            }
            return new Scorer.Trajectory(expected, order);
        }

        private Scorer latency(JsonNode node, String at) {
            JsonNode m = node.get("maxMs");
            if (m == null || !m.canConvertToLong() || !m.isIntegralNumber() || m.longValue() <= 0) {
                error(at + ".maxMs", "required: a positive whole number of milliseconds");
                return null;
            }
            return new Scorer.Latency(m.longValue());
        }

        private Scorer cost(JsonNode node, String at) {
            JsonNode m = node.get("max");
            if (m == null || !m.isNumber() || m.decimalValue().signum() < 0) {
                error(at + ".max", "required: a number >= 0");
                return null;
            }
            return new Scorer.Cost(m.decimalValue());
        }

        private Scorer judge(JsonNode node, String at) {
            String rubric = requiredText(node, at, "rubric");
            String model = optionalText(node, at, "model");
            double threshold = fraction(node, at, "threshold", 0.5);
            return rubric == null ? null : new Scorer.LlmJudge(rubric, model, threshold);
        }

        private List<Scorer> members(JsonNode node, String at, int depth) {
            JsonNode of = node.get("of");
            List<Scorer> out = new ArrayList<>();
            if (of == null || !of.isArray() || of.isEmpty()) {
                error(at + ".of", "required: a non-empty array of scorers");
                return out;
            }
            for (int i = 0; i < of.size(); i++) {
                Scorer s = compile(of.get(i), at + ".of[" + i + "]", depth + 1);
                if (s != null) {
                    out.add(s);
                }
            }
            return out;
        }

        private Scorer weighted(JsonNode node, String at, int depth) {
            JsonNode of = node.get("of");
            List<Scorer> scorers = new ArrayList<>();
            List<Double> weights = new ArrayList<>();
            if (of == null || !of.isArray() || of.isEmpty()) {
                error(at + ".of", "required: a non-empty array of {\"weight\": number > 0, \"scorer\": scorer}");
            } else {
                for (int i = 0; i < of.size(); i++) {
                    JsonNode m = of.get(i);
                    String f = at + ".of[" + i + "]";
                    if (!m.isObject()) {
                        error(f, "must be {\"weight\": number > 0, \"scorer\": scorer}");
                        continue;
                    }
                    JsonNode w = m.get("weight");
                    if (w == null || !w.isNumber() || !(w.doubleValue() > 0) || Double.isInfinite(w.doubleValue())) {
                        error(f + ".weight", "required: a number > 0");
                    }
                    Scorer s = compile(m.get("scorer"), f + ".scorer", depth + 1);
                    if (s != null && w != null && w.isNumber()) {
                        scorers.add(s);
                        weights.add(w.doubleValue());
                    }
                }
            }
            double threshold = fraction(node, at, "threshold", null);
            return new Scorer.Weighted(scorers, weights, threshold);
        }

        private String pointer(JsonNode node, String at) {
            JsonNode p = node.get("path");
            if (p == null) {
                return null;
            }
            if (!p.isTextual() || !(p.textValue().isEmpty() || p.textValue().startsWith("/"))) {
                error(at + ".path", "must be a JSON pointer such as \"/answer\" (or \"\" for the whole output)");
                return null;
            }
            return p.textValue();
        }

        private String requiredText(JsonNode node, String at, String field) {
            JsonNode v = node.get(field);
            if (v == null || !v.isTextual() || v.textValue().isBlank()) {
                error(at + "." + field, "required: a non-blank text");
                return null;
            }
            return v.textValue();
        }

        private String optionalText(JsonNode node, String at, String field) {
            JsonNode v = node.get(field);
            if (v == null || v.isNull()) {
                return null;
            }
            if (!v.isTextual()) {
                error(at + "." + field, "must be a text");
                return null;
            }
            return v.textValue();
        }

        private boolean bool(JsonNode node, String at, String field) {
            JsonNode v = node.get(field);
            if (v == null) {
                return false;
            }
            if (!v.isBoolean()) {
                error(at + "." + field, "must be true or false");
                return false;
            }
            return v.booleanValue();
        }

        /** A number from 0 to 1; required when {@code fallback} is null. */
        private double fraction(JsonNode node, String at, String field, Double fallback) {
            JsonNode v = node.get(field);
            if (v == null && fallback != null) {
                return fallback;
            }
            if (v == null || !v.isNumber() || v.doubleValue() < 0 || v.doubleValue() > 1) {
                error(at + "." + field, (fallback == null ? "required: " : "") + "a number from 0 to 1");
                return 0;
            }
            return v.doubleValue();
        }

        private void error(String field, String reason) {
            errors.add(new FieldError(item, field, reason));
        }
    }

    private static String types() {
        return String.join(", ", new TreeSet<>(PARAMETERS.keySet()));
    }

    private static String strip(String schemaId) {
        return schemaId.endsWith("#") ? schemaId.substring(0, schemaId.length() - 1) : schemaId;
    }
}
