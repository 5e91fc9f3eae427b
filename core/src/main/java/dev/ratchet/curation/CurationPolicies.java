package dev.ratchet.curation;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ratchet.common.BadInputException;
import dev.ratchet.common.FieldError;
import dev.ratchet.curation.CurationPolicy.Scope;
import dev.ratchet.curation.CurationPolicy.SourceRule;
import dev.ratchet.feedback.FeedbackSource;
import dev.ratchet.feedback.ProjectSettings;
import dev.ratchet.memory.MemoryKind;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The projects' {@link CurationPolicy}s, in {@link ProjectSettings} under {@value #SETTING}. Only validated
 * policies are stored. Thread-safe; reads are not cached, so a change made by another replica applies at the
 * next decision.
 */
public final class CurationPolicies {

    /** The setting's name in {@code project_settings}. */
    public static final String SETTING = "curation";

    static final Set<String> FIELDS = Set.of("enabled", "minConfidence", "sources", "reviewPromotes", "kind", "scope",
            "ttlSeconds");

    private final ProjectSettings settings;

    public CurationPolicies(ProjectSettings settings) {
        this.settings = settings;
    }

    /** The project's policy, or {@link CurationPolicy#defaults()} if it never set one. */
    public CurationPolicy get(String projectId) {
        return settings.get(projectId, SETTING, CurationPolicy.class, CurationPolicy.defaults());
    }

    /**
     * Validates and stores the project's policy, replacing the previous one; durable when this returns. Sources
     * left out of {@code sources} (or all of them, when it is null) keep their defaults.
     *
     * @return the policy as stored
     * @throws BadInputException naming every bad field ({@code minConfidence} outside [0, 1], a missing rule in
     *         {@code sources}, an unknown {@code kind}, a missing {@code scope}, {@code ttlSeconds} outside 1 to
     *         {@value CurationPolicy#MAX_TTL_SECONDS}); then nothing changes
     */
    public CurationPolicy set(String projectId, CurationPolicy policy) {
        CurationPolicy valid = validated(policy);
        settings.put(projectId, SETTING, valid);
        return valid;
    }

    static CurationPolicy validated(CurationPolicy p) {
        if (p == null) {
            throw new BadInputException("$", "a curation policy is required");
        }
        List<FieldError> errors = problems(p);
        if (!errors.isEmpty()) {
            throw new BadInputException(errors);
        }
        Map<FeedbackSource, SourceRule> sources = new EnumMap<>(CurationPolicy.defaultSources());
        if (p.sources() != null) {
            sources.putAll(p.sources());
        }
        return new CurationPolicy(p.enabled(), p.minConfidence(), Collections.unmodifiableMap(sources),
                p.reviewPromotes(), p.kind(), p.scope(), p.ttlSeconds());
    }

    /** Every problem of {@code p}, each naming its field. */
    private static List<FieldError> problems(CurationPolicy p) {
        List<FieldError> errors = new ArrayList<>();
        if (!(p.minConfidence() >= 0 && p.minConfidence() <= 1)) {
            errors.add(FieldError.of("minConfidence", "must be a number from 0 to 1"));
        }
        if (p.sources() != null) {
            p.sources().forEach((source, rule) -> {
                if (source == null) {
                    errors.add(FieldError.of("sources", "a source is missing its name"));
                } else if (rule == null) {
                    errors.add(FieldError.of("sources." + source.wire(), "must be one of " + SourceRule.names()));
                }
            });
        }
        if (p.kind() == null || MemoryKind.parse(p.kind()).isEmpty()) {
            errors.add(FieldError.of("kind", "must be one of " + kinds()));
        }
        if (p.scope() == null) {
            errors.add(FieldError.of("scope", "must be one of " + Scope.names()));
        }
        if (p.ttlSeconds() != null && (p.ttlSeconds() < 1 || p.ttlSeconds() > CurationPolicy.MAX_TTL_SECONDS)) {
            errors.add(FieldError.of("ttlSeconds", "must be from 1 to " + CurationPolicy.MAX_TTL_SECONDS
                    + " (ten years), or null for no limit"));
        }
        return errors;
    }

