package dev.ratchet.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Runs the real benchmark (server, HTTP, SQLite) with tiny parameters; checks what it writes, never its speed. */
class IngestBenchTest {

    private static final String OTHER_SECTION = """
            ## Memory search (Lucene vs brute force)

            Written by another benchmark; must survive.
            """;

    @TempDir
    Path tmp;

    @Test
    void ingest_tinyRun_writesSectionWithResultTargetsAndCommand() throws Exception {
        Path doc = tmp.resolve("docs/benchmarks.md");

        Run run = ingest(doc);

        assertThat(run.exitCode()).as(run.output()).isZero();
        String md = Files.readString(doc);
        assertThat(md).startsWith("# Benchmarks\n\n");
        assertThat(md).contains(IngestReport.HEADING, "### Method", "### Machine", "### Results", "### Targets",
                "### Reproduce");
        assertThat(md).containsPattern(row("REST ingest \\(HTTP, 2 clients, durable ack\\)"));
        assertThat(md).containsPattern(row("Raw JDBC batch insert \\(1 thread\\)"));
        assertThat(md).containsPattern("\\| \\*\\*REST / raw\\*\\* \\| \\*\\*\\d+\\.\\d\\d \\(\\d+\\.\\d\\d–\\d+\\.\\d\\d\\)\\*\\* \\|");
        assertThat(md).containsPattern("\\| 1 \\| [\\d,]+ \\| \\d+ / \\d+ ms \\| [\\d,]+ \\| \\d+\\.\\d\\d \\| [\\d,]+ \\| [\\d,]+ \\|");
        assertThat(md).containsPattern("\\| REST ingest ≥ 20,000 spans/s \\| [\\d,]+ spans/s \\| (yes|\\*\\*no\\*\\*) \\|");
        assertThat(md).containsPattern("\\| REST ≥ 70% of the raw insert rate \\| \\d+% \\| (yes|\\*\\*no\\*\\*) \\|");
        assertThat(md).contains("- CPU: ", "- Memory: ", "- JDK: ", "- OS: ", "- Data directory: ");
        assertThat(md).contains("java -jar bench/target/ratchet-bench.jar ingest --rounds 1 --batches 2 --warmup 1 "
                + "--clients 2 --traces-per-batch 10 --seed 7");
        assertThat(md).contains("every database held the same 150 spans");
        assertThat(run.output()).contains("round 1/1:", "REST/raw", "wrote ");
    }

    @Test
    void ingest_existingDoc_replacesOwnSectionAndKeepsOthers() throws Exception {
        Path doc = tmp.resolve("benchmarks.md");
        Files.writeString(doc, BenchmarksDoc.INTRO + "\n" + OTHER_SECTION + "\n" + IngestReport.HEADING
                + "\n\nstale results\n");

        Run first = ingest(doc);
        Run second = ingest(doc);

        assertThat(first.exitCode()).as(first.output()).isZero();
        assertThat(second.exitCode()).as(second.output()).isZero();
        String md = Files.readString(doc);
        assertThat(md).doesNotContain("stale results");
        assertThat(md.split(Pattern.quote(IngestReport.HEADING), -1)).hasSize(2);
        assertThat(md.split(Pattern.quote("# Benchmarks\n"), -1)).hasSize(2);
        assertThat(md).contains(OTHER_SECTION);
    }

    @Test
    void ingest_finishedRun_leavesNoDataBehind() throws Exception {
        Path data = tmp.resolve("data");

        Run run = ingest(tmp.resolve("benchmarks.md"), "--data-dir", data.toString());

        assertThat(run.exitCode()).as(run.output()).isZero();
        try (var left = Files.list(data)) {
            assertThat(left).isEmpty();
        }
    }

    @Test
    void ingest_zeroBatches_isRefusedNamingTheOption() {
        Run run = ingest(tmp.resolve("benchmarks.md"), "--batches", "0");

        assertThat(run.exitCode()).isNotZero();
        assertThat(run.output()).contains("--batches must be at least 1");
        assertThat(tmp.resolve("benchmarks.md")).doesNotExist();
    }

    @Test
    void upsert_sectionAbsent_appendsAfterExistingSections() {
        String doc = BenchmarksDoc.INTRO + "\n" + OTHER_SECTION;

        String updated = BenchmarksDoc.upsert(doc, IngestReport.HEADING + "\n\nnew\n");

        assertThat(updated).isEqualTo(doc + "\n" + IngestReport.HEADING + "\n\nnew\n");
    }

    @Test
    void upsert_headingInsideCodeFence_isNotTakenForASection() {
        String doc = BenchmarksDoc.INTRO + "\n" + IngestReport.HEADING + "\n\nold\n```\n## not a heading\n```\n\n"
                + OTHER_SECTION;

        String updated = BenchmarksDoc.upsert(doc, IngestReport.HEADING + "\n\nnew\n");

        assertThat(updated).isEqualTo(BenchmarksDoc.INTRO + "\n" + IngestReport.HEADING + "\n\nnew\n\n"
                + OTHER_SECTION);
    }

    private static String row(String label) {
        String cell = "[\\d,]+ \\([\\d,]+–[\\d,]+\\)";
        return "\\| " + label + " \\| " + cell + " \\| " + cell + " \\|";
    }

    private record Run(int exitCode, String output) {
    }

    /** Runs {@code ingest} with tiny defaults; {@code overrides} are option/value pairs replacing them. */
    private Run ingest(Path doc, String... overrides) {
        Map<String, String> options = new LinkedHashMap<>();
        options.put("--rounds", "1");
        options.put("--batches", "2");
        options.put("--warmup", "1");
        options.put("--clients", "2");
        options.put("--traces-per-batch", "10");
        options.put("--seed", "7");
        options.put("--output", doc.toString());
        for (int i = 0; i < overrides.length; i += 2) {
            options.put(overrides[i], overrides[i + 1]);
        }
        List<String> args = new ArrayList<>(List.of("ingest"));
        options.forEach((k, v) -> args.addAll(List.of(k, v)));
        StringWriter text = new StringWriter();
        PrintWriter writer = new PrintWriter(text, true);
        CommandLine cli = BenchMain.commandLine();
        cli.setOut(writer);
        cli.setErr(writer);
        int code = cli.execute(args.toArray(String[]::new));
        return new Run(code, text.toString());
    }
}
