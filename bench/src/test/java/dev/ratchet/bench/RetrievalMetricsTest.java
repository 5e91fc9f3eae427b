package dev.ratchet.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The metrics against values worked out by hand. */
class RetrievalMetricsTest {

    private static final double LOG2_3 = Math.log(3) / Math.log(2);

    @Test
    void ndcg_gradedHits_matchesHandComputedValue() {
        // DCG = 1/log2(2) + 2/log2(4) = 2; ideal = 2/log2(2) + 1/log2(3).
        double ndcg = RetrievalMetrics.ndcg(List.of("a", "b", "c"), Map.of("a", 1, "c", 2), 3);

        assertThat(ndcg).isCloseTo(2 / (2 + 1 / LOG2_3), within(1e-12));
        assertThat(ndcg).isCloseTo(0.76018, within(1e-5));
    }

    @Test
    void ndcg_cutOff_ignoresHitsBelowK() {
        assertThat(RetrievalMetrics.ndcg(List.of("a", "b", "c"), Map.of("a", 1, "c", 2), 1)).isCloseTo(0.5, within(1e-12));
        assertThat(RetrievalMetrics.ndcg(List.of("b", "c"), Map.of("c", 1), 1)).isZero();
    }

    @Test
    void ndcg_idealRanking_isOne_andNothingRelevant_isZero() {
        assertThat(RetrievalMetrics.ndcg(List.of("c", "a", "b"), Map.of("a", 1, "c", 2), 10)).isCloseTo(1, within(1e-12));
        assertThat(RetrievalMetrics.ndcg(List.of("a"), Map.of("a", 0), 10)).isZero();
        assertThat(RetrievalMetrics.ndcg(List.of(), Map.of("a", 1), 10)).isZero();
    }

    @Test
    void ndcg_moreRelevantThanK_idealUsesOnlyTopK() {
        // Ideal for k = 2 is two grade-1 hits: 1 + 1/log2(3); we found one at rank 2.
        double ndcg = RetrievalMetrics.ndcg(List.of("x", "a"), Map.of("a", 1, "b", 1, "c", 1), 2);

        assertThat(ndcg).isCloseTo((1 / LOG2_3) / (1 + 1 / LOG2_3), within(1e-12));
    }

    @Test
    void recall_countsRelevantInTopK_overAllRelevant() {
        Map<String, Integer> rel = Map.of("a", 1, "c", 2, "e", 1, "z", 0);

        assertThat(RetrievalMetrics.recall(List.of("a", "b", "c", "d"), rel, 2)).isCloseTo(1.0 / 3, within(1e-12));
        assertThat(RetrievalMetrics.recall(List.of("a", "b", "c", "d"), rel, 4)).isCloseTo(2.0 / 3, within(1e-12));
        assertThat(RetrievalMetrics.recall(List.of("z"), rel, 4)).isZero();
        assertThat(RetrievalMetrics.recall(List.of("a"), Map.of("a", 0), 4)).isZero();
    }
}
