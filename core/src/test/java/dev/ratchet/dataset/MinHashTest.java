package dev.ratchet.dataset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class MinHashTest {

    private static final String[] WORDS = ("card account payment blocked frozen limit transfer merchant refund statement "
            + "balance pending declined contactless chip online purchase travel abroad replacement delivery address "
            + "verify identity customer support agent policy review fraud alert suspicious transaction unlock reset pin")
            .split(" ");

    private static String sentence(SplittableRandom r, int words) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < words; i++) {
            sb.append(i == 0 ? "" : " ").append(WORDS[r.nextInt(WORDS.length)]);
        }
        return sb.toString();
    }

    @Test
    void sketch_caseSpacingAndPunctuation_doNotMatter() {
        MinHash.Sketch a = MinHash.sketch("Where is my card?");
        MinHash.Sketch b = MinHash.sketch("  where IS my   card ");

        assertThat(a.exact()).isEqualTo(b.exact());
        assertThat(MinHash.similarity(a.signature(), b.signature())).isEqualTo(1.0);
        assertThat(MinHash.sketch("¿Dónde está mi tarjeta?").exact())
                .isEqualTo(MinHash.sketch("dónde ESTÁ mi tarjeta").exact());
        assertThat(MinHash.sketch("...").empty()).isTrue();
    }

    @Test
    void similarity_estimatesTheJaccardIndexOfWordsAndPairs() {
        String base = "the quick brown fox jumps over the lazy dog while the cat watches from the old wooden fence";
        String oneWord = base.replace("lazy", "sleepy");
        // words: 15 distinct, one replaced -> 14/16; pairs: 17, two replaced -> 15/19; together 29/35 = 0.83
        double s = MinHash.similarity(MinHash.sketch(base).signature(), MinHash.sketch(oneWord).signature());

        assertThat(s).isCloseTo(0.83, within(0.12));
        assertThat(MinHash.similarity(MinHash.sketch(base).signature(),
                MinHash.sketch("completely different words about banking and payments here").signature())).isLessThan(0.1);
    }

    @Test
    void rowsFor_keepsRecallAtLeast90PercentAtTheThresholdAnd99JustAbove() {
        for (double t : new double[] {0.3, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0}) {
            int r = MinHash.rowsFor(t);
            int b = MinHash.HASHES / r;
            assertThat(1 - Math.pow(1 - Math.pow(t, r), b)).as("t=" + t).isGreaterThanOrEqualTo(0.9);
            double above = Math.min(1, t + 0.1);
            assertThat(1 - Math.pow(1 - Math.pow(above, r), b)).as("t=" + above).isGreaterThanOrEqualTo(0.99);
        }
        assertThat(MinHash.rowsFor(0.8)).isEqualTo(6);
        assertThat(MinHash.rowsFor(0.5)).isEqualTo(3);
    }

    @Test
    void lshIndex_findsTheNearDuplicateAmongThousandsAndNotTheOthers() {
        SplittableRandom r = new SplittableRandom(1);
        LshIndex index = new LshIndex(0.8);
        String[] texts = new String[5000];
        for (int i = 0; i < texts.length; i++) {
            texts[i] = sentence(r, 30);
            index.add(MinHash.sketch(texts[i]).signature());
        }
        String[] words = texts[1234].split(" ");
        words[15] = "zebra";
        int found = index.best(MinHash.sketch(String.join(" ", words)).signature(), 0.8);

        assertThat(found).isEqualTo(1234);
        assertThat(index.best(MinHash.sketch(sentence(r, 30)).signature(), 0.8)).isEqualTo(-1);
        assertThat(index.size()).isEqualTo(5000);
    }

    @Test
    void longIntMap_storesAndGrows() {
        LongIntMap m = new LongIntMap();
        for (int i = 0; i < 100_000; i++) {
            m.put(i * 7919L, i);
        }
        assertThat(m.size()).isEqualTo(100_000);
        assertThat(m.get(7919L * 99_999)).isEqualTo(99_999);
        assertThat(m.get(3)).isEqualTo(LongIntMap.ABSENT);
        m.put(0, 5);
        assertThat(m.get(0)).isEqualTo(5);
    }
}
