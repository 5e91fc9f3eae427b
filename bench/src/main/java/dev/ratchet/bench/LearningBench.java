package dev.ratchet.bench;

import dev.ratchet.learn.LearningLoop;
import dev.ratchet.learn.LearningLab;
import dev.ratchet.learn.RoundReport;
import dev.ratchet.learn.SimulatedTraffic;
import dev.ratchet.reference.LabeledText;
import dev.ratchet.reference.LabeledTexts;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The learning benchmark: how much the loop improves the reference agent from a stream of its own traffic, on any
 * folder with {@code train.csv} and {@code test.csv} ({@code text,category}). The train split, less a seeded gold
 * sample that becomes the frozen eval suite, arrives as a stream in a seeded order; simulated users accept right
 * answers and correct wrong ones ({@code --noise}: that share of corrections name a wrong intent); the loop runs
 * every {@code --every} events; the untouched test split is scored at 1k, 2k and 5k events and at the end. The last
 * line printed is the final test accuracy (of the first noise level given).
 */
@Command(name = "learning", mixinStandardHelpOptions = true,
        description = "Run the learning loop on a labelled stream (train.csv) and score it on test.csv.")
public final class LearningBench implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--dataset", required = true,
            description = "Folder with train.csv and test.csv (header text,category), e.g. ../shared/data/banking77.")
    Path dataset;

    @Option(names = "--noise", split = ",", defaultValue = "0",
            description = "Share of corrections that name a wrong intent; several, comma-separated, run one after another"
                    + " (default: ${DEFAULT-VALUE}).")
    List<Double> noise;

    @Option(names = "--every", defaultValue = "500", description = "Events between rounds of the loop (default: ${DEFAULT-VALUE}).")
    int every;

    @Option(names = "--gold", defaultValue = "400",
            description = "Train rows held out as the frozen eval suite, never streamed or trained on (default: ${DEFAULT-VALUE}).")
    int gold;

    @Option(names = "--limit", description = "Stream at most this many events (default: the whole train split).")
    Integer limit;

    @Option(names = "--retrain-every", defaultValue = "1000",
            description = "Verified examples between retrainings of the head (default: ${DEFAULT-VALUE}).")
    int retrainEvery;

    @Option(names = "--seed", defaultValue = "7", description = "Seed of the stream order, gold sample and noise (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--output", defaultValue = "docs/benchmarks.md",
            description = "Markdown file whose learning section is replaced; 'none' to skip (default: ${DEFAULT-VALUE}).")
    String output;

    @Option(names = "--data-dir",
            description = "Where the temporary databases go; deleted afterwards (default: the system temp directory).")
    Path dataDir;

    /** One run at one noise level. */
    record Result(double noise, Map<Integer, Double> checkpoints, double finalAccuracy, double initialAccuracy,
            double finalEval, int rounds, int promotions, int regressions, Map<String, Integer> fixedByLayer,
            int wrongCorrections, int wrongQuarantined, int rightQuarantined, int memoryItems, int regressionCases,
            double seconds, List<String> roundLines) {
    }

    @Override
    public Integer call() throws Exception {
        Path train = dataset.resolve("train.csv");
        Path test = dataset.resolve("test.csv");
        if (!Files.isRegularFile(train) || !Files.isRegularFile(test)) {
            throw new ParameterException(spec.commandLine(), "--dataset " + dataset + " must hold train.csv and test.csv"
                    + " (header text,category)");
        }
        if (every < 1 || gold < 10 || retrainEvery < 1 || (limit != null && limit < 1)
                || noise.stream().anyMatch(n -> !(n >= 0 && n < 1))) {
            throw new ParameterException(spec.commandLine(), "--every and --retrain-every must be at least 1, --gold at"
                    + " least 10, --limit at least 1, and each --noise from 0 to below 1");
        }
        PrintWriter out = spec.commandLine().getOut();
        List<LabeledText> trainRows = LabeledTexts.readCsv(train);
        List<LabeledText> testRows = LabeledTexts.readCsv(test);
        if (gold >= trainRows.size()) {
            throw new ParameterException(spec.commandLine(), "--gold must be below the train split's " + trainRows.size() + " rows");
        }
        List<LabeledText> shuffled = new ArrayList<>(trainRows);
        Collections.shuffle(shuffled, new Random(seed));
        List<LabeledText> goldSet = List.copyOf(shuffled.subList(0, gold));
        List<LabeledText> stream = shuffled.subList(gold, shuffled.size());
        if (limit != null && limit < stream.size()) {
            stream = stream.subList(0, limit);
        }
        Set<String> intents = new TreeSet<>();
        trainRows.forEach(r -> intents.add(r.label()));
        Machine machine = Machine.describe(dataDir != null ? dataDir : Path.of(System.getProperty("java.io.tmpdir")));
        out.printf(Locale.ROOT, "ratchet-bench learning: %s, %,d intents, stream %,d events, gold %d, test %,d, every %d%n",
                dataset.getFileName(), intents.size(), stream.size(), gold, testRows.size(), every);
        out.flush();
        List<Result> results = new ArrayList<>();
        for (double n : noise) {
            Path root = TempDirs.create(dataDir, "ratchet-learning-");
            try {
                results.add(run(out, root, intents, goldSet, stream, testRows, n));
            } finally {
                TempDirs.deleteRecursively(root);
            }
        }
        if (!output.equals("none")) {
            Path file = Path.of(output);
            BenchmarksDoc.write(file, markdown(machine, results, stream.size(), testRows.size(), intents.size()));
            out.println("wrote " + file.toAbsolutePath().normalize());
        }
        StringBuilder last = new StringBuilder();
        for (Result r : results) {
            last.append(last.isEmpty() ? "final test accuracy: " : ", ")
                    .append(String.format(Locale.ROOT, "%.2f%%", 100 * r.finalAccuracy()));
            if (results.size() > 1) {
                last.append(String.format(Locale.ROOT, " (noise %.0f%%)", 100 * r.noise()));
            }
        }
        out.println(last);
        out.flush();
        return 0;
    }

    private Result run(PrintWriter out, Path root, Set<String> intents, List<LabeledText> goldSet,
            List<LabeledText> stream, List<LabeledText> test, double noiseLevel) throws Exception {
        long t0 = System.nanoTime();
        out.printf(Locale.ROOT, "%n== noise %.0f%% ==%n", 100 * noiseLevel);
        try (LearningLab lab = LearningLab.open(root, "bench", "triage",
                LearningLoop.Options.defaults().withRetraining(Math.min(retrainEvery, 500), retrainEvery))) {
            Map<String, String> descriptions = new LinkedHashMap<>();
            intents.forEach(i -> descriptions.put(i, i.replace('_', ' ')));
            double initialEval = lab.loop().start(LearningLab.initialLayers(descriptions, "triage"), goldSet);
            double initial = SimulatedTraffic.accuracy(lab.loop().agent(), lab.loop().currentLayers(), test);
            out.printf(Locale.ROOT, "version v1 (descriptions only): eval %.2f%%, test %.2f%%%n", 100 * initialEval, 100 * initial);
            out.println("round  events  stream-ok  eval     regress  fixed-by              promoted        memory  quarantined");
            out.flush();
            Map<Integer, Double> checkpoints = new LinkedHashMap<>();
            Map<String, Integer> fixed = new LinkedHashMap<>();
            List<String> lines = new ArrayList<>();
            int[] totals = new int[6]; // rounds, promotions, regressions, wrong corrections, wrong q, right q
            int[] memory = new int[2];
            Set<Integer> marks = new TreeSet<>(List.of(1_000, 2_000, 5_000, stream.size()));
            lab.traffic().play(stream, every, noiseLevel, seed + 1, marks, new SimulatedTraffic.Listener() {
                @Override
                public void afterRound(SimulatedTraffic.Segment sgm, int soFar) {
                    RoundReport r = sgm.round();
                    totals[0]++;
                    totals[1] += (int) r.candidates().stream().filter(RoundReport.Candidate::promoted).count();
                    totals[2] += r.regressions();
                    totals[3] += sgm.wrongCorrections();
                    totals[4] += sgm.wrongCorrectionsQuarantined();
                    totals[5] += sgm.rightCorrectionsQuarantined();
                    memory[0] = r.memoryItems();
                    memory[1] = r.regressionCases();
                    r.fixedByLayer().forEach((k, v) -> fixed.merge(k, v, Integer::sum));
                    String line = String.format(Locale.ROOT, "%5d  %6d  %8.1f%%  %6.2f%%  %7d  %-20s  %-14s  %6d  %d (%d wrong)",
                            r.round(), soFar, 100 * sgm.successRate(), 100 * r.evalSuccessRate(), r.regressions(),
                            r.fixedSummary(), r.promotedLayers(), r.memoryItems(), r.quarantined(),
                            sgm.wrongCorrectionsQuarantined());
                    lines.add(line);
                    out.println(line);
                    for (RoundReport.Candidate c : r.candidates()) {
                        if (!c.promoted()) {
                            out.println("       refused " + c.version() + " (" + c.layer() + "): "
                                    + String.join("; ", c.reasons()));
                        }
                    }
                    out.flush();
                }

                @Override
                public void checkpoint(int soFar) {
                    double acc = SimulatedTraffic.accuracy(lab.loop().agent(), lab.loop().currentLayers(), test);
                    checkpoints.put(soFar, acc);
                    out.printf(Locale.ROOT, "checkpoint %,d events: test accuracy %.2f%% (version %s)%n", soFar, 100 * acc,
                            lab.loop().currentVersion());
                    out.flush();
                }
            });
            double finalAccuracy = checkpoints.getOrDefault(stream.size(),
                    SimulatedTraffic.accuracy(lab.loop().agent(), lab.loop().currentLayers(), test));
            double seconds = (System.nanoTime() - t0) / 1e9;
            out.printf(Locale.ROOT, "noise %.0f%%: final test accuracy %.2f%% after %d rounds in %.0f s%n", 100 * noiseLevel,
                    100 * finalAccuracy, totals[0], seconds);
            return new Result(noiseLevel, checkpoints, finalAccuracy, initial, lab.loop().currentEvalRate(), totals[0],
                    totals[1], totals[2], fixed, totals[3], totals[4], totals[5], memory[0], memory[1], seconds, lines);
        }
    }

    private static String fixedText(Map<String, Integer> fixed) {
        if (fixed.isEmpty()) {
            return "-";
        }
        StringBuilder b = new StringBuilder();
        new java.util.TreeMap<>(fixed).forEach((k, v) -> b.append(b.isEmpty() ? "" : " ").append(k).append(' ').append(v));
        return b.toString();
    }

    private String markdown(Machine machine, List<Result> results, int streamSize, int testSize, int intentCount) {
        StringBuilder md = new StringBuilder();
        md.append("## Learning: ").append(dataset.getFileName()).append("\n\n");
        md.append(String.format(Locale.ROOT, "`./ratchet bench learning --dataset %s --noise %s --every %d --gold %d"
                        + " --retrain-every %d --seed %d`, on %s, %d cores, %s; %s.%n%n", dataset,
                String.join(",", noise.stream().map(n -> String.format(Locale.ROOT, "%s", n)).toList()), every, gold,
                retrainEvery, seed, machine.cpu(), machine.cores(), machine.memory(), machine.jvm()));
        md.append(String.format(Locale.ROOT, "Protocol: %d intents. The train split less %d seeded gold rows (the frozen"
                + " eval suite, never streamed or trained on) arrives as a stream of %,d events in a seeded order. The"
                + " reference agent starts from its intent names as descriptions (no head, empty memory). Simulated users"
                + " accept right answers and correct wrong ones; with noise, that share of corrections names a random"
                + " wrong intent. The loop runs every %d events; the untouched test split (%,d rows) is scored at the"
                + " checkpoints. One pass.%n%n", intentCount, gold, streamSize, every, testSize));
        md.append("| noise | start | 1k | 2k | 5k | end | eval suite (end) | promotions | regressions | fixes by layer |"
                + " wrong corrections quarantined | right corrections quarantined | memory items | regression cases | time |\n");
        md.append("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (Result r : results) {
            md.append(String.format(Locale.ROOT, "| %.0f%% | %.2f%% | %s | %s | %s | **%.2f%%** | %.2f%% | %d | %d | %s |"
                            + " %d of %d | %d | %,d | %,d | %.0f s |%n",
                    100 * r.noise(), 100 * r.initialAccuracy(), cp(r, 1_000), cp(r, 2_000), cp(r, 5_000),
                    100 * r.finalAccuracy(), 100 * r.finalEval(), r.promotions(), r.regressions(),
                    fixedText(r.fixedByLayer()), r.wrongQuarantined(), r.wrongCorrections(), r.rightQuarantined(),
                    r.memoryItems(), r.regressionCases(), r.seconds()));
        }
        md.append("\nPublished anchors on Banking77 (test accuracy): full-data BERT-large 93.66%, USE+ConveRT 93.36%;"
                + " 10-shot USE+ConveRT 85.19%. Target here: at least 93.7% after one pass, 0 regressions across"
                + " promotions.\n\n");
        md.append("Rounds of the first run (stream-ok: the share of the round's events the agent got right):\n\n```\n");
        md.append("round  events  stream-ok  eval     regress  fixed-by              promoted        memory  quarantined\n");
        results.get(0).roundLines().forEach(l -> md.append(l).append('\n'));
        md.append("```\n");
        return md.toString();
    }

    private static String cp(Result r, int events) {
        Double v = r.checkpoints().get(events);
        return v == null ? "-" : String.format(Locale.ROOT, "%.2f%%", 100 * v);
    }
}
