package dev.ratchet.bench;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.ratchet.common.BadInputException;
import dev.ratchet.common.Json;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A retrieval test collection in the BEIR layout: {@code corpus.jsonl} (one {@code {"_id","title","text"}}
 * per line), {@code queries.jsonl} (one {@code {"_id","text"}} per line) and {@code qrels/test.tsv}
 * (header {@code query-id corpus-id score}, tab-separated). Only judgements with a score above 0 are kept;
 * the score is the graded relevance used as the nDCG gain. Extra JSON fields (BEIR's {@code metadata}) are
 * ignored.
 *
 * @param corpus documents in file order
 * @param queries query id to text, in file order
 * @param qrels query id to (document id to relevance > 0), in file order; queries without a relevant
 *     document are absent
 */
record BeirDataset(List<Doc> corpus, Map<String, String> queries, Map<String, Map<String, Integer>> qrels) {

    static final String CORPUS = "corpus.jsonl";
    static final String QUERIES = "queries.jsonl";
    static final String QRELS = "qrels/test.tsv";

    /** One corpus document; {@code title} is empty when the file has none. */
    record Doc(String id, String title, String text) {

        /** What is indexed and embedded: the title and the text, as BEIR's own baselines do. */
        String content() {
            return title.isBlank() ? text : title + "\n" + text;
        }
    }

    /**
     * Reads the three files of {@code dir}.
     *
     * @throws BadInputException naming the file (and line) when a file is missing, a line is not the JSON
     *     object or TSV row it should be, an id repeats, or a judgement names an unknown query or document
     * @throws UncheckedIOException if a file cannot be read
     */
    static BeirDataset read(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new BadInputException("dataset", dir + " is not a folder");
        }
        List<Doc> corpus = new ArrayList<>();
        Map<String, Boolean> docIds = new java.util.HashMap<>();
        eachLine(dir, CORPUS, (line, n) -> {
            JsonNode node = json(dir, CORPUS, n, line);
            String id = requireText(node, "_id", CORPUS, n);
            String text = optionalText(node, "text", CORPUS, n);
            String title = optionalText(node, "title", CORPUS, n);
            if (text.isBlank() && title.isBlank()) {
                throw bad(CORPUS, n, "document " + id + " has neither text nor title");
            }
            if (docIds.put(id, Boolean.TRUE) != null) {
                throw bad(CORPUS, n, "duplicate _id " + id);
            }
            corpus.add(new Doc(id, title, text));
        });
        Map<String, String> queries = new LinkedHashMap<>();
        eachLine(dir, QUERIES, (line, n) -> {
            JsonNode node = json(dir, QUERIES, n, line);
            String id = requireText(node, "_id", QUERIES, n);
            String text = optionalText(node, "text", QUERIES, n);
            if (text.isBlank()) {
                throw bad(QUERIES, n, "query " + id + " has no text");
            }
            if (queries.put(id, text) != null) {
                throw bad(QUERIES, n, "duplicate _id " + id);
            }
        });
        Map<String, Map<String, Integer>> qrels = new LinkedHashMap<>();
        boolean[] header = {false};
        eachLine(dir, QRELS, (line, n) -> {
            String[] cols = line.split("\t", -1);
            if (!header[0]) {
                header[0] = true;
                if (cols.length >= 1 && cols[0].strip().equals("query-id")) {
                    return;
                }
            }
            if (cols.length != 3) {
                throw bad(QRELS, n, "expected 3 tab-separated columns (query-id, corpus-id, score), got " + cols.length);
            }
            String q = cols[0].strip();
            String d = cols[1].strip();
            int score;
            try {
                score = Integer.parseInt(cols[2].strip());
            } catch (NumberFormatException e) {
                throw bad(QRELS, n, "score '" + cols[2].strip() + "' is not an integer");
            }
            if (!queries.containsKey(q)) {
                throw bad(QRELS, n, "query-id " + q + " is not in " + QUERIES);
            }
            if (!docIds.containsKey(d)) {
                throw bad(QRELS, n, "corpus-id " + d + " is not in " + CORPUS);
            }
            if (score > 0) {
                qrels.computeIfAbsent(q, k -> new LinkedHashMap<>()).put(d, score);
            }
        });
        return new BeirDataset(Collections.unmodifiableList(corpus), Collections.unmodifiableMap(queries),
                Collections.unmodifiableMap(qrels));
    }

    /** The queries that have at least one relevant document, in {@code queries.jsonl} order. */
    List<String> judgedQueries() {
        return queries.keySet().stream().filter(qrels::containsKey).toList();
    }

    @FunctionalInterface
    private interface LineHandler {
        void accept(String line, int lineNumber);
    }

    private static void eachLine(Path dir, String name, LineHandler handler) {
        Path file = dir.resolve(name);
        if (!Files.isRegularFile(file)) {
            throw new BadInputException(name, "missing: " + file + " (a BEIR folder holds " + CORPUS + ", " + QUERIES
                    + " and " + QRELS + ")");
        }
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            int n = 0;
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                n++;
                if (!line.isBlank()) {
                    handler.accept(line, n);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    private static JsonNode json(Path dir, String name, int n, String line) {
        JsonNode node;
        try {
            node = Json.MAPPER.readTree(line);
        } catch (JsonProcessingException e) {
            throw bad(name, n, "malformed JSON: " + e.getOriginalMessage());
        }
        if (node == null || !node.isObject()) {
            throw bad(name, n, "expected a JSON object");
        }
        return node;
    }

    private static String requireText(JsonNode node, String field, String name, int n) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull() || !v.isValueNode() || v.asText().isEmpty()) {
            throw bad(name, n, "missing \"" + field + "\"");
        }
        return v.asText();
    }

    private static String optionalText(JsonNode node, String field, String name, int n) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return "";
        }
        if (!v.isTextual()) {
            throw bad(name, n, "\"" + field + "\" must be a string");
        }
        return v.asText();
    }

    private static BadInputException bad(String name, int line, String reason) {
        return new BadInputException(name + ", line " + line, reason);
    }
}
