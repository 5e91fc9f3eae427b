package dev.ratchet.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ratchet.reference.LabeledText;
import dev.ratchet.reference.LabeledTexts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LearningBenchTest {

    @TempDir
    Path tmp;

    private static final String[][] INTENTS = {
            {"card_lost", "I lost my card", "my card is gone", "cannot find my bank card", "lost my debit card today",
                    "my card went missing", "I think my card was lost on the train", "card lost, please help",
                    "where did my card go, I lost it", "I misplaced my credit card", "my bank card is lost"},
            {"refund_request", "I want a refund", "please refund my order", "give me my money back",
                    "I would like to return this and get refunded", "refund please", "can I get a refund for the shoes",
                    "money back for my broken order", "I demand a refund", "how do I get refunded", "refund my purchase"},
            {"password_reset", "I forgot my password", "reset my password", "cannot log in, forgot password",
                    "how do I change my password", "my password does not work", "need a new password",
                    "password reset link please", "locked out, forgot my password", "I can't remember my password",
                    "help me reset my login password"}};

    @Test
    void learning_smallDataset_runsRoundsCheckpointsAndEndsWithTheFinalAccuracy() throws Exception {
        Path data = tmp.resolve("desk");
        Files.createDirectories(data);
        List<LabeledText> train = new ArrayList<>();
        List<LabeledText> test = new ArrayList<>();
        for (String[] intent : INTENTS) {
            for (int i = 1; i < intent.length; i++) {
                (i % 4 == 0 ? test : train).add(new LabeledText(intent[i], intent[0]));
            }
        }
        LabeledTexts.writeCsv(data.resolve("train.csv"), train);
        LabeledTexts.writeCsv(data.resolve("test.csv"), test);
        Path doc = tmp.resolve("benchmarks.md");

        Banking77ToBeirTest.Run run = Banking77ToBeirTest.run("learning", "--dataset", data.toString(), "--every", "5",
                "--gold", "10", "--retrain-every", "5", "--noise", "0,0.2", "--output", doc.toString(),
                "--data-dir", tmp.resolve("work").toString());

        assertThat(run.code()).as(run.err()).isZero();
        assertThat(run.out()).contains("== noise 0% ==", "== noise 20% ==", "version v1 (descriptions only)")
                .containsPattern("(?m)^\\s+1\\s+5\\s+\\d+\\.\\d%");
        List<String> lines = run.out().lines().toList();
        assertThat(lines.get(lines.size() - 1))
                .matches("final test accuracy: \\d+\\.\\d\\d% \\(noise 0%\\), \\d+\\.\\d\\d% \\(noise 20%\\)");
        String md = Files.readString(doc);
        assertThat(md).contains("## Learning: desk", "| 0% |", "| 20% |", "Published anchors on Banking77");
        assertThat(tmp.resolve("work")).isEmptyDirectory();
    }

    @Test
    void learning_badOptions_areRefusedAndNothingIsWritten() throws Exception {
        Path doc = tmp.resolve("benchmarks.md");
        Banking77ToBeirTest.Run missing = Banking77ToBeirTest.run("learning", "--dataset", tmp.resolve("nope").toString(),
                "--output", doc.toString());
        assertThat(missing.code()).isNotZero();
        assertThat(missing.err()).contains("must hold train.csv and test.csv");
        Path data = tmp.resolve("d");
        Files.createDirectories(data);
        Files.writeString(data.resolve("train.csv"), "text,category\nhello,greet\n");
        Files.writeString(data.resolve("test.csv"), "text,category\nhi,greet\n");
        Banking77ToBeirTest.Run noisy = Banking77ToBeirTest.run("learning", "--dataset", data.toString(), "--noise", "1.5",
                "--output", doc.toString());
        assertThat(noisy.code()).isNotZero();
        assertThat(noisy.err()).contains("--noise");
        Banking77ToBeirTest.Run every = Banking77ToBeirTest.run("learning", "--dataset", data.toString(), "--every", "0",
                "--output", doc.toString());
        assertThat(every.err()).contains("--every");
        Banking77ToBeirTest.Run gold = Banking77ToBeirTest.run("learning", "--dataset", data.toString(), "--gold", "10",
                "--output", doc.toString());
        assertThat(gold.err()).contains("--gold must be below the train split's 1 rows");
        Files.writeString(data.resolve("train.csv"), "text,label\nhello,greet\n");
        Banking77ToBeirTest.Run header = Banking77ToBeirTest.run("learning", "--dataset", data.toString(),
                "--output", doc.toString());
        assertThat(header.code()).isNotZero();
        assertThat(header.err()).contains("train.csv");
        assertThat(doc).doesNotExist();
    }
}
