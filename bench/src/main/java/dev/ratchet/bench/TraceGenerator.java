package dev.ratchet.bench;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ratchet.common.Json;
import java.time.Instant;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Deterministic agent traces for benchmarks: a support-desk agent answering a card question, each trace
 * with five spans of roughly 1-2 KB of JSON (the agent turn, an llm call with messages, model and tokens,
 * two tool calls with arguments and results, a knowledge-base retrieval). The content of batch {@code n}
 * depends only on the seed and {@code n}, so every path measured in a run, and every run with the same
 * seed, stores the same bytes. Not thread-safe; cheap to create.
 */
final class TraceGenerator {

    static final int SPANS_PER_TRACE = 5;

    private static final Instant BASE = Instant.parse("2026-11-21T10:00:00Z");

    private static final String[] WORDS = ("card account payment blocked frozen limit transfer merchant refund "
            + "statement balance pending declined contactless chip online purchase travel abroad replacement "
            + "delivery address verify identity customer support agent policy review fraud alert suspicious "
            + "transaction unlock reset pin daily weekly monthly fee charge dispute chargeback receipt invoice "
            + "currency exchange rate euro pound dollar branch mobile app notification security code password "
            + "login device trusted new old expired valid active status update request ticket escalate queue "
            + "priority normal urgent resolved open closed please thank you could would should check confirm "
            + "the a an of to for with from on in at by your our this that it is was will can may not "
            + "because after before when while if then also still already soon today yesterday tomorrow")
            .split(" ");
    private static final String[] MERCHANTS = {"Grocer & Co", "City Transit", "Bookshop 24", "Fuel Stop",
        "Cafe Central", "Airline Direct", "Hotel Lumen", "Pharma Plus", "Streamly", "Hardware Hub"};
    private static final String[] CARD_STATES = {"active", "blocked", "frozen", "expired", "pending_activation"};

    private final long seed;
    private final int tracesPerBatch;

    TraceGenerator(long seed, int tracesPerBatch) {
        this.seed = seed;
        this.tracesPerBatch = tracesPerBatch;
    }

    int tracesPerBatch() {
        return tracesPerBatch;
    }

    /** The REST ingest body for batch {@code batch}, as the client sends it. */
    byte[] body(long batch) {
        return Json.write(batch(batch)).getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    /** Batch {@code batch} as {@code {"traces":[...]}}; trace ids are unique across batches. */
    ObjectNode batch(long batch) {
        // Mixing the batch index into the seed makes each batch independent of which ones came before.
        SplittableRandom r = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + batch);
        ObjectNode root = Json.MAPPER.createObjectNode();
        ArrayNode traces = root.putArray("traces");
        for (int i = 0; i < tracesPerBatch; i++) {
            traces.add(trace(r, batch, i));
        }
        return root;
    }

    private ObjectNode trace(SplittableRandom r, long batch, int index) {
        Instant start = BASE.plusSeconds(batch * 60).plusMillis(index * 500L);
        String customer = "cus_" + hex(r, 12);
        String card = "card_" + hex(r, 12);
        String question = sentence(r, 12, 28) + " " + sentence(r, 6, 14).replace('.', '?');
        String answer = text(r, 380);
        long inputTokens = 900 + r.nextInt(600);
        long outputTokens = 80 + r.nextInt(200);

        ObjectNode t = Json.MAPPER.createObjectNode();
        t.put("id", "b" + batch + "-t" + index);
        t.put("agent", "desk");
        t.put("version", r.nextInt(4) == 0 ? "v2" : "v1");
        t.put("sessionId", "s-" + hex(r, 10));
        t.put("userId", "u-" + r.nextInt(5000));
        t.putObject("input").put("text", question);
        t.putObject("output").put("text", answer);
        t.put("startTime", start.toString());
        t.put("endTime", start.plusMillis(2400).toString());
        t.put("model", "gpt-4o-mini");
        ObjectNode usage = t.putObject("usage");
        usage.put("inputTokens", inputTokens);
        usage.put("outputTokens", outputTokens);
        t.putArray("tags").add("bench").add("cards");
        ObjectNode meta = t.putObject("metadata");
        meta.put("channel", r.nextBoolean() ? "web" : "mobile");
        meta.put("locale", "en-GB");

        String agentId = hex(r, 16);
        ArrayNode spans = t.putArray("spans");
        spans.add(agentSpan(r, agentId, start, question, answer));
        spans.add(retrievalSpan(r, agentId, start, question));
        spans.add(llmSpan(r, agentId, start, question, card, inputTokens, outputTokens));
        spans.add(cardStatusSpan(r, agentId, start, card, customer));
        spans.add(ticketSpan(r, agentId, start, customer));
        return t;
    }

