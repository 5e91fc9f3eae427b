package dev.ratchet.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ratchet.common.Json;
import dev.ratchet.common.JsonText;
import dev.ratchet.eval.Agent;
import dev.ratchet.eval.AgentAnswer;
import dev.ratchet.eval.AgentRequest;
import dev.ratchet.eval.CallKey;
import dev.ratchet.eval.CallKind;
import dev.ratchet.eval.CaseSpec;
import dev.ratchet.eval.Fixture;
import dev.ratchet.eval.Tools;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The eval benchmark's cases and agent: an order-status desk. Each case asks about an order of a customer; the agent
 * reads both ids from the question, classifies its intent by keywords, makes two tool calls (the customer, the
 * order) answered from the case's fixtures, and writes a reply. Every case is scored by an exact match of the reply,
 * a contains of the order status and a regex of the reply's shape. One case in twenty expects a reply the agent does
 * not give, so some cases fail, with a reason, as in a real suite. Deterministic for a seed.
 */
final class EvalWorkload {

    static final String LOOKUP_CUSTOMER = "lookup_customer";
    static final String ORDER_STATUS = "order_status";
    static final int FAILING_EVERY = 20;

    private static final Pattern ORDER = Pattern.compile("order (\\d{5})");
    private static final Pattern CUSTOMER = Pattern.compile("customer (C-\\d{4})");
    private static final String[] NAMES = {"Ada", "Grace", "Alan", "Edsger", "Barbara", "Donald", "Frances", "Ken",
        "Margaret", "Niklaus", "Radia", "Tony"};
    private static final String[] STATUSES = {"shipped", "delayed", "delivered", "processing", "returned"};
    private static final String[] TIERS = {"basic", "plus", "gold"};
    private static final String[] ASKS = {
        "Where is order %s for customer %s? It was supposed to arrive already.",
        "Can you check the status of order %s, customer %s, please?",
        "Hi, customer %2$s here; what happened to my order %1$s?",
        "Has order %s shipped yet? I am customer %s and need it by Friday.",
    };
    /** Intent keywords: the agent's bit of real work besides its calls. */
    private static final Map<String, List<String>> INTENTS = Map.of(
            "order_status", List.of("where", "status", "shipped", "arrive", "happened"),
            "refund", List.of("refund", "money", "back", "return"),
            "complaint", List.of("angry", "terrible", "worst", "complain"));

    private EvalWorkload() {
    }

    /** The expectations every case carries: exact reply, the status mentioned, the reply's shape. */
    static List<JsonText> expectations(String status) {
        return List.of(json("{\"type\":\"exact\",\"path\":\"/text\"}"),
                json("{\"type\":\"contains\",\"path\":\"/text\",\"value\":\"" + status + "\"}"),
                json("{\"type\":\"regex\",\"path\":\"/text\",\"pattern\":\"^Hi \\\\p{L}+, order \\\\d{5} (is|has|was) \"}"));
    }

