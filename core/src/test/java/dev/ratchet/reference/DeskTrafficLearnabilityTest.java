package dev.ratchet.reference;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ratchet.memory.BgeSmallEmbedder;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The generated task, measured with the real encoder the reference agent uses: hard for an agent that has only the
 * intent descriptions, learnable for one that has labelled examples. One split of 1,000 training and 300 test
 * requests, as {@link DeskTraffic#writeDataset} writes them.
 */
class DeskTrafficLearnabilityTest {

    @Test
    void generatedTraffic_descriptionsAloneAreWeak_examplesMakeItLearnable() {
        DeskTraffic.Split split = new DeskTraffic().split(1, 1_000, 300);
        List<DeskCatalog.Intent> intents = DeskCatalog.intents();
        BgeSmallEmbedder embedder = new BgeSmallEmbedder();
        List<float[]> descriptions = embedder.embedAll(intents.stream().map(DeskCatalog.Intent::description).toList());
        List<float[]> train = embedder.embedAll(split.train().stream().map(LabeledText::text).toList());
        List<float[]> test = embedder.embedAll(split.test().stream().map(LabeledText::text).toList());

        int byDescription = 0;
        int byNeighbour = 0;
        for (int i = 0; i < test.size(); i++) {
            String gold = split.test().get(i).label();
            if (intents.get(nearest(test.get(i), descriptions)).name().equals(gold)) {
                byDescription++;
            }
            if (split.train().get(nearest(test.get(i), train)).label().equals(gold)) {
                byNeighbour++;
            }
        }
        double descriptionAccuracy = byDescription / (double) test.size();
        double neighbourAccuracy = byNeighbour / (double) test.size();
        System.out.printf("desk traffic, %d test requests: nearest-description accuracy %.3f, 1-NN accuracy %.3f%n",
                test.size(), descriptionAccuracy, neighbourAccuracy);

        assertThat(descriptionAccuracy).as("nearest-description accuracy: room to improve").isBetween(0.25, 0.80);
        assertThat(neighbourAccuracy).as("1-nearest-neighbour accuracy: learnable").isGreaterThanOrEqualTo(0.85);
    }

    /** The index of the vector most like {@code v}: the vectors are unit length, so the dot product is the cosine. */
    private static int nearest(float[] v, List<float[]> candidates) {
        int best = -1;
        double bestScore = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < candidates.size(); i++) {
            float[] c = candidates.get(i);
            double dot = 0;
            for (int j = 0; j < v.length; j++) {
                dot += v[j] * c[j];
            }
            if (dot > bestScore) {
                bestScore = dot;
                best = i;
            }
        }
        return best;
    }
}
