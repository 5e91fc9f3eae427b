package dev.ratchet.bench;

import dev.ratchet.common.Json;
import dev.ratchet.reference.LabeledText;
import dev.ratchet.reference.LabeledTexts;
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
        List<LabeledText> corpus = LabeledTexts.readCsv(train);
        List<LabeledText> queries = LabeledTexts.readCsv(test);
        int judgements = write(corpus, queries, out);
        Files.writeString(out.resolve(ORIGIN), "java -jar bench/target/ratchet-bench.jar beir-banking77 --source "
                + source + " --out " + out + "\n", StandardCharsets.UTF_8);
        console.printf("wrote %s: %,d documents, %,d queries, %,d judgements%n", out, corpus.size(), queries.size(),
                judgements);
        return 0;
    }

    /** Writes the BEIR files, ids from the 0-based row numbers; returns the number of judgements. */
    static int write(List<LabeledText> corpus, List<LabeledText> queries, Path out) throws IOException {
        Files.createDirectories(out.resolve("qrels"));
        Map<String, List<String>> byCategory = new HashMap<>();
        try (BufferedWriter w = Files.newBufferedWriter(out.resolve(BeirDataset.CORPUS), StandardCharsets.UTF_8)) {
            for (int i = 0; i < corpus.size(); i++) {
                LabeledText r = corpus.get(i);
                String id = "d" + i;
                byCategory.computeIfAbsent(r.label(), c -> new ArrayList<>()).add(id);
                w.write(Json.write(object("_id", id, "title", "", "text", r.text())));
                w.newLine();
            }
        }
        try (BufferedWriter w = Files.newBufferedWriter(out.resolve(BeirDataset.QUERIES), StandardCharsets.UTF_8)) {
            for (int i = 0; i < queries.size(); i++) {
                w.write(Json.write(object("_id", "q" + i, "text", queries.get(i).text())));
                w.newLine();
            }
        }
        int judgements = 0;
        try (BufferedWriter w = Files.newBufferedWriter(out.resolve(BeirDataset.QRELS), StandardCharsets.UTF_8)) {
            w.write("query-id\tcorpus-id\tscore\n");
            for (int i = 0; i < queries.size(); i++) {
                for (String doc : byCategory.getOrDefault(queries.get(i).label(), List.of())) {
                    w.write("q" + i + "\t" + doc + "\t1\n");
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
}