    /** {@code count} cases; case {@code i} is the same for the same seed whatever the count. */
    static List<CaseSpec> cases(long seed, int count, String tag) {
        List<CaseSpec> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            SplittableRandom r = new SplittableRandom(seed * 1_000_003L + i);
            String order = String.format(Locale.ROOT, "%05d", 10_000 + r.nextInt(90_000));
            String customer = String.format(Locale.ROOT, "C-%04d", r.nextInt(10_000));
            String name = NAMES[r.nextInt(NAMES.length)];
            String status = STATUSES[r.nextInt(STATUSES.length)];
            String tier = TIERS[r.nextInt(TIERS.length)];
            String eta = String.format(Locale.ROOT, "2026-12-%02d", 1 + r.nextInt(28));
            String question = String.format(Locale.ROOT, ASKS[r.nextInt(ASKS.length)], order, customer);
            ObjectNode input = Json.MAPPER.createObjectNode().put("text", question);
            boolean failing = i % FAILING_EVERY == FAILING_EVERY - 1;
            ObjectNode expected = Json.MAPPER.createObjectNode()
                    .put("text", reply(name, order, status, eta, tier) + (failing ? " Anything else?" : ""))
                    .put("intent", "order_status");
            List<Fixture> fixtures = List.of(
                    new Fixture(CallKind.TOOL, LOOKUP_CUSTOMER, json("{\"id\":\"" + customer + "\"}"),
                            json("{\"name\":\"" + name + "\",\"tier\":\"" + tier + "\"}"), null, new BigDecimal("0.0001")),
                    new Fixture(CallKind.TOOL, ORDER_STATUS, json("{\"order\":\"" + order + "\"}"),
                            json("{\"status\":\"" + status + "\",\"eta\":\"" + eta + "\"}"), null, new BigDecimal("0.0002")));
            out.add(new CaseSpec(JsonText.of(input), null, JsonText.of(expected), fixtures, expectations(status),
                    List.of(tag), null));
        }
        return out;
    }

    static String reply(String name, String order, String status, String eta, String tier) {
        String verb = switch (status) {
            case "shipped", "delivered", "returned" -> "has been " + status;
            default -> "is " + status;
        };
        String when = status.equals("delivered") || status.equals("returned") ? "" : ", expected on " + eta;
        String extra = tier.equals("gold") ? " As a gold member, you can ask for free express delivery." : "";
        return "Hi " + name + ", order " + order + " " + verb + when + "." + extra;
    }

    /** The agent under test. Thread-safe (stateless). */
    static final Agent AGENT = EvalWorkload::answer;

    static AgentAnswer answer(AgentRequest request, Tools tools) {
        String text = request.input().path("text").asText();
        Matcher o = ORDER.matcher(text);
        Matcher c = CUSTOMER.matcher(text);
        if (!o.find() || !c.find()) {
            return new AgentAnswer(null, null, null, null, "cannot find the order and customer in the question");
        }
        String intent = intent(text);
        JsonNode customer = tools.tool(LOOKUP_CUSTOMER, Json.MAPPER.createObjectNode().put("id", c.group(1)));
        JsonNode order = tools.tool(ORDER_STATUS, Json.MAPPER.createObjectNode().put("order", o.group(1)));
        String reply = reply(customer.path("name").asText(), o.group(1), order.path("status").asText(),
                order.path("eta").asText(), customer.path("tier").asText());
        return AgentAnswer.of(JsonText.of(Json.MAPPER.createObjectNode().put("text", reply).put("intent", intent)));
    }

    /** The intent whose keywords occur most often among the question's words. */
    static String intent(String text) {
        String best = "other";
        int bestHits = 0;
        String[] words = text.toLowerCase(Locale.ROOT).split("[^\\p{L}\\p{N}-]+");
        for (Map.Entry<String, List<String>> e : INTENTS.entrySet().stream().sorted(Map.Entry.comparingByKey()).toList()) {
            int hits = 0;
            for (String w : words) {
                if (e.getValue().contains(w)) {
                    hits++;
                }
            }
            if (hits > bestHits) {
                best = e.getKey();
                bestHits = hits;
            }
        }
        return best;
    }

    /** The plain loop's tools: the case's fixtures in a map, nothing recorded, no replay rules. */
    static Tools plainTools(CaseSpec c) {
        Map<CallKey, JsonNode> answers = new HashMap<>();
        for (Fixture f : c.fixtures()) {
            answers.put(f.key(), f.result().node());
        }
        return new Tools() {
            @Override
            public JsonNode tool(String name, JsonNode arguments) {
                return answers.get(CallKey.tool(name, arguments));
            }

            @Override
            public JsonNode retrieve(String query) {
                return answers.get(CallKey.retrieval(query));
            }

            @Override
            public JsonNode model(String model, JsonNode messages) {
                return answers.get(CallKey.llm(model, messages));
            }
        };
    }

    private static JsonText json(String text) {
        return JsonText.of(Json.readTree(text));
    }
}
