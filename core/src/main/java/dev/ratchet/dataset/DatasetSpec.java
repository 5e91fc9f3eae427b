package dev.ratchet.dataset;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import dev.ratchet.common.Hashing;
import dev.ratchet.common.Json;
import dev.ratchet.eval.CanonicalJson;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What a dataset is made of and how it is cleaned: the input of a build, stored with every version it produced.
 * Written as JSON or YAML and read by {@link DatasetSpecs#parse}, which refuses unknown fields and bad values (naming
 * the field) and fills in every default, so that two specs that mean the same are the same value and hash alike.
 *
 * <pre>{@code
 * name: desk-intents
 * selection: {agents: [desk], from: 2026-11-01T00:00:00Z, outcomes: [success, failure], tags: [cards],
 *             feedback: {kinds: [correction, review]}}
 * quality:   {minConfidence: 0.6, excludeDisputed: true, outputSchema: {type: object, required: [intent]},
 *             inputChars: {min: 3, max: 4000}, excludeLabels: [quarantined]}
 * redaction: {phoneRegions: [US, GB], custom: [{type: ORDER_ID, pattern: "ORD-[0-9]{8}"}]}
 * dedupe:    {exact: true, near: true, threshold: 0.8}
 * leakage:   {threshold: 0.5}
 * label:     {field: intent}
 * balance:   {maxPerCategory: 500, minPerCategory: 5}
 * split:     {validation: 0.1, seed: 7}
 * formats:   [openai-chat, trl-dpo, classification-csv]
 * }</pre>
 *
 * @param name      the dataset's name (1 to 128 of letters, digits and {@code . _ : -}); versions are listed by it
 * @param selection which traces
 * @param quality   which examples are good enough
 * @param redaction which PII detectors run, with custom patterns
 * @param dedupe    exact and near-duplicate removal
 * @param leakage   how near to a frozen eval case counts as the same case
 * @param label     where an example's category comes from (balancing, stratification, classification CSV)
 * @param balance   per-category caps and minimums; null for none
 * @param split     the train/validation split
 * @param formats   the files to write
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DatasetSpec(String name, Selection selection, Quality quality, Redaction redaction, Dedupe dedupe,
        Leakage leakage, Label label, Balance balance, Split split, List<String> formats) {

    /**
     * @param project  the project the traces come from; a build reads only its caller's project, so this may only
     *                 repeat it (kept so that a spec file says where it belongs)
     * @param agents   any of these agents (empty: any)
     * @param versions any of these agent versions (empty: any)
     * @param from     traces started at or after this instant (inclusive); null for no bound
     * @param to       traces started before this instant (exclusive); null for no bound
     * @param outcomes any of these outcome statuses; {@code unknown} also takes traces without feedback
     * @param tags     traces carrying every one of these tags
     * @param feedback traces with at least one feedback item of these kinds and sources; null for no filter
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Selection(String project, List<String> agents, List<String> versions, Instant from, Instant to,
            List<String> outcomes, List<String> tags, FeedbackFilter feedback) {
    }

    /** Feedback a trace must have: an item whose kind is one of {@code kinds} and source one of {@code sources}. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record FeedbackFilter(List<String> kinds, List<String> sources) {
    }

    /**
     * @param minConfidence   least outcome confidence, 0 to 1
     * @param excludeDisputed whether disputed traces are refused (default true)
     * @param inputSchema     a JSON Schema every trace input must satisfy; null for none
     * @param outputSchema    a JSON Schema every target output (correction or successful output) must satisfy
     * @param inputChars      bounds on the length of the input text
     * @param outputChars     bounds on the length of the target text (or, without target, of the output)
     * @param excludeLabels   traces flagged with a {@code label} feedback item whose value is one of these are refused
     *                        (e.g. {@code quarantined}, set by the learning loop on a correction that contradicts
     *                        validated data, or a team's {@code do-not-train}); null or empty for none
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Quality(Double minConfidence, Boolean excludeDisputed, JsonNode inputSchema, JsonNode outputSchema,
            Bounds inputChars, Bounds outputChars, List<String> excludeLabels) {
    }

    /** Inclusive bounds in characters; either may be null. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Bounds(Integer min, Integer max) {
    }

    /**
     * @param detectors    the built-in detectors to run (default: all of {@link Redactor#BUILT_IN})
     * @param phoneRegions regions (ISO 3166 codes) whose national phone formats are recognised; numbers written with
     *                     {@code +} are recognised whatever the region
     * @param custom       extra patterns, added to the project's own (see {@link RedactionSettings})
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Redaction(List<String> detectors, List<String> phoneRegions, List<CustomPattern> custom) {
    }

    /** A custom detector: every match of {@code pattern} becomes {@code <TYPE_n>}. */
    public record CustomPattern(String type, String pattern) {
    }

    /** @param threshold the estimated Jaccard similarity of word-bigram shingles from which inputs are near duplicates */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Dedupe(Boolean exact, Boolean near, Double threshold) {
    }

    /** @param threshold the estimated Jaccard similarity from which an input counts as an eval case's (0.3 to 1) */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Leakage(Double threshold) {
    }

    /** @param field a dot path into the target output, e.g. {@code intent} or {@code result.category} */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Label(String field) {
    }

    /**
     * @param maxPerCategory most examples kept per category (the best-labelled first); null for no cap
     * @param minPerCategory categories with fewer examples are left out; null for no minimum
     * @param caps           per-category caps overriding {@code maxPerCategory}
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Balance(Integer maxPerCategory, Integer minPerCategory, Map<String, Integer> caps) {
    }

    /** @param validation the share of each category put in validation, 0 to 0.5; @param seed seeds the choice */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Split(Double validation, Long seed) {
    }

    /** The spec in canonical JSON (members sorted, no whitespace): what versions hash and store. */
    public String canonicalJson() {
        return CanonicalJson.write(Json.MAPPER.valueToTree(this));
    }

    /** SHA-256 of {@link #canonicalJson}. */
    public String hash() {
        return Hashing.sha256Hex(canonicalJson());
    }

    /** The formats as enum values, in the spec's order (valid once parsed). */
    public List<ExportFormat> exportFormats() {
        return formats.stream().map(f -> ExportFormat.parse(f).orElseThrow()).toList();
    }
}
