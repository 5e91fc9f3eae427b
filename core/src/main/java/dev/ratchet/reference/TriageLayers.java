package dev.ratchet.reference;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import dev.ratchet.common.BadInputException;
import dev.ratchet.common.FieldError;
import dev.ratchet.common.Ids;
import dev.ratchet.common.Json;
import dev.ratchet.common.JsonText;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The layers of one version of the reference triage agent: what an agent version's configuration holds for it. A
 * value: every change (a memory write, an instruction edit, a rule, a retrained head) makes a new one, and the
 * learning loop registers it as a new agent version.
 *
 * @param instructions the instructions: per intent, its description followed by the phrasings added by instruction
 *                     edits; the agent compares a request with each and takes the nearest (an intent's score is its
 *                     best phrasing's cosine)
 * @param rules        the harness: keyword or regular-expression overrides, tried in order before any model; the
 *                     first that finds a match decides
 * @param head         the weights: the content hash of the trained linear head over the encoder's embeddings (an
 *                     artifact), or null before the first training
 * @param memory       which memory the agent reads: its agent name in the memory store and, for a candidate under
 *                     test, the session its not-yet-promoted items are staged in (null once promoted); {@code
 *                     snapshot} records the memory snapshot the version was promoted with
 * @param params       how the layers' scores are weighed (see {@link Params})
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TriageLayers(Map<String, List<String>> instructions, List<Rule> rules, String head, Memory memory,
        Params params) {

    public TriageLayers {
        instructions = instructions == null ? Map.of() : copy(instructions);
        rules = rules == null ? List.of() : List.copyOf(rules);
        params = params == null ? Params.defaults() : params;
    }

    /**
     * A routing rule: when {@code pattern} (a Java regular expression, searched case-insensitively) is found in the
     * request, the request goes to {@code intent}. {@code reason} says where it came from.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Rule(String pattern, String intent, String reason) {
    }

    /** The memory the agent reads: see {@link TriageLayers#memory}. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Memory(String agent, String session, String snapshot) {

        public Memory withSession(String s) {
            return new Memory(agent, s, snapshot);
        }

        public Memory withSnapshot(String s) {
            return new Memory(agent, session, s);
        }
    }

    /**
     * How the agent weighs its layers. The intent's score is {@code headWeight * p_head + memoryWeight * r * p_memory
     * + instructionWeight * p_instructions}, normalised, where {@code p_memory} is a vote of the {@code k} nearest
     * remembered examples weighted by {@code exp(sharpness * cosine)}, {@code r = 1 - exp(-sum of exp(sharpness *
     * (cosine - 1)))} says how much the vote is worth (near neighbours: close to 1; only far ones: close to 0), and
     * {@code p_instructions} is a softmax of {@code instructionScale} times the nearest phrasing's cosine. Without a
     * head, its weight is 0. A remembered example whose text is the request itself decides outright, as does a rule;
     * below {@code threshold} the agent asks for clarification instead of routing.
     */
    public record Params(int k, double sharpness, double headWeight, double memoryWeight, double instructionWeight,
            double instructionScale, double threshold) {

        public static Params defaults() {
            return new Params(10, 20, 0.5, 0.5, 0.1, 20, 0);
        }

        public Params withThreshold(double t) {
            return new Params(k, sharpness, headWeight, memoryWeight, instructionWeight, instructionScale, t);
        }
    }

    /** The starting version of an agent: each intent described by the given text, no rules, no head, empty memory. */
    public static TriageLayers initial(Map<String, String> descriptions, String memoryAgent, Params params) {
        Map<String, List<String>> instructions = new TreeMap<>();
        descriptions.forEach((intent, d) -> instructions.put(intent, List.of(d)));
        return new TriageLayers(instructions, List.of(), null, new Memory(memoryAgent, null, null), params);
    }

    public TriageLayers withInstructions(Map<String, List<String>> i) {
        return new TriageLayers(i, rules, head, memory, params);
    }

    public TriageLayers withRules(List<Rule> r) {
        return new TriageLayers(instructions, r, head, memory, params);
    }

    public TriageLayers withHead(String h) {
        return new TriageLayers(instructions, rules, h, memory, params);
    }

    public TriageLayers withMemory(Memory m) {
        return new TriageLayers(instructions, rules, head, m, params);
    }

    /** The intents this version can answer, sorted. */
    public List<String> intents() {
        return List.copyOf(new TreeMap<>(instructions).keySet());
    }

    /** As an agent version's configuration. */
    public JsonText toJson() {
        return JsonText.of(Json.MAPPER.valueToTree(this));
    }

    /**
     * The layers a configuration describes.
     *
     * @throws BadInputException naming each bad field: no instructions, a blank phrasing, a rule whose pattern does
     *         not compile or whose intent is unknown, no memory agent, parameters out of range
     */
    public static TriageLayers parse(JsonText configuration) {
        if (configuration == null || !configuration.isObject()) {
            throw new BadInputException("configuration", "required: the triage agent's layers as a JSON object");
        }
        TriageLayers l;
        try {
            l = Json.MAPPER.treeToValue(configuration.node(), TriageLayers.class);
        } catch (JsonProcessingException e) {
            throw Json.malformed(e);
        }
        l.validate();
        return l;
    }

    private void validate() {
        List<FieldError> errors = new ArrayList<>();
        if (instructions.isEmpty()) {
            errors.add(FieldError.of("instructions", "at least one intent with a description is required"));
        }
        instructions.forEach((intent, phrasings) -> {
            if (intent.isBlank() || intent.length() > 128 || intent.chars().anyMatch(ch -> Character.isISOControl(ch)
                    || Character.isWhitespace(ch))) {
                errors.add(FieldError.of("instructions." + intent, "an intent is 1 to 128 characters, no spaces or"
                        + " control characters"));
            }
            if (phrasings.isEmpty() || phrasings.stream().anyMatch(p -> p == null || p.isBlank())) {
                errors.add(FieldError.of("instructions." + intent, "needs a description, and no phrasing may be blank"));
            }
        });
        for (int i = 0; i < rules.size(); i++) {
            Rule r = rules.get(i);
            if (r == null || r.pattern() == null || r.pattern().isBlank()) {
                errors.add(FieldError.of("rules[" + i + "].pattern", "required"));
            } else {
                try {
                    Pattern.compile(r.pattern());
                } catch (PatternSyntaxException e) {
                    errors.add(FieldError.of("rules[" + i + "].pattern", "not a regular expression: " + e.getDescription()));
                }
            }
            if (r != null && !instructions.containsKey(r.intent())) {
                errors.add(FieldError.of("rules[" + i + "].intent", "not one of the intents in instructions"));
            }
        }
        if (memory == null || memory.agent() == null || !Ids.isValidClientId(memory.agent())) {
            errors.add(FieldError.of("memory.agent", "required: the agent name its memory is kept under"));
        }
        if (params.k() < 1 || params.k() > 100) {
            errors.add(FieldError.of("params.k", "must be 1 to 100"));
        }
        if (!(params.threshold() >= 0 && params.threshold() < 1)) {
            errors.add(FieldError.of("params.threshold", "must be at least 0 and below 1"));
        }
        for (var w : Map.of("headWeight", params.headWeight(), "memoryWeight", params.memoryWeight(),
                "instructionWeight", params.instructionWeight(), "sharpness", params.sharpness(),
                "instructionScale", params.instructionScale()).entrySet()) {
            if (!(w.getValue() >= 0 && w.getValue() <= 1_000)) {
                errors.add(FieldError.of("params." + w.getKey(), "must be from 0 to 1000"));
            }
        }
        if (!errors.isEmpty()) {
            throw new BadInputException(errors);
        }
    }

    private static Map<String, List<String>> copy(Map<String, List<String>> in) {
        Map<String, List<String>> out = new TreeMap<>();
        in.forEach((k, v) -> out.put(Objects.requireNonNull(k, "intent"),
                v == null ? List.of() : List.copyOf(new LinkedHashSet<>(v.stream().map(x -> x == null ? "" : x).toList()))));
        return java.util.Collections.unmodifiableMap(out);
    }
}
