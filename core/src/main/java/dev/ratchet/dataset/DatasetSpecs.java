package dev.ratchet.dataset;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import dev.ratchet.common.BadInputException;
import dev.ratchet.common.FieldError;
import dev.ratchet.common.Ids;
import dev.ratchet.common.Json;
import dev.ratchet.feedback.FeedbackKind;
import dev.ratchet.feedback.FeedbackSource;
import dev.ratchet.trace.TraceQuery;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Reads and checks {@link DatasetSpec}s. Every problem is reported at once, each naming its field
 * ({@code dedupe.threshold}, {@code formats[1]}, {@code redaction.custom[0].pattern}); a spec that parses is complete:
 * every default is filled in, lists are de-duplicated and, where order means nothing, sorted. Thread-safe.
 */
public final class DatasetSpecs {

    /** Outcomes selected when the spec names none: every labelled one (disputed ones are then refused by quality). */
    static final List<String> DEFAULT_OUTCOMES = List.of("disputed", "failure", "success");
    static final List<String> DEFAULT_PHONE_REGIONS = List.of("GB", "US");
    static final double DEFAULT_DEDUPE_THRESHOLD = 0.8;
    static final double DEFAULT_LEAKAGE_THRESHOLD = 0.5;
    static final double MIN_LEAKAGE_THRESHOLD = 0.3;
    static final double DEFAULT_VALIDATION = 0.1;
    static final int MAX_CUSTOM_PATTERNS = 64;
    private static final Pattern CUSTOM_TYPE = Pattern.compile("[A-Za-z][A-Za-z0-9_]{0,31}");
    private static final Pattern FIELD_PATH = Pattern.compile("[A-Za-z0-9_$-]+(\\.[A-Za-z0-9_$-]+)*");
    private static final YAMLMapper YAML = new YAMLMapper();

    private DatasetSpecs() {
    }

    /**
     * Parses a spec written as JSON (text starting with <code>{</code>) or YAML, checks it and fills in its defaults.
     *
     * @throws BadInputException naming every bad field; {@code $} for text that is neither JSON nor YAML
     */
    public static DatasetSpec parse(String text) {
        if (text == null || text.isBlank()) {
            throw new BadInputException("$", "the spec is empty; expected JSON or YAML");
        }
        JsonNode node;
        String trimmed = text.stripLeading();
        try {
            node = trimmed.startsWith("{") ? Json.MAPPER.readTree(trimmed) : YAML.readTree(trimmed);
        } catch (JsonProcessingException e) {
            throw Json.malformed(e);
        } catch (IOException e) {
            throw new BadInputException("$", "cannot read the spec: " + e.getMessage());
        }
        return of(node);
    }

    /** Checks a spec given as a JSON tree and fills in its defaults. @throws BadInputException naming every bad field */
    public static DatasetSpec of(JsonNode node) {
        if (node == null || !node.isObject()) {
            throw new BadInputException("$", "a dataset spec is an object with at least 'name'");
        }
        DatasetSpec raw;
        try {
            raw = Json.MAPPER.treeToValue(node, DatasetSpec.class);
        } catch (UnrecognizedPropertyException e) {
            List<String> known = e.getKnownPropertyIds().stream().map(Object::toString).sorted().toList();
            throw new BadInputException(path(e), "unknown field; expected one of " + String.join(", ", known));
        } catch (MismatchedInputException e) {
            throw new BadInputException(path(e), "wrong type: expected " + expected(e.getTargetType()));
        } catch (JsonMappingException e) {
            throw new BadInputException(path(e), "bad value: " + e.getOriginalMessage());
        } catch (JsonProcessingException e) {
            throw Json.malformed(e);
        }
        return normalise(raw);
    }

