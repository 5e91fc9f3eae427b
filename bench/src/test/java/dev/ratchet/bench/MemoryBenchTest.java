package dev.ratchet.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MemoryBenchTest {

    @TempDir
    Path tmp;

    @Test
    void memory_tinySizes_measuresBothPhasesAndWritesSection() throws Exception {
        Path doc = tmp.resolve("docs/benchmarks.md");
        Banking77ToBeirTest.Run run = Banking77ToBeirTest.run("memory", "--sizes", "40,80", "--queries", "5",
                "--warmup", "1", "--writes", "12", "--write-warmup", "6", "--clients", "2", "--write-batch", "3", "--output", doc.toString(),
                "--data-dir", tmp.resolve("work").toString());

        assertThat(run.code()).as(run.err()).isZero();
        assertThat(run.out()).containsPattern("store writes: [\\d,]+ items/s \\(\\d+ created, \\d+ merged\\)")
                .containsPattern("writes: [\\d,]+ items/s = \\d\\.\\d\\d of raw embedding")
                .containsPattern("search at [\\d,]+ items: p99 \\d+\\.\\d\\d ms with embedding");
        String md = Files.readString(doc);
        assertThat(md).contains(MemoryBench.HEADING, "### Method", "### Machine", "### Results", "### Targets",
                "**Store / raw**", "ratchet-bench.jar memory --sizes 40,80 --queries 5 --warmup 1 --k 5 --writes 12"
                        + " --write-warmup 6 --clients 2 --write-batch 3 --seed 42");
        // One row per size, in order.
        assertThat(md.lines().filter(l -> l.matches("\\| \\d+ \\| .* ms \\| .* ms \\| \\d+ s \\|"))).hasSize(2);
        assertThat(tmp.resolve("work")).isEmptyDirectory();
    }

    @Test
    void memory_badOptions_areRefusedAndNothingIsWritten() throws Exception {
        Path doc = tmp.resolve("benchmarks.md");
        Banking77ToBeirTest.Run descending = Banking77ToBeirTest.run("memory", "--sizes", "100,50", "--output",
                doc.toString());
        assertThat(descending.code()).isNotZero();
        assertThat(descending.err()).contains("--sizes must be ascending");

        Banking77ToBeirTest.Run tooManyWrites = Banking77ToBeirTest.run("memory", "--sizes", "10", "--writes", "20",
                "--output", doc.toString());
        assertThat(tooManyWrites.code()).isNotZero();
        assertThat(tooManyWrites.err()).contains("--writes must be between 1 and the first size");

        Banking77ToBeirTest.Run warmupTooLarge = Banking77ToBeirTest.run("memory", "--sizes", "30", "--writes", "20",
                "--write-warmup", "11", "--output", doc.toString());
        assertThat(warmupTooLarge.code()).isNotZero();
        assertThat(warmupTooLarge.err()).contains("less --write-warmup");

        Banking77ToBeirTest.Run negativeWarmup = Banking77ToBeirTest.run("memory", "--sizes", "30", "--writes", "20",
                "--write-warmup", "-1", "--output", doc.toString());
        assertThat(negativeWarmup.code()).isNotZero();
        assertThat(negativeWarmup.err()).contains("--write-warmup (at least 0)");

        Banking77ToBeirTest.Run badK = Banking77ToBeirTest.run("memory", "--k", "0", "--output", doc.toString());
        assertThat(badK.code()).isNotZero();
        assertThat(badK.err()).contains("--k between 1 and");
        assertThat(doc).doesNotExist();
    }
}
