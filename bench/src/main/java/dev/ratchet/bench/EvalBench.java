package dev.ratchet.bench;

import dev.ratchet.common.Hashing;
import dev.ratchet.eval.AgentAnswer;
import dev.ratchet.eval.AgentRequest;
import dev.ratchet.eval.EvalCase;
import dev.ratchet.eval.EvalRunner;
import dev.ratchet.eval.EvalStore;
import dev.ratchet.eval.NewSuite;
import dev.ratchet.eval.Run;
import dev.ratchet.eval.RunListener;
import dev.ratchet.eval.RunRequest;
import dev.ratchet.eval.RunStatus;
import dev.ratchet.eval.ScoringServices;
import dev.ratchet.store.Database;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code ratchet-bench eval}: how many cases per second the eval harness replays, through {@link EvalRunner} on the
 * embedded SQLite database as the server runs it, against a baseline measured in the same run: the same agent
 * answering the same cases in a plain loop, one thread, its tool calls answered from an in-memory map, nothing
 * scored or stored. The harness is also measured with one case in flight, to show what its concurrency buys.
 *
 * <p>Each harness run does everything a run does: validates the request, loads the suite version's cases, runs each
 * case on a virtual thread with its timeout, replays the two tool calls through the strict fixture lookup (recording
 * them), scores the answer (exact, contains, regex), commits the results in batches, computes the summary. The paths
 * run in alternating order from round to round. Afterwards every harness run must have stored the outputs of the
 * plain loop, case by case, and the generated pass count.
 */
@Command(name = "eval", mixinStandardHelpOptions = true,
        description = "Measure eval runs (cases/s through EvalRunner) against the same agent in a plain loop.")
final class EvalBench implements Callable<Integer> {

    static final String HEADING = "## Eval runner (cases/s against a plain loop)";

    private static final String PROJECT = "bench";
    private static final String SUITE = "order-desk";
    private static final String WARMUP_SUITE = "order-desk-warmup";

    @Spec
    CommandSpec spec;

    @Option(names = "--cases", defaultValue = "2000", description = "Cases in the suite, 1 to 10000 (default: ${DEFAULT-VALUE}).")
    int cases;

    @Option(names = "--concurrency", defaultValue = "8",
            description = "Cases in flight in the measured harness runs, 1 to 256 (default: ${DEFAULT-VALUE}).")
    int concurrency;

    @Option(names = "--rounds", defaultValue = "3", description = "Measured rounds of every path (default: ${DEFAULT-VALUE}).")
    int rounds;

    @Option(names = "--warmup", defaultValue = "500",
            description = "Cases of the untimed warm-up run of every path, 0 to 10000 (default: ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--seed", defaultValue = "42", description = "Case generator seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--output", defaultValue = "docs/benchmarks.md",
            description = "Markdown file whose eval section is written, or 'none' (default: ${DEFAULT-VALUE}).")
    String output;

    @Option(names = "--data-dir",
            description = "Where the temporary database goes; deleted afterwards (default: the system temp directory).")
    Path dataDir;

    private final Clock clock;

    EvalBench() {
        this(Clock.systemUTC());
    }

    EvalBench(Clock clock) {
        this.clock = clock;
    }

    /** One timed pass of a path. */
    record Pass(long nanos, int cases, String outputs) {
        double rate() {
            return cases * 1e9 / nanos;
        }
    }

    /** A harness pass and what its run stored. */
    record HarnessPass(Pass pass, Run run, int transactions) {
    }

    record Round(int number, HarnessPass concurrent, HarnessPass single, Pass plain) {
        double ratio() {
            return concurrent.pass().rate() / plain.rate();
        }

        double scaling() {
            return concurrent.pass().rate() / single.pass().rate();
        }
    }

    @Override
    public Integer call() throws IOException {
        validate();
        Path root = TempDirs.create(dataDir, "ratchet-eval-");
        try {
            run(spec.commandLine().getOut(), root);
            return 0;
        } finally {
            TempDirs.deleteRecursively(root);
        }
    }

