package dev.ratchet.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs the real benchmark (real ONNX model, real Lucene) on a three-document folder; checks what it reports. */
class RetrievalBenchTest {

    @TempDir
    Path tmp;

    @Test
    void retrieval_tinyFolder_printsTableEndingWithHybridAndWritesSection() throws Exception {
        Path data = tmp.resolve("beir");
        BeirDatasetTest.writeTiny(data);
        Path doc = tmp.resolve("docs/benchmarks.md");

        Banking77ToBeirTest.Run run = Banking77ToBeirTest.run("retrieval", "--dataset", data.toString(),
                "--output", doc.toString(), "--data-dir", tmp.resolve("work").toString(), "--vector-weight", "0.5",
                "--sweep-weights", "0.3,0.7");

        assertThat(run.code()).as(run.err()).isZero();
        List<String> lines = run.out().lines().toList();
        assertThat(lines.getLast()).matches("hybrid nDCG@10: [01]\\.\\d{4}");
        assertThat(run.out()).containsPattern("\\| BM25 only \\| [01]\\.\\d{4} \\| [01]\\.\\d{4} \\|")
                .containsPattern("\\| vector only \\| [01]\\.\\d{4} \\| [01]\\.\\d{4} \\|")
                .containsPattern("\\| hybrid \\(w = 0\\.5\\) \\| [01]\\.\\d{4} \\| [01]\\.\\d{4} \\|")
                .contains("embedding corpus: 3/3");
        // Two tiny judged queries whose relevant document shares their words: every mode finds it.
        assertThat(run.out()).contains("| 1.0000 | 1.0000 |");
        String md = Files.readString(doc);
        assertThat(md).contains(RetrievalBench.HEADING + ": beir\n", "### Method", "### Machine", "### Results",
                "### Latency and throughput", "### Fusion weight sweep", "### Reproduce",
                "query embedding (`embed`, 1 text)", "texts/s",
                "ratchet-bench.jar retrieval --dataset " + data + " --k 10 --candidates 100 --vector-weight 0.5"
                        + " --sweep-weights 0.3,0.7");
        assertThat(md).contains("3 documents, 2 queries with at least one relevant document");
        assertThat(tmp.resolve("work")).isEmptyDirectory();
    }

    @Test
    void retrieval_outputNone_writesNoFile_andBadOptionIsRefused() throws Exception {
        Path data = tmp.resolve("beir");
        BeirDatasetTest.writeTiny(data);

        Banking77ToBeirTest.Run run = Banking77ToBeirTest.run("retrieval", "--dataset", data.toString(),
                "--output", "none", "--limit-queries", "1", "--data-dir", tmp.resolve("work").toString());
        assertThat(run.code()).as(run.err()).isZero();
        assertThat(run.out()).contains("1 of 2 judged queries").doesNotContain("wrote ");

        Banking77ToBeirTest.Run bad = Banking77ToBeirTest.run("retrieval", "--dataset", data.toString(),
                "--candidates", "50", "--output", "none");
        assertThat(bad.code()).isNotZero();
        assertThat(bad.err()).contains("--candidates must be between 100");
    }
}
