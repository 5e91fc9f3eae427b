package dev.ratchet.bench;

import dev.ratchet.dataset.PiiMatch;
import dev.ratchet.dataset.Redactor;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code ratchet-bench redaction}: precision and recall of every PII detector on a labelled set ({@link PiiCorpus}:
 * planted PII of every type, and hard negatives), and the redactor's throughput against its baseline in the same
 * run, one e-mail regex over the same texts (the least any redaction costs).
 *
 * <p>A found match counts as a true positive when a planted value of its type overlaps it, else as a false positive
 * of its type; a planted value that no match of its type overlaps is a false negative.
 */
@Command(name = "redaction", mixinStandardHelpOptions = true,
        description = "Measure precision and recall per PII detector on a generated labelled set, and throughput.")
final class RedactionBench implements Callable<Integer> {

    static final String HEADING = "## PII redaction (precision and recall per detector)";
    private static final Pattern BASELINE = Pattern.compile("[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\\.[A-Za-z]{2,}");

    @Spec
    CommandSpec spec;

    @Option(names = "--per-type", defaultValue = "1000", description = "Planted values per type (default: ${DEFAULT-VALUE}).")
    int perType;

    @Option(names = "--negatives", defaultValue = "500",
            description = "Hard negatives per type (default: ${DEFAULT-VALUE}).")
    int negatives;

    @Option(names = "--rounds", defaultValue = "3", description = "Timed passes over the set (default: ${DEFAULT-VALUE}).")
    int rounds;

    @Option(names = "--seed", defaultValue = "42", description = "Generator seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--output", defaultValue = "docs/benchmarks.md",
            description = "Markdown file whose redaction section is written, or 'none' (default: ${DEFAULT-VALUE}).")
    String output;

    /** Counts of one detector. */
    static final class Score {
        long planted;
        long tp;
        long fp;
        long fn;

        double precision() {
            return tp + fp == 0 ? 1 : tp / (double) (tp + fp);
        }

        double recall() {
            return planted == 0 ? 1 : tp / (double) (tp + fn);
        }
    }

    @Override
    public Integer call() throws Exception {
        if (perType < 1 || negatives < 0 || rounds < 1) {
            throw new ParameterException(spec.commandLine(), "--per-type and --rounds must be at least 1, --negatives at least 0");
        }
        PrintWriter out = spec.commandLine().getOut();
        Path here = Path.of("").toAbsolutePath();
        Machine machine = Machine.describe(here);
        List<PiiCorpus.Sample> samples = new PiiCorpus(seed).generate(perType, negatives);
        out.printf(Locale.ROOT, "ratchet-bench redaction: %,d texts (%,d planted values per type, %,d hard negatives per"
                + " type)%n", samples.size(), perType, negatives);
        out.flush();
        Redactor redactor = Redactor.defaults();
        Map<String, Score> scores = score(redactor, samples);
        double baseline = 0;
        double redaction = 0;
        for (int i = 0; i < rounds; i++) {
            baseline = Math.max(baseline, rate(samples, t -> {
                var m = BASELINE.matcher(t);
                int n = 0;
                while (m.find()) {
                    n++;
                }
                return n;
            }));
            redaction = Math.max(redaction, rate(samples, t -> redactor.find(t).size()));
            out.printf(Locale.ROOT, "round %d: redaction %,.0f texts/s, e-mail regex %,.0f texts/s%n", i + 1, redaction,
                    baseline);
            out.flush();
        }
        for (Map.Entry<String, Score> e : scores.entrySet()) {
            Score s = e.getValue();
            out.printf(Locale.ROOT, "%-16s precision %.3f recall %.3f (planted %d, found %d, false %d, missed %d)%n",
                    e.getKey(), s.precision(), s.recall(), s.planted, s.tp, s.fp, s.fn);
        }
        out.printf(Locale.ROOT, "throughput: %,.0f texts/s = %.2f of one e-mail regex%n", redaction, redaction / baseline);
        if (!output.equals("none")) {
            Path file = Path.of(output);
            BenchmarksDoc.write(file, markdown(machine, here, samples.size(), scores, redaction, baseline));
            out.println("wrote " + file.toAbsolutePath().normalize());
        }
        out.flush();
        return 0;
    }

