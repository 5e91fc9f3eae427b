package dev.ratchet.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ratchet.common.BadInputException;
import dev.ratchet.memory.BgeSmallEmbedder;
import dev.ratchet.memory.Embedder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HeadTrainerTest {

    private static final int DIM = 32;

    private final HeadTrainer trainer = new HeadTrainer();

    @TempDir
    Path dir;

    /** Labelled unit vectors: each label a random direction, each example that direction plus noise. */
    private record Data(List<float[]> vectors, List<String> labels) {

        static Data clusters(List<String> labels, int perLabel, double noise, long seed) {
            Random random = new Random(seed);
            List<float[]> vectors = new ArrayList<>();
            List<String> names = new ArrayList<>();
            for (int i = 0; i < perLabel; i++) {
                for (String label : labels) {
                    Random centre = new Random(label.hashCode());
                    float[] v = new float[DIM];
                    for (int j = 0; j < DIM; j++) {
                        v[j] = (float) (centre.nextGaussian() + noise * random.nextGaussian());
                    }
                    vectors.add(unit(v));
                    names.add(label);
                }
            }
            return new Data(vectors, names);
        }

        Data plus(Data other) {
            List<float[]> v = new ArrayList<>(vectors);
            v.addAll(other.vectors);
            List<String> l = new ArrayList<>(labels);
            l.addAll(other.labels);
            return new Data(v, l);
        }

        double accuracyOf(LinearHead head) {
            int right = 0;
            for (int i = 0; i < vectors.size(); i++) {
                right += head.predict(vectors.get(i)).equals(labels.get(i)) ? 1 : 0;
            }
            return (double) right / vectors.size();
        }
    }

    private static float[] unit(float[] v) {
        double sum = 0;
        for (float x : v) {
            sum += x * x;
        }
        float norm = (float) Math.sqrt(sum);
        for (int j = 0; j < v.length; j++) {
            v[j] /= norm;
        }
        return v;
    }

    private static final List<String> ABC = List.of("billing", "refund", "shipping");

    @Test
    void train_separableProblem_learnsItCompletely() {
        Data train = Data.clusters(List.of("a", "b", "c", "d", "e"), 40, 0.3, 1);
        Data heldOut = Data.clusters(List.of("a", "b", "c", "d", "e"), 20, 0.3, 2);
        LinearHead head = trainer.train(train.vectors(), train.labels(), HeadTraining.defaults(), null);
        assertThat(head.labels()).containsExactly("a", "b", "c", "d", "e");
        assertThat(head.dimension()).isEqualTo(DIM);
        assertThat(train.accuracyOf(head)).isEqualTo(1.0);
        assertThat(heldOut.accuracyOf(head)).isEqualTo(1.0);
        double[] p = head.probabilities(heldOut.vectors().get(0));
        assertThat(p[head.labels().indexOf(heldOut.labels().get(0))]).isGreaterThan(0.9);
    }

    @Test
    void train_sameSeed_givesSameBytes() {
        Data data = Data.clusters(ABC, 30, 1.0, 3);
        LinearHead first = trainer.train(data.vectors(), data.labels(), HeadTraining.defaults(), null);
        LinearHead second = trainer.train(data.vectors(), data.labels(), HeadTraining.defaults(), null);
        assertThat(second.toBytes()).isEqualTo(first.toBytes());
        assertThat(second.contentHash()).isEqualTo(first.contentHash());
        assertThat(second).isEqualTo(first);
    }

    @Test
    void train_differentDataOrSeed_givesDifferentHash() {
        Data data = Data.clusters(ABC, 30, 1.0, 3);
        String hash = trainer.train(data.vectors(), data.labels(), HeadTraining.defaults(), null).contentHash();

        Data other = Data.clusters(ABC, 30, 1.0, 4);
        assertThat(trainer.train(other.vectors(), other.labels(), HeadTraining.defaults(), null).contentHash())
                .isNotEqualTo(hash);
        List<String> relabelled = new ArrayList<>(data.labels());
        relabelled.set(0, "refund".equals(relabelled.get(0)) ? "billing" : "refund");
        assertThat(trainer.train(data.vectors(), relabelled, HeadTraining.defaults(), null).contentHash())
                .isNotEqualTo(hash);
        assertThat(trainer.train(data.vectors(), data.labels(), HeadTraining.defaults().withSeed(2), null).contentHash())
                .isNotEqualTo(hash);
    }

    @Test
    void train_copiesItsInput() {
        Data data = Data.clusters(ABC, 10, 0.5, 5);
        List<float[]> copy = new ArrayList<>();
        for (float[] v : data.vectors()) {
            copy.add(v.clone());
        }
        String hash = trainer.train(data.vectors(), data.labels(), HeadTraining.defaults(), null).contentHash();
        assertThat(data.vectors()).usingElementComparator(Arrays::compare).isEqualTo(copy);
        assertThat(trainer.train(copy, data.labels(), HeadTraining.defaults(), null).contentHash()).isEqualTo(hash);
    }

    @Test
    void train_warmStart_keepsOldLabelsBehaviourAndAddsANewOne() {
        Data old = Data.clusters(ABC, 40, 0.5, 6);
        LinearHead before = trainer.train(old.vectors(), old.labels(), HeadTraining.defaults(), null);
        Data oldHeldOut = Data.clusters(ABC, 20, 0.5, 7);
        assertThat(oldHeldOut.accuracyOf(before)).isEqualTo(1.0);

        // The new data: a label the head has never seen, and a little more of the old ones.
        Data grown = Data.clusters(List.of("cancel"), 40, 0.5, 8).plus(Data.clusters(ABC, 10, 0.5, 9));
        LinearHead after = trainer.train(grown.vectors(), grown.labels(), HeadTraining.defaults(), before);

        assertThat(after.labels()).containsExactly("billing", "cancel", "refund", "shipping");
        assertThat(oldHeldOut.accuracyOf(after)).isEqualTo(1.0);
        assertThat(Data.clusters(List.of("cancel"), 20, 0.5, 10).accuracyOf(after)).isEqualTo(1.0);
        assertThat(after.contentHash()).isNotEqualTo(before.contentHash());
    }

    @Test
    void train_warmStart_keepsLabelsTheDataLacks() {
        Data old = Data.clusters(ABC, 30, 0.5, 11);
        LinearHead before = trainer.train(old.vectors(), old.labels(), HeadTraining.defaults(), null);
        Data onlyTwo = Data.clusters(List.of("refund", "shipping"), 10, 0.5, 12);
        LinearHead after = trainer.train(onlyTwo.vectors(), onlyTwo.labels(), HeadTraining.defaults(), before);
        assertThat(after.labels()).containsExactly("billing", "refund", "shipping");
        assertThat(Data.clusters(List.of("billing"), 10, 0.5, 13).accuracyOf(after)).isEqualTo(1.0);
    }

    @Test
    void train_warmStart_isDeterministicToo() {
        Data old = Data.clusters(ABC, 20, 0.8, 14);
        LinearHead before = trainer.train(old.vectors(), old.labels(), HeadTraining.defaults(), null);
        Data more = Data.clusters(List.of("billing", "cancel"), 20, 0.8, 15);
        assertThat(trainer.train(more.vectors(), more.labels(), HeadTraining.defaults(), before).toBytes())
                .isEqualTo(trainer.train(more.vectors(), more.labels(), HeadTraining.defaults(), before).toBytes());
    }

    @Test
    void train_warmStart_runsWarmStartEpochsNotEpochs() {
        Data old = Data.clusters(ABC, 20, 0.8, 14);
        LinearHead before = trainer.train(old.vectors(), old.labels(), HeadTraining.defaults(), null);
        Data more = Data.clusters(ABC, 20, 0.8, 15);
        HeadTraining o = HeadTraining.defaults();
        String warm = trainer.train(more.vectors(), more.labels(), o, before).contentHash();
        assertThat(trainer.train(more.vectors(), more.labels(), o.withEpochs(o.epochs() + 1), before).contentHash())
                .isEqualTo(warm);
        assertThat(trainer.train(more.vectors(), more.labels(), o.withWarmStartEpochs(o.warmStartEpochs() + 1), before)
                .contentHash()).isNotEqualTo(warm);
    }

    @Test
    void train_badInput_isRefusedNamingTheField() {
        Data data = Data.clusters(ABC, 2, 0.5, 16);
        List<float[]> v = data.vectors();
        List<String> l = data.labels();
        HeadTraining o = HeadTraining.defaults();

        refused("options", () -> trainer.train(v, l, null, null));
        refused("vectors", () -> trainer.train(null, l, o, null));
        refused("vectors", () -> trainer.train(List.of(), List.of(), o, null));
        refused("labels", () -> trainer.train(v, null, o, null));
        refused("labels", () -> trainer.train(v, l.subList(0, 5), o, null));
        refused("labels[2]", () -> trainer.train(v, with(l, 2, " "), o, null));
        refused("labels[3]", () -> trainer.train(v, with(l, 3, null), o, null));
        refused("labels", () -> trainer.train(v, List.of("a", "a", "a", "a", "a", "a"), o, null));
        refused("vectors[4]", () -> trainer.train(with(v, 4, null), l, o, null));
        refused("vectors[4]", () -> trainer.train(with(v, 4, new float[DIM + 1]), l, o, null));
        refused("vectors[0]", () -> trainer.train(with(v, 0, new float[0]), l, o, null));
        float[] nan = v.get(1).clone();
        nan[7] = Float.NaN;
        refused("vectors[1]", () -> trainer.train(with(v, 1, nan), l, o, null));
        float[] infinite = v.get(5).clone();
        infinite[0] = Float.NEGATIVE_INFINITY;
        refused("vectors[5]", () -> trainer.train(with(v, 5, infinite), l, o, null));

        LinearHead wider = LinearHead.of(List.of("a", "b"), new float[][] {new float[DIM + 2], new float[DIM + 2]},
                new float[2]);
        refused("vectors[0]", () -> trainer.train(v, l, o, wider));
    }

    @Test
    void headTraining_badValues_areRefusedNamingTheField() {
        HeadTraining d = HeadTraining.defaults();
        refused("epochs", () -> d.withEpochs(0));
        refused("epochs", () -> d.withEpochs(10_001));
        refused("warmStartEpochs", () -> d.withWarmStartEpochs(0));
        refused("batchSize", () -> d.withBatchSize(0));
        refused("batchSize", () -> d.withBatchSize(100_000));
        refused("learningRate", () -> d.withLearningRate(0));
        refused("learningRate", () -> d.withLearningRate(Double.NaN));
        refused("learningRate", () -> d.withLearningRate(11));
        refused("l2", () -> d.withL2(-1e-9));
        refused("l2", () -> d.withL2(Double.POSITIVE_INFINITY));
        assertThat(d.withSeed(7).seed()).isEqualTo(7);
        assertThat(d.withBatchSize(1).withEpochs(1).withWarmStartEpochs(1).withL2(0).withLearningRate(10)).isNotNull();
    }

    @Test
    void trainCsv_readsQuotedFields_andEmbedsThemInBatches() throws IOException {
        StringBuilder csv = new StringBuilder("text,label\r\n");
        List<String> texts = new ArrayList<>();
        List<String> labels = new ArrayList<>();
        String[][] specials = {
            {"Where is my refund, please?", "refund"},
            {"She said \"ship it\" yesterday", "shipping"},
            {"line one\nline two of the bill", "billing"},
            {"plain text", "label, with comma"},
        };
        for (String[] row : specials) {
            texts.add(row[0]);
            labels.add(row[1]);
            csv.append(ClassificationCsvTest.quote(row[0])).append(',').append(ClassificationCsvTest.quote(row[1])).append("\r\n");
        }
        for (int i = 0; i < 150; i++) {
            String label = ABC.get(i % 3);
            texts.add(label + " question number " + i);
            labels.add(label);
            csv.append(label).append(" question number ").append(i).append(',').append(label).append('\n');
        }
        Path file = dir.resolve("train.csv");
        Files.writeString(file, csv, StandardCharsets.UTF_8);

        KeywordEmbedder embedder = new KeywordEmbedder();
        LinearHead head = trainer.trainCsv(file, embedder, HeadTraining.defaults(), null);

        assertThat(embedder.seen).isEqualTo(texts);
        assertThat(embedder.batchSizes).allMatch(n -> n <= HeadTrainer.EMBED_BATCH).hasSize(3);
        assertThat(head.labels()).containsExactlyElementsOf(labels.stream().distinct().sorted().toList());
        assertThat(head).isEqualTo(trainer.train(embedder.embedAll(texts), labels, HeadTraining.defaults(), null));
    }

    @Test
    void trainCsv_badFile_isRefusedBeforeEmbedding() throws IOException {
        KeywordEmbedder embedder = new KeywordEmbedder();
        HeadTraining o = HeadTraining.defaults();
        refused("classificationCsv", () -> trainer.trainCsv(csv("text,label\n"), embedder, o, null));
        refused("classificationCsv", () -> trainer.trainCsv(csv(""), embedder, o, null));
        refused("classificationCsv", () -> trainer.trainCsv(csv("text,category\nhello,a\n"), embedder, o, null));
        refused("classificationCsv", () -> trainer.trainCsv(csv("text,label\n\"open quote,a\nb,c\n"), embedder, o, null));
        refused("rows[1].label", () -> trainer.trainCsv(csv("text,label\nhello,a\nthere, \n"), embedder, o, null));
        refused("labels", () -> trainer.trainCsv(csv("text,label\nhello,a\nthere,a\n"), embedder, o, null));
        refused("rows[0]", () -> trainer.trainCsv(csv("text,label\nhello,a,b\n"), embedder, o, null));
        refused("classificationCsv", () -> trainer.trainCsv(null, embedder, o, null));
        refused("embedder", () -> trainer.trainCsv(csv("text,label\nhello,a\nthere,b\n"), null, o, null));
        refused("options", () -> trainer.trainCsv(csv("text,label\nhello,a\nthere,b\n"), embedder, null, null));
        LinearHead otherDimension = LinearHead.of(List.of("a", "b"), new float[][] {{1}, {2}}, new float[2]);
        refused("warmStart", () -> trainer.trainCsv(csv("text,label\nhello,a\nthere,b\n"), embedder, o, otherDimension));
        Path invalidUtf8 = dir.resolve("latin1.csv");
        Files.write(invalidUtf8, new byte[] {'t', 'e', 'x', 't', ',', 'l', 'a', 'b', 'e', 'l', '\n', (byte) 0xE9, ',', 'a', '\n'});
        refused("classificationCsv", () -> trainer.trainCsv(invalidUtf8, embedder, o, null));
        assertThat(embedder.seen).isEmpty();
    }

    @Test
    void trainCsv_withTheRealEmbedder_learnsIntentsFromAFewExamples() throws IOException {
        String csv = """
                text,label
                I still have not received my new card,card_arrival
                When will my card arrive?,card_arrival
                My card has not come in the post yet,card_arrival
                How long does card delivery take?,card_arrival
                "The card you sent me, where is it?",card_arrival
                I want my money back for this purchase,refund
                How do I get a refund?,refund
                Please refund the order I returned,refund
                "Can I be reimbursed for the item, it was broken",refund
                The refund has not shown up in my account,refund
                What is the exchange rate for euros?,exchange_rate
                How much is one dollar in pounds today?,exchange_rate
                Which rate do you use to convert currencies?,exchange_rate
                Is the exchange rate fixed or does it change?,exchange_rate
                "Currency conversion rates, where can I see them?",exchange_rate
                """;
        Embedder embedder = new BgeSmallEmbedder();
        LinearHead head = trainer.trainCsv(csv(csv), embedder, HeadTraining.defaults(), null);
        assertThat(head.labels()).containsExactly("card_arrival", "exchange_rate", "refund");
        assertThat(head.dimension()).isEqualTo(BgeSmallEmbedder.DIMENSION);
        assertThat(head.predict(embedder.embed("my card still hasn't been delivered"))).isEqualTo("card_arrival");
        assertThat(head.predict(embedder.embed("I'd like to be refunded for my order"))).isEqualTo("refund");
        assertThat(head.predict(embedder.embed("what rate will I get converting to yen"))).isEqualTo("exchange_rate");
    }

    private Path csv(String content) throws IOException {
        Path file = Files.createTempFile(dir, "head", ".csv");
        Files.writeString(file, content, StandardCharsets.UTF_8);
        return file;
    }

    private static <T> List<T> with(List<T> list, int index, T value) {
        List<T> copy = new ArrayList<>(list);
        copy.set(index, value);
        return copy;
    }

    private interface Call {
        void run() throws Exception;
    }

    private static void refused(String field, Call call) {
        assertThatThrownBy(call::run).isInstanceOf(BadInputException.class)
                .satisfies((Consumer<Throwable>) e -> assertThat(((BadInputException) e).errors().get(0).field())
                        .isEqualTo(field));
    }

    /**
     * A stand-in for a model, so that the CSV tests check reading rather than language: each text's vector counts
     * the labels' names in it (plus a constant), normalised. It records what it was asked to embed.
     */
    private static final class KeywordEmbedder implements Embedder {

        final List<String> seen = new ArrayList<>();
        final List<Integer> batchSizes = new ArrayList<>();

        @Override
        public String model() {
            return "keywords";
        }

        @Override
        public int dimension() {
            return 4;
        }

        @Override
        public float[] embed(String text) {
            return embedAll(List.of(text)).get(0);
        }

        @Override
        public synchronized List<float[]> embedAll(List<String> texts) {
            batchSizes.add(texts.size());
            seen.addAll(texts);
            List<float[]> out = new ArrayList<>();
            for (String text : texts) {
                float[] v = {0.5f, 0, 0, 0};
                for (int k = 0; k < ABC.size(); k++) {
                    v[k + 1] = text.contains(ABC.get(k).substring(0, 4)) ? 1 : 0;
                }
                out.add(unit(v));
            }
            return out;
        }
    }
}
