package dev.ratchet.dataset;

import java.util.SplittableRandom;

/**
 * MinHash over word shingles, the one near-duplicate measure of the pipeline (dedupe and the leakage guard).
 *
 * <p>A text's shingles are the words of its {@link Texts#wordHashes normal form} and the pairs of consecutive words. Two
 * texts are as similar as the Jaccard index of their shingle sets, which {@value #HASHES} minimum hashes estimate
 * (standard error at most 0.0625, 0.05 at J = 0.8): the share of positions where their signatures agree. Words and
 * word pairs rather than character n-grams: unrelated texts of one domain share few of them (where character n-grams
 * share many, which would flood the LSH buckets), a text has about twice as many shingles as words, which keeps
 * hashing cheap, and edits lower the index as a reader would expect: one word changed in 30 leaves about 0.9, three
 * changed in 25 about 0.7, the pairs making word order count and the single words keeping one edit from counting
 * double. The hash functions are fixed
 * (64 bijections of a shingle's 32-bit hash, {@code v = (x ^ s)·a; v ^ (v >>> 15)}, constants from a fixed seed),
 * so signatures are the same in every build and process.
 */
final class MinHash {

    static final int HASHES = 64;
    private static final int[] A = new int[HASHES];
    private static final int[] S = new int[HASHES];

    static {
        SplittableRandom r = new SplittableRandom(0x5EED_0F_DA7A5E7L);
        for (int i = 0; i < HASHES; i++) {
            A[i] = r.nextInt() | 1;
            S[i] = r.nextInt();
        }
    }

    private MinHash() {
    }

    /** A text prepared for comparison: the hash of its normal form (exact matches) and its signature. */
    record Sketch(long exact, int[] signature) {
        /** Whether the text had no words (then it is compared exactly only). */
        boolean empty() {
            return signature == null;
        }
    }

    static Sketch sketch(String text) {
        long[] hashes = Texts.wordHashes(text);
        int n = hashes.length;
        long exact = 0x84222325CBF29CE4L;
        for (int i = 0; i < n; i++) {
            exact = mix(exact * 0x100000001B3L ^ hashes[i]);
        }
        if (n == 0) {
            return new Sketch(exact, null);
        }
        int[] sig = new int[HASHES];
        java.util.Arrays.fill(sig, Integer.MAX_VALUE);
        for (int s = 0; s < 2 * n - 1; s++) {
            // Shingles 0..n-1 are the words, n.. the pairs of consecutive words.
            long h = s < n ? mix(hashes[s] ^ 0x51A7E5EEDL)
                    : mix(hashes[s - n] * 0x9E3779B97F4A7C15L + hashes[s - n + 1]);
            int x = (int) (h ^ (h >>> 32));
            // 64 bijections of the 32-bit values (xor, odd multiply, xorshift); a plain loop over int arrays, which
            // the JIT turns into vector instructions.
            for (int i = 0; i < HASHES; i++) {
                int v = (x ^ S[i]) * A[i];
                sig[i] = Math.min(sig[i], v ^ (v >>> 15));
            }
        }
        return new Sketch(exact, sig);
    }

    /** The estimated Jaccard index of two signatures. */
    static double similarity(int[] a, int[] b) {
        int same = 0;
        for (int i = 0; i < HASHES; i++) {
            if (a[i] == b[i]) {
                same++;
            }
        }
        return same / (double) HASHES;
    }

    /**
     * The rows per band for LSH at {@code threshold}: the most rows (fewest false candidates) with which a pair at the
     * threshold still shares a band with probability at least 0.9, bands being {@code HASHES / rows}. A pair 0.1 above
     * the threshold then shares one with probability 0.99 or more; pairs right at the threshold are a coin toss for
     * the signature estimate anyway (its standard error is about 0.06).
     */
    static int rowsFor(double threshold) {
        for (int r = HASHES / 2; r > 1; r--) {
            int b = HASHES / r;
            double recall = 1 - Math.pow(1 - Math.pow(threshold, r), b);
            if (recall >= 0.9) {
                return r;
            }
        }
        return 1;
    }

    static long hash(String s) {
        long h = 0xCBF29CE484222325L;
        for (int i = 0; i < s.length(); i++) {
            h = (h ^ s.charAt(i)) * 0x100000001B3L;
        }
        return mix(h);
    }

    /** The murmur3 64-bit finaliser. */
    static long mix(long z) {
        z = (z ^ (z >>> 33)) * 0xFF51AFD7ED558CCDL;
        z = (z ^ (z >>> 33)) * 0xC4CEB9FE1A85EC53L;
        return z ^ (z >>> 33);
    }
}
