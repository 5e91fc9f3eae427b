package dev.ratchet.server.cli;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of {@code ratchet}. */
@Command(name = "ratchet",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        description = "Ratchet: continual learning for AI agents. Capture, feedback, memory, evaluation, datasets, release.",
        subcommands = {DemoCommand.class, ServeCommand.class, TracesCommand.class, FeedbackCommand.class, ReviewCommand.class,
                MemoryCommand.class, EvalCommand.class, DatasetCommand.class, ProjectsCommand.class, BenchCommand.class,
                AgentsCommand.class, CommandLine.HelpCommand.class})
public final class Main implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs a command line and returns its exit code (0 ok, 1 failed, 2 usage error). */
    public static int run(String... args) {
        return run(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args);
    }

    /** Runs a command line writing to the given streams (how tests read what a user would see). */
    public static int run(PrintWriter out, PrintWriter err, String... args) {
        return new CommandLine(new Main())
                .setOut(out)
                .setErr(err)
                .setExecutionExceptionHandler(new ClientErrorHandler())
                .execute(args);
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"ratchet " + (v == null ? "development build" : v)};
        }
    }
}
