package dev.ratchet.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.ratchet.common.BadInputException;
import dev.ratchet.common.Hashing;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class LinearHeadTest {

    // Three labels over two dimensions: "a" points along x, "b" along y, "c" against x, with a small bias on "c".
    private static final LinearHead HEAD = LinearHead.of(List.of("a", "b", "c"),
            new float[][] {{2, 0}, {0, 2}, {-2, 0}}, new float[] {0, 0, 0.5f});

    @Test
    void probabilities_areTheSoftmaxOfTheLogits_inLabelOrder() {
        double[] p = HEAD.probabilities(new float[] {1, 0});
        double za = 2;
        double zb = 0;
        double zc = -1.5;
        double sum = Math.exp(za) + Math.exp(zb) + Math.exp(zc);
        assertThat(p).hasSize(3);
        assertThat(p[0]).isCloseTo(Math.exp(za) / sum, within(1e-12));
        assertThat(p[1]).isCloseTo(Math.exp(zb) / sum, within(1e-12));
        assertThat(p[2]).isCloseTo(Math.exp(zc) / sum, within(1e-12));
        assertThat(Arrays.stream(p).sum()).isCloseTo(1.0, within(1e-12));
    }

    @Test
    void probabilities_hugeLogits_stayFinite() {
        LinearHead head = LinearHead.of(List.of("a", "b"), new float[][] {{1e30f}, {-1e30f}}, new float[] {0, 0});
        assertThat(head.probabilities(new float[] {1e8f})).containsExactly(1.0, 0.0);
    }

    @Test
    void predict_givesTheLabelOfTheLargestLogit() {
        assertThat(HEAD.predict(new float[] {1, 0})).isEqualTo("a");
        assertThat(HEAD.predict(new float[] {0, 1})).isEqualTo("b");
        assertThat(HEAD.predict(new float[] {-1, 0})).isEqualTo("c");
        // Equal logits: the first label wins.
        assertThat(LinearHead.of(List.of("x", "y"), new float[][] {{1}, {1}}, new float[] {0, 0})
                .predict(new float[] {1})).isEqualTo("x");
    }

    @Test
    void probabilities_wrongDimensionOrNaN_isBadInputNamingEmbedding() {
        assertThatThrownBy(() -> HEAD.probabilities(new float[] {1, 0, 0}))
                .isInstanceOf(BadInputException.class).hasMessageContaining("embedding").hasMessageContaining("2 components");
        assertThatThrownBy(() -> HEAD.predict(new float[] {Float.NaN, 0}))
                .isInstanceOf(BadInputException.class).hasMessageContaining("embedding");
        assertThatThrownBy(() -> HEAD.predict(null)).isInstanceOf(BadInputException.class).hasMessageContaining("embedding");
    }

    @Test
    void toBytes_fromBytes_roundTripsExactly() {
        LinearHead unicode = LinearHead.of(List.of("carte_arrivée", "退款"),
                new float[][] {{0.1f, -0.0f, Float.MIN_VALUE}, {Float.MAX_VALUE, -3.25f, 7}}, new float[] {-1e-7f, 42});
        for (LinearHead head : List.of(HEAD, unicode)) {
            LinearHead back = LinearHead.fromBytes(head.toBytes());
            assertThat(back).isEqualTo(head);
            assertThat(back.toBytes()).isEqualTo(head.toBytes());
            assertThat(back.contentHash()).isEqualTo(head.contentHash());
            assertThat(back.labels()).isEqualTo(head.labels());
            assertThat(back.dimension()).isEqualTo(head.dimension());
            for (String label : head.labels()) {
                assertThat(back.weights(label)).containsExactly(head.weights(label));
                assertThat(Float.floatToRawIntBits(back.bias(label))).isEqualTo(Float.floatToRawIntBits(head.bias(label)));
            }
        }
    }

    @Test
    void toBytes_hasTheDocumentedLayout() {
        byte[] bytes = HEAD.toBytes();
        ByteBuffer in = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        byte[] magic = new byte[4];
        in.get(magic);
        assertThat(new String(magic, java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("RTHD");
        assertThat(in.getInt()).isEqualTo(LinearHead.FORMAT_VERSION);
        assertThat(in.getInt()).isEqualTo(2);
        assertThat(in.getInt()).isEqualTo(3);
        for (String label : List.of("a", "b", "c")) {
            assertThat(in.getInt()).isEqualTo(1);
            assertThat((char) in.get()).isEqualTo(label.charAt(0));
        }
        assertThat(in.getFloat()).isEqualTo(2f);
        in.position(in.position() + 5 * Float.BYTES);
        assertThat(in.getFloat()).isEqualTo(0f);
        assertThat(in.getFloat()).isEqualTo(0f);
        assertThat(in.getFloat()).isEqualTo(0.5f);
        assertThat(in.remaining()).isEqualTo(Integer.BYTES);
    }

    @Test
    void contentHash_isTheSha256OfTheBytes() {
        assertThat(HEAD.contentHash()).isEqualTo(Hashing.sha256Hex(HEAD.toBytes())).hasSize(64);
    }

    @Test
    void toBytes_returnsACopy() {
        byte[] bytes = HEAD.toBytes();
        bytes[10] ^= 1;
        assertThat(HEAD.toBytes()).isNotEqualTo(bytes);
        assertThat(HEAD.contentHash()).isEqualTo(Hashing.sha256Hex(HEAD.toBytes()));
    }

    @Test
    void fromBytes_truncatedInput_isRefused() {
        byte[] bytes = HEAD.toBytes();
        for (int length : new int[] {0, 3, 4, 20, bytes.length / 2, bytes.length - 1}) {
            assertThatThrownBy(() -> LinearHead.fromBytes(Arrays.copyOf(bytes, length)))
                    .as("first %d bytes", length)
                    .isInstanceOf(BadInputException.class).hasMessageContaining("head");
        }
    }

    @Test
    void fromBytes_anyFlippedBit_isRefused() {
        byte[] bytes = HEAD.toBytes();
        for (int i = 0; i < bytes.length; i++) {
            byte[] damaged = bytes.clone();
            damaged[i] ^= 0x10;
            assertThatThrownBy(() -> LinearHead.fromBytes(damaged))
                    .as("byte %d flipped", i)
                    .isInstanceOf(BadInputException.class).hasMessageContaining("head");
        }
    }

    @Test
    void fromBytes_otherFormats_areRefusedSayingWhy() {
        assertThatThrownBy(() -> LinearHead.fromBytes(null)).isInstanceOf(BadInputException.class);
        assertThatThrownBy(() -> LinearHead.fromBytes("text,label\nhello,world\n".getBytes()))
                .isInstanceOf(BadInputException.class).hasMessageContaining("not a linear head");
        byte[] future = HEAD.toBytes();
        future[4] = 2;
        assertThatThrownBy(() -> LinearHead.fromBytes(future))
                .isInstanceOf(BadInputException.class).hasMessageContaining("format version 2");
        byte[] longer = Arrays.copyOf(HEAD.toBytes(), HEAD.toBytes().length + 4);
        assertThatThrownBy(() -> LinearHead.fromBytes(longer)).isInstanceOf(BadInputException.class);
    }

    @Test
    void fromBytes_consistentChecksumButBadContent_isRefused() {
        // A writer that computes the checksum but writes nonsense: labels out of order, and a NaN weight.
        byte[] unsorted = withChecksum(replace(HEAD.toBytes(), new byte[] {1, 0, 0, 0, 'a'}, new byte[] {1, 0, 0, 0, 'z'}));
        assertThatThrownBy(() -> LinearHead.fromBytes(unsorted))
                .isInstanceOf(BadInputException.class).hasMessageContaining("sorted");
        byte[] nan = HEAD.toBytes();
        ByteBuffer.wrap(nan).order(ByteOrder.LITTLE_ENDIAN).putFloat(4 + 4 * 3 + 3 * 5, Float.NaN);
        assertThatThrownBy(() -> LinearHead.fromBytes(withChecksum(nan)))
                .isInstanceOf(BadInputException.class).hasMessageContaining("non-finite");
        byte[] hugeLabel = HEAD.toBytes();
        ByteBuffer.wrap(hugeLabel).order(ByteOrder.LITTLE_ENDIAN).putInt(16, Integer.MAX_VALUE);
        assertThatThrownBy(() -> LinearHead.fromBytes(withChecksum(hugeLabel)))
                .isInstanceOf(BadInputException.class).hasMessageContaining("label 0");
    }

    @Test
    void of_badParts_areRefusedNamingTheField() {
        float[][] w = {{1}, {2}};
        float[] b = {0, 0};
        assertThatThrownBy(() -> LinearHead.of(List.of("a"), new float[][] {{1}}, new float[] {0}))
                .isInstanceOf(BadInputException.class).hasMessageContaining("labels");
        assertThatThrownBy(() -> LinearHead.of(List.of("b", "a"), w, b))
                .isInstanceOf(BadInputException.class).hasMessageContaining("labels[1]");
        assertThatThrownBy(() -> LinearHead.of(List.of("a", "a"), w, b))
                .isInstanceOf(BadInputException.class).hasMessageContaining("labels[1]");
        assertThatThrownBy(() -> LinearHead.of(List.of("a", " "), w, b))
                .isInstanceOf(BadInputException.class).hasMessageContaining("labels[1]");
        assertThatThrownBy(() -> LinearHead.of(List.of("a", "b"), new float[][] {{1}, {2, 3}}, b))
                .isInstanceOf(BadInputException.class).hasMessageContaining("weights[1]");
        assertThatThrownBy(() -> LinearHead.of(List.of("a", "b"), new float[][] {{1}, {Float.POSITIVE_INFINITY}}, b))
                .isInstanceOf(BadInputException.class).hasMessageContaining("weights[1]");
        assertThatThrownBy(() -> LinearHead.of(List.of("a", "b"), w, new float[] {0}))
                .isInstanceOf(BadInputException.class).hasMessageContaining("bias");
        assertThatThrownBy(() -> LinearHead.of(List.of("a", "b"), w, new float[] {0, Float.NaN}))
                .isInstanceOf(BadInputException.class).hasMessageContaining("bias");
    }

    @Test
    void of_copiesItsArguments() {
        float[][] w = {{1}, {2}};
        float[] b = {0, 0};
        LinearHead head = LinearHead.of(List.of("a", "b"), w, b);
        String hash = head.contentHash();
        w[0][0] = 5;
        b[1] = 5;
        assertThat(head.weights("a")).containsExactly(1f);
        assertThat(head.bias("b")).isZero();
        assertThat(head.contentHash()).isEqualTo(hash);
    }

    private static byte[] replace(byte[] bytes, byte[] from, byte[] to) {
        for (int i = 0; i + from.length <= bytes.length; i++) {
            if (Arrays.equals(bytes, i, i + from.length, from, 0, from.length)) {
                byte[] out = bytes.clone();
                System.arraycopy(to, 0, out, i, to.length);
                return out;
            }
        }
        throw new AssertionError("pattern not found");
    }

    private static byte[] withChecksum(byte[] bytes) {
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(bytes, 0, bytes.length - 4);
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putInt(bytes.length - 4, (int) crc.getValue());
        return bytes;
    }
}
