package dev.ratchet.bench;

import dev.ratchet.common.Json;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code ratchet-bench beir-manpages}: a second retrieval set, of the opposite character to Banking77, from the
 * manual pages installed on the machine. Each page's one-line summary (the NAME section after the dash: "list
 * directory contents") is a query, and the page's DESCRIPTION (its first {@value #DOC_WORDS} words) is the one
 * relevant document: a known-item lookup where the query's words often, but not always, occur in the answer,
 * so BM25 is strong, unlike Banking77's paraphrased intents.
 *
 * <p>Pages are read from the gzip'd troff sources; macros are dropped, font escapes stripped, and the words
 * of {@code .B}/{@code .I}-style lines kept. Pages without both sections, with a summary under three words or a
 * description under twenty, and repeats (the same description or summary) are skipped. What is installed
 * decides the set, so the figures it gives are for this machine's pages; the output records the command.
 */
@Command(name = "beir-manpages", mixinStandardHelpOptions = true,
        description = "Build a BEIR folder from the installed manual pages (summary line -> description).")
final class ManPagesToBeir implements Callable<Integer> {

    static final int DOC_WORDS = 150;
    private static final List<String> SECTIONS = List.of("man1", "man5", "man7", "man8");
    private static final Pattern SECTION = Pattern.compile("^\\.S[Hh]\\s+\"?([^\"]*)\"?");
    private static final Pattern SUMMARY_DASH = Pattern.compile("\\s+-+\\s+");
    private static final Set<String> WORD_MACROS = Set.of(".B", ".I", ".BR", ".IR", ".RB", ".RI", ".BI", ".IB",
            ".Nm", ".Ar", ".Fl", ".Xr", ".Pa", ".Cm");

    @Spec
    CommandSpec spec;

    @Option(names = "--source", defaultValue = "/usr/share/man",
            description = "Manual page root holding man1, man5, man7, man8 (default: ${DEFAULT-VALUE}).")
    Path source;

    @Option(names = "--out", required = true, description = "Folder to write the BEIR files into (created).")
    Path out;

    @Option(names = "--queries", defaultValue = "3000", description = "Queries to keep, at most (default: ${DEFAULT-VALUE}).")
    int maxQueries;

    @Option(names = "--seed", defaultValue = "7", description = "Seed of the query sample (default: ${DEFAULT-VALUE}).")
    long seed;

    /** One usable page: its summary and the start of its description. */
    record Page(String summary, String description) {
    }

    @Override
    public Integer call() throws IOException {
        if (maxQueries < 1) {
            spec.commandLine().getErr().println("--queries must be at least 1, got " + maxQueries);
            return 2;
        }
        List<Path> files = new ArrayList<>();
        for (String section : SECTIONS) {
            Path dir = source.resolve(section);
            if (Files.isDirectory(dir)) {
                try (Stream<Path> s = Files.list(dir)) {
                    s.filter(p -> p.toString().endsWith(".gz") && Files.isRegularFile(p) && !Files.isSymbolicLink(p))
                            .sorted().forEach(files::add);
                }
            }
        }
        if (files.isEmpty()) {
            spec.commandLine().getErr().println("no manual pages found under " + source.toAbsolutePath().normalize()
                    + " (looked in " + String.join(", ", SECTIONS) + " for *.gz)");
            return 2;
        }
        List<Page> pages = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (Path f : files) {
            Page p = parse(read(f));
            if (p != null && seen.add("d:" + p.description()) && seen.add("q:" + p.summary().toLowerCase(Locale.ROOT))) {
                pages.add(p);
            }
        }
        List<Integer> sample = new ArrayList<>();
        for (int i = 0; i < pages.size(); i++) {
            sample.add(i);
        }
        Collections.shuffle(sample, new Random(seed));
        sample = sample.subList(0, Math.min(maxQueries, sample.size()));
        write(pages, sample, out);
        Files.writeString(out.resolve(Banking77ToBeir.ORIGIN), "java -jar bench/target/ratchet-bench.jar beir-manpages"
                + " --source " + source + " --out " + out + " --queries " + maxQueries + " --seed " + seed + "\n",
                StandardCharsets.UTF_8);
        PrintWriter console = spec.commandLine().getOut();
        console.printf("wrote %s: %,d documents from %,d page files, %,d queries%n", out, pages.size(), files.size(),
                sample.size());
        return 0;
    }

