package dev.ratchet.reference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ratchet.common.BadInputException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DeskTrafficTest {

    @TempDir
    Path tmp;

    private final DeskTraffic traffic = new DeskTraffic();

    @Test
    void generate_sameSeed_givesSameStream() {
        assertThat(traffic.generate(7, 300)).isEqualTo(new DeskTraffic().generate(7, 300));
    }

    @Test
    void generate_differentSeed_givesDifferentStream() {
        List<LabeledText> a = traffic.generate(7, 300);
        List<LabeledText> b = traffic.generate(8, 300);

        long same = 0;
        for (int i = 0; i < a.size(); i++) {
            same += a.get(i).equals(b.get(i)) ? 1 : 0;
        }
        assertThat(same).isLessThan(30);
    }

    @Test
    void generate_longerCount_extendsTheShorterStream() {
        assertThat(traffic.generate(3, 500)).startsWith(traffic.generate(3, 100).toArray(LabeledText[]::new));
    }

    @Test
    void generate_manyDraws_everyIntentAppearsRoughlyBalancedButNotUniform() {
        List<LabeledText> texts = traffic.generate(11, 5_000);

        Map<String, Long> counts = texts.stream().collect(Collectors.groupingBy(LabeledText::label,
                Collectors.counting()));
        assertThat(counts.keySet()).containsExactlyInAnyOrderElementsOf(
                DeskCatalog.intents().stream().map(DeskCatalog.Intent::name).toList());
        long min = counts.values().stream().mapToLong(Long::longValue).min().orElseThrow();
        long max = counts.values().stream().mapToLong(Long::longValue).max().orElseThrow();
        assertThat(min).as("smallest intent").isGreaterThan(100);
        assertThat(max).as("largest intent").isLessThan(600);
        assertThat((double) max / min).as("skew").isGreaterThan(2);
    }

    @Test
    void generate_manyDraws_givesCleanVariedTextsShortAndLong() {
        List<LabeledText> texts = traffic.generate(5, 5_000);

        assertThat(texts).allSatisfy(t -> assertThat(t.text()).isEqualTo(t.text().strip()).doesNotContain("  ")
                .doesNotContainPattern("[()\\[\\]{}|]"));
        Set<String> distinct = texts.stream().map(LabeledText::text).collect(Collectors.toSet());
        assertThat(distinct.size()).as("distinct texts").isGreaterThan(4_000);
        assertThat(texts).anyMatch(t -> t.text().split(" ").length <= 3)
                .anyMatch(t -> t.text().split(" ").length >= 20)
                .anyMatch(t -> t.text().endsWith("?"))
                .anyMatch(t -> t.text().matches(".*\\border (#A|no\\. )?\\d+.*"))
                .anyMatch(t -> t.text().matches(".*(\\$|€|EUR ?)\\d+.*"));
    }

    @Test
    void generate_noise_changesTextsButNotIntents() {
        List<LabeledText> clean = new DeskTraffic(DeskTraffic.Options.NONE).generate(9, 400);
        List<LabeledText> noisy = traffic.generate(9, 400);

        assertThat(noisy).extracting(LabeledText::label).isEqualTo(clean.stream().map(LabeledText::label).toList());
        assertThat(differing(clean, noisy)).isGreaterThan(200);
    }

    @Test
    void generate_eachNoiseOption_changesTexts() {
        DeskTraffic.Options none = DeskTraffic.Options.NONE;
        List<LabeledText> clean = new DeskTraffic(none).generate(9, 400);
        Map<String, DeskTraffic.Options> options = Map.of(
                "typos", none.withTypoRate(0.05),
                "casing", none.withCasingRate(1),
                "fillers", none.withFillerRate(1),
                "greetings", none.withGreetingRate(1),
                "context", none.withContextRate(1),
                "slots", none.withSlotRate(1));

        options.forEach((name, o) -> {
            List<LabeledText> changed = new DeskTraffic(o).generate(9, 400);
            assertThat(changed).as(name).extracting(LabeledText::label)
                    .isEqualTo(clean.stream().map(LabeledText::label).toList());
            assertThat(differing(clean, changed)).as(name).isGreaterThan(50);
        });
        List<LabeledText> cased = new DeskTraffic(none.withCasingRate(1)).generate(9, 400);
        assertThat(cased).allMatch(t -> t.text().equals(t.text().toLowerCase(Locale.ROOT))
                || t.text().equals(t.text().toUpperCase(Locale.ROOT)));
    }

    @Test
    void generate_negativeCount_isBadInput() {
        assertThatThrownBy(() -> traffic.generate(1, -1)).isInstanceOf(BadInputException.class)
                .hasMessageContaining("count");
    }

    @Test
    void options_rateOutsideZeroToOne_isBadInputNamingTheRate() {
        assertThatThrownBy(() -> DeskTraffic.Options.NONE.withTypoRate(1.5)).isInstanceOf(BadInputException.class)
                .hasMessageContaining("typoRate");
        assertThatThrownBy(() -> DeskTraffic.Options.DEFAULT.withContextRate(-0.1))
                .isInstanceOf(BadInputException.class).hasMessageContaining("contextRate");
        assertThatThrownBy(() -> DeskTraffic.Options.DEFAULT.withSlotRate(Double.NaN))
                .isInstanceOf(BadInputException.class).hasMessageContaining("slotRate");
        assertThatThrownBy(() -> new DeskTraffic(null)).isInstanceOf(BadInputException.class)
                .hasMessageContaining("options");
    }

    @Test
    void writeDataset_writesTrainAndTestInBanking77Shape() throws Exception {
        Path dir = tmp.resolve("desk");

        DeskTraffic.writeDataset(dir, 42, 600, 200);

        assertThat(Files.readAllLines(dir.resolve("train.csv")).get(0)).isEqualTo("text,category");
        assertThat(Files.readAllLines(dir.resolve("test.csv")).get(0)).isEqualTo("text,category");
        List<LabeledText> train = LabeledTexts.readCsv(dir.resolve("train.csv"));
        List<LabeledText> test = LabeledTexts.readCsv(dir.resolve("test.csv"));
        assertThat(train).isEqualTo(traffic.generate(42, 600));
        assertThat(test).hasSize(200);
        assertThat(test.stream().map(LabeledText::label).distinct().count()).isEqualTo(16);
        Set<String> trainTexts = new HashSet<>();
        train.forEach(t -> trainTexts.add(t.text().toLowerCase(Locale.ROOT)));
        assertThat(test).noneMatch(t -> trainTexts.contains(t.text().toLowerCase(Locale.ROOT)));
    }

    @Test
    void writeDataset_sameSeedTwice_writesIdenticalFiles() throws Exception {
        DeskTraffic.writeDataset(tmp.resolve("a"), 5, 300, 100);
        DeskTraffic.writeDataset(tmp.resolve("b"), 5, 300, 100);
        DeskTraffic.writeDataset(tmp.resolve("c"), 6, 300, 100);

        Function<Path, String> read = p -> {
            try {
                return Files.readString(p);
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        };
        for (String file : List.of("train.csv", "test.csv")) {
            assertThat(read.apply(tmp.resolve("a").resolve(file))).isEqualTo(read.apply(tmp.resolve("b").resolve(file)))
                    .isNotEqualTo(read.apply(tmp.resolve("c").resolve(file)));
        }
    }

    @Test
    void writeDataset_negativeCount_isBadInputAndWritesNothing() {
        Path dir = tmp.resolve("none");

        assertThatThrownBy(() -> DeskTraffic.writeDataset(dir, 1, 10, -1)).isInstanceOf(BadInputException.class)
                .hasMessageContaining("testCount");
        assertThatThrownBy(() -> DeskTraffic.writeDataset(dir, 1, -1, 10)).isInstanceOf(BadInputException.class)
                .hasMessageContaining("trainCount");
        assertThat(dir).doesNotExist();
    }

    private static long differing(List<LabeledText> a, List<LabeledText> b) {
        long n = 0;
        for (int i = 0; i < a.size(); i++) {
            n += a.get(i).text().equals(b.get(i).text()) ? 0 : 1;
        }
        return n;
    }
}