    private static ObjectNode agentSpan(SplittableRandom r, String id, Instant start, String question, String answer) {
        ObjectNode s = span(id, null, "agent", "desk.handle_message", start, 0, 2400);
        s.putObject("input").put("text", question);
        s.putObject("output").put("text", answer);
        ObjectNode a = s.putObject("attributes");
        a.put("agent.name", "desk");
        a.put("route", "card_support");
        a.put("plan", text(r, 260));
        ObjectNode memory = a.putObject("memory");
        memory.put("items", 3);
        ArrayNode ids = memory.putArray("ids");
        for (int i = 0; i < 3; i++) {
            ids.add("mem_" + hex(r, 12));
        }
        return s;
    }

    private static ObjectNode retrievalSpan(SplittableRandom r, String parent, Instant start, String question) {
        ObjectNode s = span(hex(r, 16), parent, "retrieval", "kb.search", start, 20, 65);
        ObjectNode in = s.putObject("input");
        in.put("query", question.substring(0, Math.min(question.length(), 90)));
        in.put("topK", 4);
        in.put("index", "help-center-en");
        ArrayNode docs = s.putObject("output").putArray("documents");
        for (int i = 0; i < 4; i++) {
            ObjectNode d = docs.addObject();
            d.put("id", "kb-" + r.nextInt(100_000));
            d.put("title", sentence(r, 4, 8));
            d.put("score", Math.round((0.9 - i * 0.08 - r.nextDouble() * 0.05) * 1000) / 1000.0);
            d.put("text", text(r, 210));
        }
        return s;
    }

    private static ObjectNode llmSpan(SplittableRandom r, String parent, Instant start, String question, String card,
            long inputTokens, long outputTokens) {
        ObjectNode s = span(hex(r, 16), parent, "llm", "chat gpt-4o-mini", start, 70, 1250);
        s.put("model", "gpt-4o-mini");
        ObjectNode usage = s.putObject("usage");
        usage.put("inputTokens", inputTokens);
        usage.put("outputTokens", outputTokens);
        ObjectNode in = s.putObject("input");
        ArrayNode messages = in.putArray("messages");
        messages.addObject().put("role", "system").put("content", text(r, 520));
        messages.addObject().put("role", "user").put("content", question);
        ObjectNode tool = in.putArray("tools").addObject();
        tool.put("type", "function");
        tool.put("name", "get_card_status");
        tool.put("description", text(r, 110));
        ObjectNode params = tool.putObject("parameters");
        params.put("type", "object");
        params.putObject("properties").putObject("cardId").put("type", "string");
        params.putArray("required").add("cardId");
        in.putObject("params").put("temperature", 0.2).put("max_tokens", 512);
        ObjectNode out = s.putObject("output");
        out.put("role", "assistant");
        out.put("content", text(r, 160));
        ObjectNode call = out.putArray("tool_calls").addObject();
        call.put("id", "call_" + hex(r, 20));
        call.put("name", "get_card_status");
        call.putObject("arguments").put("cardId", card);
        out.put("finish_reason", "tool_calls");
        return s;
    }

