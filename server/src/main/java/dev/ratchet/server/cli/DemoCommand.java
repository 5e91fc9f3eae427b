package dev.ratchet.server.cli;

import dev.ratchet.common.BadInputException;
import dev.ratchet.learn.LearningLab;
import dev.ratchet.learn.LearningLoop;
import dev.ratchet.learn.RoundReport;
import dev.ratchet.reference.DeskCatalog;
import dev.ratchet.reference.DeskTraffic;
import dev.ratchet.reference.LabeledText;
import dev.ratchet.server.RatchetServer;
import dev.ratchet.server.ServerConfig;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code ratchet demo}: the loop, closed, on the reference agent. Starts the embedded server, generates a production
 * stream for a support-desk triage agent with Ratchet's own generator (varied phrasings, typos, users who correct the
 * agent, some of them wrongly), runs the learning loop in rounds and prints a line per round; then leaves the server
 * running for the data to be explored through the API and the CLI.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Watch the reference agent learn from its own traffic, then explore the data (the README's first command).")
public final class DemoCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--port", defaultValue = "7070", description = "Port to listen on (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--data-dir", defaultValue = "data",
            description = "Data directory, as for serve (default: ${DEFAULT-VALUE}); the demo adds an agent to its 'default' project.")
    Path dataDir;

    @Option(names = "--events", defaultValue = "2400", description = "Requests in the stream (default: ${DEFAULT-VALUE}).")
    int events;

    @Option(names = "--every", defaultValue = "300", description = "Requests between rounds of the loop (default: ${DEFAULT-VALUE}).")
    int every;

    @Option(names = "--noise", defaultValue = "0.05",
            description = "Share of the users' corrections that name a wrong intent (default: ${DEFAULT-VALUE}).")
    double noise;

    @Option(names = "--seed", defaultValue = "11", description = "Seed of the generated traffic (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--exit", description = "Stop the server after the rounds instead of leaving it running.")
    boolean exit;

    @Override
    public Integer call() throws InterruptedException {
        if (events < 1 || events > 1_000_000) {
            throw new BadInputException("--events", "must be 1 to 1000000");
        }
        if (every < 1) {
            throw new BadInputException("--every", "must be at least 1");
        }
        if (!(noise >= 0 && noise < 1)) {
            throw new BadInputException("--noise", "must be from 0 to below 1");
        }
        if (port < 0 || port > 65535) {
            throw new BadInputException("--port", "must be between 0 and 65535");
        }
        PrintWriter out = spec.commandLine().getOut();
        RatchetServer server = RatchetServer.start(ServerConfig.defaults(dataDir).withPort(port));
        CountDownLatch stopped = new CountDownLatch(1);
        if (!exit) {
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                server.close();
                stopped.countDown();
            }, "ratchet-shutdown"));
        }
        out.println("Ratchet listening on " + server.url() + " (sqlite " + dataDir.resolve("ratchet.db") + ")");
        server.bootstrapKey().ifPresent(k -> out.println("Created project 'default' with admin key: " + k.secret()
                + " (saved in " + dataDir + ", where the CLI finds it)"));
        String project = "default";
        String agent = server.freeAgentName(project, "triage");
        Map<String, String> descriptions = new LinkedHashMap<>();
        for (DeskCatalog.Intent i : DeskCatalog.intents()) {
            descriptions.put(i.name(), i.description());
        }
        DeskTraffic generator = new DeskTraffic();
        List<LabeledText> gold = generator.generate(seed + 1_000, 300);
        List<LabeledText> stream = generator.generate(seed, events);
        LearningLoop.Options options = LearningLoop.Options.defaults().withRetraining(300, 600);
        out.printf(Locale.ROOT, "%nReference agent '%s': %d intents, starting from one-line descriptions, no weights, empty"
                + " memory.%nGenerated traffic: %,d requests; simulated users correct wrong answers, %.0f%% of"
                + " corrections wrong.%nFrozen eval suite: %d labelled requests, never trained on.%n%n", agent,
                descriptions.size(), events, 100 * noise, gold.size());
        long t0 = System.nanoTime();
        LearningLab lab = LearningLab.of(server.learningServices(), project, agent, options);
        double start = lab.loop().start(LearningLab.initialLayers(descriptions, agent), gold);
        out.printf(Locale.ROOT, "version v1: frozen-eval accuracy %.1f%%%n%n", 100 * start);
        out.flush();
        out.println("round  requests  answered right  frozen eval  regressions  fixed by (cases)         promoted"
                + "           memory  quarantined");
        int[] regressions = {0};
        lab.traffic().play(stream, every, noise, seed + 7, Set.of(), (segment, soFar) -> {
            RoundReport r = segment.round();
            regressions[0] += r.regressions();
            out.printf(Locale.ROOT, "%5d  %8d  %13.1f%%  %10.1f%%  %11d  %-23s  %-17s  %6d  %d%n", r.round(), soFar,
                    100 * segment.successRate(), 100 * r.evalSuccessRate(), r.regressions(), r.fixedSummary(),
                    r.promotedLayers() + " " + r.version(), r.memoryItems(), r.quarantined());
            out.flush();
        });
        double seconds = (System.nanoTime() - t0) / 1e9;
        out.printf(Locale.ROOT, "%nFrozen-eval accuracy %.1f%% -> %.1f%%, %d regressions, current version %s (%.0f s).%n",
                100 * start, 100 * lab.loop().currentEvalRate(), regressions[0], lab.loop().currentVersion(), seconds);
        out.println();
        out.println("Explore (in another terminal):");
        out.println("  ./ratchet agents versions " + agent + "        # every version: parent, layer, status, evidence");
        out.println("  ./ratchet eval suites                    # " + lab.loop().evalSuite() + ", " + lab.loop().regressionSuite()
                + " and one suite of failures per round");
        out.println("  ./ratchet traces list --agent " + agent + " --outcome failure");
        out.println("  curl -H \"Authorization: Bearer $KEY\" " + server.url() + "/api/v1/agents/" + agent + "/versions");
        if (exit) {
            server.close();
            return 0;
        }
        out.println("The server keeps running at " + server.url() + "; stop it with Ctrl-C.");
        out.flush();
        stopped.await();
        return 0;
    }
}