    /** Checks a spec value and fills in its defaults. @throws BadInputException naming every bad field */
    public static DatasetSpec normalise(DatasetSpec s) {
        List<FieldError> errors = new ArrayList<>();
        if (s.name() == null || !Ids.isValidClientId(s.name())) {
            errors.add(FieldError.of("name", "required: 1 to 128 of letters, digits and . _ : -"));
        }
        DatasetSpec.Selection selection = selection(s.selection(), errors);
        DatasetSpec.Quality quality = quality(s.quality(), errors);
        DatasetSpec.Redaction redaction = redaction(s.redaction(), errors);
        DatasetSpec.Dedupe dedupe = s.dedupe() == null ? new DatasetSpec.Dedupe(null, null, null) : s.dedupe();
        double dedupeThreshold = orDefault(dedupe.threshold(), DEFAULT_DEDUPE_THRESHOLD);
        if (dedupeThreshold < 0.5 || dedupeThreshold > 1) {
            errors.add(FieldError.of("dedupe.threshold", "must be from 0.5 to 1 (estimated Jaccard similarity)"));
        }
        double leak = s.leakage() == null ? DEFAULT_LEAKAGE_THRESHOLD
                : orDefault(s.leakage().threshold(), DEFAULT_LEAKAGE_THRESHOLD);
        if (leak < MIN_LEAKAGE_THRESHOLD || leak > 1) {
            errors.add(FieldError.of("leakage.threshold", "must be from " + MIN_LEAKAGE_THRESHOLD
                    + " to 1: the guard against training on eval cases cannot be turned off"));
        }
        String labelField = s.label() == null ? null : s.label().field();
        if (labelField != null && !FIELD_PATH.matcher(labelField).matches()) {
            errors.add(FieldError.of("label.field", "a dot path of field names, e.g. intent or result.category"));
        }
        DatasetSpec.Balance balance = balance(s.balance(), errors);
        DatasetSpec.Split split = s.split() == null ? new DatasetSpec.Split(null, null) : s.split();
        double validation = orDefault(split.validation(), DEFAULT_VALIDATION);
        if (validation < 0 || validation > 0.5) {
            errors.add(FieldError.of("split.validation", "must be from 0 to 0.5 (the share put in validation)"));
        }
        List<String> formats = formats(s.formats(), errors);
        if (formats.contains(ExportFormat.CLASSIFICATION_CSV.wire()) && labelField == null) {
            errors.add(FieldError.of("label.field", "required by format classification-csv: the field of the target"
                    + " output that holds the label, e.g. intent"));
        }
        if (!errors.isEmpty()) {
            throw new BadInputException(errors);
        }
        return new DatasetSpec(s.name(), selection, quality, redaction,
                new DatasetSpec.Dedupe(orDefault(dedupe.exact(), true), orDefault(dedupe.near(), true), dedupeThreshold),
                new DatasetSpec.Leakage(leak), labelField == null ? null : new DatasetSpec.Label(labelField), balance,
                new DatasetSpec.Split(validation, split.seed() == null ? 0L : split.seed()), formats);
    }

