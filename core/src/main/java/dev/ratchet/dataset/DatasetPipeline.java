package dev.ratchet.dataset;

import dev.ratchet.common.BadInputException;
import dev.ratchet.common.Json;
import dev.ratchet.common.NotFoundException;
import dev.ratchet.eval.EvalStore;
import dev.ratchet.feedback.ProjectSettings;
import dev.ratchet.store.Database;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Builds dataset versions: the whole pipeline from a spec to immutable, content-addressed files and their manifest.
 *
 * <p>Why it is shaped as it is: a version may come from a million traces, so nothing of the whole set is held as
 * objects. The build reads the selection once, in pages ({@link TraceSource}); while the next page is read, the
 * current one is turned into examples by a pool of threads ({@link Examples}: gates, leakage guard, redaction,
 * rendering of every format, hashing), and the results are taken in trace order by one thread, which does what
 * depends on order (exact and near dedupe against everything seen so far, keeping the best-labelled copy) and spills
 * each candidate's rendered lines to a temporary file. What stays in memory is a few dozen bytes per candidate
 * (hash, label tier, category, cluster) plus the dedupe index (about 200 bytes per candidate). Balancing and the
 * stratified split then run on those arrays, and a second, sequential pass copies the lines of the kept examples from
 * the spill into the output files, hashing them as they are written. Every decision depends only on the data and the
 * spec (trace order, content hashes, the spec's seed), never on timing or threads: the same spec over the same data
 * gives the same examples, files and id.
 *
 * <p>The version id is {@code "ds_"} + the first 32 hex digits of the SHA-256 of
 * {@code "ratchet-dataset/" + PIPELINE_VERSION + "\n" + canonical spec + "\n"} followed by the hashes of the kept
 * examples (the first 128 bits of the SHA-256 of each example's content, in hex), sorted, one per line. The split is
 * not hashed: it follows from the spec's seed and the examples.
 *
 * <p>Thread-safe: builds may run concurrently (each has its own pool and directory).
 */
public final class DatasetPipeline {

    /** The version of the pipeline's rules; part of every version's hash, so new rules never reuse an old id. */
    public static final String PIPELINE_VERSION = "1";
    static final int MAX_LEAKS_LISTED = 100;
    static final String SOURCES = "sources.csv";
    static final String MANIFEST = "manifest.json";
    private static final int PAGE = 2000;
    private static final Pattern FILE_NAME = Pattern.compile("[a-z0-9-]+(\\.[a-z]+){1,2}");

    private final Database db;
    private final DatasetStore store;
    private final EvalStore evals;
    private final ProjectSettings settings;
    private final Path datasetDir;
    private final Clock clock;
    private final int threads;

    /**
     * @param datasetDir where versions' files go, one folder per project and version
     * @param threads    worker threads per build (examples are made in parallel; order-dependent stages are not)
     */
    public DatasetPipeline(Database db, DatasetStore store, EvalStore evals, ProjectSettings settings, Path datasetDir,
            Clock clock, int threads) {
        this.db = Objects.requireNonNull(db, "db");
        this.store = Objects.requireNonNull(store, "store");
        this.evals = Objects.requireNonNull(evals, "evals");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.datasetDir = Objects.requireNonNull(datasetDir, "datasetDir");
        this.clock = Objects.requireNonNull(clock, "clock");
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1");
        }
        this.threads = threads;
    }

    public Path datasetDir() {
        return datasetDir;
    }

    /**
     * Refuses a build that cannot succeed, before it is queued: a spec naming another project, or a selection that
     * matches no trace (by its SQL part: agents, versions, time window, outcomes). Reads only.
     *
     * @throws BadInputException naming {@code selection.project} or {@code selection}
     */
    public void check(String project, DatasetSpec spec) {
        if (spec.selection().project() != null && !spec.selection().project().equals(project)) {
            throw new BadInputException("selection.project", "this build runs in project '" + project
                    + "' and reads only its traces; leave the field out or name this project");
        }
        if (!source(project, spec).any()) {
            throw new BadInputException("selection", "matches no traces in project '" + project
                    + "' (agents, versions, from/to and outcomes together)");
        }
    }

    private TraceSource source(String project, DatasetSpec spec) {
        return new TraceSource(db, project, spec.selection(), Examples.needsSpans(spec), Examples.feedbackKinds(spec));
    }

    /**
     * Builds a version from a checked spec ({@link DatasetSpecs}), or finds it already built. Blocks until done; the
     * files are in place and the version stored (durably) when this returns, and nothing is left behind when it throws.
     *
     * @throws BadInputException (nothing stored) when the spec names another project, when the selection matches no
     *         trace, or when no example survives the pipeline (the reasons are counted in the message)
     */
    public Manifest build(String project, DatasetSpec spec, BuildProgress progress) {
        long t0 = System.nanoTime();
        check(project, spec);
        progress.update("counting", 0, 0);
        TraceSource source = source(project, spec);
        long total = source.count();
        RedactionSettings own = RedactionSettings.read(settings, project);
        List<DatasetSpec.CustomPattern> custom = new ArrayList<>(own.custom());
        custom.addAll(spec.redaction().custom());
        Redactor redactor = Redactor.create(spec.redaction().detectors(), spec.redaction().phoneRegions(), custom);
        EvalIndex evalIndex = EvalIndex.load(evals, project, spec.leakage().threshold());
        Examples examples = new Examples(spec, redactor, evalIndex);
        Path projectDir = datasetDir.resolve(project);
        Path work;
        try {
            Files.createDirectories(projectDir);
            work = Files.createTempDirectory(projectDir, ".build-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a build directory in " + projectDir, e);
        }
        try {
            Collected c = new Collected(spec, work.resolve("spill.bin"));
            try (c) {
                read(source, examples, c, total, progress);
            }
            if (c.selected == 0) {
                throw new BadInputException("selection", "matches no traces in project '" + project
                        + "' once the tag and feedback filters apply");
            }
            progress.update("balancing", 0, c.n);
            c.balance(spec);
            c.split(spec);
            if (c.kept == 0) {
                throw new BadInputException("selection", "no example is left after the pipeline; left out: "
                        + c.exclusionSummary());
            }
            Map<String, Manifest.FileEntry> files = write(c, spec, work, progress);
            String contentHash = c.contentHash(spec);
            String id = "ds_" + contentHash.substring(0, 32);
            Manifest manifest = manifest(project, id, contentHash, spec, c, evalIndex, redactor, custom, files,
                    (System.nanoTime() - t0) / 1_000_000);
            progress.update("storing", 0, 1);
            Optional<Manifest> existing = store.manifest(project, id);
            if (existing.isPresent()) {
                return existing.get();
            }
            Files.writeString(work.resolve(MANIFEST), Json.write(manifest), StandardCharsets.UTF_8);
            Files.deleteIfExists(work.resolve("spill.bin"));
            Path target = projectDir.resolve(id);
            deleteRecursively(target); // a leftover of a build that died between moving its files and storing them
            try {
                Files.move(work, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(work, target);
            }
            if (!store.insertVersion(project, manifest)) {
                return store.manifest(project, id).orElse(manifest);
            }
            progress.update("storing", 1, 1);
            return manifest;
        } catch (IOException e) {
            throw new UncheckedIOException("dataset build failed writing files", e);
        } finally {
            try {
                deleteRecursively(work);
            } catch (IOException e) {
                // best effort: a stale .build- folder is harmless and says what it is
            }
        }
    }

    /** A file of a version, checked to exist. @throws NotFoundException for an unknown version or file */
    public Path file(String project, String versionId, String name) {
        Manifest m = store.manifest(project, versionId).orElseThrow(() -> new NotFoundException("dataset version",
                versionId));
        boolean listed = name.equals(MANIFEST) || m.files().stream().anyMatch(f -> f.name().equals(name));
        Path p = datasetDir.resolve(project).resolve(m.id()).resolve(name);
        if (!listed || !FILE_NAME.matcher(name).matches() || !Files.isRegularFile(p)) {
            throw new NotFoundException("file of dataset version " + versionId, name);
        }
        return p;
    }

    // --- pass one: read, make examples in parallel, collect in order ---

    private void read(TraceSource source, Examples examples, Collected c, long total, BuildProgress progress) {
        BlockingQueue<List<TraceSource.Row>> pages = new ArrayBlockingQueue<>(2);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        List<TraceSource.Row> end = List.of();
        Thread reader = Thread.ofPlatform().name("ratchet-dataset-reader").daemon().start(() -> {
            try {
                source.stream(PAGE, pages::put);
            } catch (Throwable t) {
                failure.set(t);
            } finally {
                try {
                    pages.put(end);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        });
        ForkJoinPool pool = new ForkJoinPool(threads);
        long done = 0;
        try {
            progress.update("reading", 0, total);
            // Page n+1 is turned into examples by the pool while this thread collects page n, in order.
            java.util.concurrent.Future<List<Examples.Result>> pending = null;
            int pendingSize = 0;
            while (true) {
                List<TraceSource.Row> page = pages.take();
                java.util.concurrent.Future<List<Examples.Result>> next = page == end ? null
                        : pool.submit(() -> page.parallelStream().map(examples::process).toList());
                if (pending != null) {
                    for (Examples.Result r : pending.get()) {
                        c.add(r);
                    }
                    done += pendingSize;
                    progress.update("reading", done, Math.max(total, done));
                }
                if (next == null) {
                    break;
                }
                pending = next;
                pendingSize = page.size();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            reader.interrupt();
            throw new IllegalStateException("dataset build interrupted", e);
        } catch (ExecutionException e) {
            reader.interrupt();
            throw rethrow(e.getCause());
        } finally {
            pool.shutdownNow();
        }
        Throwable t = failure.get();
        if (t != null) {
            throw rethrow(t);
        }
    }

    private static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException re) {
            return re;
        }
        if (t instanceof Error err) {
            throw err;
        }
        return new IllegalStateException(t);
    }

    /**
     * The order-dependent state of a build: one slot per candidate (an example that passed quality and the leakage
     * guard), numbered in trace order, in primitive arrays.
     */
    private static final class Collected implements AutoCloseable {
        static final byte TRAIN = 1;
        static final byte VALIDATION = 2;

        final DatasetSpec spec;
        final DataOutputStream spill;
        final boolean exactDedupe;
        final boolean nearDedupe;
        final double threshold;
        final LongIntMap exact = new LongIntMap();
        final LshIndex near;
        int[] nearToExample = new int[1024];
        long selected;
        int n;
        int kept;
        long[] hashHi = new long[1024];
        long[] hashLo = new long[1024];
        byte[] tier = new byte[1024];
        float[] confidence = new float[1024];
        int[] category = new int[1024];
        int[] cluster = new int[1024];
        int[] keptOfCluster = new int[1024];
        int clusters;
        Examples.Reason[] reason = new Examples.Reason[1024];
        byte[] split;
        final Map<String, Integer> categoryIds = new HashMap<>();
        final List<String> categoryNames = new ArrayList<>();
        final EnumMap<Examples.Reason, Long> early = new EnumMap<>(Examples.Reason.class);
        final Map<String, Long> redactions = new TreeMap<>();
        long redactedExamples;
        final List<Manifest.Leak> leaks = new ArrayList<>();

        Collected(DatasetSpec spec, Path spillFile) throws IOException {
            this.spec = spec;
            this.spill = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(spillFile), 1 << 20));
            this.exactDedupe = spec.dedupe().exact();
            this.nearDedupe = spec.dedupe().near();
            this.threshold = spec.dedupe().threshold();
            this.near = new LshIndex(threshold);
        }

        void add(Examples.Result r) {
            if (!r.selected()) {
                return;
            }
            selected++;
            if (r.excluded() != null) {
                early.merge(r.excluded(), 1L, Long::sum);
                if (r.leak() != null && leaks.size() < MAX_LEAKS_LISTED) {
                    leaks.add(new Manifest.Leak(r.traceId(), r.leak().caseId(), r.leak().suite(),
                            Math.round(r.leak().similarity() * 1000) / 1000.0));
                }
                return;
            }
            if (!r.redactions().isEmpty()) {
                redactedExamples++;
                r.redactions().forEach((type, count) -> redactions.merge(type, (long) count, Long::sum));
            }
            int i = n++;
            grow(i);
            hashHi[i] = r.hashHi();
            hashLo[i] = r.hashLo();
            tier[i] = (byte) r.tier();
            confidence[i] = r.confidence();
            category[i] = categoryIds.computeIfAbsent(r.category(), k -> {
                categoryNames.add(k);
                return categoryNames.size() - 1;
            });
            dedupe(i, r.sketch());
            try {
                spill.writeUTF(r.traceId());
                for (byte[] line : r.lines()) {
                    if (line == null) {
                        spill.writeInt(-1);
                    } else {
                        spill.writeInt(line.length);
                        spill.write(line);
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write the build's spill file", e);
            }
        }

        /** Joins {@code i} to the cluster of an earlier duplicate, keeping the better-labelled of the two. */
        private void dedupe(int i, MinHash.Sketch sketch) {
            int match = -1;
            Examples.Reason how = null;
            if (exactDedupe || nearDedupe) {
                int e = exact.get(sketch.exact());
                if (e != LongIntMap.ABSENT) {
                    match = e;
                    how = Examples.Reason.DUPLICATE_EXACT;
                } else if (nearDedupe && !sketch.empty()) {
                    int item = near.best(sketch.signature(), threshold);
                    if (item >= 0) {
                        match = nearToExample[item];
                        how = Examples.Reason.DUPLICATE_NEAR;
                    }
                }
                if (e == LongIntMap.ABSENT) {
                    exact.put(sketch.exact(), i);
                    if (nearDedupe && !sketch.empty()) {
                        int item = near.add(sketch.signature());
                        if (item >= nearToExample.length) {
                            nearToExample = Arrays.copyOf(nearToExample, nearToExample.length * 2);
                        }
                        nearToExample[item] = i;
                    }
                }
            }
            if (match < 0) {
                int c = clusters++;
                if (c >= keptOfCluster.length) {
                    keptOfCluster = Arrays.copyOf(keptOfCluster, keptOfCluster.length * 2);
                }
                cluster[i] = c;
                keptOfCluster[c] = i;
                return;
            }
            int c = cluster[match];
            cluster[i] = c;
            int k = keptOfCluster[c];
            if (tier[i] > tier[k] || (tier[i] == tier[k] && confidence[i] > confidence[k])) {
                reason[k] = how;
                keptOfCluster[c] = i;
            } else {
                reason[i] = how;
            }
        }

        private void grow(int i) {
            if (i < hashHi.length) {
                return;
            }
            int size = hashHi.length * 2;
            hashHi = Arrays.copyOf(hashHi, size);
            hashLo = Arrays.copyOf(hashLo, size);
            tier = Arrays.copyOf(tier, size);
            confidence = Arrays.copyOf(confidence, size);
            category = Arrays.copyOf(category, size);
            cluster = Arrays.copyOf(cluster, size);
            reason = Arrays.copyOf(reason, size);
        }

        /** A key that orders examples by the spec's seed: from their content, so an example keeps its place. */
        private long seeded(int i, long seed) {
            return MinHash.mix(hashHi[i] ^ MinHash.mix(seed + 0x632BE59BD9B4E019L)) ^ hashLo[i];
        }

        /** Caps and minimums per category; within a capped category the best-labelled are kept first. */
        void balance(DatasetSpec spec) {
            DatasetSpec.Balance b = spec.balance();
            if (b == null) {
                return;
            }
            long seed = spec.split().seed();
            for (int[] members : byCategory()) {
                if (members.length == 0) {
                    continue;
                }
                String name = categoryNames.get(category[members[0]]);
                Integer cap = b.caps() != null && b.caps().containsKey(name) ? b.caps().get(name) : b.maxPerCategory();
                int count = members.length;
                if (cap != null && count > cap) {
                    Integer[] order = new Integer[count];
                    for (int j = 0; j < count; j++) {
                        order[j] = members[j];
                    }
                    Arrays.sort(order, (x, y) -> {
                        int c = Integer.compare(tier[y], tier[x]);
                        if (c == 0) {
                            c = Float.compare(confidence[y], confidence[x]);
                        }
                        return c != 0 ? c : Long.compare(seeded(x, seed), seeded(y, seed));
                    });
                    for (int j = cap; j < count; j++) {
                        reason[order[j]] = Examples.Reason.CATEGORY_CAP;
                    }
                    count = cap;
                }
                if (b.minPerCategory() != null && count < b.minPerCategory()) {
                    for (int m : members) {
                        if (reason[m] == null) {
                            reason[m] = Examples.Reason.CATEGORY_MINIMUM;
                        }
                    }
                }
            }
        }

        /** Kept examples per category, in example order. */
        private List<int[]> byCategory() {
            int[] counts = new int[categoryNames.size()];
            for (int i = 0; i < n; i++) {
                if (reason[i] == null) {
                    counts[category[i]]++;
                }
            }
            List<int[]> out = new ArrayList<>();
            for (int count : counts) {
                out.add(new int[count]);
            }
            int[] at = new int[counts.length];
            for (int i = 0; i < n; i++) {
                if (reason[i] == null) {
                    out.get(category[i])[at[category[i]]++] = i;
                }
            }
            return out;
        }

        /**
         * The stratified split: in each category, the examples ordered by a seeded hash of their content, the first
         * {@code round(size · validation)} go to validation and the rest to train.
         */
        void split(DatasetSpec spec) {
            split = new byte[n];
            double share = spec.split().validation();
            long seed = spec.split().seed();
            for (int[] members : byCategory()) {
                long[] keys = new long[members.length];
                for (int j = 0; j < members.length; j++) {
                    // The seeded key's high bits, then the example number: a total order, the same in every build.
                    keys[j] = (seeded(members[j], seed) & 0xFFFFFFFF00000000L) | members[j];
                }
                Arrays.sort(keys);
                long validation = Math.round(members.length * share);
                for (int j = 0; j < keys.length; j++) {
                    split[(int) (keys[j] & 0xFFFFFFFFL)] = j < validation ? VALIDATION : TRAIN;
                }
                kept += members.length;
            }
        }

        Map<String, Long> exclusions() {
            Map<String, Long> out = new TreeMap<>();
            early.forEach((r, count) -> out.put(r.wire, count));
            for (int i = 0; i < n; i++) {
                if (reason[i] != null) {
                    out.merge(reason[i].wire, 1L, Long::sum);
                }
            }
            return out;
        }

        String exclusionSummary() {
            StringBuilder sb = new StringBuilder();
            exclusions().forEach((r, count) -> sb.append(sb.isEmpty() ? "" : ", ").append(r).append(' ').append(count));
            return sb.isEmpty() ? "nothing" : sb.toString();
        }

        List<Manifest.Stage> stages() {
            Map<String, Long> lost = new HashMap<>();
            exclusions().forEach((r, count) -> {
                for (Examples.Reason reason : Examples.Reason.values()) {
                    if (reason.wire.equals(r)) {
                        lost.merge(reason.stage, count, Long::sum);
                    }
                }
            });
            List<Manifest.Stage> out = new ArrayList<>();
            long left = selected;
            out.add(new Manifest.Stage("selected", left));
            for (String stage : List.of("quality", "leakage", "dedupe", "balance")) {
                left -= lost.getOrDefault(stage, 0L);
                out.add(new Manifest.Stage(stage, left));
            }
            return out;
        }

        String contentHash(DatasetSpec spec) {
            long[][] pairs = new long[kept][];
            int k = 0;
            for (int i = 0; i < n; i++) {
                if (reason[i] == null) {
                    pairs[k++] = new long[] {hashHi[i], hashLo[i]};
                }
            }
            Arrays.sort(pairs, (a, b) -> {
                int c = Long.compareUnsigned(a[0], b[0]);
                return c != 0 ? c : Long.compareUnsigned(a[1], b[1]);
            });
            java.security.MessageDigest sha;
            try {
                sha = java.security.MessageDigest.getInstance("SHA-256");
            } catch (java.security.NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
            sha.update(("ratchet-dataset/" + PIPELINE_VERSION + "\n" + spec.canonicalJson() + "\n")
                    .getBytes(StandardCharsets.UTF_8));
            HexFormat hex = HexFormat.of();
            for (long[] p : pairs) {
                sha.update((hex.toHexDigits(p[0]) + hex.toHexDigits(p[1]) + "\n").getBytes(StandardCharsets.US_ASCII));
            }
            return hex.formatHex(sha.digest());
        }

        @Override
        public void close() throws IOException {
            spill.close();
        }
    }

    // --- pass two: the files ---

    private Map<String, Manifest.FileEntry> write(Collected c, DatasetSpec spec, Path work, BuildProgress progress)
            throws IOException {
        List<ExportFormat> formats = spec.exportFormats();
        List<String> splits = spec.split().validation() > 0 ? List.of("train", "validation") : List.of("train");
        HashingFile[][] out = new HashingFile[formats.size()][splits.size()];
        Map<String, Manifest.FileEntry> entries = new LinkedHashMap<>();
        HashingFile sources = new HashingFile(work.resolve(SOURCES));
        try {
            sources.header("trace_id,split,category".getBytes(StandardCharsets.UTF_8));
            for (int f = 0; f < formats.size(); f++) {
                for (int s = 0; s < splits.size(); s++) {
                    out[f][s] = new HashingFile(work.resolve(formats.get(f).fileName(splits.get(s))));
                    if (formats.get(f) == ExportFormat.CLASSIFICATION_CSV) {
                        out[f][s].header("text,label".getBytes(StandardCharsets.UTF_8));
                    }
                }
            }
            progress.update("writing", 0, c.kept);
            long written = 0;
            try (DataInputStream in = new DataInputStream(new BufferedInputStream(
                    Files.newInputStream(work.resolve("spill.bin")), 1 << 20))) {
                for (int i = 0; i < c.n; i++) {
                    String trace = in.readUTF();
                    boolean keep = c.reason[i] == null;
                    int s = keep ? c.split[i] - 1 : -1;
                    for (int f = 0; f < formats.size(); f++) {
                        int len = in.readInt();
                        if (len < 0) {
                            continue;
                        }
                        if (!keep || s >= splits.size()) {
                            in.skipNBytes(len);
                            continue;
                        }
                        out[f][s].line(in.readNBytes(len));
                    }
                    if (keep) {
                        sources.line((Csv.field(trace) + "," + splits.get(Math.min(s, splits.size() - 1)) + ","
                                + Csv.field(c.categoryNames.get(c.category[i]))).getBytes(StandardCharsets.UTF_8));
                        if (++written % 50_000 == 0) {
                            progress.update("writing", written, c.kept);
                        }
                    }
                }
            }
            progress.update("writing", written, c.kept);
        } finally {
            sources.close();
            for (HashingFile[] row : out) {
                for (HashingFile h : row) {
                    if (h != null) {
                        h.close();
                    }
                }
            }
        }
        for (int f = 0; f < formats.size(); f++) {
            for (int s = 0; s < splits.size(); s++) {
                String name = formats.get(f).fileName(splits.get(s));
                entries.put(name, new Manifest.FileEntry(name, formats.get(f).wire(), splits.get(s), out[f][s].rows(),
                        out[f][s].bytes(), out[f][s].sha256()));
            }
        }
        entries.put(SOURCES, new Manifest.FileEntry(SOURCES, null, null, sources.rows(), sources.bytes(),
                sources.sha256()));
        return entries;
    }

    private Manifest manifest(String project, String id, String contentHash, DatasetSpec spec, Collected c,
            EvalIndex evalIndex, Redactor redactor, List<DatasetSpec.CustomPattern> custom,
            Map<String, Manifest.FileEntry> files, long durationMs) {
        Map<String, Long> exclusions = c.exclusions();
        Map<String, Map<String, Long>> categories = new TreeMap<>();
        long train = 0;
        long validation = 0;
        for (int i = 0; i < c.n; i++) {
            if (c.reason[i] != null) {
                continue;
            }
            String split = c.split[i] == Collected.VALIDATION ? "validation" : "train";
            categories.computeIfAbsent(c.categoryNames.get(c.category[i]), k -> new TreeMap<>()).merge(split, 1L,
                    Long::sum);
            if (c.split[i] == Collected.VALIDATION) {
                validation++;
            } else {
                train++;
            }
        }
        Map<String, Long> splits = new LinkedHashMap<>();
        splits.put("train", train);
        splits.put("validation", validation);
        Manifest.LeakageReport leakage = new Manifest.LeakageReport(evalIndex.threshold(), evalIndex.suites(),
                evalIndex.cases(), exclusions.getOrDefault(Examples.Reason.EVAL_EXACT.wire, 0L),
                exclusions.getOrDefault(Examples.Reason.EVAL_NEAR.wire, 0L), List.copyOf(c.leaks));
        Manifest.RedactionReport redaction = new Manifest.RedactionReport(new TreeMap<>(c.redactions),
                c.redactedExamples, spec.redaction().detectors(), spec.redaction().phoneRegions(), List.copyOf(custom));
        return new Manifest(id, contentHash, spec.name(), project, PIPELINE_VERSION, clock.instant(), durationMs, spec,
                spec.hash(), c.stages(), exclusions, redaction, leakage, categories, splits,
                List.copyOf(files.values()), c.kept);
    }

    static void deleteRecursively(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
