package dev.ratchet.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ratchet.common.BadInputException;
import dev.ratchet.common.Json;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code ratchet memory add|search|list|reindex|snapshot|diff}. */
@Command(name = "memory", mixinStandardHelpOptions = true, description = "Write, search and inspect an agent's memory.",
        subcommands = {MemoryCommand.Add.class, MemoryCommand.Search.class, MemoryCommand.ListItems.class,
                MemoryCommand.Reindex.class, MemoryCommand.Snapshot.class, MemoryCommand.Diff.class})
final class MemoryCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "add", mixinStandardHelpOptions = true, description = "Remember one item.")
    static final class Add implements Callable<Integer> {
        @Mixin ClientOptions client;
        @CommandLine.Spec CommandLine.Model.CommandSpec spec;
        @Parameters(paramLabel = "TEXT") String text;
        @Option(names = "--agent", required = true) String agent;
        @Option(names = "--kind", required = true, description = "fact, preference, correction, procedure or example") String kind;
        @Option(names = "--user", description = "Only for this user (default: shared by all users)") String user;
        @Option(names = "--session", description = "Only for this session") String session;
        @Option(names = "--item-key", description = "A later item with the same key supersedes this one (--key is the API key)") String key;
        @Option(names = "--value", description = "A JSON value stored with the key") String value;
        @Option(names = "--ttl", description = "Seconds until the item expires") Long ttl;

        @Override
        public Integer call() {
            ObjectNode item = Json.MAPPER.createObjectNode();
            item.put("agent", agent);
            item.put("kind", kind);
            item.put("text", text);
            putIfSet(item, "user", user);
            putIfSet(item, "session", session);
            putIfSet(item, "key", key);
            if (value != null) {
                try {
                    item.set("value", Json.MAPPER.readTree(value));
                } catch (java.io.IOException e) {
                    throw new BadInputException("--value", "must be JSON, e.g. {\"tier\":\"gold\"} or \"text\"");
                }
            }
            if (ttl != null) {
                if (ttl < 1 || ttl > Integer.MAX_VALUE) {
                    throw new BadInputException("--ttl", "must be a positive number of seconds");
                }
                item.put("ttlSeconds", ttl);
            }
            ObjectNode body = Json.MAPPER.createObjectNode();
            body.putArray("items").add(item);
            JsonNode r = client.client().post("/api/v1/memory", Json.write(body).getBytes(StandardCharsets.UTF_8));
            JsonNode result = r.path("results").path(0);
            PrintWriter out = spec.commandLine().getOut();
            String action = result.path("action").asText();
            out.println(switch (action) {
                case "superseded" -> "stored " + result.path("id").asText() + " (supersedes "
                        + result.path("supersededId").asText() + ")";
                case "merged" -> "merged into " + result.path("id").asText() + " (near-duplicate)";
                case "duplicate" -> "already stored as " + result.path("id").asText() + " (same idempotency key)";
                default -> "stored " + result.path("id").asText();
            });
            return 0;
        }
    }

    @Command(name = "search", mixinStandardHelpOptions = true, description = "Search an agent's active memory.")
    static final class Search implements Callable<Integer> {
        @Mixin ClientOptions client;
        @CommandLine.Spec CommandLine.Model.CommandSpec spec;
        @Parameters(paramLabel = "QUERY") String query;
        @Option(names = "--agent", required = true) String agent;
        @Option(names = "--k", description = "How many items, 1 to 100 (default 5)") Integer k;
        @Option(names = "--user", description = "Search this user's items as well as the shared ones") String user;
        @Option(names = "--json", description = "Print the raw JSON") boolean json;

        @Override
        public Integer call() {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("query", query);
            body.put("agent", agent);
            if (k != null) {
                body.put("k", k);
            }
            if (user != null) {
                body.put("user", user);
            }
            JsonNode r = client.client().post("/api/v1/memory/search", Json.write(body).getBytes(StandardCharsets.UTF_8));
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
                out.println(r.toPrettyString());
                return 0;
            }
            if (r.path("items").isEmpty()) {
                out.println("no memory items found");
                return 0;
            }
            out.printf("%-6s %-26s %-11s %-14s %s%n", "SCORE", "ID", "KIND", "SIGNALS", "TEXT");
            for (JsonNode h : r.path("items")) {
                JsonNode it = h.path("item");
                StringBuilder signals = new StringBuilder();
                h.path("signals").forEach(s -> signals.append(signals.isEmpty() ? "" : ",").append(s.asText().toLowerCase(java.util.Locale.ROOT)));
                out.printf("%-6.3f %-26s %-11s %-14s %s%n", h.path("score").asDouble(), it.path("id").asText(),
                        it.path("kind").asText(), signals, TracesCommand.clip(it.path("text").asText(), 80));
            }
            return 0;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List an agent's memory items, newest first.")
    static final class ListItems implements Callable<Integer> {
        @Mixin ClientOptions client;
        @CommandLine.Spec CommandLine.Model.CommandSpec spec;
        @Option(names = "--agent", required = true) String agent;
        @Option(names = "--status", description = "active, superseded, expired or rejected (default: any)") String status;
        @Option(names = "--limit", defaultValue = "100") int limit;
        @Option(names = "--json", description = "Print the raw JSON") boolean json;

        @Override
        public Integer call() {
            Map<String, String> q = new LinkedHashMap<>();
            q.put("agent", agent);
            if (status != null) {
                q.put("status", status);
            }
            q.put("limit", Integer.toString(limit));
            JsonNode r = client.client().get("/api/v1/memory", q);
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
                out.println(r.toPrettyString());
                return 0;
            }
            out.printf("%-26s %-11s %-10s %-16s %s%n", "ID", "KIND", "STATUS", "KEY", "TEXT");
            for (JsonNode it : r.path("items")) {
                out.printf("%-26s %-11s %-10s %-16s %s%n", it.path("id").asText(), it.path("kind").asText(),
                        it.path("status").asText(), it.path("key").asText("-"),
                        TracesCommand.clip(it.path("text").asText(), 70));
            }
            return 0;
        }
    }

    @Command(name = "reindex", mixinStandardHelpOptions = true, description = "Rebuild this project's memory search index.")
    static final class Reindex implements Callable<Integer> {
        @Mixin ClientOptions client;
        @CommandLine.Spec CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            client.client().post("/api/v1/memory/reindex", new byte[0]);
            spec.commandLine().getOut().println("memory index rebuilt");
            return 0;
        }
    }

    @Command(name = "snapshot", mixinStandardHelpOptions = true, description = "Record which items are active now.")
    static final class Snapshot implements Callable<Integer> {
        @Mixin ClientOptions client;
        @CommandLine.Spec CommandLine.Model.CommandSpec spec;
        @Option(names = "--agent", required = true) String agent;
        @Option(names = "--user") String user;
        @Option(names = "--session") String session;

        @Override
        public Integer call() {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("agent", agent);
            if (user != null) {
                body.put("user", user);
            }
            if (session != null) {
                body.put("session", session);
            }
            JsonNode r = client.client().post("/api/v1/memory/snapshots", Json.write(body).getBytes(StandardCharsets.UTF_8));
            spec.commandLine().getOut().println("snapshot " + r.path("id").asText() + " (" + r.path("itemCount").asInt()
                    + " items)");
            return 0;
        }
    }

    @Command(name = "diff", mixinStandardHelpOptions = true, description = "How snapshot B differs from snapshot A.")
    static final class Diff implements Callable<Integer> {
        @Mixin ClientOptions client;
        @CommandLine.Spec CommandLine.Model.CommandSpec spec;
        @Parameters(index = "0", paramLabel = "A") String a;
        @Parameters(index = "1", paramLabel = "B") String b;

        @Override
        public Integer call() {
            JsonNode r = client.client().get("/api/v1/memory/snapshots/" + ApiClient.encodePath(a) + "/diff/"
                    + ApiClient.encodePath(b), Map.of());
            PrintWriter out = spec.commandLine().getOut();
            for (String part : new String[] {"added", "removed", "changed"}) {
                out.println(part + ": " + r.path(part).size());
                r.path(part).forEach(id -> out.println("  " + id.asText()));
            }
            return 0;
        }
    }

    private static void putIfSet(ObjectNode item, String field, String value) {
        if (value != null) {
            item.put(field, value);
        }
    }
}