    private static DatasetSpec.Selection selection(DatasetSpec.Selection s, List<FieldError> errors) {
        if (s == null) {
            s = new DatasetSpec.Selection(null, null, null, null, null, null, null, null);
        }
        List<String> agents = names(s.agents(), "selection.agents", errors);
        List<String> versions = names(s.versions(), "selection.versions", errors);
        List<String> tags = names(s.tags(), "selection.tags", errors);
        if (s.from() != null && s.to() != null && !s.from().isBefore(s.to())) {
            errors.add(FieldError.of("selection.from", "must be before 'to'"));
        }
        List<String> outcomes = s.outcomes() == null || s.outcomes().isEmpty() ? DEFAULT_OUTCOMES
                : names(s.outcomes(), "selection.outcomes", errors);
        for (int i = 0; s.outcomes() != null && i < s.outcomes().size(); i++) {
            String o = s.outcomes().get(i);
            if (o != null && !TraceQuery.OUTCOMES.contains(o)) {
                errors.add(FieldError.of("selection.outcomes[" + i + "]", "unknown outcome '" + o + "'; one of "
                        + String.join(", ", TraceQuery.OUTCOMES)));
            }
        }
        DatasetSpec.FeedbackFilter feedback = null;
        if (s.feedback() != null) {
            List<String> kinds = names(s.feedback().kinds(), "selection.feedback.kinds", errors);
            List<String> sources = names(s.feedback().sources(), "selection.feedback.sources", errors);
            for (int i = 0; s.feedback().kinds() != null && i < s.feedback().kinds().size(); i++) {
                String k = s.feedback().kinds().get(i);
                if (k != null && FeedbackKind.parse(k).isEmpty()) {
                    errors.add(FieldError.of("selection.feedback.kinds[" + i + "]", "unknown kind '" + k + "'; one of "
                            + FeedbackKind.allowed()));
                }
            }
            for (int i = 0; s.feedback().sources() != null && i < s.feedback().sources().size(); i++) {
                String src = s.feedback().sources().get(i);
                if (src != null && FeedbackSource.parse(src).isEmpty()) {
                    errors.add(FieldError.of("selection.feedback.sources[" + i + "]", "unknown source '" + src
                            + "'; one of end_user, annotator, system"));
                }
            }
            if (kinds.isEmpty() && sources.isEmpty()) {
                errors.add(FieldError.of("selection.feedback", "name at least one of kinds, sources (or leave it out)"));
            }
            feedback = new DatasetSpec.FeedbackFilter(kinds, sources);
        }
        return new DatasetSpec.Selection(s.project(), agents, versions, s.from(), s.to(), outcomes, tags, feedback);
    }

    private static DatasetSpec.Quality quality(DatasetSpec.Quality q, List<FieldError> errors) {
        if (q == null) {
            q = new DatasetSpec.Quality(null, null, null, null, null, null, null);
        }
        double min = orDefault(q.minConfidence(), 0.0);
        if (min < 0 || min > 1) {
            errors.add(FieldError.of("quality.minConfidence", "must be from 0 to 1"));
        }
        if (q.inputSchema() != null) {
            Schemas.compile(q.inputSchema(), "quality.inputSchema", errors);
        }
        if (q.outputSchema() != null) {
            Schemas.compile(q.outputSchema(), "quality.outputSchema", errors);
        }
        bounds(q.inputChars(), "quality.inputChars", errors);
        bounds(q.outputChars(), "quality.outputChars", errors);
        List<String> flagged = q.excludeLabels() == null ? List.of() : q.excludeLabels();
        for (int i = 0; i < flagged.size(); i++) {
            if (flagged.get(i) == null || flagged.get(i).isBlank()) {
                errors.add(FieldError.of("quality.excludeLabels[" + i + "]", "must be a non-blank label"));
            }
        }
        // Empty is written as absent, so that specs written before this field existed keep their hash.
        return new DatasetSpec.Quality(min, orDefault(q.excludeDisputed(), true), q.inputSchema(), q.outputSchema(),
                q.inputChars(), q.outputChars(), flagged.isEmpty() ? null : List.copyOf(new java.util.TreeSet<>(
                        flagged.stream().filter(l -> l != null && !l.isBlank()).toList())));
    }

    private static void bounds(DatasetSpec.Bounds b, String field, List<FieldError> errors) {
        if (b == null) {
            return;
        }
        if (b.min() != null && b.min() < 0) {
            errors.add(FieldError.of(field + ".min", "must not be negative"));
        }
        if (b.max() != null && b.max() < 1) {
            errors.add(FieldError.of(field + ".max", "must be at least 1"));
        }
        if (b.min() != null && b.max() != null && b.min() > b.max()) {
            errors.add(FieldError.of(field + ".min", "must not exceed max"));
        }
    }

