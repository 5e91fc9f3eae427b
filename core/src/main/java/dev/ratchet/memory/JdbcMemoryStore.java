package dev.ratchet.memory;

import static dev.ratchet.common.Times.instant;
import static dev.ratchet.common.Times.nanos;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.ratchet.common.BadInputException;
import dev.ratchet.common.FieldError;
import dev.ratchet.common.Hashing;
import dev.ratchet.common.Ids;
import dev.ratchet.common.Json;
import dev.ratchet.common.JsonText;
import dev.ratchet.common.NotFoundException;
import dev.ratchet.store.Database;
import dev.ratchet.store.Dialect;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Collectors;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.PreparedBatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link MemoryStore} over a {@link Database} (the record) and a {@link HybridIndex} (derived: caught up
 * with the database, or rebuilt from it, whenever it may disagree). A large class on purpose: the decisions
 * of a write (merge, supersede, prune), the record and the index move together under one lock, and what
 * keeps them consistent (the index marker, the catch-up, the retries against other processes) reads best in
 * one place. The parts that stand alone live beside it: {@link EmbeddingStage}, {@link RetrievalCounter}.
 *
 * <p><b>Writes.</b> A write runs in three stages, so that the slow parts of one batch overlap those of the
 * next and many small concurrent writes cost as much as a few large ones:
 * <ol>
 *   <li>validation, on the caller's thread (bad input changes nothing);</li>
 *   <li>embedding, on the {@link EmbeddingStage}'s one thread: the texts of every batch that queued while
 *       the model was busy go into one {@link Embedder#embedAll} call (up to {@link
 *       MemoryConfig#embedBatchSize}), so a hundred clients writing one item each run the model on full
 *       batches. The model never runs on the database's writer thread or under the write lock;</li>
 *   <li>applying, under one lock per store (so that merge and supersession decisions see every earlier
 *       write of this process): the lock's holder takes every batch whose vectors are ready, classifies
 *       each write against the database, the index and the earlier writes of the group, stores the group
 *       in one {@link Database#write} (one fsync on SQLite) and applies it to the index without refreshing
 *       it (see below). A group that fails is applied again batch by batch, so that each batch is stored whole or not at
 *       all, alone.</li>
 * </ol>
 * {@link #write} returns when its batch is durable (in the database) and searchable: the next {@link #search}
 * refreshes the index first when anything changed. Writes do not refresh it themselves, because each refresh
 * seals a small Lucene segment and many small segments make every vector search slower (a filtered HNSW
 * search of a small segment falls back to scanning it); the created items not yet visible to the index's
 * searchers are kept beside it, and near-duplicate checks scan them directly (a write refreshes anyway after
 * {@value #MAX_UNREFRESHED} of them). Every item of a group is stamped with one instant, taken when the group is applied. One store per
 * index directory.
 *
 * <p><b>More than one process.</b> On PostgreSQL several servers may write one database, each with its own
 * index. The write lock orders only this process's writes; across processes the database keeps the
 * decisions exact: a unique partial index allows one active item per key and scope, an update applies only
 * to the version of the item that was read (its {@code updated_ns} and status), and the idempotency key is
 * unique. A group that meets another process's write (a unique violation, a changed item, a deadlock) has
 * stored nothing and is decided again against the database as it is now, up to {@link #MAX_ATTEMPTS} times:
 * so of two concurrent writers of one key the later supersedes the earlier, and history stays linked.
 * Merging of near-duplicates across processes stays best-effort: it searches this process's index, which
 * holds another process's items only once it has caught up with them (every {@link
 * MemoryConfig#catchUpInterval}; see below), so two processes may each keep one of two paraphrases.
 *
 * <p><b>Merging.</b> A write whose cosine to an active, valid item of the same scope (agent, user, session)
 * and kind is at least {@link MemoryConfig#mergeThreshold} (and whose key is the same, or both have none),
 * and which names the same numbers, codes and names ({@link Distinguishers}: two facts about different
 * customers embed almost alike), merges into that item: the item keeps its text, gains the write's provenance, and its {@code updatedAt}
 * moves. The vector-only index search runs under the exact scope filter.
 *
 * <p><b>Supersession.</b> A write with a {@code key} equal to an active item's in the same scope replaces it
 * unless text and value are the same (then it merges): the old item becomes {@code superseded}, valid until
 * now, pointing at the new one; it stays in the database and leaves the index.
 *
 * <p><b>Capacity.</b> When an agent holds more than {@link MemoryConfig#capacityPerAgent} active items, the
 * excess with the lowest {@code value * freshness} are marked {@code expired}, where {@code value =
 * (successCount + 1) / (failureCount + 1) * ln(2 + timesRetrieved)} (items that helped and are used rank
 * higher; the +1 and +2 make a new item's value ln 2, not 0) and {@code freshness = exp(-age / halfLife)} with
 * the age since {@code updatedAt} (a merge refreshes an item). Ties go to the older id first. Pruning runs in
 * the write's transaction, so a write and the expiries it causes are stored together. Whether an agent is over
 * its capacity is read from {@code memory_active_counts}, which every status change here keeps in the same
 * transaction: counting the agent's items on every write would cost more as the memory grows.
 *
 * <p><b>Search.</b> The index's hybrid search under the scope filter (project, agent, user or shared,
 * session or shared, kinds, status active, valid now); users and sessions are indexed as {@code "*"} when
 * absent so that "this user's or everyone's" is one term filter. Each fused score is multiplied by a
 * recency factor {@code (1 + w * freshness) / (1 + w)} (in (0, 1], so scores stay in [0, 1]). An item whose
 * key equals the query comes first with score 1 and the {@link Signal#KEY} signal. A search writes nothing:
 * it counts its hits in memory ({@link RetrievalCounter}), and the counts are added to {@code
 * times_retrieved} every {@link MemoryConfig#retrievalFlushInterval} and on {@link #close}. A crash loses at
 * most the counts of the last interval: they are statistics (pruning weighs them), not content. {@link
 * #recordUsage} (success and failure) stays synchronous and durable.
 *
 * <p><b>Vectors.</b> Each item's vector is stored with it (with the name of the model that made it), so the
 * index is rebuilt from the database without the model; only items stored before vectors were, or embedded
 * by another model, are embedded again (and their new vectors stored).
 *
 * <p><b>Index commits and catch-up.</b> The index is derived data, so its commits (fsyncs) are off the write
 * path: a background task commits it every {@link MemoryConfig#indexCommitInterval} when it changed, and
 * {@link #close} does. Each commit carries a marker: the embedding model and the greatest {@code updated_ns}
 * the index holds together with every change before it (usage counters do not move {@code updated_ns}; only
 * content and status changes do). On opening, the store catches up from the marker instead of rebuilding:
 * it applies every row with an {@code updated_ns} from the marker less {@link #CATCH_UP_OVERLAP} on (an
 * active row is indexed with its stored vector, any other removed), then checks that the index holds one
 * document per active item; only when it does not, or when the marker is missing or names another model,
 * is the index rebuilt. So a crash costs the index changes since its last commit, which the catch-up
 * re-applies. The window assumes the clock that stamps {@code updated_ns} never steps back by more than the
 * overlap; a change it misses is caught by the count, or by {@link #reindex}. On PostgreSQL the same
 * catch-up runs in the background ({@link #catchUpWithOtherWriters}) whenever the database's greatest {@code
 * updated_ns} has moved, so that other processes' writes become searchable here within about {@link
 * MemoryConfig#catchUpInterval}; it skips the rows this index already holds in their current version. Until
 * then, a search drops a hit the database no longer holds active (the database wins).
 */
public final class JdbcMemoryStore implements MemoryStore {

    private static final Logger LOG = LoggerFactory.getLogger(JdbcMemoryStore.class);

    /** The value the index holds for an absent user or session: the item is shared by all of them. */
    static final String SHARED = "*";

    private static final String COLUMNS = """
            project_id, id, agent, user_id, session_id, kind, text, key, value, provenance, valid_from_ns, valid_to_ns,
            status, superseded_by, times_retrieved, success_count, failure_count, idempotency_key, created_ns, updated_ns""";
    /** {@link #COLUMNS} and the item's vector with the name of the model that made it. */
    private static final String VECTOR_COLUMNS = COLUMNS + ", vector, vector_model";
    private static final String INSERT = "INSERT INTO memory_items (" + VECTOR_COLUMNS + """
            ) VALUES (:project, :id, :agent, :user, :session, :kind, :text, :key, :value, :provenance, :validFrom,
            :validTo, :status, :supersededBy, :timesRetrieved, :successCount, :failureCount, :idempotencyKey, :created,
            :updated, :vector, :vectorModel)""";
    /**
     * Changes an item only if it is still the version the write read (optimistic concurrency): another
     * process may have merged into it, superseded or expired it meanwhile, and its change must not be lost.
     */
    private static final String UPDATE = """
            UPDATE memory_items SET provenance = :provenance, status = :status, valid_to_ns = :validTo,
                superseded_by = :supersededBy, updated_ns = :updated
            WHERE project_id = :project AND id = :id AND updated_ns = :readUpdated AND status = :readStatus""";
    /** Items of a search scope: the agent's, the user's or shared, the session's or shared, active and valid now. */
    private static final String IN_SCOPE = """
            project_id = :project AND agent = :agent AND status = 'active'
            AND (user_id IS NULL OR user_id = :user) AND (session_id IS NULL OR session_id = :session)
            AND valid_from_ns <= :now AND (valid_to_ns IS NULL OR valid_to_ns > :now)""";

    private static final String MARK_UPDATED = "ratchet.memory.max_updated_ns";
    private static final String MARK_MODEL = "ratchet.memory.model";

    private static final int MAX_BATCH = 1_000;
    /** Unrefreshed items after which a write refreshes anyway (bounds the near-duplicate scan). */
    private static final int MAX_UNREFRESHED = 1_024;
    /** Nearest items of the whole index a near-duplicate check looks at before searching the scope. */
    private static final int NEAREST = 5;
    private static final int MAX_SCOPE = 256;
    private static final int CHUNK = 500;
    private static final int REINDEX_BATCH = 256;
    /** Tries of a group that keeps meeting other processes' writes before it fails. */
    private static final int MAX_ATTEMPTS = 8;
    /**
     * How far before its marker a catch-up starts reading: a change committed late (its transaction took a
     * while), or stamped by a clock a little behind, still carries an {@code updated_ns} inside this window.
     */
    static final Duration CATCH_UP_OVERLAP = Duration.ofSeconds(10);

    private final Database db;
    private final Embedder embedder;
    private final CachingEmbedder queryEmbedder;
    private final HybridIndex index;
    private final Clock clock;
    private final MemoryConfig config;
    private final ReentrantLock writeLock = new ReentrantLock();
    /** Held while the index is committed or rebuilt, so that no commit ever holds half a rebuild. */
    private final ReentrantLock commitLock = new ReentrantLock();
    private final RetrievalCounter retrievals = new RetrievalCounter();
    /** Whether the index holds changes made since its last commit. */
    private final AtomicBoolean indexDirty = new AtomicBoolean();
    /** Index changes not yet visible to searchers: the next {@link #search} refreshes first. */
    private final AtomicBoolean unrefreshedChanges = new AtomicBoolean();
    /**
     * Created items written to the index but not yet visible to its searchers, by a sequence number, so
     * that a refresh removes exactly the ones it made visible. Near-duplicate checks scan them directly.
     */
    private final ConcurrentSkipListMap<Long, Created> unrefreshed = new ConcurrentSkipListMap<>();
    private final AtomicLong unrefreshedSeq = new AtomicLong();
    /**
     * The greatest {@code updated_ns} whose change this index holds, together with every earlier change
     * (less {@link #CATCH_UP_OVERLAP}): what the next commit's marker says. Moves only after the change is in
     * the index writer, so a commit never claims what it lacks.
     */
    private final AtomicLong applied = new AtomicLong();
    /** Runs the background work: index commits, retrieval count flushes, catch-ups. One daemon thread. */
    private final ScheduledExecutorService maintenance;
    private final boolean rebuiltOnOpen;
    /** Embeds the texts of writes, batching concurrent writers' together. */
    private final EmbeddingStage embeddings;
    /** Batches embedded and waiting to be applied, oldest first; taken only under {@link #writeLock}. */
    private final ConcurrentLinkedQueue<Pending> ready = new ConcurrentLinkedQueue<>();
    /** Whether other processes may write to the database (PostgreSQL), so that the index must watch for their changes. */
    private final boolean watchOthers;
    /**
     * The database's greatest {@code updated_ns} when the index last caught up with it: every change up to it
     * (less {@link #CATCH_UP_OVERLAP}) is in the index.
     */
    private final AtomicLong polled = new AtomicLong();
    /**
     * The versions ({@code updated_ns}) of the items this index applied lately, by item, so that a catch-up
     * skips what it already holds. Guarded by {@link #writeLock}; kept only while {@link #watchOthers}, and
     * only for the catch-up window.
     */
    private final Map<Ref, Long> recent = new HashMap<>();
    /** Groups decided again because another process's write got in between (for tests). */
    private final AtomicLong conflicts = new AtomicLong();
    /** Runs once between deciding a group and storing it (for tests that put another write in between). */
    private volatile Runnable beforePersist;
    private volatile boolean closed;

    /**
     * Opens the store and brings the index in {@code indexDir} (created when missing) up to date with the
     * database: incrementally from its marker when it has one (see the class comment), else by a rebuild.
     */
    public JdbcMemoryStore(Database db, Embedder embedder, Path indexDir, Clock clock, MemoryConfig config) {
        this.db = Objects.requireNonNull(db, "db");
        this.embedder = Objects.requireNonNull(embedder, "embedder");
        this.queryEmbedder = embedder instanceof CachingEmbedder c ? c : new CachingEmbedder(embedder, 10_000);
        this.clock = Objects.requireNonNull(clock, "clock");
        this.config = Objects.requireNonNull(config, "config");
        this.index = HybridIndex.open(indexDir, embedder.dimension());
        this.watchOthers = db.dialect() == Dialect.POSTGRESQL;
        try {
            rebuiltOnOpen = !catchUpOnOpen();
            if (rebuiltOnOpen) {
                reindex(null);
            }
        } catch (RuntimeException e) {
            index.close();
            throw e;
        }
        embeddings = new EmbeddingStage(embedder, config.embedBatchSize(), "ratchet-memory-embedder");
        maintenance = Executors.newSingleThreadScheduledExecutor(
                r -> Thread.ofPlatform().daemon().name("ratchet-memory-maintenance").unstarted(r));
        every(config.indexCommitInterval(), "commit the memory index", this::commitIndexIfChanged);
        every(config.retrievalFlushInterval(), "flush retrieval counts", this::flushRetrievals);
        if (watchOthers) {
            every(config.catchUpInterval(), "catch up with other writers", this::catchUpWithOtherWriters);
        }
    }

    private void every(Duration interval, String what, Runnable work) {
        long ms = Math.max(1, interval.toMillis());
        maintenance.scheduleWithFixedDelay(() -> inBackground(what, work), ms, ms, TimeUnit.MILLISECONDS);
    }

    /** Runs background work, logging a failure: a scheduled task that throws is never run again. */
    private static void inBackground(String what, Runnable work) {
        try {
            work.run();
        } catch (RuntimeException | Error e) {
            LOG.warn("memory store: cannot {}; will try again", what, e);
        }
    }

    // --- write ---

    /** A write that passed validation, with its kind parsed. */
    private record Valid(MemoryWrite w, MemoryKind kind) {
    }

    /** A new item of this group and its vector. */
    private record Created(MemoryItem item, float[] vector) {
    }

    /** An item's identity across projects. */
    private record Ref(String project, String id) {
    }

    /** A batch whose vectors are ready, waiting for its turn under the write lock. */
    private record Pending(String project, List<Valid> batch, List<float[]> vectors,
            CompletableFuture<List<MemoryWriteResult>> result) {
    }

    /**
     * {@inheritDoc} Validates, waits for the embedding stage to embed the texts (together with other
     * writers'), then applies the batch under the write lock in one group with the batches that became ready
     * meanwhile: one transaction, one index refresh. A group that fails is applied again batch by batch, so
     * one batch's failure never fails another's. Thread-safe.
     *
     * @throws EmbeddingException if the model fails; then nothing is stored
     * @throws IllegalStateException if the store is closed
     */
    @Override
    public List<MemoryWriteResult> write(String project, List<MemoryWrite> batch) {
        requireProject(project);
        if (batch == null) {
            throw new BadInputException("items", "required");
        }
        if (batch.size() > MAX_BATCH) {
            throw new BadInputException("items", "at most " + MAX_BATCH + " per batch");
        }
        if (batch.isEmpty()) {
            return List.of();
        }
        List<Valid> valid = validate(batch, clock.instant());
        requireOpen();
        List<float[]> vectors = embeddings.embedAll(valid.stream().map(v -> v.w().text()).toList());
        Pending mine = new Pending(project, valid, vectors, new CompletableFuture<>());
        ready.add(mine);
        writeLock.lock();
        try {
            // Whoever holds the lock applies what is ready; a batch is applied by its own writer or by another.
            while (!mine.result().isDone()) {
                applyGroup(nextGroup());
            }
        } finally {
            writeLock.unlock();
        }
        try {
            return mine.result().join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            if (e.getCause() instanceof Error err) {
                throw err;
            }
            throw e;
        }
    }

    private void requireOpen() {
        if (closed) {
            throw new IllegalStateException("the memory store is closed");
        }
    }

    /** The ready batches to apply together: the oldest first, at most {@link #MAX_BATCH} writes (or one batch). */
    private List<Pending> nextGroup() {
        List<Pending> group = new ArrayList<>();
        int writes = 0;
        for (Pending p = ready.peek(); p != null; p = ready.peek()) {
            if (!group.isEmpty() && writes + p.batch().size() > MAX_BATCH) {
                break;
            }
            ready.poll(); // only the holder of the write lock takes from the queue, so this is p
            group.add(p);
            writes += p.batch().size();
        }
        return group;
    }

    /** Applies a group and completes its writers' results; called under the write lock. */
    private void applyGroup(List<Pending> group) {
        if (closed) {
            IllegalStateException e = new IllegalStateException("the memory store was closed before this write");
            group.forEach(p -> p.result().completeExceptionally(e));
            return;
        }
        Plan plan;
        try {
            plan = planAndPersist(group);
        } catch (RuntimeException | Error e) {
            // Nothing of the group was stored: apply each batch alone, so that only the bad one fails.
            if (group.size() == 1) {
                group.get(0).result().completeExceptionally(e);
            } else {
                group.forEach(p -> applyGroup(List.of(p)));
            }
            return;
        }
        try {
            index(plan);
        } catch (RuntimeException | Error e) {
            // Stored, but not all of it searchable: no writer may be told otherwise. The next catch-up or
            // reindex repairs the index; applying the batches again would store them twice.
            group.forEach(p -> p.result().completeExceptionally(e));
            return;
        }
        for (int i = 0; i < group.size(); i++) {
            group.get(i).result().complete(plan.results.get(i));
        }
    }

    /**
     * Decides and stores a group. When another process's write got in between (a unique index refused an
     * active key or an idempotency key it took first, an item changed since it was read, a deadlock), nothing
     * of the group was stored: it is decided again against what the database holds now, up to {@link
     * #MAX_ATTEMPTS} times. So of two writers of one key, the later supersedes the earlier.
     */
    private Plan planAndPersist(List<Pending> group) {
        for (int attempt = 1; ; attempt++) {
            Plan plan = plan(group);
            Runnable hook = beforePersist;
            if (hook != null) {
                beforePersist = null;
                hook.run();
            }
            try {
                persist(plan);
                return plan;
            } catch (RuntimeException e) {
                if (attempt >= MAX_ATTEMPTS || !(e instanceof StaleRead || Database.isWriteConflict(e))) {
                    throw e;
                }
                conflicts.incrementAndGet();
            }
        }
    }

    /** An item changed in the database between the moment a plan read it and the moment it was stored. */
    private static final class StaleRead extends RuntimeException {
        StaleRead(String id) {
            super("memory item " + id + " changed while the write was being decided", null, false, false);
        }
    }

    /**
     * What a group does to the database, decided before anything is written: new items, changed items
     * (merged, superseded), and each batch's results. All of it carries one instant, taken now, when the
     * group is applied: so {@code updated_ns} follows the order of the writes of this process.
     */
    private static final class Plan {
        final Instant now;
        final Map<String, Created> created = new LinkedHashMap<>();
        /** Existing items changed by this group, by id. */
        final Map<String, MemoryItem> updated = new LinkedHashMap<>();
        /** The stored version each of {@link #updated} was read as: its update applies only to that version. */
        final Map<String, MemoryItem> read = new HashMap<>();
        /** Idempotency keys seen in this group: project and key to the id that holds the write. */
        final Map<List<String>, String> idempotency = new HashMap<>();
        final List<List<MemoryWriteResult>> results = new ArrayList<>();
        /** The (project, agent) pairs written to, whose capacity is checked. */
        final Set<List<String>> agents = new LinkedHashSet<>();
        /** Items expired by pruning, filled in by {@link #persist}. */
        final List<Ref> expired = new ArrayList<>();

        Plan(Instant now) {
            this.now = now;
        }

        /** The version of an item this group has made, if it made one. */
        Optional<MemoryItem> changed(String id) {
            Created c = created.get(id);
            return c != null ? Optional.of(c.item()) : Optional.ofNullable(updated.get(id));
        }

        /** Records {@code after} as the new version of {@code before} (as this group saw it). */
        void put(MemoryItem before, MemoryItem after) {
            Created c = created.get(after.id());
            if (c != null) {
                created.put(after.id(), new Created(after, c.vector()));
            } else {
                read.putIfAbsent(after.id(), before);
                updated.put(after.id(), after);
            }
        }
    }

    private static List<Valid> validate(List<MemoryWrite> batch, Instant now) {
        List<FieldError> errors = new ArrayList<>();
        List<Valid> out = new ArrayList<>(batch.size());
        for (int i = 0; i < batch.size(); i++) {
            MemoryWrite w = batch.get(i);
            if (w == null) {
                errors.add(new FieldError(i, "$", "missing item"));
                continue;
            }
            int before = errors.size();
            if (w.agent() == null || w.agent().isBlank()) {
                errors.add(new FieldError(i, "agent", "required"));
            } else if (w.agent().length() > MAX_SCOPE) {
                errors.add(new FieldError(i, "agent", "at most " + MAX_SCOPE + " characters"));
            }
            checkOptional(errors, i, "user", w.user());
            checkOptional(errors, i, "session", w.session());
            checkOptional(errors, i, "idempotencyKey", w.idempotencyKey());
            MemoryKind kind = null;
            if (w.kind() == null) {
                errors.add(new FieldError(i, "kind", "required; one of " + MemoryKind.names()));
            } else {
                kind = MemoryKind.parse(w.kind()).orElse(null);
                if (kind == null) {
                    errors.add(new FieldError(i, "kind", "unknown kind '" + w.kind() + "'; one of " + MemoryKind.names()));
                }
            }
            if (w.text() == null || w.text().isBlank()) {
                errors.add(new FieldError(i, "text", "required and must not be blank"));
            } else if (w.text().length() > MemoryWrite.MAX_TEXT) {
                errors.add(new FieldError(i, "text", "at most " + MemoryWrite.MAX_TEXT + " characters, got " + w.text().length()));
            }
            if (w.key() != null && (w.key().isBlank() || w.key().length() > MemoryWrite.MAX_KEY)) {
                errors.add(new FieldError(i, "key", "must not be blank and at most " + MemoryWrite.MAX_KEY + " characters"));
            }
            if (w.ttl() != null && w.validTo() != null) {
                errors.add(new FieldError(i, "ttl", "give ttl or validTo, not both"));
            } else if (w.ttl() != null && (w.ttl().isNegative() || w.ttl().isZero())) {
                errors.add(new FieldError(i, "ttl", "must be positive"));
            } else if (w.validTo() != null && !w.validTo().isAfter(now)) {
                errors.add(new FieldError(i, "validTo", "must be in the future"));
            }
            if (errors.size() == before) {
                out.add(new Valid(w, kind));
            }
        }
        if (!errors.isEmpty()) {
            throw new BadInputException(errors);
        }
        return out;
    }

    private static void checkOptional(List<FieldError> errors, int i, String field, String value) {
        if (value != null && (value.isBlank() || value.length() > MAX_SCOPE || value.equals(SHARED))) {
            errors.add(new FieldError(i, field, "when given, 1 to " + MAX_SCOPE + " characters and not '" + SHARED + "'"));
        }
    }

    /** Decides what the group does, batch after batch, each seeing the decisions of those before it. */
    private Plan plan(List<Pending> group) {
        Plan plan = new Plan(clock.instant());
        for (Pending p : group) {
            List<MemoryWriteResult> results = new ArrayList<>(p.batch().size());
            for (int i = 0; i < p.batch().size(); i++) {
                results.add(classify(plan, p.project(), p.batch().get(i), checked(p.vectors().get(i))));
            }
            plan.results.add(results);
        }
        return plan;
    }

    /** The vector as the index will take it; a model that answers otherwise fails before anything is stored. */
    private float[] checked(float[] vector) {
        if (vector == null || vector.length != embedder.dimension()) {
            throw new EmbeddingException("the embedder returned a vector of " + (vector == null ? 0 : vector.length)
                    + " dimensions, expected " + embedder.dimension());
        }
        try {
            Vectors.normalized(vector, "vector");
        } catch (BadInputException e) {
            throw new EmbeddingException("the embedder returned a zero or non-finite vector");
        }
        return vector;
    }

    /** Decides one write: see the class comment for duplicate, merge, supersede and create. */
    private MemoryWriteResult classify(Plan plan, String project, Valid v, float[] vector) {
        MemoryWrite w = v.w();
        Instant now = plan.now;
        plan.agents.add(List.of(project, w.agent()));
        List<String> idempotencyKey = w.idempotencyKey() == null ? null : List.of(project, w.idempotencyKey());
        if (idempotencyKey != null) {
            String seen = plan.idempotency.get(idempotencyKey);
            if (seen == null) {
                seen = idByIdempotencyKey(project, w.idempotencyKey()).orElse(null);
            }
            if (seen != null) {
                return new MemoryWriteResult(seen, MemoryWriteResult.Action.DUPLICATE, null);
            }
        }
        MemoryItem target = null;
        boolean supersede = false;
        if (w.key() != null) {
            target = activeByKey(plan, project, w);
            supersede = target != null && !(target.text().equals(w.text()) && Objects.equals(target.value(), w.value())
                    && target.kind() == v.kind());
        }
        if (target == null) {
            target = nearDuplicate(plan, project, v, vector);
        }
        if (target != null && !supersede) {
            plan.put(target, withProvenance(target, target.provenance().merge(w.provenance()), now));
            if (idempotencyKey != null) {
                plan.idempotency.put(idempotencyKey, target.id());
            }
            return new MemoryWriteResult(target.id(), MemoryWriteResult.Action.MERGED, null);
        }
        String id = Ids.newId(clock);
        Instant validTo = w.ttl() != null ? now.plus(w.ttl()) : w.validTo();
        MemoryItem item = new MemoryItem(project, id, w.agent(), w.user(), w.session(), v.kind(), w.text(), w.key(),
                w.value(), w.provenance(), now, validTo, MemoryStatus.ACTIVE, null, 0, 0, 0, w.idempotencyKey(),
                now, now);
        plan.created.put(id, new Created(item, vector));
        if (idempotencyKey != null) {
            plan.idempotency.put(idempotencyKey, id);
        }
        if (!supersede) {
            return new MemoryWriteResult(id, MemoryWriteResult.Action.CREATED, null);
        }
        plan.put(target, new MemoryItem(target.project(), target.id(), target.agent(), target.user(), target.session(),
                target.kind(), target.text(), target.key(), target.value(), target.provenance(), target.validFrom(), now,
                MemoryStatus.SUPERSEDED, id, target.timesRetrieved(), target.successCount(), target.failureCount(),
                target.idempotencyKey(), target.createdAt(), now));
        return new MemoryWriteResult(id, MemoryWriteResult.Action.SUPERSEDED, target.id());
    }

    private static MemoryItem withProvenance(MemoryItem t, Provenance p, Instant now) {
        return new MemoryItem(t.project(), t.id(), t.agent(), t.user(), t.session(), t.kind(), t.text(), t.key(),
                t.value(), p, t.validFrom(), t.validTo(), t.status(), t.supersededBy(), t.timesRetrieved(),
                t.successCount(), t.failureCount(), t.idempotencyKey(), t.createdAt(), now);
    }

    /** The current version of an item as the group sees it: changed by the group, or stored. */
    private Optional<MemoryItem> current(Plan plan, String project, String id) {
        Optional<MemoryItem> changed = plan.changed(id);
        return changed.isPresent() ? changed : get(project, id);
    }

    private MemoryItem activeByKey(Plan plan, String project, MemoryWrite w) {
        for (Created c : plan.created.values()) {
            MemoryItem it = c.item();
            if (it.status() == MemoryStatus.ACTIVE && it.project().equals(project) && sameScope(it, w)
                    && w.key().equals(it.key())) {
                return it;
            }
        }
        List<String> ids = db.read(h -> h.createQuery("""
                        SELECT id FROM memory_items WHERE project_id = :project AND agent = :agent AND key = :key
                        AND status = 'active' AND user_id IS NOT DISTINCT FROM :user
                        AND session_id IS NOT DISTINCT FROM :session ORDER BY created_ns DESC, id DESC""")
                .bind("project", project).bind("agent", w.agent()).bind("key", w.key())
                .bind("user", w.user()).bind("session", w.session())
                .mapTo(String.class).list());
        for (String id : ids) {
            MemoryItem it = current(plan, project, id).orElseThrow();
            if (it.status() == MemoryStatus.ACTIVE) {
                return it;
            }
        }
        return null;
    }

    private static boolean sameScope(MemoryItem it, MemoryWrite w) {
        return it.agent().equals(w.agent()) && Objects.equals(it.user(), w.user()) && Objects.equals(it.session(), w.session());
    }

    private MemoryItem nearDuplicate(Plan plan, String project, Valid v, float[] vector) {
        MemoryWrite w = v.w();
        MemoryItem best = null;
        double bestScore = config.mergeThreshold();
        for (Created c : plan.created.values()) {
            MemoryItem it = c.item();
            double cos = Vectors.dot(c.vector(), vector);
            if (it.status() == MemoryStatus.ACTIVE && it.project().equals(project) && it.kind() == v.kind()
                    && sameScope(it, w) && Objects.equals(it.key(), w.key()) && cos >= bestScore
                    && Distinguishers.same(it.text(), w.text())) {
                best = it;
                bestScore = cos;
            }
        }
        for (Created c : unrefreshed.values()) {
            MemoryItem it = c.item();
            if (it.kind() != v.kind() || !it.project().equals(project) || !sameScope(it, w)) {
                continue;
            }
            double cos = Vectors.dot(c.vector(), vector);
            if (cos >= bestScore && Objects.equals(it.key(), w.key()) && Distinguishers.same(it.text(), w.text())) {
                MemoryItem now = current(plan, project, it.id()).orElse(null);
                if (now != null && now.status() == MemoryStatus.ACTIVE) {
                    best = now;
                    bestScore = cos;
                }
            }
        }
        // The nearest items of the whole index first: when even the nearest is not near enough (the common
        // case), no item of the scope is, and the costlier filtered search is skipped.
        HybridIndex.Near near = index.nearest(vector, NEAREST, bestScore);
        if (near.hits().isEmpty()) {
            return best;
        }
        boolean othersNear = false;
        for (IndexHit hit : near.hits()) {
            if (hit.vectorScore() < bestScore) {
                break; // below a mergeable item found before it
            }
            MemoryItem it = current(plan, project, hit.id()).orElse(null);
            if (!inScope(it, project, v)) {
                othersNear = true;
            } else if (mergeable(plan, v, it)) {
                best = it;
                bestScore = hit.vectorScore();
            }
        }
        // A near item of this scope that may not merge (another customer, another key) hides nothing: the scope's
        // own search would rank it the same. Only near items of other scopes can push the scope's out of the top.
        if (!othersNear || near.found() < NEAREST) { // fewer hits than asked for: the whole index was seen
            return best;
        }
        // Items of other scopes are near too and may hide this scope's: search the scope itself.
        IndexFilter filter = IndexFilter.project(project).withAgent(w.agent())
                .withUser(w.user() == null ? SHARED : w.user())
                .withSession(w.session() == null ? SHARED : w.session())
                .withKinds(Set.of(v.kind().wire()));
        // Only terms in the index filter: the index holds active items only, and validity is checked on the few
        // hits close enough to merge.
        for (IndexHit hit : index.search(new SearchRequest(null, vector, filter, 5, 20, RetrievalMode.VECTOR_ONLY, 1.0))) {
            if (hit.vectorScore() == null || hit.vectorScore() < bestScore) {
                continue;
            }
            MemoryItem it = current(plan, project, hit.id()).orElse(null);
            if (inScope(it, project, v) && mergeable(plan, v, it)) {
                best = it;
                bestScore = hit.vectorScore();
            }
        }
        return best;
    }

    /** Whether an item is one the scope's filtered search would return: active, same project, scope and kind. */
    private static boolean inScope(MemoryItem it, String project, Valid v) {
        return it != null && it.status() == MemoryStatus.ACTIVE && it.project().equals(project) && it.kind() == v.kind()
                && sameScope(it, v.w());
    }

    /** Whether this write may merge into an item of its scope: same key, valid now, and alike. */
    private static boolean mergeable(Plan plan, Valid v, MemoryItem it) {
        MemoryWrite w = v.w();
        return Objects.equals(it.key(), w.key()) && !it.validFrom().isAfter(plan.now)
                && (it.validTo() == null || it.validTo().isAfter(plan.now)) && Distinguishers.same(it.text(), w.text());
    }

    /**
     * Stores the plan in one transaction, capacity pruning included, so that a group is stored whole or not
     * at all. Updates go first: an item leaves the active state before its successor with the same key
     * enters it (the database allows one active item per key and scope, checked per statement).
     */
    private void persist(Plan plan) {
        List<Created> inserts = List.copyOf(plan.created.values());
        List<MemoryItem> updates = List.copyOf(plan.updated.values());
        String model = embedder.model();
        List<Ref> expired = db.write(h -> {
            if (!updates.isEmpty()) {
                PreparedBatch b = h.prepareBatch(UPDATE);
                for (MemoryItem it : updates) {
                    MemoryItem before = plan.read.get(it.id());
                    b.bind("project", it.project()).bind("id", it.id()).bind("provenance", Json.write(it.provenance()))
                            .bind("status", it.status().wire()).bind("validTo", nanosOrNull(it.validTo()))
                            .bind("supersededBy", it.supersededBy()).bind("updated", nanos(it.updatedAt()))
                            .bind("readUpdated", nanos(before.updatedAt())).bind("readStatus", before.status().wire())
                            .add();
                }
                int[] counts = b.execute();
                for (int i = 0; i < counts.length; i++) {
                    if (counts[i] != 1) {
                        throw new StaleRead(updates.get(i).id());
                    }
                }
            }
            if (!inserts.isEmpty()) {
                PreparedBatch b = h.prepareBatch(INSERT);
                for (Created c : inserts) {
                    bindItem(b, c.item()).bind("vector", Vectors.toBytes(c.vector())).bind("vectorModel", model).add();
                }
                b.execute();
            }
            countActive(h, activeDeltas(inserts, updates, plan.read));
            List<Ref> out = new ArrayList<>();
            for (List<String> agent : plan.agents) {
                prune(h, agent.get(0), agent.get(1), plan.now).forEach(id -> out.add(new Ref(agent.get(0), id)));
            }
            return out;
        });
        plan.expired.addAll(expired);
    }

    /** How many items each (project, agent) gains (or loses) in the active state by these inserts and updates. */
    private static Map<List<String>, Long> activeDeltas(List<Created> inserts, List<MemoryItem> updates,
            Map<String, MemoryItem> read) {
        Map<List<String>, Long> deltas = new TreeMap<>(Comparator.comparing((List<String> k) -> k.get(0))
                .thenComparing(k -> k.get(1))); // one order for every writer: row locks are taken in it
        for (Created c : inserts) {
            deltas.merge(List.of(c.item().project(), c.item().agent()), active(c.item()), Long::sum);
        }
        for (MemoryItem after : updates) {
            deltas.merge(List.of(after.project(), after.agent()), active(after) - active(read.get(after.id())), Long::sum);
        }
        deltas.values().removeIf(d -> d == 0);
        return deltas;
    }

    private static long active(MemoryItem it) {
        return it.status() == MemoryStatus.ACTIVE ? 1 : 0;
    }

    /** Adds each (project, agent)'s delta to its count of active items (see V10's migration), in the write's transaction. */
    private static void countActive(Handle h, Map<List<String>, Long> deltas) {
        if (deltas.isEmpty()) {
            return;
        }
        PreparedBatch b = h.prepareBatch("""
                INSERT INTO memory_active_counts (project_id, agent, active) VALUES (:project, :agent, :delta)
                ON CONFLICT (project_id, agent) DO UPDATE SET active = memory_active_counts.active + excluded.active""");
        deltas.forEach((k, d) -> b.bind("project", k.get(0)).bind("agent", k.get(1)).bind("delta", d).add());
        b.execute();
    }

    /** Makes the index agree with a stored plan and refreshes it: the plan's items are searchable after this. */
    private void index(Plan plan) {
        for (Created c : plan.created.values()) {
            if (c.item().status() == MemoryStatus.ACTIVE) {
                index.upsert(document(c.item(), c.vector()));
            }
        }
        for (MemoryItem u : plan.updated.values()) {
            if (u.status() != MemoryStatus.ACTIVE) {
                index.delete(u.id());
            }
        }
        plan.expired.forEach(r -> index.delete(r.id()));
        long now = nanos(plan.now);
        if (watchOthers) {
            plan.created.values().forEach(c -> recent.put(new Ref(c.item().project(), c.item().id()), now));
            plan.updated.values().forEach(u -> recent.put(new Ref(u.project(), u.id()), now));
            plan.expired.forEach(r -> recent.put(r, now));
        }
        indexed(now);
        for (Created c : plan.created.values()) {
            if (c.item().status() == MemoryStatus.ACTIVE) {
                unrefreshed.put(unrefreshedSeq.incrementAndGet(), c);
            }
        }
        unrefreshedChanges.set(true);
        if (unrefreshed.size() >= MAX_UNREFRESHED) {
            refreshIndex();
        }
    }

    /**
     * Makes every index change so far visible to searchers. Writes do not refresh (each refresh makes a small
     * segment, and many small segments make every vector search slower); {@link #search} refreshes first when
     * something changed, so a write is searchable when it returns all the same.
     */
    private void refreshIndex() {
        unrefreshedChanges.set(false);
        long upTo = unrefreshedSeq.get();
        index.refresh();
        unrefreshed.headMap(upTo, true).clear();
    }

    private static PreparedBatch bindItem(PreparedBatch b, MemoryItem it) {
        return b.bind("project", it.project()).bind("id", it.id()).bind("agent", it.agent()).bind("user", it.user())
                .bind("session", it.session()).bind("kind", it.kind().wire()).bind("text", it.text())
                .bind("key", it.key()).bind("value", it.value() == null ? null : it.value().text())
                .bind("provenance", Json.write(it.provenance())).bind("validFrom", nanos(it.validFrom()))
                .bind("validTo", nanosOrNull(it.validTo())).bind("status", it.status().wire())
                .bind("supersededBy", it.supersededBy()).bind("timesRetrieved", it.timesRetrieved())
                .bind("successCount", it.successCount()).bind("failureCount", it.failureCount())
                .bind("idempotencyKey", it.idempotencyKey()).bind("created", nanos(it.createdAt()))
                .bind("updated", nanos(it.updatedAt()));
    }

    private static Long nanosOrNull(Instant t) {
        return t == null ? null : nanos(t);
    }

    /**
     * Expires the agent's lowest-ranked active items beyond its capacity (see the class comment for the
     * rank), inside the write's transaction.
     *
     * @return the ids it expired
     */
    private List<String> prune(Handle h, String project, String agent, Instant now) {
        long active = h.createQuery("SELECT active FROM memory_active_counts WHERE project_id = :project AND agent = :agent")
                .bind("project", project).bind("agent", agent).mapTo(Long.class).findOne().orElse(0L);
        if (active <= config.capacityPerAgent()) {
            return List.of();
        }
        record Ranked(String id, double rank) {
        }
        List<Ranked> ranked = h.createQuery("""
                        SELECT id, times_retrieved, success_count, failure_count, updated_ns FROM memory_items
                        WHERE project_id = :project AND agent = :agent AND status = 'active'""")
                .bind("project", project).bind("agent", agent)
                .map((rs, ctx) -> new Ranked(rs.getString("id"), rank(rs.getLong("success_count"),
                        rs.getLong("failure_count"), rs.getLong("times_retrieved"),
                        instant(rs.getLong("updated_ns")), now)))
                .list();
        List<String> expire = ranked.stream()
                .sorted(Comparator.comparingDouble(Ranked::rank).thenComparing(Ranked::id))
                .limit(active - config.capacityPerAgent())
                .map(Ranked::id)
                .toList();
        long expired = 0;
        for (List<String> chunk : chunks(expire)) {
            expired += h.createUpdate("UPDATE memory_items SET status = 'expired', updated_ns = :now"
                            + " WHERE project_id = :project AND id IN (<ids>) AND status = 'active'")
                    .bind("now", nanos(now)).bind("project", project).bindList("ids", chunk).execute();
        }
        if (expired > 0) {
            countActive(h, Map.of(List.of(project, agent), -expired));
        }
        return expire;
    }

    /** {@code value * freshness}: see the class comment. */
    double rank(long success, long failure, long retrieved, Instant updatedAt, Instant now) {
        double value = (success + 1.0) / (failure + 1.0) * Math.log(2.0 + retrieved);
        return value * freshness(updatedAt, now);
    }

    private double freshness(Instant updatedAt, Instant now) {
        double age = Math.max(0, Duration.between(updatedAt, now).toNanos());
        return Math.exp(-age / config.halfLife().toNanos());
    }

    // --- search ---

    /**
     * {@inheritDoc} Writes nothing: the retrievals are counted in memory and reach {@code times_retrieved}
     * within {@link MemoryConfig#retrievalFlushInterval} (the items returned show the counts as of the last
     * flush). Thread-safe, and concurrent with writes.
     */
    @Override
    public List<MemoryHit> search(String project, MemorySearch s) {
        requireProject(project);
        validate(s);
        requireOpen();
        if (unrefreshedChanges.get()) {
            refreshIndex();
        }
        Instant now = clock.instant();
        float[] vector = queryEmbedder.embed(s.query());
        Set<String> kinds = s.kinds().stream().map(MemoryKind::wire).collect(Collectors.toSet());
        IndexFilter filter = IndexFilter.project(project).withAgent(s.agent())
                .withUsers(scope(s.user()))
                .withSessions(scope(s.session()))
                .withKinds(kinds)
                .withStatuses(Set.of(MemoryStatus.ACTIVE.wire()))
                .validAt(now);
        int pool = Math.max(50, 5 * s.k());
        List<IndexHit> hits = index.search(new SearchRequest(s.query(), vector, filter, pool, pool, RetrievalMode.HYBRID,
                config.vectorWeight()));
        Map<String, MemoryItem> items = load(project, hits.stream().map(IndexHit::id).toList());

        List<MemoryHit> keyed = new ArrayList<>();
        Map<String, IndexHit> byId = new HashMap<>();
        hits.forEach(h -> byId.put(h.id(), h));
        for (MemoryItem it : byKey(project, s, now)) {
            if (kinds.isEmpty() || kinds.contains(it.kind().wire())) {
                Set<Signal> signals = EnumSet.of(Signal.KEY);
                IndexHit h = byId.get(it.id());
                if (h != null) {
                    signals.addAll(h.signals());
                }
                keyed.add(new MemoryHit(it, 1.0, signals, h == null ? null : h.vectorScore()));
            }
        }
        Set<String> keyedIds = keyed.stream().map(h -> h.item().id()).collect(Collectors.toSet());
        List<MemoryHit> ranked = new ArrayList<>();
        double w = config.recencyWeight();
        for (IndexHit h : hits) {
            MemoryItem it = items.get(h.id());
            if (it == null || keyedIds.contains(h.id()) || it.status() != MemoryStatus.ACTIVE) {
                continue; // an index a moment behind the database: the database wins
            }
            double score = h.score() * (1 + w * freshness(it.updatedAt(), now)) / (1 + w);
            ranked.add(new MemoryHit(it, score, h.signals(), h.vectorScore()));
        }
        ranked.sort(Comparator.comparingDouble(MemoryHit::score).reversed().thenComparing(h -> h.item().id()));
        List<MemoryHit> out = new ArrayList<>(keyed);
        out.addAll(ranked);
        List<MemoryHit> result = out.stream()
                .filter(h -> s.minScore() == null || h.score() >= s.minScore())
                .limit(s.k())
                .toList();
        retrievals.count(project, result.stream().map(h -> h.item().id()).toList());
        return result;
    }

    private static Set<String> scope(String value) {
        return value == null ? Set.of(SHARED) : Set.of(value, SHARED);
    }

    private static void validate(MemorySearch s) {
        if (s == null) {
            throw new BadInputException("search", "required");
        }
        List<FieldError> errors = new ArrayList<>();
        if (s.query() == null || s.query().isBlank()) {
            errors.add(FieldError.of("query", "required and must not be blank"));
        } else if (s.query().length() > MemoryWrite.MAX_TEXT) {
            errors.add(FieldError.of("query", "at most " + MemoryWrite.MAX_TEXT + " characters"));
        }
        if (s.agent() == null || s.agent().isBlank()) {
            errors.add(FieldError.of("agent", "required"));
        }
        if (s.k() < 1 || s.k() > MemorySearch.MAX_K) {
            errors.add(FieldError.of("k", "must be between 1 and " + MemorySearch.MAX_K + ", got " + s.k()));
        }
        if (s.minScore() != null && !(s.minScore() >= 0 && s.minScore() <= 1)) {
            errors.add(FieldError.of("minScore", "must be between 0 and 1"));
        }
        if (!errors.isEmpty()) {
            throw new BadInputException(errors);
        }
    }

    private List<MemoryItem> byKey(String project, MemorySearch s, Instant now) {
        String key = s.query().strip();
        if (key.isEmpty() || key.length() > MemoryWrite.MAX_KEY) {
            return List.of();
        }
        return db.read(h -> h.createQuery("SELECT " + COLUMNS + " FROM memory_items WHERE " + IN_SCOPE
                        + " AND key = :key ORDER BY updated_ns DESC, id")
                .bind("project", project).bind("agent", s.agent()).bind("user", s.user())
                .bind("session", s.session()).bind("now", nanos(now)).bind("key", key)
                .map((rs, ctx) -> readItem(rs)).list());
    }

    /** Adds the retrieval counts gathered in memory to the database now (the background does it every interval). */
    void flushRetrievals() {
        retrievals.flush(db);
    }

    private Map<String, MemoryItem> load(String project, List<String> ids) {
        Map<String, MemoryItem> out = new HashMap<>();
        for (List<String> chunk : chunks(ids)) {
            db.read(h -> h.createQuery("SELECT " + COLUMNS + " FROM memory_items WHERE project_id = :project AND id IN (<ids>)")
                    .bind("project", project).bindList("ids", chunk)
                    .map((rs, ctx) -> readItem(rs)).list())
                    .forEach(it -> out.put(it.id(), it));
        }
        return out;
    }

    // --- reads and usage ---

    @Override
    public Optional<MemoryItem> get(String project, String id) {
        requireProject(project);
        if (id == null) {
            return Optional.empty();
        }
        return db.read(h -> h.createQuery("SELECT " + COLUMNS + " FROM memory_items WHERE project_id = :project AND id = :id")
                .bind("project", project).bind("id", id).map((rs, ctx) -> readItem(rs)).findOne());
    }

    @Override
    public List<MemoryItem> list(String project, String agent, MemoryStatus status, int limit) {
        requireProject(project);
        if (agent == null || agent.isBlank()) {
            throw new BadInputException("agent", "required");
        }
        if (limit < 1 || limit > 1_000) {
            throw new BadInputException("limit", "must be between 1 and 1000");
        }
        return db.read(h -> h.createQuery("SELECT " + COLUMNS + " FROM memory_items WHERE project_id = :project"
                        + " AND agent = :agent" + (status == null ? "" : " AND status = :status")
                        + " ORDER BY created_ns DESC, id DESC LIMIT :limit")
                .bind("project", project).bind("agent", agent).bind("status", status == null ? null : status.wire())
                .bind("limit", limit).map((rs, ctx) -> readItem(rs)).list());
    }

    /**
     * {@inheritDoc} Durable when this returns, unlike retrieval counts: success and failure are what pruning
     * and learning judge an item by, and they arrive once per use, not once per search. Does not move {@code
     * updatedAt}: usage is not a change of content.
     */
    @Override
    public void recordUsage(String project, Collection<String> itemIds, boolean success) {
        requireProject(project);
        if (itemIds == null || itemIds.isEmpty()) {
            return;
        }
        String column = success ? "success_count" : "failure_count";
        List<String> ids = List.copyOf(new LinkedHashSet<>(itemIds));
        db.write(h -> {
            for (List<String> chunk : chunks(ids)) {
                h.createUpdate("UPDATE memory_items SET " + column + " = " + column + " + 1"
                                + " WHERE project_id = :project AND id IN (<ids>)")
                        .bind("project", project).bindList("ids", chunk).execute();
            }
            return null;
        });
    }

    // --- index maintenance ---

    /**
     * {@inheritDoc} Indexes each active item with its stored vector; only an item whose vector is missing
     * (written before vectors were stored) or was made by another model is embedded again, and its new
     * vector is stored, so the next rebuild needs no model at all. Commits the index with a fresh marker.
     */
    @Override
    public void reindex(String project) {
        writeLock.lock();
        commitLock.lock();
        try {
            requireOpen();
            long latest = latestUpdate();
            if (project == null) {
                index.deleteAll();
            } else {
                index.deleteProject(project);
            }
            String sql = "SELECT " + VECTOR_COLUMNS + " FROM memory_items WHERE status = 'active'"
                    + (project == null ? "" : " AND project_id = :project")
                    + " AND (project_id, id) > (:afterProject, :afterId) ORDER BY project_id, id LIMIT " + REINDEX_BATCH;
            String afterProject = "";
            String afterId = "";
            while (true) {
                String p = afterProject;
                String i = afterId;
                List<Stored> page = db.read(h -> h.createQuery(sql).bind("project", project)
                        .bind("afterProject", p).bind("afterId", i)
                        .map((rs, ctx) -> readStored(rs)).list());
                if (page.isEmpty()) {
                    break;
                }
                apply(page);
                MemoryItem last = page.get(page.size() - 1).item();
                afterProject = last.project();
                afterId = last.id();
            }
            if (project == null) {
                indexed(latest);
                polled.accumulateAndGet(latest, Math::max);
            } else {
                indexDirty.set(true); // the other projects' documents are as current as they were
            }
            commitIndex();
        } finally {
            commitLock.unlock();
            writeLock.unlock();
        }
    }

    /**
     * Brings a committed index up to date from its marker: applies every row changed since the marker (less
     * {@link #CATCH_UP_OVERLAP}), then checks the index holds as many documents as the database has active
     * items. False when it cannot (no marker, another model, a count that still disagrees): then rebuild.
     */
    private boolean catchUpOnOpen() {
        Map<String, String> marker = index.commitData();
        long since;
        try {
            since = Long.parseLong(marker.getOrDefault(MARK_UPDATED, ""));
        } catch (NumberFormatException e) {
            return false;
        }
        if (!embedder.model().equals(marker.get(MARK_MODEL))) {
            return false;
        }
        long from = since - CATCH_UP_OVERLAP.toNanos();
        long latest;
        int changed = 0;
        // Other processes may write meanwhile (PostgreSQL), so a count taken during their writes may disagree
        // for a moment: catch up with what they wrote since, and count again, before giving up.
        for (int attempt = 1; ; attempt++) {
            latest = latestUpdate();
            changed += catchUp(from);
            refreshIndex();
            long active = db.read(h -> h.createQuery("SELECT COUNT(*) FROM memory_items WHERE status = 'active'")
                    .mapTo(Long.class).one());
            int documents = index.size();
            if (documents == active) {
                break;
            }
            if (attempt == 3) {
                LOG.info("memory index: {} documents after catching up, the database has {} active items; rebuilding",
                        documents, active);
                return false;
            }
            from = latest - CATCH_UP_OVERLAP.toNanos();
        }
        indexed(Math.max(since, latest));
        polled.accumulateAndGet(latest, Math::max);
        if (changed > 0) {
            commitIndex();
        }
        return true;
    }

    /**
     * Applies to the index every row whose {@code updated_ns} is at least {@code from}, a page at a time (in
     * the order of the index on {@code (updated_ns, project_id, id)}). Not visible before the next refresh.
     *
     * @return how many rows it applied
     */
    private int catchUp(long from) {
        String sql = "SELECT " + VECTOR_COLUMNS + " FROM memory_items"
                + " WHERE (updated_ns, project_id, id) > (:afterNs, :afterProject, :afterId)"
                + " ORDER BY updated_ns, project_id, id LIMIT " + REINDEX_BATCH;
        // (from, '', '') precedes every row stamped from on: project ids are never empty.
        long afterNs = from;
        String afterProject = "";
        String afterId = "";
        int count = 0;
        while (true) {
            long n = afterNs;
            String p = afterProject;
            String i = afterId;
            List<Stored> page = db.read(h -> h.createQuery(sql).bind("afterNs", n).bind("afterProject", p)
                    .bind("afterId", i).map((rs, ctx) -> readStored(rs)).list());
            if (page.isEmpty()) {
                return count;
            }
            apply(page);
            count += page.size();
            MemoryItem last = page.get(page.size() - 1).item();
            afterNs = nanos(last.updatedAt());
            afterProject = last.project();
            afterId = last.id();
        }
    }

    /**
     * Brings the index up to date with other processes' writes (PostgreSQL, where several servers may share
     * the database; the background runs it every {@link MemoryConfig#catchUpInterval}). Costs one indexed
     * {@code MAX(updated_ns)} when nothing changed. When something did, it reads the identities and versions
     * of the rows changed since the last catch-up (less {@link #CATCH_UP_OVERLAP}, for transactions that
     * committed late), and applies those the index does not hold in that version, under the write lock.
     */
    void catchUpWithOtherWriters() {
        if (latestUpdate() <= polled.get()) {
            return;
        }
        writeLock.lock();
        try {
            if (closed) {
                return;
            }
            long latest = latestUpdate();
            long from = polled.get() - CATCH_UP_OVERLAP.toNanos();
            record Version(Ref ref, long updatedNs) {
            }
            List<Version> changed = db.read(h -> h.createQuery(
                            "SELECT project_id, id, updated_ns FROM memory_items WHERE updated_ns >= :from")
                    .bind("from", from)
                    .map((rs, ctx) -> new Version(new Ref(rs.getString(1), rs.getString(2)), rs.getLong(3))).list());
            Map<String, List<String>> unseen = new TreeMap<>();
            for (Version v : changed) {
                if (!Long.valueOf(v.updatedNs()).equals(recent.get(v.ref()))) {
                    unseen.computeIfAbsent(v.ref().project(), p -> new ArrayList<>()).add(v.ref().id());
                }
            }
            for (Map.Entry<String, List<String>> e : unseen.entrySet()) {
                for (List<String> chunk : chunks(e.getValue())) {
                    List<Stored> rows = db.read(h -> h.createQuery("SELECT " + VECTOR_COLUMNS
                                    + " FROM memory_items WHERE project_id = :project AND id IN (<ids>)")
                            .bind("project", e.getKey()).bindList("ids", chunk)
                            .map((rs, ctx) -> readStored(rs)).list());
                    apply(rows);
                    rows.forEach(r -> recent.put(new Ref(r.item().project(), r.item().id()), nanos(r.item().updatedAt())));
                }
            }
            if (!unseen.isEmpty()) {
                indexed(latest);
                refreshIndex();
            }
            polled.accumulateAndGet(latest, Math::max);
            long horizon = polled.get() - CATCH_UP_OVERLAP.toNanos();
            recent.values().removeIf(ns -> ns < horizon);
        } finally {
            writeLock.unlock();
        }
    }

    /** The greatest {@code updated_ns} of the database (0 when it holds no item). */
    private long latestUpdate() {
        return db.read(h -> h.createQuery("SELECT MAX(updated_ns) FROM memory_items").mapTo(Long.class).findOne())
                .orElse(0L);
    }

    /** Records that the index holds every change up to {@code updatedNs}, for the next commit to say so. */
    private void indexed(long updatedNs) {
        applied.accumulateAndGet(updatedNs, Math::max);
        indexDirty.set(true);
    }

    /** A row of the database with its stored vector (null: none) and the model that made it. */
    private record Stored(MemoryItem item, float[] vector, String model) {
    }

    private static Stored readStored(ResultSet rs) throws SQLException {
        return new Stored(readItem(rs), Vectors.fromBytes(rs.getBytes("vector")), rs.getString("vector_model"));
    }

    /**
     * Makes the index agree with these rows: an active one is indexed (with its stored vector, or a fresh one
     * that is then stored), any other removed. Not visible to searches before the next refresh.
     */
    private void apply(List<Stored> rows) {
        List<Stored> active = rows.stream().filter(r -> r.item().status() == MemoryStatus.ACTIVE).toList();
        List<Stored> stale = active.stream().filter(r -> !usable(r)).toList();
        Map<String, float[]> fresh = new HashMap<>();
        if (!stale.isEmpty()) {
            List<float[]> vectors = embedder.embedAll(stale.stream().map(r -> r.item().text()).toList());
            for (int i = 0; i < stale.size(); i++) {
                fresh.put(stale.get(i).item().id(), vectors.get(i));
            }
            storeVectors(stale.stream().map(Stored::item).toList(), vectors);
        }
        for (Stored r : rows) {
            if (r.item().status() == MemoryStatus.ACTIVE) {
                index.upsert(document(r.item(), fresh.getOrDefault(r.item().id(), r.vector())));
            } else {
                index.delete(r.item().id());
            }
        }
    }

    /** Whether a stored vector can be indexed as it is: present, of this model, of this dimension. */
    private boolean usable(Stored r) {
        return r.vector() != null && embedder.model().equals(r.model()) && r.vector().length == embedder.dimension();
    }

    /**
     * Stores fresh vectors of existing items. An item's text never changes (a new text is a new item), so a
     * vector stays valid for its item; {@code updated_ns} does not move, since the content did not.
     */
    private void storeVectors(List<MemoryItem> items, List<float[]> vectors) {
        String model = embedder.model();
        db.write(h -> {
            PreparedBatch b = h.prepareBatch("UPDATE memory_items SET vector = :vector, vector_model = :model"
                    + " WHERE project_id = :project AND id = :id");
            for (int i = 0; i < items.size(); i++) {
                b.bind("vector", Vectors.toBytes(vectors.get(i))).bind("model", model)
                        .bind("project", items.get(i).project()).bind("id", items.get(i).id()).add();
            }
            b.execute();
            return null;
        });
    }

    private static IndexedDocument document(MemoryItem it, float[] vector) {
        // An item whose validTo passed before it was stored (it waited for the model) is still active, so it
        // is indexed (one document per active item), as valid only in the instant before validTo: never again.
        Instant validFrom = it.validTo() != null && !it.validTo().isAfter(it.validFrom())
                ? it.validTo().minusNanos(1) : it.validFrom();
        return new IndexedDocument(it.id(), it.project(), it.agent(), it.user() == null ? SHARED : it.user(),
                it.session() == null ? SHARED : it.session(), it.kind().wire(), it.status().wire(), it.text(), vector,
                validFrom, it.validTo());
    }

    /**
     * Commits the index now (an fsync), with a marker of what it holds: the greatest {@code updated_ns} it
     * has applied and the embedding model. Writes need not wait for it: they are searchable after a refresh,
     * and a crash loses only index changes that a catch-up re-applies from the database.
     */
    void commitIndex() {
        commitLock.lock();
        try {
            indexDirty.set(false);
            Map<String, String> marker = Map.of(MARK_UPDATED, Long.toString(applied.get()), MARK_MODEL, embedder.model());
            long upTo = unrefreshedSeq.get();
            try {
                index.commit(marker); // refreshes too
                unrefreshed.headMap(upTo, true).clear();
            } catch (RuntimeException | Error e) {
                indexDirty.set(true);
                throw e;
            }
        } finally {
            commitLock.unlock();
        }
    }

    private void commitIndexIfChanged() {
        if (indexDirty.get()) {
            commitIndex();
        }
    }

    /** The {@code updated_ns} the index's last commit says it holds (for tests). */
    long committedUpTo() {
        return Long.parseLong(index.commitData().getOrDefault(MARK_UPDATED, "-1"));
    }

    /**
     * Runs {@code hook} once, on the writer's thread, after the next group is decided and before it is stored,
     * so that a test can make another writer's change land in between (for tests).
     */
    void beforeNextPersist(Runnable hook) {
        beforePersist = hook;
    }

    /** How many times a group was decided again after meeting another process's write (for tests). */
    long conflicts() {
        return conflicts.get();
    }

    /** Writes waiting for the model (for tests that need a batch to form). */
    int queuedEmbeddings() {
        return embeddings.queued();
    }

    /** Whether opening rebuilt the index rather than caught it up (for tests). */
    boolean rebuiltOnOpen() {
        return rebuiltOnOpen;
    }

    /** The documents in the index: one per active item when it agrees with the database (for tests). */
    int indexSize() {
        refreshIndex();
        return index.size();
    }

    /**
     * Closes the way a crash would (for tests): the background work stops, and neither the retrieval counts
     * nor the index changes since its last commit are kept.
     */
    void abandon() {
        closed = true;
        embeddings.close();
        stopBackground();
        index.close();
    }

    /**
     * Stops the background work, letting a task in progress finish: Lucene must not be interrupted (an
     * interrupt closes the file channels under an index writer).
     */
    private void stopBackground() {
        maintenance.shutdown();
        try {
            if (!maintenance.awaitTermination(1, TimeUnit.MINUTES)) {
                LOG.warn("memory store: background work did not stop within a minute");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // --- snapshots ---

    @Override
    public MemorySnapshot snapshot(String project, String agent, String user, String session) {
        requireProject(project);
        if (agent == null || agent.isBlank()) {
            throw new BadInputException("agent", "required");
        }
        Instant now = clock.instant();
        List<MemoryItem> items = db.read(h -> h.createQuery("SELECT " + COLUMNS + " FROM memory_items WHERE " + IN_SCOPE
                        + " ORDER BY id")
                .bind("project", project).bind("agent", agent).bind("user", user).bind("session", session)
                .bind("now", nanos(now)).map((rs, ctx) -> readItem(rs)).list());
        TreeMap<String, String> hashes = new TreeMap<>();
        items.forEach(it -> hashes.put(it.id(), itemHash(it)));
        StringBuilder content = new StringBuilder();
        hashes.forEach((id, hash) -> content.append(id).append(' ').append(hash).append('\n'));
        String contentHash = Hashing.sha256Hex(content.toString());
        String id = "snap_" + Hashing.sha256Hex(String.join("\n", project, agent, Objects.toString(user, ""),
                Objects.toString(session, ""), contentHash)).substring(0, 32);
        long nowNs = nanos(now);
        db.write(h -> {
            int inserted = h.createUpdate("""
                            INSERT INTO memory_snapshots (project_id, id, agent, user_id, session_id, created_ns, item_count,
                                content_hash)
                            VALUES (:project, :id, :agent, :user, :session, :created, :count, :hash)
                            ON CONFLICT DO NOTHING""")
                    .bind("project", project).bind("id", id).bind("agent", agent).bind("user", user)
                    .bind("session", session).bind("created", nowNs).bind("count", hashes.size())
                    .bind("hash", contentHash).execute();
            if (inserted > 0 && !hashes.isEmpty()) {
                PreparedBatch b = h.prepareBatch("INSERT INTO memory_snapshot_items (project_id, snapshot_id, item_id,"
                        + " item_hash) VALUES (:project, :snapshot, :item, :hash)");
                hashes.forEach((item, hash) -> b.bind("project", project).bind("snapshot", id).bind("item", item)
                        .bind("hash", hash).add());
                b.execute();
            }
            return null;
        });
        return db.read(h -> h.createQuery("""
                        SELECT id, agent, user_id, session_id, created_ns, item_count, content_hash FROM memory_snapshots
                        WHERE project_id = :project AND id = :id""")
                .bind("project", project).bind("id", id)
                .map((rs, ctx) -> new MemorySnapshot(project, rs.getString("id"), rs.getString("agent"),
                        rs.getString("user_id"), rs.getString("session_id"), instant(rs.getLong("created_ns")),
                        rs.getInt("item_count"), rs.getString("content_hash")))
                .one());
    }

    /** The hash of what a snapshot pins of an item: everything a search could serve of it. */
    private static String itemHash(MemoryItem it) {
        return Hashing.sha256Hex(Json.write(Arrays.asList(it.id(), it.agent(), it.user(), it.session(), it.kind().wire(),
                it.text(), it.key(), it.value() == null ? null : it.value().text(), it.provenance(),
                nanosOrNull(it.validFrom()), nanosOrNull(it.validTo()), it.status().wire())));
    }

    @Override
    public MemoryDiff diff(String project, String a, String b) {
        requireProject(project);
        Map<String, String> left = snapshotItems(project, a);
        Map<String, String> right = snapshotItems(project, b);
        List<String> added = new ArrayList<>();
        List<String> removed = new ArrayList<>();
        List<String> changed = new ArrayList<>();
        for (Map.Entry<String, String> e : right.entrySet()) {
            String before = left.get(e.getKey());
            if (before == null) {
                added.add(e.getKey());
            } else if (!before.equals(e.getValue())) {
                changed.add(e.getKey());
            }
        }
        for (String id : left.keySet()) {
            if (!right.containsKey(id)) {
                removed.add(id);
            }
        }
        return new MemoryDiff(added, removed, changed);
    }

    private Map<String, String> snapshotItems(String project, String snapshotId) {
        return db.read(h -> {
            boolean exists = h.createQuery("SELECT COUNT(*) FROM memory_snapshots WHERE project_id = :project AND id = :id")
                    .bind("project", project).bind("id", snapshotId).mapTo(Long.class).one() > 0;
            if (!exists) {
                throw new NotFoundException("memory snapshot", snapshotId);
            }
            Map<String, String> out = new TreeMap<>();
            h.createQuery("SELECT item_id, item_hash FROM memory_snapshot_items WHERE project_id = :project"
                            + " AND snapshot_id = :id")
                    .bind("project", project).bind("id", snapshotId)
                    .map((rs, ctx) -> Map.entry(rs.getString(1), rs.getString(2)))
                    .forEach(e -> out.put(e.getKey(), e.getValue()));
            return out;
        });
    }

    /**
     * Closes the store: writes still waiting for the model fail, writes already embedded are applied, then
     * the background work stops, the retrieval counts are flushed and the index is committed (with its
     * marker) and closed. Later calls fail with {@link IllegalStateException}. Idempotent.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        embeddings.close();
        writeLock.lock();
        try {
            closed = true;
            while (!ready.isEmpty()) {
                applyGroup(nextGroup()); // fails them: the store is closed
            }
        } finally {
            writeLock.unlock();
        }
        stopBackground();
        try {
            flushRetrievals();
        } finally {
            try {
                commitIndex();
            } finally {
                index.close();
            }
        }
    }

    // --- helpers ---

    private static void requireProject(String project) {
        if (project == null || project.isBlank()) {
            throw new BadInputException("project", "required");
        }
    }

    private static MemoryItem readItem(ResultSet rs) throws SQLException {
        long validTo = rs.getLong("valid_to_ns");
        boolean noValidTo = rs.wasNull();
        String value = rs.getString("value");
        return new MemoryItem(
                rs.getString("project_id"),
                rs.getString("id"),
                rs.getString("agent"),
                rs.getString("user_id"),
                rs.getString("session_id"),
                MemoryKind.parse(rs.getString("kind")).orElseThrow(),
                rs.getString("text"),
                rs.getString("key"),
                JsonText.ofValid(value),
                readProvenance(rs.getString("provenance")),
                instant(rs.getLong("valid_from_ns")),
                noValidTo ? null : instant(validTo),
                MemoryStatus.parse(rs.getString("status")).orElseThrow(),
                rs.getString("superseded_by"),
                rs.getLong("times_retrieved"),
                rs.getLong("success_count"),
                rs.getLong("failure_count"),
                rs.getString("idempotency_key"),
                instant(rs.getLong("created_ns")),
                instant(rs.getLong("updated_ns")));
    }

    private static Provenance readProvenance(String json) {
        try {
            return Json.MAPPER.readValue(json, Provenance.class);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Optional<String> idByIdempotencyKey(String project, String key) {
        return db.read(h -> h.createQuery(
                        "SELECT id FROM memory_items WHERE project_id = :project AND idempotency_key = :key")
                .bind("project", project).bind("key", key).mapTo(String.class).findOne());
    }

    private static <T> List<List<T>> chunks(List<T> list) {
        List<List<T>> out = new ArrayList<>();
        for (int i = 0; i < list.size(); i += CHUNK) {
            out.add(list.subList(i, Math.min(list.size(), i + CHUNK)));
        }
        return out;
    }
}
