package dev.ratchet.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ratchet.dataset.Redactor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RedactionBenchTest {

    @TempDir
    Path tmp;

    @Test
    void redaction_tinySet_reportsEveryDetectorAndWritesSection() throws Exception {
        Path doc = tmp.resolve("docs/benchmarks.md");
        Banking77ToBeirTest.Run run = Banking77ToBeirTest.run("redaction", "--per-type", "20", "--negatives", "20",
                "--rounds", "1", "--output", doc.toString());

        assertThat(run.code()).as(run.err()).isZero();
        for (String type : PiiCorpus.TYPES) {
            assertThat(run.out()).containsPattern(type + " +precision \\d\\.\\d{3} recall \\d\\.\\d{3}");
        }
        String md = Files.readString(doc);
        assertThat(md).contains(RedactionBench.HEADING, "| Detector | Planted |", "**Redactor / baseline**",
                "ratchet-bench.jar redaction --per-type 20 --negatives 20 --rounds 1 --seed 42");
    }

    @Test
    void corpus_everyPlantedValueIsFound_andHardNegativesOfTheCheckedKindsAreNot() {
        List<PiiCorpus.Sample> samples = new PiiCorpus(7).generate(50, 50);

        Map<String, RedactionBench.Score> scores = RedactionBench.score(Redactor.defaults(), samples);

        for (String type : PiiCorpus.TYPES) {
            assertThat(scores.get(type).recall()).as(type).isEqualTo(1.0);
        }
        // Detectors whose checks leave no room for a look-alike: every hard negative is refused.
        for (String type : List.of("IBAN", "SSN", "NINO", "BSN", "DE_TAX_ID", "ES_ID", "IP", "EMAIL", "API_KEY",
                "AWS_KEY", "GITHUB_TOKEN", "PRIVATE_KEY", "BEARER_TOKEN")) {
            assertThat(scores.get(type).fp).as(type).isZero();
        }
    }
}
