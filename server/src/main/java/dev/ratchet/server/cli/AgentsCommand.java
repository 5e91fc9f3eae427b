package dev.ratchet.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code ratchet agents list|versions|show}: the project's agents and their versions through the REST API; which one
 * is current, where each came from (parent, layer, evidence) and why it was promoted or rejected.
 */
@Command(name = "agents", mixinStandardHelpOptions = true,
        description = "The project's agents and their versions: lineage, evidence and decisions.",
        subcommands = {AgentsCommand.ListAgents.class, AgentsCommand.Versions.class, AgentsCommand.Show.class})
final class AgentsCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "List the project's agents with their current version.")
    static final class ListAgents implements Callable<Integer> {
        @Mixin ClientOptions client;
        @CommandLine.Spec CommandLine.Model.CommandSpec spec;
        @Option(names = "--json", description = "Print the raw JSON") boolean json;

        @Override
        public Integer call() {
            JsonNode r = client.client().get("/api/v1/agents", Map.of());
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
                out.println(r.toPrettyString());
                return 0;
            }
            out.printf("%-24s %-16s %8s %10s  %s%n", "NAME", "CURRENT", "VERSIONS", "CANDIDATES", "RUNS AT");
            for (JsonNode a : r.path("items")) {
                int candidates = 0;
                for (JsonNode v : a.path("versions")) {
                    candidates += v.path("status").asText().equals("candidate") ? 1 : 0;
                }
                out.printf("%-24s %-16s %8d %10d  %s%n", a.path("name").asText(), a.path("current").asText("-"),
                        a.path("versions").size(), candidates, a.hasNonNull("endpoint") ? a.path("endpoint").asText()
                                : "built-in " + a.path("builtin").asText());
            }
            return 0;
        }
    }

    @Command(name = "versions", mixinStandardHelpOptions = true,
            description = "List an agent's versions in the order they were made; * marks the current one.")
    static final class Versions implements Callable<Integer> {
        @Mixin ClientOptions client;
        @CommandLine.Spec CommandLine.Model.CommandSpec spec;
        @Parameters(paramLabel = "NAME") String name;
        @Option(names = "--json", description = "Print the raw JSON") boolean json;

        @Override
        public Integer call() {
            JsonNode r = client.client().get("/api/v1/agents/" + ApiClient.encodePath(name) + "/versions", Map.of());
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
                out.println(r.toPrettyString());
                return 0;
            }
            String current = r.path("current").asText(null);
            out.printf("  %-20s %-20s %-13s %-10s %-20s %s%n", "VERSION", "PARENT", "LAYER", "STATUS", "CREATED", "DECIDED");
            for (JsonNode v : r.path("items")) {
                String label = v.path("version").asText();
                out.printf("%s %-20s %-20s %-13s %-10s %-20s %s%n", label.equals(current) ? "*" : " ", label,
                        text(v, "parent"), text(v, "layer"), v.path("status").asText(), seconds(v, "createdAt"),
                        seconds(v, "decidedAt"));
            }
            out.println(current == null ? "no version promoted yet" : "current: " + current);
            return 0;
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true,
            description = "Show one version: its lineage, configuration, evidence and decision.")
    static final class Show implements Callable<Integer> {
        @Mixin ClientOptions client;
        @CommandLine.Spec CommandLine.Model.CommandSpec spec;
        @Parameters(index = "0", paramLabel = "NAME") String name;
        @Parameters(index = "1", paramLabel = "VERSION") String version;
        @Option(names = "--json", description = "Print the raw JSON") boolean json;

        @Override
        public Integer call() {
            JsonNode v = client.client().get("/api/v1/agents/" + ApiClient.encodePath(name) + "/versions/"
                    + ApiClient.encodePath(version), Map.of());
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
                out.println(v.toPrettyString());
                return 0;
            }
            List<String> lineage = new ArrayList<>();
            v.path("lineage").forEach(l -> lineage.add(l.asText()));
            out.println(name + " " + v.path("version").asText() + ": " + v.path("status").asText()
                    + (v.hasNonNull("layer") ? ", changes " + v.path("layer").asText() : ""));
            out.println("lineage:  " + String.join(" <- ", lineage));
            out.println("created:  " + v.path("createdAt").asText());
            if (v.hasNonNull("decidedAt")) {
                out.println("decided:  " + v.path("decidedAt").asText());
            }
            section(out, "configuration", v.get("configuration"));
            section(out, "evidence", v.get("evidence"));
            section(out, "decision", v.get("decision"));
            return 0;
        }

        private static void section(PrintWriter out, String title, JsonNode value) {
            if (value == null || value.isNull()) {
                out.println(title + ": none");
                return;
            }
            out.println(title + ":");
            value.toPrettyString().lines().forEach(l -> out.println("  " + l));
        }
    }

    private static String text(JsonNode n, String field) {
        return n.hasNonNull(field) ? n.path(field).asText() : "-";
    }

    /** An instant to the second, for a table; the full one is in {@code show} and {@code --json}. */
    private static String seconds(JsonNode n, String field) {
        return n.hasNonNull(field) ? Instant.parse(n.path(field).asText()).truncatedTo(ChronoUnit.SECONDS).toString() : "-";
    }
}
