package dev.ratchet.dataset;

import java.util.Arrays;

/**
 * Locality-sensitive hashing over {@link MinHash} signatures: the signature is cut into bands of {@code rows}
 * values, and texts sharing a band are candidates, to be confirmed by their estimated similarity. The index keeps,
 * per item, a compact copy of its signature (the low 16 bits of each value: b-bit minwise hashing, where an
 * accidental agreement has probability 2⁻¹⁶) to confirm candidates without the texts.
 *
 * <p>Why it is hand-built on primitive arrays: a million items in a dozen bands are a dozen million bucket entries,
 * which boxed maps would hold in gigabytes. Buckets are chains through an {@code int} array, newest first; a query
 * looks at no more than {@value #MAX_CHAIN} items per bucket, so a crowd of templated texts cannot make it quadratic.
 * Not thread-safe.
 */
final class LshIndex {

    static final int MAX_CHAIN = 16;
    private static final int NONE = -1;

    private final int rows;
    private final int bands;
    private long[] keys = new long[1024];
    private int[] heads = new int[1024];
    private int used;
    private int[] next = new int[0];
    private short[] sigs = new short[0];
    private int items;

    LshIndex(double threshold) {
        this.rows = MinHash.rowsFor(threshold);
        this.bands = MinHash.HASHES / rows;
    }

    int bands() {
        return bands;
    }

    int rows() {
        return rows;
    }

    /** Adds the next item (numbered from 0 in the order added); returns its number. */
    int add(int[] sig) {
        int item = items++;
        if ((item + 1) * bands > next.length) {
            next = Arrays.copyOf(next, Math.max(1024 * bands, next.length * 2));
        }
        if ((item + 1) * MinHash.HASHES > sigs.length) {
            sigs = Arrays.copyOf(sigs, Math.max(1024 * MinHash.HASHES, sigs.length * 2));
        }
        for (int i = 0; i < MinHash.HASHES; i++) {
            sigs[item * MinHash.HASHES + i] = (short) sig[i];
        }
        for (int b = 0; b < bands; b++) {
            long key = bandKey(b, sig);
            int slot = slot(key);
            if (keys[slot] == 0) {
                keys[slot] = key;
                heads[slot] = NONE;
                if (++used * 4 > keys.length * 3) {
                    grow();
                    slot = slot(key);
                }
            }
            next[item * bands + b] = heads[slot];
            heads[slot] = item;
        }
        return item;
    }

    /** The estimated similarity of a stored item to a signature. */
    double similarity(int item, int[] sig) {
        return similarity(item, sig, MinHash.HASHES);
    }

    /** As {@link #similarity(int, int[])}, but 0 as soon as more than {@code allowed} positions disagree. */
    private double similarity(int item, int[] sig, int allowed) {
        int base = item * MinHash.HASHES;
        int differ = 0;
        for (int i = 0; i < MinHash.HASHES; i++) {
            if (sigs[base + i] != (short) sig[i] && ++differ > allowed) {
                return 0;
            }
        }
        return (MinHash.HASHES - differ) / (double) MinHash.HASHES;
    }

    /**
     * The most similar stored item whose estimated similarity reaches {@code threshold}, among the candidates sharing a
     * band with {@code sig}; -1 when there is none. Ties go to the item added first, so the answer does not depend on
     * the order buckets are visited in.
     */
    int best(int[] sig, double threshold) {
        int allowed = MinHash.HASHES - (int) Math.ceil(threshold * MinHash.HASHES);
        int best = NONE;
        double bestSim = -1;
        for (int b = 0; b < bands; b++) {
            int slot = slot(bandKey(b, sig));
            if (keys[slot] == 0) {
                continue;
            }
            int seen = 0;
            for (int item = heads[slot]; item != NONE && seen < MAX_CHAIN; item = next[item * bands + b], seen++) {
                double s = similarity(item, sig, allowed);
                if (s >= threshold && (s > bestSim || (s == bestSim && item < best))) {
                    best = item;
                    bestSim = s;
                }
            }
        }
        return best;
    }

    int size() {
        return items;
    }

    private long bandKey(int band, int[] sig) {
        long h = 0x9E3779B97F4A7C15L * (band + 1);
        for (int i = band * rows; i < band * rows + rows; i++) {
            h = MinHash.mix(h ^ sig[i]);
        }
        return h == 0 ? 1 : h;
    }

    private int slot(long key) {
        int mask = keys.length - 1;
        int i = (int) (key ^ (key >>> 32)) & mask;
        while (keys[i] != 0 && keys[i] != key) {
            i = (i + 1) & mask;
        }
        return i;
    }

    private void grow() {
        long[] oldKeys = keys;
        int[] oldHeads = heads;
        keys = new long[oldKeys.length * 2];
        heads = new int[oldKeys.length * 2];
        for (int i = 0; i < oldKeys.length; i++) {
            if (oldKeys[i] != 0) {
                int s = slot(oldKeys[i]);
                keys[s] = oldKeys[i];
                heads[s] = oldHeads[i];
            }
        }
    }
}
