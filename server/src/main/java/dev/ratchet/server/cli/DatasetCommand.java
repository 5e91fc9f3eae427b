package dev.ratchet.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ratchet.common.BadInputException;
import dev.ratchet.dataset.ExportFormat;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code ratchet dataset build|show|list|diff|export}. */
@Command(name = "dataset", mixinStandardHelpOptions = true,
        description = "Build versioned training datasets from traces, inspect, compare and export them.",
        subcommands = {DatasetCommand.Build.class, DatasetCommand.Show.class, DatasetCommand.ListVersions.class,
                DatasetCommand.Diff.class, DatasetCommand.Export.class})
final class DatasetCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "build", mixinStandardHelpOptions = true,
            description = "Build a dataset version from a spec (JSON or YAML), showing progress until it is done.")
    static final class Build implements Callable<Integer> {
        @Mixin ClientOptions client;
        @CommandLine.Spec CommandLine.Model.CommandSpec spec;
        @Option(names = "--spec", required = true, paramLabel = "FILE", description = "The dataset spec, JSON or YAML")
        Path specFile;
        @Option(names = "--no-wait", description = "Print the build id and return at once") boolean noWait;
        @Option(names = "--poll-ms", defaultValue = "250", hidden = true) long pollMs;

        @Override
        public Integer call() throws InterruptedException {
            byte[] text;
            try {
                text = Files.readAllBytes(specFile);
            } catch (IOException e) {
                throw new CliException("cannot read the spec " + specFile + ": " + e.getMessage(), e);
            }
            String name = specFile.getFileName().toString().toLowerCase(Locale.ROOT);
            boolean yaml = name.endsWith(".yaml") || name.endsWith(".yml")
                    || !new String(text, java.nio.charset.StandardCharsets.UTF_8).stripLeading().startsWith("{");
            ApiClient api = client.client();
            JsonNode build = api.post("/api/v1/datasets", text, yaml ? "application/yaml" : "application/json");
            String id = build.path("id").asText();
            PrintWriter out = spec.commandLine().getOut();
            out.println("build " + id + " queued");
            if (noWait) {
                return 0;
            }
            ProgressBar bar = new ProgressBar(out);
            while (true) {
                build = api.get("/api/v1/datasets/builds/" + ApiClient.encodePath(id), Map.of());
                String status = build.path("status").asText();
                bar.show(build.path("stage").asText("queued"), build.path("done").asLong(), build.path("total").asLong());
                if (status.equals("succeeded") || status.equals("failed")) {
                    bar.end();
                    break;
                }
                Thread.sleep(pollMs);
            }
            if (build.path("status").asText().equals("failed")) {
                PrintWriter err = spec.commandLine().getErr();
                err.println("error: build " + id + " failed: " + build.path("message").asText());
                for (JsonNode e : build.path("errors")) {
                    err.println("  " + e.path("field").asText() + ": " + e.path("reason").asText());
                }
                return 1;
            }
            JsonNode manifest = api.get("/api/v1/datasets/" + ApiClient.encodePath(build.path("versionId").asText()),
                    Map.of());
            summary(out, manifest, false);
            return 0;
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true, description = "Show a version's manifest.")
    static final class Show implements Callable<Integer> {
        @Mixin ClientOptions client;
        @CommandLine.Spec CommandLine.Model.CommandSpec spec;
        @Parameters(paramLabel = "VERSION") String id;
        @Option(names = "--json", description = "Print the raw manifest") boolean json;

        @Override
        public Integer call() {
            JsonNode m = client.client().get("/api/v1/datasets/" + ApiClient.encodePath(id), Map.of());
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
                out.println(m.toPrettyString());
            } else {
                summary(out, m, true);
            }
            return 0;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List dataset versions, newest first.")
    static final class ListVersions implements Callable<Integer> {
        @Mixin ClientOptions client;
        @CommandLine.Spec CommandLine.Model.CommandSpec spec;
        @Option(names = "--name", description = "Only versions of this dataset") String name;
        @Option(names = "--limit", defaultValue = "50") int limit;

        @Override
        public Integer call() {
            Map<String, String> q = new LinkedHashMap<>();
            q.put("name", name);
            q.put("limit", Integer.toString(limit));
            JsonNode r = client.client().get("/api/v1/datasets", q);
            PrintWriter out = spec.commandLine().getOut();
            out.printf("%-35s %-20s %9s %9s %11s  %s%n", "VERSION", "NAME", "EXAMPLES", "TRAIN", "VALIDATION", "CREATED");
            for (JsonNode v : r.path("items")) {
                out.printf("%-35s %-20s %9d %9d %11d  %s%n", v.path("id").asText(), TracesCommand.clip(v.path("name")
                        .asText(), 20), v.path("examples").asLong(), v.path("train").asLong(),
                        v.path("validation").asLong(), v.path("createdAt").asText());
            }
            return 0;
        }
    }

    @Command(name = "diff", mixinStandardHelpOptions = true, description = "How version B differs from version A.")
    static final class Diff implements Callable<Integer> {
        @Mixin ClientOptions client;
        @CommandLine.Spec CommandLine.Model.CommandSpec spec;
        @Parameters(index = "0", paramLabel = "A") String a;
        @Parameters(index = "1", paramLabel = "B") String b;
        @Option(names = "--json", description = "Print the raw diff") boolean json;

        @Override
        public Integer call() {
            JsonNode d = client.client().get("/api/v1/datasets/" + ApiClient.encodePath(a) + "/diff/"
                    + ApiClient.encodePath(b), Map.of());
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
                out.println(d.toPrettyString());
                return 0;
            }
            out.printf(Locale.ROOT, "examples: %,d -> %,d%n", d.path("examplesA").asLong(), d.path("examplesB").asLong());
            List<String> changes = new ArrayList<>();
            d.path("specChanges").forEach(c -> changes.add(c.asText()));
            out.println("spec changes: " + (changes.isEmpty() ? "none" : String.join(", ", changes)));
            for (String part : new String[] {"added", "removed", "moved"}) {
                JsonNode c = d.path(part);
                out.printf(Locale.ROOT, "%s: %,d traces%n", part, c.path("count").asLong());
                c.path("traceIds").forEach(id -> out.println("  " + id.asText()));
            }
            out.println("categories:");
            d.path("categories").properties().forEach(e -> out.printf(Locale.ROOT, "  %-30s %,d -> %,d%n",
                    e.getKey(), e.getValue().get(0).asLong(), e.getValue().get(1).asLong()));
            return 0;
        }
    }

    @Command(name = "export", mixinStandardHelpOptions = true,
            description = "Download a version's files (checking each SHA-256 against the manifest).")
    static final class Export implements Callable<Integer> {
        @Mixin ClientOptions client;
        @CommandLine.Spec CommandLine.Model.CommandSpec spec;
        @Parameters(paramLabel = "VERSION") String id;
        @Option(names = "--format", description = "Only this format: openai-chat, openai-dpo, trl-messages,"
                + " trl-prompt-completion, trl-dpo, trl-kto, classification-csv (default: every file)") String format;
        @Option(names = "--split", description = "Only this split: train or validation") String split;
        @Option(names = "--out", description = "Directory to write to (default: ./VERSION)") Path outDir;

        @Override
        public Integer call() {
            if (format != null && ExportFormat.parse(format).isEmpty()) {
                throw new BadInputException("--format", "unknown format '" + format + "'; one of " + ExportFormat.allowed());
            }
            if (split != null && !split.equals("train") && !split.equals("validation")) {
                throw new BadInputException("--split", "train or validation");
            }
            ApiClient api = client.client();
            JsonNode m = api.get("/api/v1/datasets/" + ApiClient.encodePath(id), Map.of());
            List<JsonNode> files = new ArrayList<>();
            for (JsonNode f : m.path("files")) {
                boolean formatOk = format == null ? true : format.equals(f.path("format").asText());
                boolean splitOk = split == null || split.equals(f.path("split").asText());
                if (formatOk && splitOk) {
                    files.add(f);
                }
            }
            if (files.isEmpty()) {
                List<String> built = new ArrayList<>();
                m.path("spec").path("formats").forEach(f -> built.add(f.asText()));
                throw new CliException("version " + id + " has no " + (format == null ? "" : format + " ") + "files"
                        + (split == null ? "" : " for split " + split) + "; it was built with " + String.join(", ", built));
            }
            Path dir = outDir != null ? outDir : Path.of(m.path("id").asText());
            try {
                Files.createDirectories(dir);
            } catch (IOException e) {
                throw new CliException("cannot create " + dir + ": " + e.getMessage(), e);
            }
            PrintWriter out = spec.commandLine().getOut();
            for (JsonNode f : files) {
                String name = f.path("name").asText();
                Path target = dir.resolve(name);
                String sha = api.download("/api/v1/datasets/" + ApiClient.encodePath(m.path("id").asText()) + "/files/"
                        + ApiClient.encodePath(name), target);
                if (!sha.equals(f.path("sha256").asText())) {
                    throw new CliException(name + " does not match the manifest's SHA-256 (got " + sha + ")");
                }
                out.printf(Locale.ROOT, "wrote %s (%,d rows, sha256 %s)%n", target, f.path("rows").asLong(),
                        sha.substring(0, 12));
            }
            return 0;
        }
    }

    /** A one-line bar redrawn in place: {@code reading   [#######.......]  50%  500,000/1,000,000}. */
    static final class ProgressBar {
        private static final int WIDTH = 30;
        private final PrintWriter out;
        private String last = "";

        ProgressBar(PrintWriter out) {
            this.out = out;
        }

        void show(String stage, long done, long total) {
            int filled = total <= 0 ? 0 : (int) Math.min(WIDTH, done * WIDTH / total);
            String line = String.format(Locale.ROOT, "%-10s [%s%s] %3d%%  %,d/%,d", stage, "#".repeat(filled),
                    ".".repeat(WIDTH - filled), total <= 0 ? 0 : Math.min(100, done * 100 / total), done, total);
            if (!line.equals(last)) {
                out.print("\r" + line + " ".repeat(Math.max(0, last.length() - line.length())));
                out.flush();
                last = line;
            }
        }

        void end() {
            out.println();
        }
    }

    static void summary(PrintWriter out, JsonNode m, boolean detail) {
        out.printf(Locale.ROOT, "dataset %s (%s): %,d examples, train %,d, validation %,d%n", m.path("id").asText(),
                m.path("name").asText(), m.path("sourceTraces").asLong(), m.path("splits").path("train").asLong(),
                m.path("splits").path("validation").asLong());
        StringBuilder stages = new StringBuilder();
        m.path("stages").forEach(s -> stages.append(stages.isEmpty() ? "" : " -> ").append(s.path("stage").asText())
                .append(' ').append(String.format(Locale.ROOT, "%,d", s.path("count").asLong())));
        out.println("stages: " + stages);
        out.println("left out: " + pairs(m.path("exclusions")));
        JsonNode leak = m.path("leakage");
        out.printf(Locale.ROOT, "leakage guard: %,d eval cases of %d suites; refused %,d exact, %,d near%n",
                leak.path("cases").asLong(), leak.path("suites").size(), leak.path("exact").asLong(),
                leak.path("near").asLong());
        out.println("redacted: " + pairs(m.path("redaction").path("counts")) + " in "
                + m.path("redaction").path("examples").asLong() + " examples");
        if (detail) {
            out.println("created: " + m.path("createdAt").asText() + " (pipeline " + m.path("pipelineVersion").asText()
                    + ", " + m.path("durationMs").asLong() + " ms)");
            for (JsonNode l : leak.path("examples")) {
                out.printf(Locale.ROOT, "  leak: trace %s ~ case %s of %s (%.2f)%n", l.path("traceId").asText(),
                        l.path("caseId").asText(), l.path("suite").asText(), l.path("similarity").asDouble());
            }
            out.println("categories:");
            m.path("categories").properties().forEach(e -> out.printf(Locale.ROOT, "  %-30s train %,d, validation"
                    + " %,d%n", e.getKey(), e.getValue().path("train").asLong(), e.getValue().path("validation").asLong()));
        }
        out.println("files:");
        for (JsonNode f : m.path("files")) {
            out.printf(Locale.ROOT, "  %-40s %,9d rows  %s%n", f.path("name").asText(), f.path("rows").asLong(),
                    f.path("sha256").asText().substring(0, 12));
        }
    }

    private static String pairs(JsonNode object) {
        StringBuilder sb = new StringBuilder();
        object.properties().forEach(e -> sb.append(sb.isEmpty() ? "" : ", ").append(e.getKey()).append(' ')
                .append(String.format(Locale.ROOT, "%,d", e.getValue().asLong())));
        return sb.isEmpty() ? "nothing" : sb.toString();
    }
}
