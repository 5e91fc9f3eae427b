package dev.ratchet.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ratchet.common.BadInputException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BeirDatasetTest {

    @TempDir
    Path dir;

    static void writeTiny(Path dir) throws IOException {
        Files.createDirectories(dir.resolve("qrels"));
        Files.writeString(dir.resolve("corpus.jsonl"), """
                {"_id":"d1","title":"Card","text":"My card has not arrived yet","metadata":{}}
                {"_id":"d2","title":"","text":"How do I top up with a bank transfer?"}

                {"_id":"d3","text":"Exchange rates for euro payments"}
                """);
        Files.writeString(dir.resolve("queries.jsonl"), """
                {"_id":"q1","text":"where is my new card"}
                {"_id":"q2","text":"top up by transfer"}
                {"_id":"q3","text":"unjudged query"}
                """);
        Files.writeString(dir.resolve("qrels/test.tsv"),
                "query-id\tcorpus-id\tscore\nq1\td1\t2\nq1\td3\t0\nq2\td2\t1\n");
    }

    @Test
    void read_tinyFolder_keepsOrderGradesAndOnlyPositiveJudgements() throws IOException {
        writeTiny(dir);

        BeirDataset data = BeirDataset.read(dir);

        assertThat(data.corpus()).extracting(BeirDataset.Doc::id).containsExactly("d1", "d2", "d3");
        assertThat(data.corpus().get(0).content()).isEqualTo("Card\nMy card has not arrived yet");
        assertThat(data.corpus().get(1).content()).isEqualTo("How do I top up with a bank transfer?");
        assertThat(data.queries()).containsEntry("q2", "top up by transfer").hasSize(3);
        assertThat(data.qrels()).isEqualTo(Map.of("q1", Map.of("d1", 2), "q2", Map.of("d2", 1)));
        assertThat(data.judgedQueries()).isEqualTo(List.of("q1", "q2"));
    }

    @Test
    void read_missingQrels_namesTheFile() throws IOException {
        writeTiny(dir);
        Files.delete(dir.resolve("qrels/test.tsv"));

        assertThatThrownBy(() -> BeirDataset.read(dir))
                .isInstanceOf(BadInputException.class)
                .hasMessageContaining("qrels/test.tsv")
                .hasMessageContaining("missing");
    }

    @Test
    void read_notAFolder_saysSo() {
        assertThatThrownBy(() -> BeirDataset.read(dir.resolve("absent")))
                .isInstanceOf(BadInputException.class)
                .hasMessageContaining("is not a folder");
    }

    @Test
    void read_malformedJsonLine_namesFileAndLine() throws IOException {
        writeTiny(dir);
        Files.writeString(dir.resolve("queries.jsonl"), "{\"_id\":\"q1\",\"text\":\"ok\"}\n{\"_id\":\"q2\",\"text\":\n");

        assertThatThrownBy(() -> BeirDataset.read(dir))
                .isInstanceOf(BadInputException.class)
                .hasMessageContaining("queries.jsonl, line 2")
                .hasMessageContaining("malformed JSON");
    }

    @Test
    void read_documentWithoutId_namesFileAndLine() throws IOException {
        writeTiny(dir);
        Files.writeString(dir.resolve("corpus.jsonl"), "{\"_id\":\"d1\",\"text\":\"a\"}\n{\"text\":\"b\"}\n");

        assertThatThrownBy(() -> BeirDataset.read(dir))
                .isInstanceOf(BadInputException.class)
                .hasMessageContaining("corpus.jsonl, line 2")
                .hasMessageContaining("_id");
    }

    @Test
    void read_badQrelsRows_nameFileAndLine() throws IOException {
        writeTiny(dir);
        Path qrels = dir.resolve("qrels/test.tsv");

        Files.writeString(qrels, "query-id\tcorpus-id\tscore\nq1\td1\n");
        assertThatThrownBy(() -> BeirDataset.read(dir)).hasMessageContaining("qrels/test.tsv, line 2")
                .hasMessageContaining("3 tab-separated columns");

        Files.writeString(qrels, "query-id\tcorpus-id\tscore\nq1\td1\t1\nq1\td2\thigh\n");
        assertThatThrownBy(() -> BeirDataset.read(dir)).hasMessageContaining("qrels/test.tsv, line 3")
                .hasMessageContaining("not an integer");

        Files.writeString(qrels, "query-id\tcorpus-id\tscore\nq1\td9\t1\n");
        assertThatThrownBy(() -> BeirDataset.read(dir)).hasMessageContaining("qrels/test.tsv, line 2")
                .hasMessageContaining("corpus-id d9 is not in corpus.jsonl");
    }
}
