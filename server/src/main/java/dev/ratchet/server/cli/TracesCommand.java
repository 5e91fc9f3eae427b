package dev.ratchet.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ratchet.common.Json;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code ratchet traces list|show|ingest}. */
@Command(name = "traces", mixinStandardHelpOptions = true, description = "Query and send traces.",
        subcommands = {TracesCommand.List.class, TracesCommand.Show.class, TracesCommand.Ingest.class})
final class TracesCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List traces, newest first.")
    static final class List implements Callable<Integer> {
        @Mixin
        ClientOptions client;
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;
        @Option(names = "--agent") String agent;
        @Option(names = "--agent-version") String version;
        @Option(names = "--session") String session;
        @Option(names = "--user") String user;
        @Option(names = "--status", description = "unset, ok or error") String status;
        @Option(names = "--from", description = "ISO-8601 instant, inclusive") String from;
        @Option(names = "--to", description = "ISO-8601 instant, exclusive") String to;
        @Option(names = {"-q", "--text"}, description = "Free text over input, output and error") String text;
        @Option(names = "--limit", defaultValue = "20", description = "Page size (default: ${DEFAULT-VALUE})") int limit;
        @Option(names = "--cursor", description = "Continue after a previous page") String cursor;
        @Option(names = "--json", description = "Print the raw JSON page") boolean json;

        @Override
        public Integer call() {
            Map<String, String> q = new LinkedHashMap<>();
            q.put("agent", agent);
            q.put("version", version);
            q.put("sessionId", session);
            q.put("userId", user);
            q.put("status", status);
            q.put("from", from);
            q.put("to", to);
            q.put("q", text);
            q.put("limit", Integer.toString(limit));
            q.put("cursor", cursor);
            JsonNode page = client.client().get("/api/v1/traces", q);
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
                out.println(page.toPrettyString());
                return 0;
            }
            out.printf("%-28s %-24s %-14s %-8s %-6s %5s  %s%n", "ID", "START", "AGENT", "VERSION", "STATUS", "SPANS", "INPUT");
            for (JsonNode t : page.path("items")) {
                out.printf("%-28s %-24s %-14s %-8s %-6s %5d  %s%n", clip(t.path("id").asText(), 28),
                        t.path("startTime").asText(), clip(t.path("agent").asText(""), 14),
                        clip(t.path("version").asText(""), 8), t.path("status").asText(), t.path("spanCount").asInt(),
                        clip(oneLine(t.get("input")), 60));
            }
            if (page.hasNonNull("nextCursor")) {
                out.println("more: --cursor " + page.get("nextCursor").asText());
            }
            return 0;
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true, description = "Show one trace with its span tree.")
    static final class Show implements Callable<Integer> {
        @Mixin
        ClientOptions client;
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;
        @Parameters(paramLabel = "TRACE_ID") String id;
        @Option(names = "--json", description = "Print the raw JSON trace") boolean json;

        @Override
        public Integer call() {
            JsonNode t = client.client().get("/api/v1/traces/" + ApiClient.encodePath(id), Map.of());
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
                out.println(t.toPrettyString());
                return 0;
            }
            out.println("trace   " + t.path("id").asText() + "  [" + t.path("status").asText() + "]");
            out.println("agent   " + t.path("agent").asText("-") + " " + t.path("version").asText(""));
            out.println("session " + t.path("sessionId").asText("-") + "  user " + t.path("userId").asText("-"));
            out.println("time    " + t.path("startTime").asText() + "  " + t.path("latencyMs").asText("?") + " ms");
            if (t.hasNonNull("model") || t.has("usage")) {
                out.println("model   " + t.path("model").asText("-") + "  tokens in/out "
                        + t.path("usage").path("inputTokens").asText("-") + "/" + t.path("usage").path("outputTokens").asText("-")
                        + (t.hasNonNull("cost") ? "  cost " + t.get("cost").asText() : ""));
            }
            out.println("input   " + oneLine(t.get("input")));
            out.println("output  " + oneLine(t.get("output")));
            if (t.hasNonNull("error")) {
                out.println("error   " + t.get("error").asText());
            }
            out.println("spans:");
            printTree(out, t.path("spans"));
            return 0;
        }

        private static void printTree(PrintWriter out, JsonNode spans) {
            Map<String, java.util.List<JsonNode>> children = new LinkedHashMap<>();
            java.util.Set<String> ids = new java.util.HashSet<>();
            spans.forEach(s -> ids.add(s.path("id").asText()));
            java.util.List<JsonNode> roots = new ArrayList<>();
            for (JsonNode s : spans) {
                String parent = s.path("parentId").asText(null);
                if (parent == null || !ids.contains(parent)) {
                    roots.add(s);
                } else {
                    children.computeIfAbsent(parent, k -> new ArrayList<>()).add(s);
                }
            }
            for (JsonNode r : roots) {
                print(out, r, children, 1);
            }
        }

        private static void print(PrintWriter out, JsonNode s, Map<String, java.util.List<JsonNode>> children, int depth) {
            String detail = switch (s.path("kind").asText()) {
                case "tool" -> s.path("toolName").asText(s.path("name").asText()) + "(" + clip(oneLine(s.get("input")), 50)
                        + ") -> " + clip(oneLine(s.get("output")), 50);
                case "llm" -> s.path("model").asText("?") + " tokens " + s.path("usage").path("inputTokens").asText("-")
                        + "/" + s.path("usage").path("outputTokens").asText("-");
                default -> clip(oneLine(s.get("output")), 60);
            };
            out.println("  ".repeat(depth) + "- " + s.path("kind").asText() + " " + s.path("name").asText()
                    + (s.path("status").asText().equals("error") ? " [error: " + s.path("error").asText("") + "]" : "")
                    + "  " + detail);
            for (JsonNode c : children.getOrDefault(s.path("id").asText(), java.util.List.of())) {
                print(out, c, children, depth + 1);
            }
        }
    }

    @Command(name = "ingest", mixinStandardHelpOptions = true,
            description = "Send a JSON batch file ({\"traces\":[...]}) to the server.")
    static final class Ingest implements Callable<Integer> {
        @Mixin
        ClientOptions client;
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;
        @Parameters(paramLabel = "FILE", description = "A JSON file in the ingest format (see docs/api.md)") Path file;

        @Override
        public Integer call() {
            byte[] body;
            try {
                body = Files.readAllBytes(file);
            } catch (IOException e) {
                throw new CliException("cannot read " + file + ": " + e.getMessage(), e);
            }
            JsonNode result = client.client().post("/api/v1/traces", body);
            spec.commandLine().getOut().println("stored " + result.path("accepted").asInt() + " traces, "
                    + result.path("spans").asInt() + " spans");
            return 0;
        }
    }

    static String oneLine(JsonNode n) {
        if (n == null || n.isNull()) {
            return "-";
        }
        if (n.isObject() && n.size() == 1 && n.has("text") && n.get("text").isTextual()) {
            return n.get("text").asText().replace('\n', ' ');
        }
        return n.isTextual() ? n.asText().replace('\n', ' ') : Json.write(n);
    }

    static String clip(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max - 1) + "…";
    }
}
