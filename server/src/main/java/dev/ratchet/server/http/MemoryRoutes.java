package dev.ratchet.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ratchet.common.BadInputException;
import dev.ratchet.common.FieldError;
import dev.ratchet.common.Json;
import dev.ratchet.common.JsonText;
import dev.ratchet.common.NotFoundException;
import dev.ratchet.memory.MemoryHit;
import dev.ratchet.memory.MemoryItem;
import dev.ratchet.memory.MemoryKind;
import dev.ratchet.memory.MemorySearch;
import dev.ratchet.memory.MemoryStatus;
import dev.ratchet.memory.MemoryStore;
import dev.ratchet.memory.MemoryWrite;
import dev.ratchet.memory.MemoryWriteResult;
import dev.ratchet.memory.Provenance;
import io.javalin.http.Context;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Memory over HTTP: write ({@code POST /api/v1/memory}), search, list, get, reindex, snapshots and their
 * diffs. Always the caller's project. The JSON is mapped strictly (unknown fields and wrong types are a 400
 * naming {@code items[i].field}) before the store validates the content, so a bad request stores nothing.
 */
public final class MemoryRoutes {

    private static final long MAX_BODY = 16L * 1024 * 1024;
    private static final Set<String> WRITE_FIELDS = Set.of("agent", "kind", "text", "user", "session", "key", "value",
            "ttlSeconds", "validTo", "idempotencyKey", "provenance");
    private static final Set<String> SEARCH_FIELDS = Set.of("query", "agent", "k", "user", "session", "kinds", "minScore");
    private static final Set<String> SNAPSHOT_FIELDS = Set.of("agent", "user", "session");
    private static final int DEFAULT_K = 5;

    private final MemoryStore memory;

    public MemoryRoutes(MemoryStore memory) {
        this.memory = memory;
    }

