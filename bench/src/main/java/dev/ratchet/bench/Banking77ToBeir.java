package dev.ratchet.bench;

import dev.ratchet.common.BadInputException;
import dev.ratchet.common.Json;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code ratchet-bench beir-banking77}: turns the Banking77 intent data set (two CSV files, {@code text,category})
 * into a BEIR folder for {@code ratchet-bench retrieval}. The corpus is the training utterances ({@code d<row>},
 * row counted from 0 after the header), the queries the test utterances ({@code q<row>}), and every training
 * utterance of a query's intent is relevant to it (score 1): "find earlier requests like this one".
 *
 * <p>The data is not part of the repository; it lives in the shared folder beside it, and this command only
 * reads it from there.
 */
@Command(name = "beir-banking77", mixinStandardHelpOptions = true,
        description = "Convert Banking77 (train.csv, test.csv) into a BEIR folder for the retrieval benchmark.")
final class Banking77ToBeir implements Callable<Integer> {

    /** Where the conversion's command is recorded in the output, so the retrieval report can cite it. */
    static final String ORIGIN = "ratchet-origin.txt";

    @Spec
    CommandSpec spec;

    @Option(names = "--source", defaultValue = "../shared/data/banking77",
            description = "Folder holding Banking77's train.csv and test.csv (default: ${DEFAULT-VALUE}).")
    Path source;

    @Option(names = "--out", required = true, description = "Folder to write the BEIR files into (created).")
    Path out;

    /** One CSV row: its 0-based data row number, utterance and intent. */
    record Row(int row, String text, String category) {
    }

    @Override
    public Integer call() throws IOException {
        PrintWriter console = spec.commandLine().getOut();
        Path train = source.resolve("train.csv");
        Path test = source.resolve("test.csv");
        if (!Files.isRegularFile(train) || !Files.isRegularFile(test)) {
            spec.commandLine().getErr().println("Banking77 not found: " + source.toAbsolutePath().normalize()
                    + " must hold train.csv and test.csv. The data lives in the shared folder beside the repository "
                    + "(../shared/data/banking77 from the repository root) and is never copied into the repository; "
                    + "pass its location with --source.");
            return 2;
        }
        List<Row> corpus = readCsv(train);
        List<Row> queries = readCsv(test);
        int judgements = write(corpus, queries, out);
        Files.writeString(out.resolve(ORIGIN), "java -jar bench/target/ratchet-bench.jar beir-banking77 --source "
                + source + " --out " + out + "\n", StandardCharsets.UTF_8);
        console.printf("wrote %s: %,d documents, %,d queries, %,d judgements%n", out, corpus.size(), queries.size(),
                judgements);
        return 0;
    }

    /** Writes the BEIR files; returns the number of judgements. */
    static int write(List<Row> corpus, List<Row> queries, Path out) throws IOException {
        Files.createDirectories(out.resolve("qrels"));
        Map<String, List<String>> byCategory = new HashMap<>();
        try (BufferedWriter w = Files.newBufferedWriter(out.resolve(BeirDataset.CORPUS), StandardCharsets.UTF_8)) {
            for (Row r : corpus) {
                String id = "d" + r.row();
                byCategory.computeIfAbsent(r.category(), c -> new ArrayList<>()).add(id);
                w.write(Json.write(object("_id", id, "title", "", "text", r.text())));
                w.newLine();
            }
        }
        try (BufferedWriter w = Files.newBufferedWriter(out.resolve(BeirDataset.QUERIES), StandardCharsets.UTF_8)) {
            for (Row r : queries) {
                w.write(Json.write(object("_id", "q" + r.row(), "text", r.text())));
                w.newLine();
            }
        }
        int judgements = 0;
        try (BufferedWriter w = Files.newBufferedWriter(out.resolve(BeirDataset.QRELS), StandardCharsets.UTF_8)) {
            w.write("query-id\tcorpus-id\tscore\n");
            for (Row r : queries) {
                for (String doc : byCategory.getOrDefault(r.category(), List.of())) {
                    w.write("q" + r.row() + "\t" + doc + "\t1\n");
                    judgements++;
                }
            }
        }
        return judgements;
    }

    /** A JSON object of string fields, in the order given. */
    static Map<String, String> object(String... kv) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return m;
    }

    /**
     * The data rows of a {@code text,category} CSV (RFC 4180: fields may be quoted, {@code ""} is a quote
     * inside a quoted field, quoted fields may span lines).
     *
     * @throws BadInputException naming the file and line of a row without exactly two fields, or an empty one
     */
    static List<Row> readCsv(Path file) throws IOException {
        String content = Files.readString(file, StandardCharsets.UTF_8);
        List<Row> rows = new ArrayList<>();
        List<String> fields = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        boolean quoted = false;
        boolean header = true;
        int line = 1;
        int rowStartLine = 1;
        for (int i = 0; i <= content.length(); i++) {
            char c = i < content.length() ? content.charAt(i) : '\n';
            if (quoted) {
                if (c == '"' && i + 1 < content.length() && content.charAt(i + 1) == '"') {
                    field.append('"');
                    i++;
                } else if (c == '"') {
                    quoted = false;
                } else {
                    if (c == '\n') {
                        line++;
                    }
                    field.append(c);
                }
                if (i == content.length()) {
                    throw new BadInputException(file.getFileName() + ", line " + rowStartLine, "unclosed quote");
                }
            } else if (c == '"' && field.isEmpty()) {
                quoted = true;
            } else if (c == ',') {
                fields.add(field.toString());
                field.setLength(0);
            } else if (c == '\n') {
                fields.add(field.toString());
                field.setLength(0);
                boolean blank = fields.size() == 1 && fields.get(0).isBlank();
                if (!blank) {
                    if (header) {
                        if (!(fields.size() == 2 && fields.get(0).strip().equals("text")
                                && fields.get(1).strip().equals("category"))) {
                            throw new BadInputException(file.getFileName() + ", line " + rowStartLine,
                                    "expected the header text,category, got " + String.join(",", fields));
                        }
                        header = false;
                    } else {
                        if (fields.size() != 2 || fields.get(0).isBlank() || fields.get(1).isBlank()) {
                            throw new BadInputException(file.getFileName() + ", line " + rowStartLine,
                                    "expected two non-empty fields (text, category), got " + fields.size() + " field(s)");
                        }
                        rows.add(new Row(rows.size(), fields.get(0).strip(), fields.get(1).strip()));
                    }
                }
                fields.clear();
                line++;
                rowStartLine = line;
            } else if (c != '\r') {
                field.append(c);
            }
        }
        if (header) {
            throw new BadInputException(file.getFileName().toString(), "empty: expected the header text,category");
        }
        return rows;
    }
}
