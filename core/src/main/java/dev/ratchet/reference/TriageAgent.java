package dev.ratchet.reference;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ratchet.common.BadInputException;
import dev.ratchet.common.Hashing;
import dev.ratchet.common.Ids;
import dev.ratchet.common.Json;
import dev.ratchet.common.JsonText;
import dev.ratchet.eval.Agent;
import dev.ratchet.eval.AgentAnswer;
import dev.ratchet.eval.AgentRequest;
import dev.ratchet.eval.Tools;
import dev.ratchet.memory.Embedder;
import dev.ratchet.memory.MemoryHit;
import dev.ratchet.memory.MemoryKind;
import dev.ratchet.memory.MemorySearch;
import dev.ratchet.memory.MemoryStore;
import dev.ratchet.train.LinearHead;
import dev.ratchet.trace.Span;
import dev.ratchet.trace.SpanKind;
import dev.ratchet.trace.Status;
import dev.ratchet.trace.Trace;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * The reference agent: a support-desk triage agent that routes a customer's request to one of its intents, with
 * every layer a real agent has (see {@link TriageLayers}): a frozen encoder (the memory store's embedder,
 * bge-small in-process), a trained linear head over its embeddings, intent descriptions, routing rules, a confidence
 * threshold under which it asks the customer to clarify, one tool per intent (opening a ticket in that intent's
 * queue), and memory (examples and corrections, read through the memory store).
 *
 * <p>How it decides: a remembered example whose text is the request (the memory store's key match) decides first,
 * then the first matching rule; otherwise the head, the nearest remembered examples and the instructions are
 * weighed as {@link TriageLayers.Params} says. Memory is part of the version, not of the world: a version reads the
 * memory its layers name, live, so that a candidate's new memory is what a replay tests. Only the ticket tools are
 * calls to the world, made through {@link Tools} and so replayable; {@link #live()} opens tickets locally (a ticket
 * number derived from the request), which is what runs of candidates use when a case has no recorded ticket.
 *
 * <p>Thread-safe: parsed layers and loaded heads are cached by content.
 */
public final class TriageAgent implements Agent {

    /** The tool that opens a ticket in an intent's queue is named this followed by the intent. */
    public static final String TOOL_PREFIX = "route.";

    private final String project;
    private final Embedder embedder;
    private final MemoryStore memory;
    private final Function<String, LinearHead> heads;
    private final Map<String, Compiled> compiled = java.util.Collections.synchronizedMap(new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Compiled> eldest) {
            return size() > 32;
        }
    });

    /**
     * @param project  the project whose memory the agent reads
     * @param embedder the frozen encoder; pass the memory store's embedder so that one cache serves both
     * @param memory   the memory store
     * @param heads    loads a head by its content hash (e.g. from the artifact store); called once per hash
     */
    public TriageAgent(String project, Embedder embedder, MemoryStore memory, Function<String, LinearHead> heads) {
        this.project = Objects.requireNonNull(project, "project");
        this.embedder = Objects.requireNonNull(embedder, "embedder");
        this.memory = Objects.requireNonNull(memory, "memory");
        this.heads = memoize(Objects.requireNonNull(heads, "heads"));
    }

    /** What the agent decided for one request, with each layer's view, for its trace. */
    public record Decision(String intent, String action, double confidence, String layer, List<Step> steps) {

        public boolean routed() {
            return "route".equals(action);
        }

        JsonText output(String ticket) {
            ObjectNode o = Json.MAPPER.createObjectNode();
            o.put("intent", intent);
            o.put("action", action);
            o.put("confidence", Math.round(confidence * 10_000) / 10_000.0);
            o.put("layer", layer);
            if (ticket != null) {
                o.put("ticket", ticket);
            }
            return JsonText.of(o);
        }
    }

    /** One step of a decision: which layer, what it was given and what it said, and how long it took. */
    public record Step(SpanKind kind, String name, JsonNode input, JsonNode output, long nanos) {
    }

    /**
     * Decides a request under the given layers.
     *
     * @throws BadInputException if the text is blank or the layers are invalid
     */
    public Decision decide(String text, TriageLayers layers) {
        if (text == null || text.isBlank()) {
            throw new BadInputException("input.text", "required: the customer's request");
        }
        Compiled c = compile(layers);
        String query = text.strip();
        List<Step> steps = new ArrayList<>();

        long t0 = System.nanoTime();
        float[] v = embedder.embed(query);
        long t1 = System.nanoTime();
        steps.add(new Step(SpanKind.REASONING, "encode", textNode(query),
                Json.MAPPER.createObjectNode().put("model", embedder.model()).put("dimension", v.length), t1 - t0));

        List<MemoryHit> hits = memory.search(project, new MemorySearch(query, c.layers.memory().agent(), null,
                c.layers.memory().session(), Set.of(MemoryKind.EXAMPLE, MemoryKind.CORRECTION), c.layers.params().k(), null));
        long t2 = System.nanoTime();
        ArrayNode hitsOut = Json.MAPPER.createArrayNode();
        String exact = null;
        String exactId = null;
        double[] vote = new double[c.intents.size()];
        double mass = 0;
        double voteTotal = 0;
        TriageLayers.Params p = c.params();
        for (MemoryHit h : hits) {
            String label = intentOf(h);
            Integer idx = label == null ? null : c.index.get(label);
            hitsOut.addObject().put("id", h.item().id()).put("intent", label)
                    .put("similarity", h.similarity() == null ? null : Math.round(h.similarity() * 10_000) / 10_000.0);
            if (idx == null) {
                continue;
            }
            if (exact == null && query.equals(h.item().key())) {
                exact = label;
                exactId = h.item().id();
            }
            if (h.similarity() != null) {
                double w = Math.exp(p.sharpness() * (h.similarity() - 1));
                vote[idx] += w;
                voteTotal += w;
                mass += w;
            }
        }
        steps.add(new Step(SpanKind.MEMORY, "memory", textNode(query), Json.MAPPER.createObjectNode()
                .<ObjectNode>set("hits", hitsOut).put("exact", exactId), t2 - t1));
        if (exact != null) {
            return finish(steps, exact, 1.0, "memory", c);
        }

        for (int i = 0; i < c.rules.size(); i++) {
            if (c.rules.get(i).matcher(query).find()) {
                TriageLayers.Rule r = c.layers.rules().get(i);
                steps.add(new Step(SpanKind.GUARDRAIL, "rules", textNode(query), Json.MAPPER.createObjectNode()
                        .put("rule", i).put("pattern", r.pattern()).put("intent", r.intent()), System.nanoTime() - t2));
                return finish(steps, r.intent(), 1.0, "rules", c);
            }
        }
        long t3 = System.nanoTime();
        steps.add(new Step(SpanKind.GUARDRAIL, "rules", textNode(query),
                Json.MAPPER.createObjectNode().putNull("rule"), t3 - t2));

        int n = c.intents.size();
        double[] instr = new double[n];
        double best = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            double m = Double.NEGATIVE_INFINITY;
            for (float[] ph : c.phrasings.get(i)) {
                m = Math.max(m, dot(v, ph));
            }
            instr[i] = m;
            best = Math.max(best, m);
        }
        double z = 0;
        for (int i = 0; i < n; i++) {
            instr[i] = Math.exp(p.instructionScale() * (instr[i] - best));
            z += instr[i];
        }
        for (int i = 0; i < n; i++) {
            instr[i] /= z;
        }
        long t4 = System.nanoTime();
        steps.add(new Step(SpanKind.REASONING, "instructions", textNode(query),
                top(c.intents, instr, 3), t4 - t3));

        double[] head = null;
        if (c.head != null) {
            double[] ph = c.head.probabilities(v);
            head = new double[n];
            List<String> labels = c.head.labels();
            for (int j = 0; j < labels.size(); j++) {
                Integer idx = c.index.get(labels.get(j));
                if (idx != null) {
                    head[idx] = ph[j];
                }
            }
            steps.add(new Step(SpanKind.REASONING, "head", textNode(query), top(c.intents, head, 3), System.nanoTime() - t4));
        }

        double reliability = 1 - Math.exp(-mass);
        double[] score = new double[n];
        double total = 0;
        for (int i = 0; i < n; i++) {
            double s = p.instructionWeight() * instr[i];
            if (voteTotal > 0) {
                s += p.memoryWeight() * reliability * vote[i] / voteTotal;
            }
            if (head != null) {
                s += p.headWeight() * head[i];
            }
            score[i] = s;
            total += s;
        }
        int arg = 0;
        for (int i = 1; i < n; i++) {
            if (score[i] > score[arg]) {
                arg = i;
            }
        }
        double confidence = total > 0 ? score[arg] / total : 0;
        String layer = head != null ? "weights" : voteTotal > 0 && reliability * p.memoryWeight() > p.instructionWeight() * 0.5
                ? "memory" : "instructions";
        steps.add(new Step(SpanKind.REASONING, "decide", textNode(query), top(c.intents, normalised(score, total), 3), 0));
        return finish(steps, c.intents.get(arg), confidence, layer, c);
    }

    private static Decision finish(List<Step> steps, String intent, double confidence, String layer, Compiled c) {
        boolean clarify = confidence < c.params().threshold();
        return new Decision(clarify ? null : intent, clarify ? "clarify" : "route", confidence, layer, List.copyOf(steps));
    }

    /** For the eval harness: answers the case's {@code {"text": ...}} under the configuration's layers. */
    @Override
    public AgentAnswer run(AgentRequest request, Tools tools) {
        TriageLayers layers = TriageLayers.parse(request.configuration());
        JsonNode text = request.input() == null ? null : request.input().path("text");
        if (text == null || !text.isTextual()) {
            throw new BadInputException("input.text", "required: the customer's request as a string");
        }
        Decision d = decide(text.textValue(), layers);
        String ticket = null;
        if (d.routed()) {
            JsonNode r = tools.tool(TOOL_PREFIX + d.intent(), textNode(text.textValue().strip()));
            ticket = r.path("ticket").asText(null);
        }
        return AgentAnswer.of(d.output(ticket));
    }

    /** The ticket tools, run locally: each opens a ticket whose number is derived from the request and queue. */
    @Override
    public Tools live() {
        return new Tools() {
            @Override
            public JsonNode tool(String name, JsonNode arguments) {
                if (name == null || !name.startsWith(TOOL_PREFIX)) {
                    throw new CallFailedException("no such tool: " + name);
                }
                return ticket(name.substring(TOOL_PREFIX.length()), arguments.path("text").asText(""));
            }

            @Override
            public JsonNode retrieve(String query) {
                throw new CallFailedException("the triage agent retrieves nothing through tools");
            }

            @Override
            public JsonNode model(String model, JsonNode messages) {
                throw new CallFailedException("the triage agent calls no model through tools");
            }
        };
    }

    /**
     * Answers one production request and returns its full trace (a span per step: encode, memory, rules,
     * instructions, head, decide, and the ticket tool), ready to ingest through the trace store.
     *
     * @param version the agent version's label, recorded on the trace
     */
    public Trace answer(String agentName, String version, TriageLayers layers, String text, String userId, Clock clock) {
        Instant start = clock.instant();
        Decision d = decide(text, layers);
        String traceId = Ids.newId(clock);
        List<Span> spans = new ArrayList<>();
        String root = "s0";
        Instant at = start;
        int i = 1;
        for (Step s : d.steps()) {
            Instant end = at.plusNanos(s.nanos());
            spans.add(new Span("s" + i++, root, s.kind(), s.name(), JsonText.of(s.input()), JsonText.of(s.output()), null,
                    at, end, Status.OK, null, null, null, null, null, null));
            at = end;
        }
        String ticket = null;
        if (d.routed()) {
            JsonNode args = textNode(text.strip());
            JsonNode result = ticket(d.intent(), text.strip());
            ticket = result.path("ticket").asText();
            spans.add(new Span("s" + i, root, SpanKind.TOOL, TOOL_PREFIX + d.intent(), JsonText.of(args),
                    JsonText.of(result), null, at, at, Status.OK, null, null, null, null, TOOL_PREFIX + d.intent(), "c1"));
        }
        JsonText output = d.output(ticket);
        ObjectNode instructions = Json.MAPPER.createObjectNode();
        instructions.put("intents", layers.instructions().size());
        instructions.put("phrasings", layers.instructions().values().stream().mapToInt(List::size).sum());
        instructions.put("rules", layers.rules().size());
        instructions.put("head", layers.head());
        instructions.put("threshold", layers.params().threshold());
        ObjectNode metadata = Json.MAPPER.createObjectNode();
        if (layers.memory().snapshot() != null) {
            metadata.put("memorySnapshotId", layers.memory().snapshot());
        }
        metadata.put("layer", d.layer());
        spans.add(0, new Span(root, null, SpanKind.AGENT, agentName, JsonText.of(textNode(text)), output, null, start,
                at, Status.OK, null, null, null, null, null, null));
        long latencyMs = Duration.between(start, at).toMillis();
        return new Trace(traceId, agentName, version, null, userId, start, at, JsonText.of(textNode(text)),
                JsonText.of(instructions), output, Status.OK, null, embedder.model(), null, null, latencyMs, List.of(),
                JsonText.of(metadata), spans.size(), null, null, spans);
    }

    /** The intent a remembered example teaches: its value's {@code intent}. */
    static String intentOf(MemoryHit h) {
        JsonText value = h.item().value();
        if (value == null) {
            return null;
        }
        JsonNode i = value.path("intent");
        return i.isTextual() ? i.textValue() : null;
    }

    static JsonNode ticket(String intent, String text) {
        String n = Hashing.sha256Hex(intent + "\n" + text).substring(0, 10).toUpperCase(java.util.Locale.ROOT);
        return Json.MAPPER.createObjectNode().put("ticket", "T-" + n).put("queue", intent);
    }

    private static ObjectNode textNode(String text) {
        return Json.MAPPER.createObjectNode().put("text", text);
    }

    private static ObjectNode top(List<String> intents, double[] p, int k) {
        Integer[] order = new Integer[p.length];
        for (int i = 0; i < p.length; i++) {
            order[i] = i;
        }
        java.util.Arrays.sort(order, (a, b) -> Double.compare(p[b], p[a]));
        ObjectNode out = Json.MAPPER.createObjectNode();
        ArrayNode arr = out.putArray("top");
        for (int i = 0; i < Math.min(k, p.length); i++) {
            arr.addObject().put("intent", intents.get(order[i])).put("p", Math.round(p[order[i]] * 10_000) / 10_000.0);
        }
        return out;
    }

    private static double[] normalised(double[] s, double total) {
        double[] out = new double[s.length];
        for (int i = 0; i < s.length; i++) {
            out[i] = total > 0 ? s[i] / total : 0;
        }
        return out;
    }

    private static double dot(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    private Compiled compile(TriageLayers layers) {
        String key = layers.toJson().text();
        Compiled c = compiled.get(key);
        if (c == null) {
            c = new Compiled(layers, embedder, layers.head() == null ? null : heads.apply(layers.head()));
            compiled.put(key, c);
        }
        return c;
    }

    private static <T> Function<String, T> memoize(Function<String, T> f) {
        Map<String, T> cache = new java.util.concurrent.ConcurrentHashMap<>();
        return k -> cache.computeIfAbsent(k, f);
    }

    private static final class Compiled {
        final TriageLayers layers;
        final List<String> intents;
        final Map<String, Integer> index = new java.util.HashMap<>();
        final List<List<float[]>> phrasings = new ArrayList<>();
        final List<Pattern> rules = new ArrayList<>();
        final LinearHead head;

        Compiled(TriageLayers layers, Embedder embedder, LinearHead head) {
            this.layers = layers;
            this.intents = layers.intents();
            for (int i = 0; i < intents.size(); i++) {
                index.put(intents.get(i), i);
                phrasings.add(embedder.embedAll(layers.instructions().get(intents.get(i))));
            }
            for (TriageLayers.Rule r : layers.rules()) {
                rules.add(Pattern.compile(r.pattern(), Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE));
            }
            if (head != null && head.dimension() != embedder.dimension()) {
                throw new BadInputException("head", "has dimension " + head.dimension() + ", the encoder "
                        + embedder.dimension());
            }
            this.head = head;
        }

        TriageLayers.Params params() {
            return layers.params();
        }
    }
}