    private static DatasetSpec.Redaction redaction(DatasetSpec.Redaction r, List<FieldError> errors) {
        if (r == null) {
            r = new DatasetSpec.Redaction(null, null, null);
        }
        List<String> detectors;
        if (r.detectors() == null) {
            detectors = Redactor.BUILT_IN;
        } else {
            detectors = names(r.detectors(), "redaction.detectors", errors);
            for (int i = 0; i < r.detectors().size(); i++) {
                String d = r.detectors().get(i);
                if (d != null && !Redactor.BUILT_IN.contains(d)) {
                    errors.add(FieldError.of("redaction.detectors[" + i + "]", "unknown detector '" + d + "'; one of "
                            + String.join(", ", Redactor.BUILT_IN)));
                }
            }
            if (r.detectors().isEmpty()) {
                errors.add(FieldError.of("redaction.detectors", "name at least one detector (or leave it out for all)"));
            }
        }
        List<String> regions = r.phoneRegions() == null ? DEFAULT_PHONE_REGIONS
                : names(r.phoneRegions(), "redaction.phoneRegions", errors);
        Set<String> supported = PhoneNumberUtil.getInstance().getSupportedRegions();
        for (int i = 0; r.phoneRegions() != null && i < r.phoneRegions().size(); i++) {
            String region = r.phoneRegions().get(i);
            if (region != null && !supported.contains(region)) {
                errors.add(FieldError.of("redaction.phoneRegions[" + i + "]", "unknown region '" + region
                        + "': an ISO 3166 code in upper case, such as US, GB, DE"));
            }
        }
        List<DatasetSpec.CustomPattern> custom = customPatterns(r.custom(), "redaction.custom", errors);
        return new DatasetSpec.Redaction(detectors, regions, custom);
    }

    /** Checks custom patterns (shared with the project's redaction settings); returns them with types upper-cased. */
    static List<DatasetSpec.CustomPattern> customPatterns(List<DatasetSpec.CustomPattern> custom, String field,
            List<FieldError> errors) {
        if (custom == null) {
            return List.of();
        }
        if (custom.size() > MAX_CUSTOM_PATTERNS) {
            errors.add(FieldError.of(field, "at most " + MAX_CUSTOM_PATTERNS + " patterns"));
            return List.of();
        }
        List<DatasetSpec.CustomPattern> out = new ArrayList<>();
        for (int i = 0; i < custom.size(); i++) {
            DatasetSpec.CustomPattern c = custom.get(i);
            String at = field + "[" + i + "]";
            if (c == null) {
                errors.add(FieldError.of(at, "missing pattern"));
                continue;
            }
            String type = c.type() == null ? null : c.type().toUpperCase(Locale.ROOT);
            if (c.type() == null || !CUSTOM_TYPE.matcher(c.type()).matches()) {
                errors.add(FieldError.of(at + ".type", "required: 1 to 32 of letters, digits and _, starting with a"
                        + " letter (placeholders are <TYPE_n>)"));
            } else if (Redactor.BUILT_IN.contains(c.type().toLowerCase(Locale.ROOT))) {
                errors.add(FieldError.of(at + ".type", "'" + c.type() + "' is a built-in detector; name yours otherwise"));
            }
            if (c.pattern() == null || c.pattern().isEmpty()) {
                errors.add(FieldError.of(at + ".pattern", "required: a Java regular expression"));
            } else if (c.pattern().length() > 1000) {
                errors.add(FieldError.of(at + ".pattern", "at most 1000 characters"));
            } else {
                try {
                    Pattern p = Pattern.compile(c.pattern());
                    if (p.matcher("").matches()) {
                        errors.add(FieldError.of(at + ".pattern", "must not match the empty text"));
                    }
                } catch (PatternSyntaxException e) {
                    errors.add(FieldError.of(at + ".pattern", "not a valid regular expression: " + e.getDescription()));
                }
            }
            out.add(new DatasetSpec.CustomPattern(type, c.pattern()));
        }
        return out;
    }