    public void write(Context ctx) {
        String project = Auth.principal(ctx).projectId();
        JsonNode body = JsonFields.object(Bodies.json(Bodies.read(ctx, MAX_BODY)), "$");
        JsonFields.unknown(body, Set.of("items"), "");
        JsonNode items = body.get("items");
        if (items == null || !items.isArray()) {
            throw new BadInputException("items", "required: an array of memory items");
        }
        List<FieldError> errors = new ArrayList<>();
        List<MemoryWrite> batch = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            try {
                batch.add(toWrite(items.get(i), "items[" + i + "]."));
            } catch (BadInputException e) {
                e.errors().forEach(f -> errors.add(new FieldError(f.item(), f.field(), f.reason())));
            }
        }
        if (!errors.isEmpty()) {
            throw new BadInputException(errors);
        }
        List<MemoryWriteResult> results = memory.write(project, batch);
        List<Map<String, Object>> out = new ArrayList<>();
        for (MemoryWriteResult r : results) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", r.id());
            m.put("action", r.action().name().toLowerCase(Locale.ROOT));
            m.put("supersededId", r.supersededId());
            out.add(m);
        }
        ctx.json(Map.of("results", out));
    }

    public void search(Context ctx) {
        String project = Auth.principal(ctx).projectId();
        JsonNode body = JsonFields.object(Bodies.json(Bodies.read(ctx, MAX_BODY)), "$");
        JsonFields.unknown(body, SEARCH_FIELDS, "");
        Set<MemoryKind> kinds = EnumSet.noneOf(MemoryKind.class);
        JsonNode k = body.get("kinds");
        if (k != null && !k.isNull()) {
            if (!k.isArray()) {
                throw new BadInputException("kinds", "must be an array of kinds");
            }
            for (int i = 0; i < k.size(); i++) {
                String wire = k.get(i).isTextual() ? k.get(i).asText() : null;
                final int at = i;
                kinds.add(MemoryKind.parse(wire).orElseThrow(() -> new BadInputException("kinds[" + at + "]",
                        "unknown kind; one of fact, preference, correction, procedure, example")));
            }
        }
        Integer count = JsonFields.integer(body, "k", "");
        JsonNode min = body.get("minScore");
        Double minScore = null;
        if (min != null && !min.isNull()) {
            if (!min.isNumber()) {
                throw new BadInputException("minScore", "must be a number from 0 to 1");
            }
            minScore = min.asDouble();
        }
        MemorySearch search = new MemorySearch(JsonFields.text(body, "query", ""), JsonFields.text(body, "agent", ""), JsonFields.text(body, "user", ""),
                JsonFields.text(body, "session", ""), kinds, count == null ? DEFAULT_K : count, minScore);
        List<Map<String, Object>> hits = new ArrayList<>();
        for (MemoryHit h : memory.search(project, search)) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("item", json(h.item()));
            m.put("score", h.score());
            m.put("signals", h.signals().stream().map(sig -> sig.name().toLowerCase(Locale.ROOT)).sorted().toList());
            m.put("similarity", h.similarity());
            hits.add(m);
        }
        ctx.json(Map.of("items", hits));
    }

    public void list(Context ctx) {
        String project = Auth.principal(ctx).projectId();
        String agent = ctx.queryParam("agent");
        if (agent == null || agent.isBlank()) {
            throw new BadInputException("agent", "required");
        }
        MemoryStatus status = null;
        String statusText = ctx.queryParam("status");
        if (statusText != null && !statusText.isBlank()) {
            status = MemoryStatus.parse(statusText).orElseThrow(() -> new BadInputException("status",
                    "unknown status '" + statusText + "'; one of active, superseded, expired, rejected"));
        }
        int limit = TraceRoutes.intParam(ctx, "limit", 100);
        if (limit < 1 || limit > 1000) {
            throw new BadInputException("limit", "must be between 1 and 1000");
        }
        ctx.json(Map.of("items", memory.list(project, agent, status, limit).stream().map(MemoryRoutes::json).toList()));
    }

    public void get(Context ctx) {
        String project = Auth.principal(ctx).projectId();
        String id = ctx.pathParam("id");
        ctx.json(json(memory.get(project, id).orElseThrow(() -> new NotFoundException("memory item", id))));
    }

    public void reindex(Context ctx) {
        memory.reindex(Auth.principal(ctx).projectId());
        ctx.json(Map.of("reindexed", true));
    }

    public void snapshot(Context ctx) {
        String project = Auth.principal(ctx).projectId();
        JsonNode body = JsonFields.object(Bodies.json(Bodies.read(ctx, MAX_BODY)), "$");
        JsonFields.unknown(body, SNAPSHOT_FIELDS, "");
        ctx.json(memory.snapshot(project, JsonFields.text(body, "agent", ""), JsonFields.text(body, "user", ""), JsonFields.text(body, "session", "")));
    }

    public void diff(Context ctx) {
        String project = Auth.principal(ctx).projectId();
        ctx.json(memory.diff(project, ctx.pathParam("a"), ctx.pathParam("b")));
    }

    /** An item as the API shows it: kinds and statuses by their lower-case wire names, as everywhere else. */
    static ObjectNode json(MemoryItem item) {
        ObjectNode node = Json.MAPPER.valueToTree(item);
        node.put("kind", item.kind().wire());
        node.put("status", item.status().wire());
        return node;
    }

    /** Maps one item strictly; the store checks the content (required fields, sizes, kinds). */
    private static MemoryWrite toWrite(JsonNode item, String at) {
        JsonFields.object(item, at.isEmpty() ? "$" : at.substring(0, at.length() - 1));
        JsonFields.unknown(item, WRITE_FIELDS, at);
        JsonNode value = item.get("value");
        Integer ttlSeconds = JsonFields.integer(item, "ttlSeconds", at);
        if (ttlSeconds != null && ttlSeconds < 1) {
            throw new BadInputException(at + "ttlSeconds", "must be a positive number of seconds");
        }
        Instant validTo = null;
        String validToText = JsonFields.text(item, "validTo", at);
        if (validToText != null) {
            try {
                validTo = Instant.parse(validToText);
            } catch (DateTimeParseException e) {
                throw new BadInputException(at + "validTo", "must be an ISO-8601 instant such as 2026-12-01T00:00:00Z");
            }
        }
        return new MemoryWrite(JsonFields.text(item, "agent", at), JsonFields.text(item, "user", at), JsonFields.text(item, "session", at),
                JsonFields.text(item, "kind", at), JsonFields.text(item, "text", at), JsonFields.text(item, "key", at),
                value == null || value.isNull() ? null : JsonText.of(value), provenance(item.get("provenance"), at),
                ttlSeconds == null ? null : Duration.ofSeconds(ttlSeconds), validTo, JsonFields.text(item, "idempotencyKey", at));
    }

    private static Provenance provenance(JsonNode p, String at) {
        if (p == null || p.isNull()) {
            return null;
        }
        JsonFields.object(p, at + "provenance");
        JsonFields.unknown(p, Set.of("traceIds", "feedbackIds"), at + "provenance.");
        return new Provenance(JsonFields.strings(p, "traceIds", at + "provenance."), JsonFields.strings(p, "feedbackIds", at + "provenance."));
    }

}
