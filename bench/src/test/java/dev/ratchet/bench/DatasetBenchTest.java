package dev.ratchet.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatasetBenchTest {

    @TempDir
    Path tmp;

    @Test
    void dataset_tinySize_buildsOneVersionAndWritesSection() throws Exception {
        Path doc = tmp.resolve("docs/benchmarks.md");
        Banking77ToBeirTest.Run run = Banking77ToBeirTest.run("dataset", "--traces", "6000", "--eval-cases", "20",
                "--batch", "1000", "--threads", "2", "--output", doc.toString(), "--data-dir", tmp.resolve("work").toString());

        assertThat(run.code()).as(run.err()).isZero();
        assertThat(run.out()).contains("generating: 6,000/6,000 traces", "raw scan: 6,000 rows", "build: reading")
                .containsPattern("build: 6,000 traces -> [\\d,]+ examples in \\d+\\.\\d s .* build / scan = \\d+\\.\\d");
        String md = Files.readString(doc);
        assertThat(md).contains(DatasetBench.HEADING, "### Method", "### Machine", "### Results", "### Targets",
                "**build / scan**", "eval_exact", "duplicate_exact", "ratchet-bench.jar dataset --traces 6000"
                        + " --eval-cases 20 --seed 42 --threads 2", "| n/a |");
        assertThat(tmp.resolve("work")).isEmptyDirectory();
    }

    @Test
    void dataset_badOptions_areRefused() {
        Banking77ToBeirTest.Run run = Banking77ToBeirTest.run("dataset", "--traces", "5", "--output", "none");
        assertThat(run.code()).isNotZero();
        assertThat(run.err()).contains("--traces must be at least 100");
    }
}
