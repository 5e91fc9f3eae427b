package dev.ratchet.dataset;

import java.util.Arrays;

/**
 * A map from {@code long} to {@code int} on two arrays (open addressing, linear probing): exact-duplicate keys of a
 * million examples in a few dozen megabytes, where a boxed map would take hundreds. Not thread-safe.
 */
final class LongIntMap {

    static final int ABSENT = -1;
    private long[] keys = new long[1024];
    private int[] values = new int[1024];
    private boolean[] full = new boolean[1024];
    private int size;

    int get(long key) {
        int i = find(key);
        return full[i] ? values[i] : ABSENT;
    }

    /** Stores {@code value} under {@code key}, replacing any value. */
    void put(long key, int value) {
        int i = find(key);
        if (!full[i]) {
            full[i] = true;
            keys[i] = key;
            if (++size * 4 > keys.length * 3) {
                values[i] = value;
                grow();
                return;
            }
        }
        values[i] = value;
    }

    int size() {
        return size;
    }

    private int find(long key) {
        int mask = keys.length - 1;
        int i = (int) MinHash.mix(key) & mask;
        while (full[i] && keys[i] != key) {
            i = (i + 1) & mask;
        }
        return i;
    }

    private void grow() {
        long[] k = keys;
        int[] v = values;
        boolean[] f = full;
        keys = new long[k.length * 2];
        values = new int[k.length * 2];
        full = new boolean[k.length * 2];
        for (int i = 0; i < k.length; i++) {
            if (f[i]) {
                int j = find(k[i]);
                full[j] = true;
                keys[j] = k[i];
                values[j] = v[i];
            }
        }
        Arrays.fill(f, false);
    }
}