    /**
     * Reads a policy from JSON as a client sends it: an object with the fields of {@link CurationPolicy}, each
     * optional (left out: its default). Strict, so that a typo is reported instead of silently ignored: unknown
     * fields, sources and values, and wrong types, are refused; every problem is listed, then the policy is
     * validated as {@link #set} does.
     *
     * @throws BadInputException naming each bad field
     */
    public static CurationPolicy read(JsonNode body) {
        if (body == null || !body.isObject()) {
            throw new BadInputException("$", "body must be a JSON object with the fields " + String.join(", ",
                    FIELDS.stream().sorted().toList()));
        }
        CurationPolicy d = CurationPolicy.defaults();
        List<FieldError> errors = new ArrayList<>();
        for (Iterator<String> it = body.fieldNames(); it.hasNext(); ) {
            String field = it.next();
            if (!FIELDS.contains(field)) {
                errors.add(FieldError.of(field, "unknown field; the fields are " + String.join(", ",
                        FIELDS.stream().sorted().toList())));
            }
        }
        boolean enabled = bool(body, "enabled", d.enabled(), errors);
        boolean reviewPromotes = bool(body, "reviewPromotes", d.reviewPromotes(), errors);
        double minConfidence = d.minConfidence();
        JsonNode min = body.get("minConfidence");
        if (min != null) {
            if (min.isNumber()) {
                minConfidence = min.doubleValue();
            } else {
                errors.add(FieldError.of("minConfidence", "must be a number from 0 to 1"));
            }
        }
        Map<FeedbackSource, SourceRule> sources = new EnumMap<>(d.sources());
        JsonNode s = body.get("sources");
        if (s != null) {
            if (!s.isObject()) {
                errors.add(FieldError.of("sources", "must be an object from source (" + sourceNames() + ") to rule ("
                        + SourceRule.names() + ")"));
            } else {
                s.fields().forEachRemaining(e -> {
                    FeedbackSource source = FeedbackSource.parse(e.getKey()).orElse(null);
                    SourceRule rule = e.getValue().isTextual() ? SourceRule.parse(e.getValue().textValue()).orElse(null)
                            : null;
                    if (source == null) {
                        errors.add(FieldError.of("sources." + e.getKey(), "unknown source; one of " + sourceNames()));
                    } else if (rule == null) {
                        errors.add(FieldError.of("sources." + e.getKey(), "must be one of " + SourceRule.names()));
                    } else {
                        sources.put(source, rule);
                    }
                });
            }
        }
        String kind = d.kind();
        JsonNode k = body.get("kind");
        if (k != null) {
            if (k.isTextual() && MemoryKind.parse(k.textValue()).isPresent()) {
                kind = k.textValue();
            } else {
                errors.add(FieldError.of("kind", "must be one of " + kinds()));
            }
        }
        Scope scope = d.scope();
        JsonNode sc = body.get("scope");
        if (sc != null) {
            scope = sc.isTextual() ? Scope.parse(sc.textValue()).orElse(null) : null;
            if (scope == null) {
                errors.add(FieldError.of("scope", "must be one of " + Scope.names()));
            }
        }
        Long ttl = d.ttlSeconds();
        JsonNode t = body.get("ttlSeconds");
        if (t != null && !t.isNull()) {
            if (t.isIntegralNumber() && t.canConvertToLong()) {
                ttl = t.longValue();
            } else {
                errors.add(FieldError.of("ttlSeconds", "must be a whole number of seconds, or null for no limit"));
            }
        }
        // Fields that failed to parse hold their defaults here, so only the others can add range problems.
        CurationPolicy read = new CurationPolicy(enabled, minConfidence, sources, reviewPromotes, kind,
                scope == null ? d.scope() : scope, ttl);
        errors.addAll(problems(read));
        if (!errors.isEmpty()) {
            throw new BadInputException(errors);
        }
        return validated(read);
    }

    private static boolean bool(JsonNode body, String field, boolean dflt, List<FieldError> errors) {
        JsonNode v = body.get(field);
        if (v == null) {
            return dflt;
        }
        if (!v.isBoolean()) {
            errors.add(FieldError.of(field, "must be true or false"));
            return dflt;
        }
        return v.booleanValue();
    }

    private static String sourceNames() {
        return Arrays.stream(FeedbackSource.values()).map(FeedbackSource::wire).collect(Collectors.joining(", "));
    }

    private static String kinds() {
        return Arrays.stream(MemoryKind.values()).map(MemoryKind::wire).collect(Collectors.joining(", "));
    }
}