    private static String read(Path gz) {
        try (InputStream in = new GZIPInputStream(Files.newInputStream(gz))) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return ""; // an unreadable page is skipped like an unusable one
        }
    }

    /** The page's summary and description, or null when it lacks either. */
    static Page parse(String troff) {
        String section = null;
        List<String> name = new ArrayList<>();
        List<String> description = new ArrayList<>();
        int words = 0;
        for (String line : troff.split("\n")) {
            Matcher m = SECTION.matcher(line);
            if (m.find()) {
                section = m.group(1).strip().toUpperCase(Locale.ROOT);
                continue;
            }
            if ("NAME".equals(section)) {
                if (line.startsWith(".Nd")) {
                    name.add(line.substring(3));
                } else if (line.startsWith(".Nm")) {
                    name.add(line.substring(3));
                } else if (!line.startsWith(".")) {
                    name.add(line);
                }
            } else if ("DESCRIPTION".equals(section) && words <= DOC_WORDS) {
                String text = line;
                if (line.startsWith(".")) {
                    String[] parts = line.split("\\s+", 2);
                    if (parts.length < 2 || !WORD_MACROS.contains(parts[0])) {
                        continue;
                    }
                    text = parts[1].replace("\"", "");
                }
                String clean = clean(text);
                if (!clean.isEmpty()) {
                    description.add(clean);
                    words += clean.split("\\s+").length;
                }
            }
        }
        String[] summary = SUMMARY_DASH.split(clean(String.join(" ", name)), 2);
        if (summary.length < 2) {
            return null;
        }
        String query = summary[1].strip();
        String[] body = String.join(" ", description).strip().split("\\s+");
        if (query.split("\\s+").length < 3 || body.length < 20) {
            return null;
        }
        return new Page(query, String.join(" ", List.of(body).subList(0, Math.min(DOC_WORDS, body.length))));
    }

    /** The text of a troff line without font and character escapes. */
    static String clean(String s) {
        String t = s.replaceAll("\\\\f\\[[^]]*]|\\\\f\\(..|\\\\f.", "")
                .replaceAll("\\\\\\(..", "")
                .replaceAll("\\\\\\[[^]]*]", "")
                .replace("\\-", "-").replace("\\&", "").replace("\\e", "\\").replace("\\ ", " ").replace("\\|", "")
                .replaceAll("\\\\.", "");
        return t.strip();
    }

    private static void write(List<Page> pages, List<Integer> sample, Path out) throws IOException {
        Files.createDirectories(out.resolve("qrels"));
        try (BufferedWriter w = Files.newBufferedWriter(out.resolve(BeirDataset.CORPUS), StandardCharsets.UTF_8)) {
            for (int i = 0; i < pages.size(); i++) {
                w.write(Json.write(Banking77ToBeir.object("_id", "d" + i, "title", "", "text", pages.get(i).description())));
                w.newLine();
            }
        }
        try (BufferedWriter q = Files.newBufferedWriter(out.resolve(BeirDataset.QUERIES), StandardCharsets.UTF_8);
                BufferedWriter r = Files.newBufferedWriter(out.resolve(BeirDataset.QRELS), StandardCharsets.UTF_8)) {
            r.write("query-id\tcorpus-id\tscore\n");
            for (int i : sample) {
                q.write(Json.write(Banking77ToBeir.object("_id", "q" + i, "text", pages.get(i).summary())));
                q.newLine();
                r.write("q" + i + "\td" + i + "\t1\n");
            }
        }
    }
}
