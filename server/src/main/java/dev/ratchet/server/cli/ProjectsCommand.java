package dev.ratchet.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ratchet.common.Json;
import java.io.PrintWriter;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code ratchet projects list|create|key} (admin key required). */
@Command(name = "projects", mixinStandardHelpOptions = true, description = "Manage projects and their API keys (admin key).",
        subcommands = {ProjectsCommand.ListProjects.class, ProjectsCommand.Create.class, ProjectsCommand.Key.class})
final class ProjectsCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List projects.")
    static final class ListProjects implements Callable<Integer> {
        @Mixin ClientOptions client;
        @CommandLine.Spec CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            for (JsonNode p : client.client().get("/api/v1/projects", Map.of()).path("items")) {
                out.println(p.path("id").asText() + "  created " + p.path("createdAt").asText());
            }
            return 0;
        }
    }

    @Command(name = "create", mixinStandardHelpOptions = true, description = "Create a project and print its first key (shown once).")
    static final class Create implements Callable<Integer> {
        @Mixin ClientOptions client;
        @CommandLine.Spec CommandLine.Model.CommandSpec spec;
        @Parameters(paramLabel = "PROJECT_ID") String id;

        @Override
        public Integer call() {
            JsonNode r = client.client().post("/api/v1/projects", Json.write(Map.of("id", id)).getBytes(java.nio.charset.StandardCharsets.UTF_8));
            PrintWriter out = spec.commandLine().getOut();
            out.println("created project " + r.path("project").asText());
            out.println("key (shown once): " + r.path("key").path("secret").asText());
            return 0;
        }
    }

    @Command(name = "key", mixinStandardHelpOptions = true, description = "Create another API key for a project (shown once).")
    static final class Key implements Callable<Integer> {
        @Mixin ClientOptions client;
        @CommandLine.Spec CommandLine.Model.CommandSpec spec;
        @Parameters(paramLabel = "PROJECT_ID") String id;
        @Option(names = "--name", required = true, description = "What the key is for") String name;
        @Option(names = "--role", defaultValue = "member", description = "member or admin (default: ${DEFAULT-VALUE})") String role;

        @Override
        public Integer call() {
            JsonNode r = client.client().post("/api/v1/projects/" + ApiClient.encodePath(id) + "/keys",
                    Json.write(Map.of("name", name, "role", role)).getBytes(java.nio.charset.StandardCharsets.UTF_8));
            spec.commandLine().getOut().println("key (shown once): " + r.path("secret").asText());
            return 0;
        }
    }
}
