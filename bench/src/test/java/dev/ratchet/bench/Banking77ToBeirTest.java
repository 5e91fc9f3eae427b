package dev.ratchet.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ratchet.common.BadInputException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class Banking77ToBeirTest {

    @TempDir
    Path tmp;

    @Test
    void convert_tinyCsv_writesBeirFolderWithSameCategoryJudgements() throws Exception {
        Path source = tmp.resolve("banking77");
        Files.createDirectories(source);
        Files.writeString(source.resolve("train.csv"), """
                text,category
                I am still waiting on my card?,card_arrival
                "Where is my card, it's been a week",card_arrival
                "How do I top up with a ""bank"" transfer?",top_up
                """);
        Files.writeString(source.resolve("test.csv"), "text,category\r\nHow do I locate my card?,card_arrival\r\n"
                + "top up by transfer,top_up\r\ncan I change my PIN,change_pin\r\n");
        Path out = tmp.resolve("beir");

        Run run = run("beir-banking77", "--source", source.toString(), "--out", out.toString());

        assertThat(run.code()).as(run.err()).isZero();
        assertThat(run.out()).contains("3 documents, 3 queries, 3 judgements");
        BeirDataset data = BeirDataset.read(out);
        assertThat(data.corpus()).extracting(BeirDataset.Doc::id).containsExactly("d0", "d1", "d2");
        assertThat(data.corpus().get(1).text()).isEqualTo("Where is my card, it's been a week");
        assertThat(data.corpus().get(2).text()).isEqualTo("How do I top up with a \"bank\" transfer?");
        assertThat(data.queries().keySet()).containsExactly("q0", "q1", "q2");
        assertThat(data.queries()).containsEntry("q0", "How do I locate my card?")
                .containsEntry("q2", "can I change my PIN");
        assertThat(data.qrels()).isEqualTo(Map.of("q0", Map.of("d0", 1, "d1", 1), "q1", Map.of("d2", 1)));
        assertThat(Files.readString(out.resolve(Banking77ToBeir.ORIGIN))).contains("beir-banking77 --source");
    }

    @Test
    void convert_missingSource_pointsToSharedFolder() {
        Run run = run("beir-banking77", "--source", tmp.resolve("absent").toString(), "--out", tmp.resolve("o").toString());

        assertThat(run.code()).isEqualTo(2);
        assertThat(run.err()).contains("Banking77 not found", "../shared/data/banking77", "never copied into the repository");
        assertThat(tmp.resolve("o")).doesNotExist();
    }

    @Test
    void convert_rowWithThreeFields_failsNamingFileAndLineAndWritesNothing() throws Exception {
        Path source = tmp.resolve("banking77");
        Files.createDirectories(source);
        Files.writeString(source.resolve("train.csv"), "text,category\nfine,a\nbroken,b,c\n");
        Files.writeString(source.resolve("test.csv"), "text,category\nfine,a\n");
        Path out = tmp.resolve("beir");

        Run run = run("beir-banking77", "--source", source.toString(), "--out", out.toString());

        assertThat(run.code()).isNotZero();
        assertThat(run.err()).contains(BadInputException.class.getSimpleName(), "train.csv, line 3");
        assertThat(out).doesNotExist();
    }

    record Run(int code, String out, String err) {
    }

    static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = BenchMain.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int code = cl.execute(args);
        return new Run(code, out.toString(), err.toString());
    }
}
