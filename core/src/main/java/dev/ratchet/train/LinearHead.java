package dev.ratchet.train;

import dev.ratchet.common.BadInputException;
import dev.ratchet.common.Hashing;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32;

/**
 * A linear softmax classifier over embeddings: for each label a weight vector and a bias, the label's logit
 * being {@code w · x + b}. It is what an agent version's "weights" are; {@link HeadTrainer} makes one.
 *
 * <p>Immutable and thread-safe. Labels are distinct, non-blank and sorted ({@link String#compareTo} order), so the
 * same classifier always has the same bytes and the same {@link #contentHash()}.
 *
 * <p><b>Bytes.</b> {@link #toBytes()} writes, all little-endian: the magic {@code "RTHD"}; the format version
 * (int32, {@value #FORMAT_VERSION}); the dimension (int32); the number of labels (int32); each label as its UTF-8
 * length (int32) and bytes; the weights, label by label, {@code dimension} float32 each; the biases (float32 each);
 * and a CRC-32 of everything before it (int32). The checksum is there so that a flipped bit in a stored head is
 * refused instead of silently changing predictions.
 */
public final class LinearHead {

    /** The version of the byte format {@link #toBytes()} writes and {@link #fromBytes} reads. */
    public static final int FORMAT_VERSION = 1;

    private static final byte[] MAGIC = {'R', 'T', 'H', 'D'};
    private static final int MAX_DIMENSION = 1 << 16;
    private static final int MAX_LABELS = 1 << 20;

    private final List<String> labels;
    private final int dimension;
    // Row-major [label][dimension]: the layout of the byte format and of inference.
    private final float[] weights;
    private final float[] bias;
    private final byte[] bytes;
    private final String contentHash;

    /** Takes ownership of the arrays; callers have checked them ({@link #of} and {@link #fromBytes} do). */
    private LinearHead(List<String> labels, int dimension, float[] weights, float[] bias) {
        this.labels = List.copyOf(labels);
        this.dimension = dimension;
        this.weights = weights;
        this.bias = bias;
        this.bytes = encode();
        this.contentHash = Hashing.sha256Hex(bytes);
    }

    /**
     * A head from its parts, which are copied.
     *
     * @param labels distinct, non-blank and sorted; at least two
     * @param weights one row per label, in the order of {@code labels}, each of the same length (the dimension,
     *     at least 1); finite
     * @param bias one per label, finite
     * @throws BadInputException naming the field if any of that does not hold
     */
    public static LinearHead of(List<String> labels, float[][] weights, float[] bias) {
        checkLabels(labels, "labels");
        if (weights == null || weights.length != labels.size()) {
            throw new BadInputException("weights", "must have one row per label (" + labels.size() + ")");
        }
        if (bias == null || bias.length != labels.size()) {
            throw new BadInputException("bias", "must have one value per label (" + labels.size() + ")");
        }
        int dimension = weights[0] == null ? 0 : weights[0].length;
        if (dimension < 1 || dimension > MAX_DIMENSION) {
            throw new BadInputException("weights[0]", "must have between 1 and " + MAX_DIMENSION + " components");
        }
        float[] flat = new float[labels.size() * dimension];
        for (int k = 0; k < weights.length; k++) {
            if (weights[k] == null || weights[k].length != dimension) {
                throw new BadInputException("weights[" + k + "]", "must have " + dimension + " components, like weights[0]");
            }
            requireFinite(weights[k], "weights[" + k + "]");
            System.arraycopy(weights[k], 0, flat, k * dimension, dimension);
        }
        requireFinite(bias, "bias");
        return new LinearHead(labels, dimension, flat, bias.clone());
    }

    /** For {@link HeadTrainer}: labels already checked, arrays finite and owned by the new head. */
    static LinearHead trusted(List<String> labels, int dimension, float[] weights, float[] bias) {
        return new LinearHead(labels, dimension, weights, bias);
    }

    /** The labels, sorted; {@link #probabilities} answers in this order. */
    public List<String> labels() {
        return labels;
    }

    /** The number of components of the embeddings this head reads. */
    public int dimension() {
        return dimension;
    }

