package dev.ratchet.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ratchet.common.Json;
import dev.ratchet.eval.CaseSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EvalBenchTest {

    @TempDir
    Path tmp;

    @Test
    void eval_tinySizes_measuresEveryPathAndWritesItsSection() throws Exception {
        Path doc = tmp.resolve("docs/benchmarks.md");
        Banking77ToBeirTest.Run run = Banking77ToBeirTest.run("eval", "--cases", "40", "--concurrency", "4", "--rounds", "2",
                "--warmup", "5", "--output", doc.toString(), "--data-dir", tmp.resolve("work").toString());

        assertThat(run.code()).as(run.err()).isZero();
        assertThat(run.out()).containsPattern("round 1/2: harness 4-way [\\d,]+ cases/s; harness 1-way [\\d,]+ cases/s;"
                + " plain loop [\\d,]+ cases/s; \\| 4-way / plain \\d+\\.\\d\\d")
                .containsPattern("harness 4-way: [\\d,]+ \\([\\d,]+–[\\d,]+\\) cases/s = \\d+\\.\\d\\d");
        String md = Files.readString(doc);
        assertThat(md).contains(EvalBench.HEADING, "### Method", "### Machine", "### Results", "### Reproduce",
                "**Harness 4-way / plain loop**", "so 38 of 40 pass", "success rate 0.950",
                "ratchet-bench.jar eval --cases 40 --concurrency 4 --rounds 2 --warmup 5 --seed 42");
        assertThat(md.lines().filter(l -> l.matches("\\| \\d \\| [\\d,]+ \\| [\\d,]+ \\| [\\d,]+ \\| .*"))).hasSize(2);
        assertThat(tmp.resolve("work")).isEmptyDirectory();
    }

    @Test
    void eval_badOptions_areRefusedAndNothingIsWritten() {
        Path doc = tmp.resolve("benchmarks.md");
        Banking77ToBeirTest.Run none = Banking77ToBeirTest.run("eval", "--cases", "0", "--output", doc.toString());
        assertThat(none.code()).isNotZero();
        assertThat(none.err()).contains("--cases must be 1 to 10000");
        Banking77ToBeirTest.Run wide = Banking77ToBeirTest.run("eval", "--concurrency", "300", "--output", doc.toString());
        assertThat(wide.code()).isNotZero();
        assertThat(wide.err()).contains("--concurrency must be 1 to 256");
        Banking77ToBeirTest.Run rounds = Banking77ToBeirTest.run("eval", "--rounds", "0", "--output", doc.toString());
        assertThat(rounds.err()).contains("--rounds must be at least 1");
        Banking77ToBeirTest.Run warmup = Banking77ToBeirTest.run("eval", "--warmup", "-1", "--output", doc.toString());
        assertThat(warmup.err()).contains("--warmup must be 0 to 10000");
        assertThat(Banking77ToBeirTest.run("eval", "--cases", "many").code()).isNotZero();
        assertThat(doc).doesNotExist();
    }

    @Test
    void workload_agentAnswersFromTheFixtures_andOneCaseInTwentyIsGeneratedToFail() {
        List<CaseSpec> cases = EvalWorkload.cases(42, 40, "t");
        int matching = 0;
        for (CaseSpec c : cases) {
            String answer = EvalWorkload.answer(new dev.ratchet.eval.AgentRequest("r", "c", c.input(), null, c.context()),
                    EvalWorkload.plainTools(c)).output().node().path("text").asText();
            matching += answer.equals(c.expected().node().path("text").asText()) ? 1 : 0;
            assertThat(answer).matches("^Hi \\p{L}+, order \\d{5} (is|has|was) .*");
        }
        assertThat(matching).isEqualTo(38);
        assertThat(EvalWorkload.cases(42, 3, "t")).isEqualTo(cases.subList(0, 3));
        assertThat(Json.write(cases.get(0).expectations())).contains("exact", "contains", "regex");
        assertThat(EvalWorkload.intent("Where is my order? It should arrive today.")).isEqualTo("order_status");
    }
}
