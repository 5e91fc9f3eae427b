package dev.ratchet.eval;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ratchet.common.JsonText;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The {@link Tools} of one case in a run: each call is looked up by its {@link CallKey} among the case's fixtures.
 * A key recorded several times (a tool polled until done) is answered with its recordings in order, the last one
 * repeating, so the same calls always get the same answers. A call with no fixture goes to the agent's live tools
 * when the run allows it, and is otherwise refused and remembered ({@link #missing}), which fails the case. Every
 * call is recorded for trajectory scoring. Thread-safe.
 */
final class ReplayTools implements Tools {

    private final Map<CallKey, List<Fixture>> fixtures = new HashMap<>();
    private final Map<CallKey, Integer> served = new HashMap<>();
    private final Tools live;
    private final List<Call> calls = new ArrayList<>();
    private final List<String> missing = new ArrayList<>();
    private BigDecimal fixtureCost;

    /** @param live the agent's live tools when the run allows live calls; null for strict replay */
    ReplayTools(List<Fixture> recorded, Tools live) {
        for (Fixture f : recorded) {
            fixtures.computeIfAbsent(f.key(), k -> new ArrayList<>()).add(f);
        }
        this.live = live;
    }

    @Override
    public JsonNode tool(String name, JsonNode arguments) {
        return call(CallKey.tool(name, arguments), name, arguments, t -> t.tool(name, arguments));
    }

    @Override
    public JsonNode retrieve(String query) {
        JsonNode q = dev.ratchet.common.Json.MAPPER.getNodeFactory().textNode(query);
        return call(CallKey.retrieval(query), null, q, t -> t.retrieve(query));
    }

    @Override
    public JsonNode model(String model, JsonNode messages) {
        return call(CallKey.llm(model, messages), model, messages, t -> t.model(model, messages));
    }

    private JsonNode call(CallKey key, String name, JsonNode request, java.util.function.Function<Tools, JsonNode> liveCall) {
        Fixture f;
        synchronized (this) {
            List<Fixture> recorded = fixtures.get(key);
            if (recorded == null) {
                if (live == null) {
                    calls.add(new Call(key.kind(), name, JsonText.of(request), Call.Source.MISSING));
                    String why = "no fixture for " + key.describe() + recordedFor(key);
                    missing.add(why);
                    throw new MissingFixtureException(why);
                }
                calls.add(new Call(key.kind(), name, JsonText.of(request), Call.Source.LIVE));
                f = null;
            } else {
                int n = served.merge(key, 1, Integer::sum);
                f = recorded.get(Math.min(n, recorded.size()) - 1);
                calls.add(new Call(key.kind(), name, JsonText.of(request), Call.Source.FIXTURE));
                if (f.cost() != null) {
                    fixtureCost = fixtureCost == null ? f.cost() : fixtureCost.add(f.cost());
                }
            }
        }
        if (f == null) {
            return liveCall.apply(live); // outside the lock: a live call may be slow
        }
        if (f.error() != null) {
            throw new CallFailedException(f.error());
        }
        return f.result() == null ? dev.ratchet.common.Json.MAPPER.nullNode() : f.result().node();
    }

    /** What the case does hold for calls of the same kind and name, so the reason shows the mismatch. */
    private String recordedFor(CallKey key) {
        Map<String, Integer> same = new LinkedHashMap<>();
        for (CallKey k : fixtures.keySet()) {
            if (k.kind() == key.kind() && k.name().equals(key.name())) {
                same.merge(k.request(), 1, Integer::sum);
            }
        }
        if (same.isEmpty()) {
            return "; the case has no " + key.kind().wire() + " fixture" + (key.name().isEmpty() ? "" : " for '" + key.name() + "'")
                    + " (strict replay: allow live calls to make it)";
        }
        String recorded = same.keySet().stream().limit(3).map(Outputs::cut).collect(Collectors.joining(", "));
        return "; recorded requests: " + recorded + (same.size() > 3 ? " (and " + (same.size() - 3) + " more)" : "")
                + " (strict replay: allow live calls to make it)";
    }

    synchronized List<Call> calls() {
        return List.copyOf(calls);
    }

    synchronized List<String> missing() {
        return List.copyOf(missing);
    }

    synchronized BigDecimal fixtureCost() {
        return fixtureCost;
    }
}