    /**
     * A copy of one label's weight vector.
     *
     * @throws BadInputException if the head has no such label
     */
    public float[] weights(String label) {
        int k = indexOf(label);
        return Arrays.copyOfRange(weights, k * dimension, (k + 1) * dimension);
    }

    /**
     * One label's bias.
     *
     * @throws BadInputException if the head has no such label
     */
    public float bias(String label) {
        return bias[indexOf(label)];
    }

    /**
     * The softmax of the logits: one probability per label, in {@link #labels()} order, summing to 1.
     *
     * @throws BadInputException if {@code embedding} is null, has other than {@link #dimension()} components or a
     *     non-finite one
     */
    public double[] probabilities(float[] embedding) {
        double[] z = logits(embedding);
        double max = Double.NEGATIVE_INFINITY;
        for (double v : z) {
            max = Math.max(max, v);
        }
        double sum = 0;
        for (int k = 0; k < z.length; k++) {
            z[k] = Math.exp(z[k] - max);
            sum += z[k];
        }
        for (int k = 0; k < z.length; k++) {
            z[k] /= sum;
        }
        return z;
    }

    /**
     * The most probable label; of equal logits, the first in {@link #labels()} order.
     *
     * @throws BadInputException as {@link #probabilities} does
     */
    public String predict(float[] embedding) {
        double[] z = logits(embedding);
        int best = 0;
        for (int k = 1; k < z.length; k++) {
            if (z[k] > z[best]) {
                best = k;
            }
        }
        return labels.get(best);
    }

    /** The head in its versioned binary format (see the class comment): a fresh copy each call. */
    public byte[] toBytes() {
        return bytes.clone();
    }

    /** The SHA-256 of {@link #toBytes()} in lowercase hex: the name an agent version stores this head under. */
    public String contentHash() {
        return contentHash;
    }

