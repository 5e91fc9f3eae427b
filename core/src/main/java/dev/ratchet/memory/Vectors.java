package dev.ratchet.memory;

import dev.ratchet.common.BadInputException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import org.apache.lucene.util.VectorUtil;

/** Small vector arithmetic shared by the embedders and the index. */
final class Vectors {

    private Vectors() {
    }

    /** A unit-length copy of {@code v}; a zero or non-finite vector has no direction and is refused. */
    static float[] normalized(float[] v, String field) {
        double sum = 0;
        for (float x : v) {
            sum += (double) x * x;
        }
        if (!(sum > 0) || Double.isInfinite(sum)) {
            throw new BadInputException(field, "vector must be finite and non-zero");
        }
        double norm = Math.sqrt(sum);
        float[] out = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = (float) (v[i] / norm);
        }
        return out;
    }

    /** The dot product, by Lucene's SIMD code when the JDK's vector module is enabled (near-duplicate scans). */
    static double dot(float[] a, float[] b) {
        return VectorUtil.dotProduct(a, b);
    }

    /** {@code v} as the database stores it: float32 components, little-endian, 4 bytes each. */
    static byte[] toBytes(float[] v) {
        ByteBuffer b = ByteBuffer.allocate(v.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(v);
        return b.array();
    }

    /** The inverse of {@link #toBytes}; null for null (an item stored before vectors were). */
    static float[] fromBytes(byte[] bytes) {
        if (bytes == null) {
            return null;
        }
        if (bytes.length % Float.BYTES != 0) {
            throw new IllegalArgumentException("a stored vector has " + bytes.length + " bytes, not a multiple of 4");
        }
        float[] v = new float[bytes.length / Float.BYTES];
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(v);
        return v;
    }

    static void requireTexts(List<String> texts) {
        if (texts == null) {
            throw new BadInputException("texts", "must not be null");
        }
        for (int i = 0; i < texts.size(); i++) {
            if (texts.get(i) == null || texts.get(i).isBlank()) {
                throw new BadInputException("texts[" + i + "]", "must not be null or blank");
            }
        }
    }

    static void requireText(String text) {
        if (text == null || text.isBlank()) {
            throw new BadInputException("text", "must not be null or blank");
        }
    }
}
