package dev.ratchet.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ratchet demo}, short: a real server, the real encoder, a few rounds of generated traffic. */
class DemoCommandTest {

    @TempDir
    Path dir;

    private record Run(int code, String out, String err) {
    }

    private static Run ratchet(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void demo_runsRoundsThatPrintTheirTable_thenSaysHowToExplore() {
        Run r = ratchet("demo", "--port", "0", "--data-dir", dir.resolve("data").toString(), "--events", "90",
                "--every", "45", "--exit");

        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("Reference agent 'triage'", "version v1: frozen-eval accuracy",
                "round  requests  answered right  frozen eval", "./ratchet agents versions triage");
        List<String> rounds = r.out().lines().filter(l -> l.matches("\\s+\\d+\\s+\\d+\\s+\\d+\\.\\d%.*")).toList();
        assertThat(rounds).hasSize(2);
        assertThat(r.out()).containsPattern("Frozen-eval accuracy \\d+\\.\\d% -> \\d+\\.\\d%, 0 regressions");

        // A second demo on the same data directory adds a second agent instead of mixing with the first.
        Run again = ratchet("demo", "--port", "0", "--data-dir", dir.resolve("data").toString(), "--events", "10",
                "--every", "10", "--exit");
        assertThat(again.code()).as(again.err()).isZero();
        assertThat(again.out()).contains("Reference agent 'triage-2'");
    }

    @Test
    void demo_badOptions_areRefusedNamingTheFlag() {
        Run events = ratchet("demo", "--events", "0", "--data-dir", dir.resolve("d").toString(), "--exit");
        assertThat(events.code()).isNotZero();
        assertThat(events.err()).contains("--events");
        Run noise = ratchet("demo", "--noise", "1", "--data-dir", dir.resolve("d").toString(), "--exit");
        assertThat(noise.code()).isNotZero();
        assertThat(noise.err()).contains("--noise");
        Run every = ratchet("demo", "--every", "0", "--data-dir", dir.resolve("d").toString(), "--exit");
        assertThat(every.err()).contains("--every");
        assertThat(ratchet("demo", "--port", "70000", "--exit").err()).contains("--port");
        assertThat(dir.resolve("d")).doesNotExist();
    }
}