    private static DatasetSpec.Balance balance(DatasetSpec.Balance b, List<FieldError> errors) {
        if (b == null) {
            return null;
        }
        if (b.maxPerCategory() != null && b.maxPerCategory() < 1) {
            errors.add(FieldError.of("balance.maxPerCategory", "must be at least 1"));
        }
        if (b.minPerCategory() != null && b.minPerCategory() < 1) {
            errors.add(FieldError.of("balance.minPerCategory", "must be at least 1"));
        }
        if (b.maxPerCategory() != null && b.minPerCategory() != null && b.minPerCategory() > b.maxPerCategory()) {
            errors.add(FieldError.of("balance.minPerCategory", "must not exceed maxPerCategory"));
        }
        Map<String, Integer> caps = b.caps() == null ? Map.of() : new TreeMap<>(b.caps());
        caps.forEach((category, cap) -> {
            if (cap == null || cap < 1) {
                errors.add(FieldError.of("balance.caps." + category, "must be at least 1"));
            }
        });
        if (b.maxPerCategory() == null && b.minPerCategory() == null && caps.isEmpty()) {
            return null;
        }
        return new DatasetSpec.Balance(b.maxPerCategory(), b.minPerCategory(), caps.isEmpty() ? null : caps);
    }

    private static List<String> formats(List<String> formats, List<FieldError> errors) {
        if (formats == null) {
            return List.of(ExportFormat.OPENAI_CHAT.wire());
        }
        if (formats.isEmpty()) {
            errors.add(FieldError.of("formats", "name at least one format: " + ExportFormat.allowed()));
        }
        LinkedHashSet<String> out = new LinkedHashSet<>();
        for (int i = 0; i < formats.size(); i++) {
            String f = formats.get(i);
            if (f == null || ExportFormat.parse(f).isEmpty()) {
                errors.add(FieldError.of("formats[" + i + "]", "unknown format '" + f + "'; one of "
                        + ExportFormat.allowed()));
            } else {
                out.add(f);
            }
        }
        // The order of files means nothing; a canonical order makes equal specs hash alike.
        return out.stream().sorted().toList();
    }

    /** Non-blank strings, de-duplicated and sorted (their order means nothing). */
    private static List<String> names(List<String> values, String field, List<FieldError> errors) {
        if (values == null) {
            return List.of();
        }
        Set<String> out = new java.util.TreeSet<>();
        for (int i = 0; i < values.size(); i++) {
            String v = values.get(i);
            if (v == null || v.isBlank() || v.length() > 256) {
                errors.add(FieldError.of(field + "[" + i + "]", "must be 1 to 256 characters, not blank"));
            } else {
                out.add(v);
            }
        }
        return List.copyOf(out);
    }

    private static <T> T orDefault(T value, T defaultValue) {
        return value == null ? defaultValue : value;
    }

    private static String path(JsonMappingException e) {
        StringBuilder sb = new StringBuilder();
        for (JsonMappingException.Reference r : e.getPath()) {
            if (r.getFieldName() != null) {
                sb.append(sb.isEmpty() ? "" : ".").append(r.getFieldName());
            } else if (r.getIndex() >= 0) {
                sb.append('[').append(r.getIndex()).append(']');
            }
        }
        return sb.isEmpty() ? "$" : sb.toString();
    }

    private static String expected(Class<?> type) {
        if (type == null) {
            return "another type";
        }
        if (type == String.class) {
            return "a string";
        }
        if (type == Double.class || type == Integer.class || type == Long.class || type == double.class) {
            return "a number";
        }
        if (type == Boolean.class) {
            return "true or false";
        }
        if (List.class.isAssignableFrom(type)) {
            return "a list";
        }
        if (type == java.time.Instant.class) {
            return "an ISO-8601 instant such as 2026-11-01T00:00:00Z";
        }
        return "an object";
    }
}