    /**
     * Reads what {@link #toBytes()} wrote. Anything else is refused whole: a wrong magic or format version, a
     * truncated or over-long input, a checksum mismatch, labels that are not valid UTF-8, blank, duplicated or
     * unsorted, or non-finite numbers.
     *
     * @throws BadInputException (field {@code head}) saying what is wrong
     */
    public static LinearHead fromBytes(byte[] input) {
        if (input == null) {
            throw corrupt("is null");
        }
        if (input.length < MAGIC.length + 4 * Integer.BYTES
                || !Arrays.equals(input, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
            throw corrupt("is not a linear head (no RTHD header)");
        }
        ByteBuffer in = ByteBuffer.wrap(input).order(ByteOrder.LITTLE_ENDIAN);
        in.position(MAGIC.length);
        int version = in.getInt();
        if (version != FORMAT_VERSION) {
            throw corrupt("has format version " + version + "; this build reads version " + FORMAT_VERSION);
        }
        CRC32 crc = new CRC32();
        crc.update(input, 0, input.length - Integer.BYTES);
        int stored = ByteBuffer.wrap(input, input.length - Integer.BYTES, Integer.BYTES).order(ByteOrder.LITTLE_ENDIAN).getInt();
        if ((int) crc.getValue() != stored) {
            throw corrupt("fails its checksum (truncated or damaged)");
        }
        try {
            int dimension = in.getInt();
            int count = in.getInt();
            if (dimension < 1 || dimension > MAX_DIMENSION) {
                throw corrupt("declares dimension " + dimension);
            }
            if (count < 2 || count > MAX_LABELS) {
                throw corrupt("declares " + count + " labels");
            }
            var decoder = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
            List<String> labels = new ArrayList<>(Math.min(count, 1024));
            for (int k = 0; k < count; k++) {
                int length = in.getInt();
                if (length < 0 || length > in.remaining()) {
                    throw corrupt("label " + k + " declares " + length + " bytes");
                }
                ByteBuffer slice = in.slice(in.position(), length);
                in.position(in.position() + length);
                CharBuffer text = decoder.decode(slice);
                labels.add(text.toString());
            }
            checkLabels(labels, "head.labels");
            long floats = (long) count * dimension + count;
            if (in.remaining() != floats * Float.BYTES + Integer.BYTES) {
                throw corrupt("holds " + in.remaining() + " bytes after its labels, expected "
                        + (floats * Float.BYTES + Integer.BYTES));
            }
            float[] weights = new float[count * dimension];
            float[] bias = new float[count];
            in.asFloatBuffer().get(weights).get(bias);
            if (!finite(weights) || !finite(bias)) {
                throw corrupt("holds a non-finite weight or bias");
            }
            return new LinearHead(labels, dimension, weights, bias);
        } catch (BufferUnderflowException e) {
            throw corrupt("is truncated");
        } catch (CharacterCodingException e) {
            throw corrupt("holds a label that is not valid UTF-8");
        } catch (BadInputException e) {
            if (e.errors().get(0).field().equals("head")) {
                throw e;
            }
            throw corrupt(e.getMessage());
        }
    }

    private byte[] encode() {
        List<byte[]> names = new ArrayList<>(labels.size());
        int size = MAGIC.length + 3 * Integer.BYTES;
        for (String label : labels) {
            byte[] name = label.getBytes(StandardCharsets.UTF_8);
            names.add(name);
            size += Integer.BYTES + name.length;
        }
        size += (weights.length + bias.length) * Float.BYTES + Integer.BYTES;
        ByteBuffer out = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
        out.put(MAGIC).putInt(FORMAT_VERSION).putInt(dimension).putInt(labels.size());
        for (byte[] name : names) {
            out.putInt(name.length).put(name);
        }
        out.asFloatBuffer().put(weights).put(bias);
        out.position(out.position() + (weights.length + bias.length) * Float.BYTES);
        CRC32 crc = new CRC32();
        crc.update(out.array(), 0, out.position());
        out.putInt((int) crc.getValue());
        return out.array();
    }

    private double[] logits(float[] embedding) {
        if (embedding == null || embedding.length != dimension) {
            throw new BadInputException("embedding", "must have " + dimension + " components"
                    + (embedding == null ? "" : ", not " + embedding.length));
        }
        requireFinite(embedding, "embedding");
        double[] z = new double[labels.size()];
        for (int k = 0; k < z.length; k++) {
            double sum = bias[k];
            int row = k * dimension;
            for (int j = 0; j < dimension; j++) {
                sum += (double) weights[row + j] * embedding[j];
            }
            z[k] = sum;
        }
        return z;
    }

    private int indexOf(String label) {
        int k = label == null ? -1 : labels.indexOf(label);
        if (k < 0) {
            throw new BadInputException("label", "the head has no label '" + label + "'");
        }
        return k;
    }

    /** Distinct, non-blank, sorted, at least two. */
    static void checkLabels(List<String> labels, String field) {
        if (labels == null || labels.size() < 2) {
            throw new BadInputException(field, "must hold at least two labels");
        }
        for (int k = 0; k < labels.size(); k++) {
            String label = labels.get(k);
            if (label == null || label.isBlank()) {
                throw new BadInputException(field + "[" + k + "]", "must not be null or blank");
            }
            if (k > 0 && labels.get(k - 1).compareTo(label) >= 0) {
                throw new BadInputException(field + "[" + k + "]", "labels must be distinct and sorted");
            }
        }
    }

    static boolean finite(float[] values) {
        for (float v : values) {
            if (!Float.isFinite(v)) {
                return false;
            }
        }
        return true;
    }

    private static void requireFinite(float[] values, String field) {
        if (!finite(values)) {
            throw new BadInputException(field, "must hold finite numbers only");
        }
    }

    private static BadInputException corrupt(String reason) {
        return new BadInputException("head", reason);
    }

    /** Equal when the bytes are equal: the same labels, dimension, weights and biases. */
    @Override
    public boolean equals(Object o) {
        return o instanceof LinearHead other && contentHash.equals(other.contentHash) && Arrays.equals(bytes, other.bytes);
    }

    @Override
    public int hashCode() {
        return contentHash.hashCode();
    }

    @Override
    public String toString() {
        return "LinearHead[" + labels.size() + " labels, " + dimension + " dimensions, sha256 " + contentHash + "]";
    }
}
