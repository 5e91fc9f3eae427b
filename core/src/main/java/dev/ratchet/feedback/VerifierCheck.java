package dev.ratchet.feedback;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaId;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import com.networknt.schema.resource.AllowSchemaLoader;
import dev.ratchet.common.FieldError;
import dev.ratchet.common.Json;
import dev.ratchet.common.JsonText;
import dev.ratchet.trace.Span;
import dev.ratchet.trace.SpanKind;
import dev.ratchet.trace.Trace;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * One {@link VerifierSpec}, validated and compiled (schema loaded, regex compiled), ready to check traces.
 * Immutable and thread-safe. {@link #compile} is also the validation of a spec: what it refuses is what
 * {@link Verifiers#setSpecs} refuses.
 */
sealed interface VerifierCheck {

    String JSON_SCHEMA = "json_schema";
    String EXPECTED_TOOL = "expected_tool";
    String REGEX = "regex";
    /** Messages quoted in a failure's reason; the rest are counted. */
    int REASON_MESSAGES = 3;
    int MAX_REASON_LENGTH = 1000;
    int MAX_NAME_LENGTH = 128;

    VerifierSpec spec();

    /** The verdict on a trace, or empty when the check does not apply to it (expected_tool, other tags). */
    Optional<Verdict> check(Trace trace);

    /** Passed or not; the reason says what failed (null when passed). */
    record Verdict(boolean passed, String reason) {

        static Verdict of(List<String> problems) {
            if (problems.isEmpty()) {
                return new Verdict(true, null);
            }
            String reason = String.join("; ", problems.subList(0, Math.min(REASON_MESSAGES, problems.size())));
            if (problems.size() > REASON_MESSAGES) {
                reason += " (and " + (problems.size() - REASON_MESSAGES) + " more)";
            }
            if (reason.length() > MAX_REASON_LENGTH) {
                reason = reason.substring(0, MAX_REASON_LENGTH - 1) + "…";
            }
            return new Verdict(false, reason);
        }
    }

    /**
     * Validates {@code spec} (the {@code at}-th of its list, for error fields like {@code verifiers[1].pattern})
     * and compiles it; adds every problem to {@code errors} and returns null when there is any.
     */
    static VerifierCheck compile(VerifierSpec spec, String at, List<FieldError> errors) {
        if (spec == null) {
            errors.add(FieldError.of(at, "required"));
            return null;
        }
        int before = errors.size();
        if (spec.name() == null || spec.name().isBlank()) {
            errors.add(FieldError.of(at + ".name", "required"));
        } else if (spec.name().length() > MAX_NAME_LENGTH) {
            errors.add(FieldError.of(at + ".name", "must be at most " + MAX_NAME_LENGTH + " characters"));
        }
        if (!(spec.sampleRate() >= 0 && spec.sampleRate() <= 1)) {
            errors.add(FieldError.of(at + ".sampleRate", "must be between 0 and 1"));
        }
        VerifierCheck check = null;
        if (spec.type() == null) {
            errors.add(FieldError.of(at + ".type", "required: one of " + JSON_SCHEMA + ", " + EXPECTED_TOOL + ", " + REGEX));
        } else {
            switch (spec.type()) {
                case JSON_SCHEMA -> {
                    check = SchemaCheck.compile(spec, at, errors);
                    if (spec.tool() != null && spec.tool().isBlank()) {
                        errors.add(FieldError.of(at + ".tool", "must not be blank when given"));
                    }
                }
                case EXPECTED_TOOL -> {
                    if (spec.tool() == null || spec.tool().isBlank()) {
                        errors.add(FieldError.of(at + ".tool", "required for " + EXPECTED_TOOL));
                    }
                    if (spec.tag() != null && spec.tag().isBlank()) {
                        errors.add(FieldError.of(at + ".tag", "must not be blank when given"));
                    }
                    check = new ToolCheck(spec);
                }
                case REGEX -> check = RegexCheck.compile(spec, at, errors);
                default -> errors.add(FieldError.of(at + ".type",
                        "unknown type '" + spec.type() + "': use one of " + JSON_SCHEMA + ", " + EXPECTED_TOOL + ", " + REGEX));
            }
        }
        return errors.size() == before ? check : null;
    }

    /**
     * {@code json_schema}: the output validates, or (with {@code tool}) the arguments of every tool span of
     * that tool do; a trace without such spans passes. An absent output or argument is JSON null.
     */
    record SchemaCheck(VerifierSpec spec, JsonSchema schema) implements VerifierCheck {

        /**
         * Draft 2020-12 unless the schema's {@code $schema} names another draft. Only the drafts' own
         * meta-schemas, bundled on the classpath, may be loaded: a {@code $ref} to a URL is refused, so that a
         * project's schema can make the server fetch nothing.
         */
        private static final JsonSchemaFactory FACTORY = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012,
                b -> b.schemaLoaders(loaders -> loaders.add(
                        new AllowSchemaLoader(iri -> iri.toString().startsWith("classpath:")))));
        private static final Map<String, String> DRAFTS = Map.of(
                strip(SchemaId.V4), SchemaId.V4,
                strip(SchemaId.V6), SchemaId.V6,
                strip(SchemaId.V7), SchemaId.V7,
                strip(SchemaId.V201909), SchemaId.V201909,
                strip(SchemaId.V202012), SchemaId.V202012);
        private static final Map<String, JsonSchema> META_SCHEMAS = new ConcurrentHashMap<>();

        static SchemaCheck compile(VerifierSpec spec, String at, List<FieldError> errors) {
            String field = at + ".schema";
            if (spec.schema() == null || spec.schema().isBlank()) {
                errors.add(FieldError.of(field, "required for " + JSON_SCHEMA + ": a JSON Schema as JSON text"));
                return null;
            }
            JsonNode node;
            try {
                node = Json.MAPPER.readTree(spec.schema());
            } catch (JsonProcessingException e) {
                errors.add(FieldError.of(field, "not valid JSON: " + e.getOriginalMessage()));
                return null;
            }
            if (node == null || !(node.isObject() || node.isBoolean())) {
                errors.add(FieldError.of(field, "a JSON Schema is an object (or true/false)"));
                return null;
            }
            String draft = SchemaId.V202012;
            JsonNode declared = node.path("$schema");
            if (declared.isTextual()) {
                draft = DRAFTS.get(strip(declared.asText()));
                if (draft == null) {
                    errors.add(FieldError.of(field, "unknown $schema '" + declared.asText()
                            + "': use draft 4, 6, 7, 2019-09 or 2020-12 (or leave it out for 2020-12)"));
                    return null;
                }
            }
            List<String> problems = messages(META_SCHEMAS.computeIfAbsent(draft,
                    id -> FACTORY.getSchema(SchemaLocation.of(id))).validate(node));
            if (!problems.isEmpty()) {
                errors.add(FieldError.of(field, "not a valid JSON Schema: " + Verdict.of(problems).reason()));
                return null;
            }
            try {
                JsonSchema schema = FACTORY.getSchema(node);
                schema.initializeValidators(); // resolves every $ref now, so that a bad one is refused here
                return new SchemaCheck(spec, schema);
            } catch (RuntimeException e) {
                errors.add(FieldError.of(field, "not a usable JSON Schema: " + e.getMessage()));
                return null;
            }
        }

        @Override
        public Optional<Verdict> check(Trace trace) {
            if (spec.tool() == null) {
                return Optional.of(Verdict.of(messages(schema.validate(node(trace.output())))));
            }
            List<String> problems = new ArrayList<>();
            for (Span s : spans(trace)) {
                if (ToolCheck.isTool(s, spec.tool())) {
                    for (String m : messages(schema.validate(node(s.input())))) {
                        problems.add("span " + s.id() + ": " + m);
                    }
                }
            }
            return Optional.of(Verdict.of(problems));
        }

        private static JsonNode node(JsonText value) {
            return value == null ? NullNode.getInstance() : value.node();
        }

        private static List<String> messages(Set<ValidationMessage> messages) {
            Set<String> distinct = new LinkedHashSet<>();
            for (ValidationMessage m : messages) {
                distinct.add(m.getMessage());
            }
            return List.copyOf(distinct);
        }

        private static String strip(String schemaId) {
            return schemaId.endsWith("#") ? schemaId.substring(0, schemaId.length() - 1) : schemaId;
        }
    }

    /** {@code expected_tool}: a trace tagged {@code tag} (any trace, without a tag) calls {@code tool}. */
    record ToolCheck(VerifierSpec spec) implements VerifierCheck {

        @Override
        public Optional<Verdict> check(Trace trace) {
            if (spec.tag() != null && (trace.tags() == null || !trace.tags().contains(spec.tag()))) {
                return Optional.empty();
            }
            boolean called = spans(trace).stream().anyMatch(s -> isTool(s, spec.tool()));
            return Optional.of(called ? new Verdict(true, null)
                    : new Verdict(false, "no tool span named '" + spec.tool() + "'"));
        }

        /** A tool span of {@code tool}; its tool name is its span name when it has none of its own. */
        static boolean isTool(Span s, String tool) {
            return s.kind() == SpanKind.TOOL && tool.equals(s.toolName() != null ? s.toolName() : s.name());
        }
    }

    /**
     * {@code regex}: {@code pattern} is found in the output's text: its {@code text} field when the output is
     * an object with a string there, the string itself when it is a string, else its JSON text. A trace without
     * output fails. A pattern that backtracks without end is stopped ({@link BudgetExceeded}).
     */
    record RegexCheck(VerifierSpec spec, Pattern pattern) implements VerifierCheck {

        /** Characters a match may read, over all its backtracking, before it is given up. */
        static final long BUDGET = 20_000_000;

        static RegexCheck compile(VerifierSpec spec, String at, List<FieldError> errors) {
            if (spec.pattern() == null || spec.pattern().isEmpty()) {
                errors.add(FieldError.of(at + ".pattern", "required for " + REGEX));
                return null;
            }
            try {
                return new RegexCheck(spec, Pattern.compile(spec.pattern()));
            } catch (PatternSyntaxException e) {
                errors.add(FieldError.of(at + ".pattern", "not a valid regular expression: "
                        + e.getDescription() + " near index " + e.getIndex()));
                return null;
            }
        }

        @Override
        public Optional<Verdict> check(Trace trace) {
            if (trace.output() == null) {
                return Optional.of(new Verdict(false, "the trace has no output"));
            }
            String text = text(trace.output());
            boolean found = pattern.matcher(new BudgetedText(text, BUDGET)).find();
            return Optional.of(found ? new Verdict(true, null)
                    : Verdict.of(List.of("output does not match /" + spec.pattern() + "/")));
        }

        static String text(JsonText output) {
            JsonNode node = output.node();
            if (node.isObject() && node.path("text").isTextual()) {
                return node.path("text").asText();
            }
            if (node.isTextual()) {
                return node.asText();
            }
            return output.text();
        }
    }

    /** Thrown when a regular expression reads more characters than its budget. */
    final class BudgetExceeded extends RuntimeException {
        BudgetExceeded() {
            super("the pattern took too long on this output and was given up", null, false, false);
        }
    }

    /** A text that counts the characters a matcher reads and stops it past the budget. */
    final class BudgetedText implements CharSequence {
        private final String text;
        private final long[] left;

        BudgetedText(String text, long budget) {
            this(text, new long[] {budget});
        }

        private BudgetedText(String text, long[] left) {
            this.text = text;
            this.left = left;
        }

        @Override
        public int length() {
            return text.length();
        }

        @Override
        public char charAt(int index) {
            if (--left[0] < 0) {
                throw new BudgetExceeded();
            }
            return text.charAt(index);
        }

        @Override
        public CharSequence subSequence(int start, int end) {
            return new BudgetedText(text.substring(start, end), left);
        }

        @Override
        public String toString() {
            return text;
        }
    }

    private static List<Span> spans(Trace trace) {
        return trace.spans() == null ? List.of() : trace.spans();
    }
}
