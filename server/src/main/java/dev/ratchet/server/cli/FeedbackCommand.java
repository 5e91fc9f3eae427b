package dev.ratchet.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ratchet.common.Json;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code ratchet feedback add|list}. */
@Command(name = "feedback", mixinStandardHelpOptions = true, description = "Record and list feedback on traces.",
        subcommands = {FeedbackCommand.Add.class, FeedbackCommand.ListFeedback.class})
final class FeedbackCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "add", mixinStandardHelpOptions = true, description = "Record one feedback item on a trace.")
    static final class Add implements Callable<Integer> {
        @Mixin ClientOptions client;
        @CommandLine.Spec CommandLine.Model.CommandSpec spec;
        @Parameters(paramLabel = "TRACE_ID") String traceId;
        @Option(names = "--kind", required = true, description = "rating, thumbs, label, comment, correction, approval, "
                + "accepted, retried, edited, escalated, abandoned, follow_up, verifier, judge, review") String kind;
        @Option(names = "--value", description = "The value as JSON (true, 4, \"text\", {\"text\":\"...\"}); "
                + "text that is not JSON is taken as a string") String value;
        @Option(names = "--span", description = "The span the feedback is about") String spanId;
        @Option(names = "--source", description = "end_user, annotator or system") String source;
        @Option(names = "--author", description = "Who gave it") String author;
        @Option(names = "--confidence", description = "0 to 1") Double confidence;
        @Option(names = "--reason", description = "Why (an approval's reason, a judge's rationale)") String reason;
        @Option(names = "--scale", description = "A rating's scale as MIN..MAX (default 1..5)") String scale;
        @Option(names = "--idempotency-key", description = "Sending the same key again records nothing new") String key;

        @Override
        public Integer call() {
            ObjectNode item = Json.MAPPER.createObjectNode();
            item.put("traceId", traceId);
            item.put("kind", kind);
            if (value != null) {
                item.set("value", jsonOrText(value));
            }
            putIfSet(item, "spanId", spanId);
            putIfSet(item, "source", source);
            putIfSet(item, "authorId", author);
            putIfSet(item, "reason", reason);
            putIfSet(item, "idempotencyKey", key);
            if (confidence != null) {
                item.put("confidence", confidence);
            }
            if (scale != null) {
                String[] parts = scale.split("\\.\\.", -1);
                if (parts.length != 2) {
                    throw new dev.ratchet.common.BadInputException("--scale", "must look like 1..5");
                }
                ObjectNode s = item.putObject("scale");
                s.set("min", jsonOrText(parts[0]));
                s.set("max", jsonOrText(parts[1]));
            }
            ObjectNode body = Json.MAPPER.createObjectNode();
            body.putArray("feedback").add(item);
            JsonNode r = client.client().post("/api/v1/feedback", Json.write(body).getBytes(StandardCharsets.UTF_8));
            PrintWriter out = spec.commandLine().getOut();
            out.println(r.path("stored").size() > 0 ? "recorded " + r.path("stored").get(0).asText()
                    : "already recorded (same idempotency key)");
            for (JsonNode o : r.path("outcomes")) {
                out.println("outcome of " + o.path("traceId").asText() + ": " + o.path("status").asText()
                        + " (score " + o.path("score").asText() + ", confidence " + o.path("confidence").asText() + ")");
            }
            return 0;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List a trace's feedback and its outcome.")
    static final class ListFeedback implements Callable<Integer> {
        @Mixin ClientOptions client;
        @CommandLine.Spec CommandLine.Model.CommandSpec spec;
        @Parameters(paramLabel = "TRACE_ID") String traceId;
        @Option(names = "--json", description = "Print the raw JSON") boolean json;

        @Override
        public Integer call() {
            JsonNode r = client.client().get("/api/v1/traces/" + ApiClient.encodePath(traceId) + "/feedback", Map.of());
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
                out.println(r.toPrettyString());
                return 0;
            }
            JsonNode o = r.path("outcome");
            out.println("outcome: " + (o.isMissingNode() || o.isNull() ? "unknown (no feedback)"
                    : o.path("status").asText() + "  score " + o.path("score").asText() + "  confidence "
                    + o.path("confidence").asText() + "  " + o.path("reason").asText("")));
            out.printf("%-26s %-11s %-10s %-12s %-20s %s%n", "ID", "KIND", "SOURCE", "AUTHOR", "SPAN", "VALUE");
            for (JsonNode f : r.path("items")) {
                out.printf("%-26s %-11s %-10s %-12s %-20s %s%n", f.path("id").asText(), f.path("kind").asText(),
                        f.path("source").asText(), f.path("authorId").asText("-"), f.path("spanId").asText("-"),
                        TracesCommand.clip(TracesCommand.oneLine(f.get("value")), 60));
            }
            return 0;
        }
    }

    static JsonNode jsonOrText(String value) {
        try {
            JsonNode parsed = Json.MAPPER.readTree(value);
            return parsed == null ? Json.MAPPER.getNodeFactory().textNode(value) : parsed;
        } catch (java.io.IOException e) {
            return Json.MAPPER.getNodeFactory().textNode(value);
        }
    }

    private static void putIfSet(ObjectNode item, String field, String value) {
        if (value != null) {
            item.put(field, value);
        }
    }
}