    private void validate() {
        if (cases < 1 || cases > 10_000) {
            throw new ParameterException(spec.commandLine(), "--cases must be 1 to 10000 (one suite version), got " + cases);
        }
        if (concurrency < 1 || concurrency > 256) {
            throw new ParameterException(spec.commandLine(), "--concurrency must be 1 to 256, got " + concurrency);
        }
        if (rounds < 1) {
            throw new ParameterException(spec.commandLine(), "--rounds must be at least 1, got " + rounds);
        }
        if (warmup < 0 || warmup > 10_000) {
            throw new ParameterException(spec.commandLine(), "--warmup must be 0 to 10000, got " + warmup);
        }
    }

    private void run(PrintWriter out, Path root) throws IOException {
        Machine machine = Machine.describe(root);
        out.printf(Locale.ROOT, "ratchet-bench eval: %,d cases, %d in flight (and 1), %d rounds, %d warm-up cases,"
                + " seed %d%n", cases, concurrency, rounds, warmup, seed);
        out.printf("machine: %s, %d cores, %s; %s%n", machine.cpu(), machine.cores(), machine.memory(), machine.jvm());
        out.flush();
        List<Round> results = new ArrayList<>();
        double createSeconds;
        try (Database db = Database.embedded(root.resolve("data"))) {
            EvalStore store = new EvalStore(db, clock);
            EvalRunner runner = new EvalRunner(store, clock, ScoringServices.none());
            long t0 = System.nanoTime();
            store.createSuite(PROJECT, new NewSuite(SUITE, "eval", null, EvalWorkload.cases(seed, cases, "bench")));
            createSeconds = (System.nanoTime() - t0) / 1e9;
            List<EvalCase> loaded = store.cases(PROJECT, SUITE, null);
            int expectedPassed = cases - cases / EvalWorkload.FAILING_EVERY;
            if (warmup > 0) {
                store.createSuite(PROJECT, new NewSuite(WARMUP_SUITE, "custom", null,
                        EvalWorkload.cases(seed + 1, warmup, "warmup")));
                long w0 = System.nanoTime();
                out.print("warm-up ... ");
                out.flush();
                harness(runner, store, WARMUP_SUITE, concurrency);
                harness(runner, store, WARMUP_SUITE, 1);
                plain(store.cases(PROJECT, WARMUP_SUITE, null));
                out.printf(Locale.ROOT, "done in %.1f s%n", (System.nanoTime() - w0) / 1e9);
                out.flush();
            }
            for (int r = 1; r <= rounds; r++) {
                out.printf("round %d/%d: ", r, rounds);
                out.flush();
                HarnessPass n;
                HarnessPass one;
                Pass plain;
                // Alternate the order so that no path always runs first (on a colder JIT) or last (on a bigger database).
                if (r % 2 == 1) {
                    n = timedHarness(out, runner, store, concurrency);
                    one = timedHarness(out, runner, store, 1);
                    plain = timedPlain(out, loaded);
                } else {
                    plain = timedPlain(out, loaded);
                    one = timedHarness(out, runner, store, 1);
                    n = timedHarness(out, runner, store, concurrency);
                }
                for (HarnessPass h : List.of(n, one)) {
                    check(h, plain, expectedPassed);
                }
                Round round = new Round(r, n, one, plain);
                results.add(round);
                out.printf(Locale.ROOT, "| %d-way / plain %.2f, %d-way / 1-way %.2f%n", concurrency, round.ratio(),
                        concurrency, round.scaling());
                out.flush();
            }
        }
        out.println(summary(results));
        if (!output.equals("none")) {
            Path file = Path.of(output);
            BenchmarksDoc.write(file, markdown(machine, root, results, createSeconds));
            out.println("wrote " + file.toAbsolutePath().normalize());
        }
        out.flush();
    }

    private HarnessPass timedHarness(PrintWriter out, EvalRunner runner, EvalStore store, int inFlight) {
        System.gc(); // the previous pass's garbage is collected outside this one's clock
        HarnessPass h = harness(runner, store, SUITE, inFlight);
        out.printf(Locale.ROOT, "harness %d-way %,.0f cases/s; ", inFlight, h.pass().rate());
        out.flush();
        return h;
    }

    private Pass timedPlain(PrintWriter out, List<EvalCase> loaded) {
        System.gc();
        Pass p = plain(loaded);
        out.printf(Locale.ROOT, "plain loop %,.0f cases/s; ", p.rate());
        out.flush();
        return p;
    }

