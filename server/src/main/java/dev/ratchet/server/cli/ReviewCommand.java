package dev.ratchet.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
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

/** {@code ratchet review next|label|skip|agreement}. */
@Command(name = "review", mixinStandardHelpOptions = true, description = "Human review of traces.",
        subcommands = {ReviewCommand.Next.class, ReviewCommand.Label.class, ReviewCommand.Skip.class,
                ReviewCommand.AgreementCmd.class})
final class ReviewCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "next", mixinStandardHelpOptions = true, description = "Take the next item to review and show its trace.")
    static final class Next implements Callable<Integer> {
        @Mixin ClientOptions client;
        @CommandLine.Spec CommandLine.Model.CommandSpec spec;
        @Option(names = "--annotator", required = true, description = "Who is reviewing") String annotator;

        @Override
        public Integer call() {
            ApiClient api = client.client();
            JsonNode item = api.get("/api/v1/review/next", Map.of("annotator", annotator));
            PrintWriter out = spec.commandLine().getOut();
            if (item.isNull() || item.isMissingNode()) {
                out.println("nothing to review");
                return 0;
            }
            out.println("item    " + item.path("id").asText() + "  (" + item.path("reason").asText() + ", "
                    + item.path("labels").size() + "/" + item.path("labelsRequired").asInt() + " labels)");
            JsonNode trace = api.get("/api/v1/traces/" + ApiClient.encodePath(item.path("traceId").asText()), Map.of());
            out.println("trace   " + trace.path("id").asText() + "  agent " + trace.path("agent").asText("-"));
            out.println("input   " + TracesCommand.oneLine(trace.get("input")));
            out.println("output  " + TracesCommand.oneLine(trace.get("output")));
            out.println("label it: ratchet review label " + item.path("id").asText() + " --annotator " + annotator
                    + " --verdict success|failure [--label L]");
            return 0;
        }
    }

    @Command(name = "label", mixinStandardHelpOptions = true, description = "Label a review item.")
    static final class Label implements Callable<Integer> {
        @Mixin ClientOptions client;
        @CommandLine.Spec CommandLine.Model.CommandSpec spec;
        @Parameters(paramLabel = "ITEM_ID") String itemId;
        @Option(names = "--annotator", required = true) String annotator;
        @Option(names = "--verdict", required = true, description = "success or failure") String verdict;
        @Option(names = "--label", description = "A category, e.g. the right intent") String label;
        @Option(names = "--comment") String comment;

        @Override
        public Integer call() {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("annotator", annotator);
            body.put("verdict", verdict);
            if (label != null) {
                body.put("label", label);
            }
            if (comment != null) {
                body.put("comment", comment);
            }
            JsonNode item = client.client().post("/api/v1/review/" + ApiClient.encodePath(itemId) + "/label",
                    Json.write(body).getBytes(StandardCharsets.UTF_8));
            spec.commandLine().getOut().println("labelled; item is " + item.path("status").asText() + " ("
                    + item.path("labels").size() + "/" + item.path("labelsRequired").asInt() + " labels)");
            return 0;
        }
    }

    @Command(name = "skip", mixinStandardHelpOptions = true, description = "Give an item back without labelling it.")
    static final class Skip implements Callable<Integer> {
        @Mixin ClientOptions client;
        @CommandLine.Spec CommandLine.Model.CommandSpec spec;
        @Parameters(paramLabel = "ITEM_ID") String itemId;
        @Option(names = "--annotator", required = true) String annotator;

        @Override
        public Integer call() {
            client.client().post("/api/v1/review/" + ApiClient.encodePath(itemId) + "/skip",
                    Json.write(Map.of("annotator", annotator)).getBytes(StandardCharsets.UTF_8));
            spec.commandLine().getOut().println("skipped");
            return 0;
        }
    }

    @Command(name = "agreement", mixinStandardHelpOptions = true, description = "Inter-annotator agreement.")
    static final class AgreementCmd implements Callable<Integer> {
        @Mixin ClientOptions client;
        @CommandLine.Spec CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            JsonNode r = client.client().get("/api/v1/review/agreement", Map.of());
            PrintWriter out = spec.commandLine().getOut();
            out.printf("%-10s %6s %10s %9s %7s %7s%n", "FIELD", "ITEMS", "ANNOTATORS", "OBSERVED", "KAPPA", "ALPHA");
            for (JsonNode f : r.path("fields")) {
                out.printf("%-10s %6d %10d %9.3f %7s %7s%n", f.path("field").asText(), f.path("items").asInt(),
                        f.path("annotators").asInt(), f.path("observed").asDouble(), num(f.get("cohensKappa")),
                        num(f.get("krippendorffAlpha")));
            }
            return 0;
        }

        private static String num(JsonNode n) {
            return n == null || n.isNull() ? "-" : String.format(java.util.Locale.ROOT, "%.3f", n.asDouble());
        }
    }
}
