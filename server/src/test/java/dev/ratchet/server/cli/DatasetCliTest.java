package dev.ratchet.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ratchet.server.TestServer;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ratchet dataset ...} against a real server: what a user types, what they see, and the exit code. */
class DatasetCliTest {

    @TempDir
    static Path dir;
    static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start(dir.resolve("data"));
        StringBuilder traces = new StringBuilder();
        StringBuilder feedback = new StringBuilder();
        for (int i = 0; i < 12; i++) {
            traces.append(i == 0 ? "" : ",").append("""
                    {"id":"cli-%d","agent":"desk","input":{"text":"how do I do thing %d, call +1 650-253-0000"},
                     "output":{"text":"like this %d"},"startTime":"2026-11-21T10:00:%02dZ"}""".formatted(i, i, i, i));
            feedback.append(i == 0 ? "" : ",").append("""
                    {"traceId":"cli-%d","kind":"thumbs","value":%s,"source":"end_user"}""".formatted(i, i % 3 != 0));
        }
        server.post("/api/v1/traces", TestServer.ADMIN_KEY, "{\"traces\":[" + traces + "]}");
        server.post("/api/v1/feedback", TestServer.ADMIN_KEY, "{\"feedback\":[" + feedback + "]}");
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    record Run(int code, String out, String err) {
    }

    static Run ratchet(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        String[] all = new String[args.length + 4];
        System.arraycopy(args, 0, all, 0, args.length);
        all[args.length] = "--url";
        all[args.length + 1] = server.url();
        all[args.length + 2] = "--key";
        all[args.length + 3] = TestServer.ADMIN_KEY;
        int code = Main.run(new PrintWriter(out, true), new PrintWriter(err, true), all);
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void build_showExportDiff_roundTrip() throws IOException {
        Path spec = dir.resolve("desk.yaml");
        Files.writeString(spec, "name: desk\nformats: [openai-chat, trl-kto]\nsplit: {validation: 0.25, seed: 3}\n");

        Run build = ratchet("dataset", "build", "--spec", spec.toString(), "--poll-ms", "20");

        assertThat(build.code()).as(build.err()).isZero();
        assertThat(build.out()).contains("queued", "[", "%", "dataset ds_", "trl-kto.train.jsonl", "redacted: PHONE 12");
        String id = build.out().replaceAll("(?s).*dataset (ds_[0-9a-f]{32}).*", "$1");

        Run show = ratchet("dataset", "show", id);
        assertThat(show.code()).isZero();
        assertThat(show.out()).contains("stages: selected 12", "leakage guard", "categories:", "openai-chat.validation.jsonl");

        Path out = dir.resolve("export");
        Run export = ratchet("dataset", "export", id, "--format", "trl-kto", "--out", out.toString());
        assertThat(export.code()).as(export.err()).isZero();
        assertThat(out.resolve("trl-kto.train.jsonl")).exists();
        assertThat(out.resolve("trl-kto.validation.jsonl")).exists();
        assertThat(Files.readString(out.resolve("trl-kto.train.jsonl"))).contains("<PHONE_1>").doesNotContain("650");
        assertThat(out.resolve("openai-chat.train.jsonl")).doesNotExist();

        Files.writeString(spec, "name: desk\nformats: [openai-chat, trl-kto]\nsplit: {validation: 0.5, seed: 3}\n");
        String other = ratchet("dataset", "build", "--spec", spec.toString(), "--poll-ms", "20").out()
                .replaceAll("(?s).*dataset (ds_[0-9a-f]{32}).*", "$1");
        Run diff = ratchet("dataset", "diff", id, other);
        assertThat(diff.code()).isZero();
        assertThat(diff.out()).contains("spec changes: split.validation", "moved:");
        assertThat(ratchet("dataset", "list").out()).contains(id, other);
    }

    @Test
    void badInput_unknownFormatInvalidSpecUnknownVersion_saySoAndFail() throws IOException {
        Run format = ratchet("dataset", "export", "ds_x", "--format", "parquet");
        assertThat(format.code()).isEqualTo(2);
        assertThat(format.err()).contains("--format", "unknown format 'parquet'");

        Path bad = dir.resolve("bad.json");
        Files.writeString(bad, "{\"name\":\"x\",\"formats\":[\"openai-chat\",\"parquet\"]}");
        Run build = ratchet("dataset", "build", "--spec", bad.toString());
        assertThat(build.code()).isEqualTo(1);
        assertThat(build.err()).contains("formats[1]", "unknown format 'parquet'");

        Run missing = ratchet("dataset", "show", "ds_nope");
        assertThat(missing.code()).isEqualTo(1);
        assertThat(missing.err()).contains("404");

        Run noFile = ratchet("dataset", "build", "--spec", dir.resolve("absent.yaml").toString());
        assertThat(noFile.code()).isEqualTo(1);
        assertThat(noFile.err()).contains("cannot read the spec");
    }
}