    /** One run through the harness, timed from the call to the stored, summarised run. */
    private HarnessPass harness(EvalRunner runner, EvalStore store, String suite, int inFlight) {
        AtomicInteger transactions = new AtomicInteger();
        RunListener listener = new RunListener() {
            @Override
            public void resultsWritten(int count) {
                transactions.incrementAndGet();
            }
        };
        RunRequest request = RunRequest.of(suite, "order-desk", "bench").withConcurrency(inFlight)
                .withCaseTimeout(Duration.ofSeconds(60));
        long t0 = System.nanoTime();
        Run run = runner.run(PROJECT, request, EvalWorkload.AGENT, listener);
        long nanos = System.nanoTime() - t0;
        List<String> outputs = store.results(PROJECT, run.id()).stream()
                .map(r -> r.output() == null ? "" : r.output().node().path("text").asText()).toList();
        return new HarnessPass(new Pass(nanos, outputs.size(), digest(outputs)), run, transactions.get());
    }

    /** The baseline: the agent on every case in order, its calls answered from a map; nothing scored or stored. */
    private static Pass plain(List<EvalCase> loaded) {
        List<String> outputs = new ArrayList<>(loaded.size());
        long t0 = System.nanoTime();
        for (EvalCase c : loaded) {
            AgentAnswer a = EvalWorkload.answer(new AgentRequest("plain", c.id(), c.input(), null, c.context()),
                    EvalWorkload.plainTools(c.spec()));
            outputs.add(a.output() == null ? "" : a.output().node().path("text").asText());
        }
        long nanos = System.nanoTime() - t0;
        return new Pass(nanos, outputs.size(), digest(outputs));
    }

    private static String digest(List<String> outputs) {
        return Hashing.sha256Hex(String.join("\n", outputs));
    }

    private void check(HarnessPass h, Pass plain, int expectedPassed) {
        Run run = h.run();
        if (run.status() != RunStatus.COMPLETED || run.summary().passed() != expectedPassed
                || !h.pass().outputs().equals(plain.outputs()) || h.pass().cases() != cases) {
            throw new IllegalStateException("run " + run.id() + " is " + run.status().wire() + " with "
                    + (run.summary() == null ? "no summary" : run.summary().passed() + " passed") + " (expected "
                    + expectedPassed + "), " + h.pass().cases() + " results; outputs "
                    + (h.pass().outputs().equals(plain.outputs()) ? "equal" : "differ from") + " the plain loop's");
        }
    }

    private String summary(List<Round> results) {
        Range n = Range.of(results.stream().mapToDouble(r -> r.concurrent().pass().rate()).toArray());
        Range ratio = Range.of(results.stream().mapToDouble(Round::ratio).toArray());
        return String.format(Locale.ROOT, "harness %d-way: %s cases/s = %s of the plain loop", concurrency, n.rate(),
                ratio.ratio());
    }