    private static ObjectNode cardStatusSpan(SplittableRandom r, String parent, Instant start, String card,
            String customer) {
        ObjectNode s = span(hex(r, 16), parent, "tool", "get_card_status", start, 1260, 1380);
        s.put("toolCallId", "call_" + hex(r, 20));
        ObjectNode in = s.putObject("input");
        in.put("cardId", card);
        in.put("customerId", customer);
        in.put("includeTransactions", true);
        ObjectNode out = s.putObject("output");
        out.put("cardId", card);
        out.put("status", CARD_STATES[r.nextInt(CARD_STATES.length)]);
        out.put("reason", text(r, 100));
        out.put("limit", 500 * (1 + r.nextInt(10)));
        out.put("currency", "EUR");
        out.put("changedAt", start.minusSeconds(r.nextInt(86_400)).toString());
        ArrayNode tx = out.putArray("recentTransactions");
        for (int i = 0; i < 4; i++) {
            ObjectNode x = tx.addObject();
            x.put("id", "tx_" + hex(r, 10));
            x.put("amount", Math.round(r.nextDouble() * 20_000) / 100.0);
            x.put("merchant", MERCHANTS[r.nextInt(MERCHANTS.length)]);
            x.put("at", start.minusSeconds(r.nextInt(604_800)).toString());
            x.put("status", r.nextInt(5) == 0 ? "declined" : "settled");
        }
        s.putObject("attributes").put("http.status", 200).put("service", "cards-api");
        return s;
    }

    private static ObjectNode ticketSpan(SplittableRandom r, String parent, Instant start, String customer) {
        ObjectNode s = span(hex(r, 16), parent, "tool", "open_support_ticket", start, 1400, 1580);
        s.put("toolCallId", "call_" + hex(r, 20));
        ObjectNode in = s.putObject("input");
        in.put("customerId", customer);
        in.put("category", "card_blocked");
        in.put("priority", r.nextInt(6) == 0 ? "urgent" : "normal");
        in.put("summary", text(r, 300));
        ObjectNode out = s.putObject("output");
        out.put("ticketId", "T-" + (100_000 + r.nextInt(900_000)));
        out.put("status", "open");
        out.put("queue", "cards");
        out.put("eta", start.plusSeconds(3600L * (1 + r.nextInt(48))).toString());
        out.put("notes", text(r, 200));
        s.putObject("attributes").put("http.status", 201).put("service", "helpdesk-api");
        return s;
    }

    private static ObjectNode span(String id, String parent, String kind, String name, Instant traceStart,
            long fromMs, long toMs) {
        ObjectNode s = Json.MAPPER.createObjectNode();
        s.put("id", id);
        if (parent != null) {
            s.put("parentId", parent);
        }
        s.put("kind", kind);
        s.put("name", name);
        s.put("startTime", traceStart.plusMillis(fromMs).toString());
        s.put("endTime", traceStart.plusMillis(toMs).toString());
        return s;
    }

    /** Sentences until at least {@code chars} characters. */
    private static String text(SplittableRandom r, int chars) {
        StringBuilder b = new StringBuilder(chars + 80);
        while (b.length() < chars) {
            if (!b.isEmpty()) {
                b.append(' ');
            }
            b.append(sentence(r, 6, 18));
        }
        return b.toString();
    }

    private static String sentence(SplittableRandom r, int minWords, int maxWords) {
        int n = minWords + r.nextInt(maxWords - minWords + 1);
        StringBuilder b = new StringBuilder(n * 7);
        for (int i = 0; i < n; i++) {
            String w = WORDS[r.nextInt(WORDS.length)];
            if (i == 0) {
                b.append(w.substring(0, 1).toUpperCase(Locale.ROOT)).append(w, 1, w.length());
            } else {
                b.append(' ').append(w);
            }
        }
        return b.append('.').toString();
    }

    private static String hex(SplittableRandom r, int digits) {
        StringBuilder b = new StringBuilder(digits);
        for (int i = 0; i < digits; i++) {
            b.append(Character.forDigit(r.nextInt(16), 16));
        }
        return b.toString();
    }
}