    static Map<String, Score> score(Redactor redactor, List<PiiCorpus.Sample> samples) {
        Map<String, Score> scores = new LinkedHashMap<>();
        PiiCorpus.TYPES.forEach(t -> scores.put(t, new Score()));
        for (PiiCorpus.Sample s : samples) {
            List<PiiMatch> found = redactor.find(s.text());
            for (PiiCorpus.Label l : s.labels()) {
                Score sc = scores.get(l.type());
                sc.planted++;
                boolean hit = found.stream().anyMatch(m -> m.type().equals(l.type()) && m.start() < l.end()
                        && l.start() < m.end());
                if (hit) {
                    sc.tp++;
                } else {
                    sc.fn++;
                }
            }
            for (PiiMatch m : found) {
                boolean planted = s.labels().stream().anyMatch(l -> l.type().equals(m.type()) && m.start() < l.end()
                        && l.start() < m.end());
                if (!planted) {
                    scores.computeIfAbsent(m.type(), k -> new Score()).fp++;
                }
            }
        }
        return scores;
    }

    private static double rate(List<PiiCorpus.Sample> samples, java.util.function.ToIntFunction<String> f) {
        long sink = 0;
        long t0 = System.nanoTime();
        for (PiiCorpus.Sample s : samples) {
            sink += f.applyAsInt(s.text());
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        if (sink < 0) {
            throw new IllegalStateException();
        }
        return samples.size() / seconds;
    }

    private String markdown(Machine machine, Path here, int texts, Map<String, Score> scores, double redaction,
            double baseline) {
        StringBuilder md = new StringBuilder();
        md.append(HEADING).append("\n\n");
        md.append("Measured ").append(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'", Locale.ROOT)
                .format(java.time.Instant.now().atZone(ZoneOffset.UTC))).append(" by `ratchet-bench redaction`; source tree: ")
                .append(SourceTree.describe(here)).append(".\n\n");
        md.append("### Method\n\n");
        md.append(String.format(Locale.ROOT, "A generated labelled set of %,d support messages: for each of the %d"
                + " detectors, %,d messages with one valid value planted at a known place (Luhn-correct cards,"
                + " mod-97-correct IBANs, SSNs by the issuing rules, BSNs passing the 11-proof, German tax ids with"
                + " their check digit, phone numbers libphonenumber calls valid for US or GB, ...; BSN, tax id, SSN,"
                + " NINO and DNI after their usual keyword) and %,d hard negatives that imitate it (cards failing Luhn,"
                + " IBANs with a wrong check, version strings and times shaped like IPs, unissued SSNs, invalid NINO"
                + " prefixes, 11-proof failures, short tokens, `user@localhost`). `Redactor.defaults()` (every"
                + " detector, phone regions GB and US) runs `find` on each message. A match is a true positive when a"
                + " planted value of its type overlaps it, otherwise a false positive of its type; a planted value no"
                + " match of its type overlaps is missed. Throughput is the best of %d passes over the set, against one"
                + " e-mail regex over the same texts in the same run. The set is written by the authors of the detectors,"
                + " so recall on it says that each detector catches the forms it was written for, not how many of the"
                + " world's forms it knows; the false positives are the informative part (a random 16-digit number"
                + " passes Luhn one time in ten, and libphonenumber takes some 9- and 11-digit look-alikes for valid"
                + " numbers).%n%n", texts, PiiCorpus.TYPES.size(), perType,
                negatives, rounds));
        md.append("### Machine\n\n");
        for (String line : machine.markdown(here)) {
            md.append(line).append('\n');
        }
        md.append("\n### Results\n\n| Detector | Planted | Found | False positives | Missed | Precision | Recall |\n"
                + "|---|---:|---:|---:|---:|---:|---:|\n");
        scores.forEach((type, s) -> md.append(String.format(Locale.ROOT, "| %s | %,d | %,d | %,d | %,d | %.3f | %.3f |%n",
                type, s.planted, s.tp, s.fp, s.fn, s.precision(), s.recall())));
        md.append(String.format(Locale.ROOT, "%n| Throughput | texts/s |%n|---|---:|%n| Redactor (every detector) | %,.0f |%n"
                + "| One e-mail regex (baseline) | %,.0f |%n| **Redactor / baseline** | **%.2f** |%n%n", redaction, baseline,
                redaction / baseline));
        md.append("### Reproduce\n\n```\n./mvnw -q -B -pl bench -am package -DskipTests\n");
        md.append("java -jar bench/target/ratchet-bench.jar redaction --per-type ").append(perType).append(" --negatives ")
                .append(negatives).append(" --rounds ").append(rounds).append(" --seed ").append(seed).append("\n```\n");
        return md.toString();
    }
}