    private String markdown(Machine machine, Path root, List<Round> results, double createSeconds) {
        Range n = Range.of(results.stream().mapToDouble(r -> r.concurrent().pass().rate()).toArray());
        Range one = Range.of(results.stream().mapToDouble(r -> r.single().pass().rate()).toArray());
        Range plain = Range.of(results.stream().mapToDouble(r -> r.plain().rate()).toArray());
        Range ratio = Range.of(results.stream().mapToDouble(Round::ratio).toArray());
        Range scaling = Range.of(results.stream().mapToDouble(Round::scaling).toArray());
        Run last = results.get(results.size() - 1).concurrent().run();
        StringBuilder md = new StringBuilder();
        md.append(HEADING).append("\n\n");
        md.append("Measured ").append(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'", Locale.ROOT)
                .format(clock.instant().atZone(ZoneOffset.UTC))).append(" by `ratchet-bench eval`; source tree: ")
                .append(SourceTree.describe(Path.of("").toAbsolutePath())).append(".\n\n");
        md.append("### Method\n\n");
        md.append(String.format(Locale.ROOT, "One eval suite version of %,d generated cases (seed %d) in the embedded"
                + " SQLite database of a temporary data directory, opened by the production `Database` code (WAL,"
                + " synchronous=FULL). The agent is an in-process order-status desk: it reads the order and customer ids"
                + " from the question, classifies the intent by keywords, makes two tool calls (`lookup_customer`,"
                + " `order_status`) and writes a reply. Every case holds the two calls' fixtures and three expectations:"
                + " exact reply, contains the order status, regex of the reply's shape; one case in %d expects a reply"
                + " the agent does not give, so %,d of %,d pass.%n%n", cases, seed, EvalWorkload.FAILING_EVERY,
                cases - cases / EvalWorkload.FAILING_EVERY, cases));
        md.append(String.format(Locale.ROOT, "- **Harness, %d cases in flight**: `EvalRunner.run` from the call to the"
                + " stored run: request validation, loading the version's cases, a virtual thread per case with its"
                + " timeout, strict replay of the calls (recorded per case), scoring, results committed in batches of up"
                + " to %d, the summary (Wilson interval, latency percentiles, cost).%n", concurrency,
                EvalRunner.WRITE_BATCH));
        md.append("- **Harness, 1 case in flight**: the same, one case at a time.\n");
        md.append("- **Plain loop** (the baseline): the same agent on the same cases (loaded before the clock starts),"
                + " in order on one thread, its calls answered from a map of the case's fixtures; nothing validated,"
                + " recorded, scored or stored.\n");
        md.append(String.format(Locale.ROOT, "- %,d warm-up cases through every path, then %d rounds; within a round"
                + " the paths run in alternating order from round to round, with a `System.gc()` before each. Figures"
                + " are medians of the rounds with the range (min–max); ratios are computed per round. Every harness"
                + " run stored the plain loop's outputs, case by case, and the generated pass count.%n%n", warmup,
                rounds));
        md.append("### Machine\n\n");
        md.append("- CPU: ").append(machine.cpu()).append(", ").append(machine.cores()).append(" cores available to the JVM\n");
        md.append("- Memory: ").append(machine.memory()).append('\n');
        md.append("- JDK: ").append(machine.jvm()).append('\n');
        md.append("- OS: ").append(machine.os()).append('\n');
        md.append("- Data directory: `").append(root.getParent().resolve("ratchet-eval-*")).append("` (")
                .append(machine.disk()).append(")\n\n");
        md.append("### Results\n\n");
        md.append("| Path | cases/s |\n|---|---:|\n");
        md.append(String.format(Locale.ROOT, "| Harness, %d in flight (`EvalRunner`, durable results) | %s |%n",
                concurrency, n.rate()));
        md.append(String.format(Locale.ROOT, "| Harness, 1 in flight | %s |%n", one.rate()));
        md.append(String.format(Locale.ROOT, "| Plain loop (the agent alone, 1 thread) | %s |%n", plain.rate()));
        md.append(String.format(Locale.ROOT, "| **Harness %d-way / plain loop** | **%s** |%n", concurrency, ratio.ratio()));
        md.append(String.format(Locale.ROOT, "| Harness %d-way / 1-way | %s |%n%n", concurrency, scaling.ratio()));
        md.append(String.format(Locale.ROOT, "| Round | harness %d-way | harness 1-way | plain loop | %d-way / plain |"
                + " %d-way case latency p50 / p95 | %d-way commits |%n|---:|---:|---:|---:|---:|---:|---:|%n",
                concurrency, concurrency, concurrency, concurrency));
        for (Round r : results) {
            Run run = r.concurrent().run();
            md.append(String.format(Locale.ROOT, "| %d | %,.0f | %,.0f | %,.0f | %.2f | %d / %d ms | %d |%n", r.number(),
                    r.concurrent().pass().rate(), r.single().pass().rate(), r.plain().rate(), r.ratio(),
                    run.summary().p50LatencyMs(), run.summary().p95LatencyMs(), r.concurrent().transactions()));
        }
        md.append(String.format(Locale.ROOT, "%nEach run's summary: success rate %.3f (95%% Wilson interval %.3f–%.3f),"
                        + " recorded fixture cost %s. Creating the suite (%,d cases, one transaction) took %.1f s.%n%n",
                last.summary().successRate(), last.summary().successInterval().lower(),
                last.summary().successInterval().upper(), last.summary().totalCost().toPlainString(), cases, createSeconds));
        md.append("### Reproduce\n\n```\n./mvnw -q -B -pl bench -am package -DskipTests\n");
        md.append("java -jar bench/target/ratchet-bench.jar eval --cases ").append(cases).append(" --concurrency ")
                .append(concurrency).append(" --rounds ").append(rounds).append(" --warmup ").append(warmup)
                .append(" --seed ").append(seed).append("\n```\n");
        return md.toString();
    }
}
