package dev.ratchet.feedback;

import static dev.ratchet.common.Times.instant;
import static dev.ratchet.common.Times.nanos;

import dev.ratchet.common.BadInputException;
import dev.ratchet.common.FieldError;
import dev.ratchet.common.Ids;
import dev.ratchet.common.JsonText;
import dev.ratchet.common.NotFoundException;
import dev.ratchet.store.Database;
import dev.ratchet.store.Dialect;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jdbi.v3.core.Handle;

/**
 * {@link ReviewQueue} over a {@link Database}, the same SQL on SQLite and PostgreSQL, rules in
 * {@link ProjectSettings} under {@link ProjectSettings#REVIEW_RULES}.
 *
 * <p>Concurrency. Every change runs in one {@link Database#write}. On SQLite writes are serialised by the one
 * writer, so reading and then writing within a write is race-free. On PostgreSQL (READ COMMITTED, several
 * replicas) the row a decision is about is locked first ({@code SELECT .. FOR UPDATE}) and the decision is
 * re-read after the lock: the item's row for {@link #next}, {@link #label} and {@link #skip} (so two
 * annotators never take the last slot of an item twice), and the trace's row for {@link #consider} (so two
 * replicas never open two items for one trace). Candidate items are locked in queue order, so two
 * {@code next} calls cannot deadlock.
 *
 * <p>An item needs {@code labelsRequired} labels; a slot is taken by a label or by a current assignment.
 * When the last label arrives the item is done and every label becomes one {@link FeedbackKind#REVIEW}
 * feedback (source annotator, value {@code "success"} or {@code "failure"}, idempotency key
 * {@code review:<item>:<annotator>}), recorded through the {@link FeedbackStore} inside the same transaction:
 * the item is done if and only if its verdicts are recorded. The outcome rules decide from those verdicts.
 */
public final class JdbcReviewQueue implements ReviewQueue {

    /** Reasons an item is in the queue. */
    public static final String DISPUTED = "disputed";
    public static final String LOW_CONFIDENCE = "low_confidence";
    public static final String SAMPLED = "sampled";
    public static final String TAG_PREFIX = "tag:";

    /** Most items one {@link #list} returns. */
    public static final int MAX_LIMIT = 1000;
    static final int MAX_LABELS_PER_ITEM = 10;
    static final int MAX_LABEL_LENGTH = 200;
    static final int MAX_COMMENT_LENGTH = 10_000;

    private static final String OPEN = "open";
    private static final String DONE = "done";
    private static final String ASSIGNED = "assigned";
    private static final String SKIPPED = "skipped";
    /** Candidates locked per round of {@link #next}, and rounds before giving up under heavy contention. */
    private static final int NEXT_CANDIDATES = 16;
    private static final int NEXT_ROUNDS = 8;

    private static final String ITEM_COLUMNS = "id, trace_id, reason, status, labels_required, created_ns, updated_ns";

    private static final String MY_ASSIGNMENT = """
            SELECT i.id FROM review_items i
            JOIN review_assignments a ON a.project_id = i.project_id AND a.item_id = i.id
            WHERE i.project_id = :project AND i.status = 'open' AND a.annotator_id = :annotator AND a.state = 'assigned'
            ORDER BY i.created_ns, i.id
            LIMIT 1
            """;

    private static final String CANDIDATES = """
            SELECT i.id FROM review_items i
            WHERE i.project_id = :project AND i.status = 'open'
              AND NOT EXISTS (SELECT 1 FROM review_assignments a
                              WHERE a.project_id = i.project_id AND a.item_id = i.id AND a.annotator_id = :annotator)
              AND NOT EXISTS (SELECT 1 FROM review_labels l
                              WHERE l.project_id = i.project_id AND l.item_id = i.id AND l.annotator_id = :annotator)
              AND (SELECT COUNT(*) FROM review_labels l WHERE l.project_id = i.project_id AND l.item_id = i.id)
                + (SELECT COUNT(*) FROM review_assignments a
                   WHERE a.project_id = i.project_id AND a.item_id = i.id AND a.state = 'assigned')
                < i.labels_required
            ORDER BY i.created_ns, i.id
            LIMIT :limit
            """;

    private static final String SLOTS = """
            SELECT (SELECT COUNT(*) FROM review_labels l WHERE l.project_id = :project AND l.item_id = :item)
                 + (SELECT COUNT(*) FROM review_assignments a
                    WHERE a.project_id = :project AND a.item_id = :item AND a.state = 'assigned') AS taken,
                   (SELECT a.state FROM review_assignments a
                    WHERE a.project_id = :project AND a.item_id = :item AND a.annotator_id = :annotator) AS mine,
                   (SELECT COUNT(*) FROM review_labels l
                    WHERE l.project_id = :project AND l.item_id = :item AND l.annotator_id = :annotator) AS labelled
            """;

    private static final String UPSERT_LABEL = """
            INSERT INTO review_labels (project_id, item_id, annotator_id, verdict, label, comment, created_ns)
            VALUES (:project, :item, :annotator, :verdict, :label, :comment, :now)
            ON CONFLICT (project_id, item_id, annotator_id) DO UPDATE SET
                verdict = excluded.verdict, label = excluded.label, comment = excluded.comment,
                created_ns = excluded.created_ns
            """;

    private static final String UPSERT_ASSIGNMENT = """
            INSERT INTO review_assignments (project_id, item_id, annotator_id, state, updated_ns)
            VALUES (:project, :item, :annotator, :state, :now)
            ON CONFLICT (project_id, item_id, annotator_id) DO UPDATE SET
                state = excluded.state, updated_ns = excluded.updated_ns
            """;

    private final Database db;
    private final ProjectSettings settings;
    private final FeedbackStore feedback;
    private final Clock clock;
    /** Appended to a SELECT that must lock its rows: PostgreSQL only, SQLite's one writer needs no lock. */
    private final String forUpdate;

    public JdbcReviewQueue(Database db, ProjectSettings settings, FeedbackStore feedback, Clock clock) {
        this.db = db;
        this.settings = settings;
        this.feedback = feedback;
        this.clock = clock;
        this.forUpdate = db.dialect() == Dialect.POSTGRESQL ? " FOR UPDATE" : "";
    }

    // --- rules ---

    @Override
    public ReviewRules rules(String projectId) {
        return settings.get(projectId, ProjectSettings.REVIEW_RULES, ReviewRules.class, ReviewRules.defaults());
    }

    /**
     * Validates and stores the rules; they apply to items created from now on (an item keeps the number of
     * labels it was created with).
     *
     * @throws BadInputException naming each bad field: {@code belowConfidence} outside [0, 1],
     *         {@code samplePercent} outside [0, 100], {@code labelsPerItem} outside 1..10, a blank
     *         {@code tags[i]}; then nothing is changed
     */
    @Override
    public void setRules(String projectId, ReviewRules rules) {
        settings.put(projectId, ProjectSettings.REVIEW_RULES, validate(rules));
    }

    static ReviewRules validate(ReviewRules rules) {
        if (rules == null) {
            throw new BadInputException("rules", "required");
        }
        List<FieldError> errors = new ArrayList<>();
        if (!(rules.belowConfidence() >= 0 && rules.belowConfidence() <= 1)) {
            errors.add(FieldError.of("belowConfidence", "must be between 0 and 1 (0 turns the rule off)"));
        }
        if (!(rules.samplePercent() >= 0 && rules.samplePercent() <= 100)) {
            errors.add(FieldError.of("samplePercent", "must be between 0 and 100"));
        }
        if (rules.labelsPerItem() < 1 || rules.labelsPerItem() > MAX_LABELS_PER_ITEM) {
            errors.add(FieldError.of("labelsPerItem", "must be between 1 and " + MAX_LABELS_PER_ITEM));
        }
        Set<String> tags = new LinkedHashSet<>();
        List<String> given = rules.tags() == null ? List.of() : rules.tags();
        for (int i = 0; i < given.size(); i++) {
            String tag = given.get(i);
            if (tag == null || tag.isBlank()) {
                errors.add(FieldError.of("tags[" + i + "]", "must not be blank"));
            } else {
                tags.add(tag);
            }
        }
        if (!errors.isEmpty()) {
            throw new BadInputException(errors);
        }
        return new ReviewRules(rules.disputed(), rules.belowConfidence(), rules.samplePercent(), List.copyOf(tags),
                rules.labelsPerItem());
    }

    // --- entering the queue ---

    /**
     * {@inheritDoc}
     *
     * <p>Reasons, first match wins: {@value #DISPUTED} (outcome disputed), {@value #LOW_CONFIDENCE} (outcome
     * confidence below the threshold), {@code tag:<tag>} (the first rule tag the trace carries),
     * {@value #SAMPLED} (the trace id's hash falls in the sample). Outcomes decided by review never re-enter
     * by the first two. A trace with an open item is not queued again, nor for a reason it was already
     * reviewed for; a trace that is not stored in the project is not queued. Atomic and durable.
     */
    @Override
    public Optional<ReviewItem> consider(String projectId, String traceId, List<String> tags, Outcome outcome) {
        ReviewRules rules = rules(projectId);
        List<String> reasons = reasons(rules, traceId, tags, outcome);
        if (reasons.isEmpty()) {
            return Optional.empty();
        }
        String id = Ids.newId(clock);
        long now = nanos(clock.instant());
        int labelsRequired = rules.labelsPerItem();
        return db.write(h -> {
            boolean traceExists = h.createQuery("SELECT id FROM traces WHERE project_id = :project AND id = :trace"
                            + forUpdate)
                    .bind("project", projectId)
                    .bind("trace", traceId)
                    .mapTo(String.class)
                    .findOne()
                    .isPresent();
            if (!traceExists) {
                return Optional.<ReviewItem>empty();
            }
            List<String[]> existing = h.createQuery(
                            "SELECT status, reason FROM review_items WHERE project_id = :project AND trace_id = :trace")
                    .bind("project", projectId)
                    .bind("trace", traceId)
                    .map((rs, ctx) -> new String[] {rs.getString("status"), rs.getString("reason")})
                    .list();
            Set<String> reviewedFor = new HashSet<>();
            for (String[] row : existing) {
                if (OPEN.equals(row[0])) {
                    return Optional.<ReviewItem>empty();
                }
                reviewedFor.add(row[1]);
            }
            for (String reason : reasons) {
                if (!reviewedFor.contains(reason)) {
                    h.createUpdate("INSERT INTO review_items (project_id, id, trace_id, reason, status, labels_required,"
                                    + " created_ns, updated_ns) VALUES (:project, :id, :trace, :reason, 'open', :required,"
                                    + " :now, :now)")
                            .bind("project", projectId)
                            .bind("id", id)
                            .bind("trace", traceId)
                            .bind("reason", reason)
                            .bind("required", labelsRequired)
                            .bind("now", now)
                            .execute();
                    return load(h, projectId, id);
                }
            }
            return Optional.<ReviewItem>empty();
        });
    }

    /** The reasons the rules give to review a trace, most specific first. */
    static List<String> reasons(ReviewRules rules, String traceId, List<String> tags, Outcome outcome) {
        List<String> reasons = new ArrayList<>();
        if (outcome != null && !outcome.reviewed()) {
            if (rules.disputed() && outcome.status() == OutcomeStatus.DISPUTED) {
                reasons.add(DISPUTED);
            }
            if (rules.belowConfidence() > 0 && outcome.confidence() < rules.belowConfidence()) {
                reasons.add(LOW_CONFIDENCE);
            }
        }
        if (tags != null && rules.tags() != null) {
            for (String tag : rules.tags()) {
                if (tags.contains(tag)) {
                    reasons.add(TAG_PREFIX + tag);
                }
            }
        }
        if (rules.samplePercent() > 0 && Sampling.inPercent(traceId, rules.samplePercent())) {
            reasons.add(SAMPLED);
        }
        return reasons;
    }

    // --- annotators ---

    /**
     * {@inheritDoc}
     *
     * <p>Atomic: the assignment is committed before this returns, and counts as a taken slot until the
     * annotator labels or skips the item.
     */
    @Override
    public Optional<ReviewItem> next(String projectId, String annotatorId) {
        requireAnnotator(annotatorId);
        long now = nanos(clock.instant());
        return db.write(h -> {
            Optional<String> mine = h.createQuery(MY_ASSIGNMENT)
                    .bind("project", projectId)
                    .bind("annotator", annotatorId)
                    .mapTo(String.class)
                    .findOne();
            if (mine.isPresent()) {
                return load(h, projectId, mine.get());
            }
            for (int round = 0; round < NEXT_ROUNDS; round++) {
                List<String> candidates = h.createQuery(CANDIDATES)
                        .bind("project", projectId)
                        .bind("annotator", annotatorId)
                        .bind("limit", NEXT_CANDIDATES)
                        .mapTo(String.class)
                        .list();
                if (candidates.isEmpty()) {
                    return Optional.<ReviewItem>empty();
                }
                for (String itemId : candidates) {
                    Optional<Locked> item = lock(h, projectId, itemId);
                    if (item.isEmpty() || !OPEN.equals(item.get().status())) {
                        continue; // done meanwhile
                    }
                    Slots slots = slots(h, projectId, itemId, annotatorId);
                    if (ASSIGNED.equals(slots.mine())) {
                        return load(h, projectId, itemId); // a concurrent call of the same annotator took it
                    }
                    if (slots.mine() != null || slots.labelled() || slots.taken() >= item.get().labelsRequired()) {
                        continue; // taken meanwhile
                    }
                    assign(h, projectId, itemId, annotatorId, ASSIGNED, now);
                    return load(h, projectId, itemId);
                }
            }
            return Optional.<ReviewItem>empty();
        });
    }

    /**
     * {@inheritDoc}
     *
     * <p>The annotator need not hold an assignment; their assignment, if any, ends. When this label completes
     * the item, the item is done and the verdicts are recorded as feedback in the same transaction.
     *
     * @throws BadInputException for a blank {@code annotatorId}, a {@code verdict} other than success or
     *         failure, a {@code label} over 200 or a {@code comment} over 10,000 characters, or a done item
     */
    @Override
    public ReviewItem label(String projectId, String itemId, ReviewLabel label) {
        if (label == null) {
            throw new BadInputException("label", "required");
        }
        List<FieldError> errors = new ArrayList<>();
        if (label.annotatorId() == null || label.annotatorId().isBlank()) {
            errors.add(FieldError.of("annotatorId", "required"));
        }
        if (label.verdict() != OutcomeStatus.SUCCESS && label.verdict() != OutcomeStatus.FAILURE) {
            errors.add(FieldError.of("verdict", "must be success or failure"));
        }
        if (label.label() != null && (label.label().isBlank() || label.label().length() > MAX_LABEL_LENGTH)) {
            errors.add(FieldError.of("label", "must be 1 to " + MAX_LABEL_LENGTH + " characters when given"));
        }
        if (label.comment() != null && label.comment().length() > MAX_COMMENT_LENGTH) {
            errors.add(FieldError.of("comment", "must be at most " + MAX_COMMENT_LENGTH + " characters"));
        }
        if (!errors.isEmpty()) {
            throw new BadInputException(errors);
        }
        Instant at = clock.instant();
        long now = nanos(at);
        String annotator = label.annotatorId();
        return db.write(h -> {
            Locked item = lockOpen(h, projectId, itemId, "labels");
            h.createUpdate(UPSERT_LABEL)
                    .bind("project", projectId)
                    .bind("item", itemId)
                    .bind("annotator", annotator)
                    .bind("verdict", label.verdict().wire())
                    .bind("label", label.label())
                    .bind("comment", label.comment())
                    .bind("now", now)
                    .execute();
            h.createUpdate("DELETE FROM review_assignments WHERE project_id = :project AND item_id = :item"
                            + " AND annotator_id = :annotator")
                    .bind("project", projectId)
                    .bind("item", itemId)
                    .bind("annotator", annotator)
                    .execute();
            List<ReviewLabel> labels = labels(h, projectId, List.of(itemId)).getOrDefault(itemId, List.of());
            boolean done = labels.size() >= item.labelsRequired();
            h.createUpdate("UPDATE review_items SET status = :status, updated_ns = :now"
                            + " WHERE project_id = :project AND id = :item")
                    .bind("status", done ? DONE : OPEN)
                    .bind("now", now)
                    .bind("project", projectId)
                    .bind("item", itemId)
                    .execute();
            if (done) {
                // Whoever still holds it has nothing left to do.
                h.createUpdate("DELETE FROM review_assignments WHERE project_id = :project AND item_id = :item"
                                + " AND state = 'assigned'")
                        .bind("project", projectId)
                        .bind("item", itemId)
                        .execute();
                List<Feedback> verdicts = new ArrayList<>(labels.size());
                for (ReviewLabel l : labels) {
                    verdicts.add(verdict(item.traceId(), itemId, l));
                }
                feedback.record(projectId, verdicts); // a nested write: joins this transaction
            }
            return load(h, projectId, itemId).orElseThrow();
        });
    }

    private Feedback verdict(String traceId, String itemId, ReviewLabel l) {
        return new Feedback(Ids.newId(clock), traceId, null, FeedbackKind.REVIEW,
                JsonText.ofValid(l.verdict() == OutcomeStatus.SUCCESS ? "\"success\"" : "\"failure\""), null,
                l.comment(), null, FeedbackSource.ANNOTATOR, l.annotatorId(), 1.0, l.createdAt(),
                "review:" + itemId + ":" + l.annotatorId());
    }

    /**
     * {@inheritDoc}
     *
     * @throws dev.ratchet.common.NotFoundException for an unknown item
     * @throws BadInputException for a blank annotator or a done item
     */
    @Override
    public ReviewItem skip(String projectId, String itemId, String annotatorId) {
        requireAnnotator(annotatorId);
        long now = nanos(clock.instant());
        return db.write(h -> {
            lockOpen(h, projectId, itemId, "skips");
            Slots slots = slots(h, projectId, itemId, annotatorId);
            if (!slots.labelled()) { // a label given stays; skipping then changes nothing
                assign(h, projectId, itemId, annotatorId, SKIPPED, now);
            }
            return load(h, projectId, itemId).orElseThrow();
        });
    }

    @Override
    public Optional<ReviewItem> get(String projectId, String itemId) {
        return db.read(h -> load(h, projectId, itemId));
    }

    /** {@inheritDoc} {@code limit} must be 1 to {@value #MAX_LIMIT}, else bad input naming {@code limit}. */
    @Override
    public List<ReviewItem> list(String projectId, ReviewItem.Status status, int limit) {
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new BadInputException("limit", "must be between 1 and " + MAX_LIMIT);
        }
        return db.read(h -> {
            List<ItemRow> rows = h.createQuery("SELECT " + ITEM_COLUMNS + " FROM review_items WHERE project_id = :project"
                            + (status == null ? "" : " AND status = :status")
                            + " ORDER BY created_ns, id LIMIT :limit")
                    .bind("project", projectId)
                    .bind("status", status == null ? null : status.wire())
                    .bind("limit", limit)
                    .map((rs, ctx) -> new ItemRow(rs.getString("id"), rs.getString("trace_id"), rs.getString("reason"),
                            rs.getString("status"), rs.getInt("labels_required"), rs.getLong("created_ns"),
                            rs.getLong("updated_ns")))
                    .list();
            return complete(h, projectId, rows);
        });
    }

    /**
     * {@inheritDoc}
     *
     * <p>Fields: {@code verdict} over the items with two or more labels, and {@code label} over those items'
     * categories when any was given (an annotator without a category is missing there). A field with no
     * pairable item is left out, so a project without such items gets no fields. Kappa is absent unless
     * exactly two annotators labelled all the items; kappa and alpha are absent where undefined (one
     * category throughout).
     */
    @Override
    public AgreementReport agreement(String projectId) {
        Map<String, Map<String, String>> verdicts = new LinkedHashMap<>();
        Map<String, Map<String, String>> categories = new LinkedHashMap<>();
        db.read(h -> h.createQuery("""
                        SELECT l.item_id, l.annotator_id, l.verdict, l.label FROM review_labels l
                        WHERE l.project_id = :project AND l.item_id IN (
                            SELECT item_id FROM review_labels WHERE project_id = :project
                            GROUP BY item_id HAVING COUNT(*) >= 2)
                        ORDER BY l.item_id, l.annotator_id""")
                .bind("project", projectId)
                .map((rs, ctx) -> new String[] {rs.getString("item_id"), rs.getString("annotator_id"),
                        rs.getString("verdict"), rs.getString("label")})
                .list())
                .forEach(row -> {
                    verdicts.computeIfAbsent(row[0], k -> new LinkedHashMap<>()).put(row[1], row[2]);
                    categories.computeIfAbsent(row[0], k -> new LinkedHashMap<>()).put(row[1], row[3]);
                });
        List<AgreementReport.Field> fields = new ArrayList<>();
        AgreementReport.Field verdict = Agreement.summarize("verdict", List.copyOf(verdicts.values()));
        if (verdict != null) {
            fields.add(verdict);
        }
        AgreementReport.Field category = Agreement.summarize("label", List.copyOf(categories.values()));
        if (category != null) {
            fields.add(category);
        }
        return new AgreementReport(List.copyOf(fields));
    }

    // --- rows ---

    private record Locked(String traceId, String status, int labelsRequired) {
    }

    private record Slots(int taken, String mine, boolean labelled) {
    }

    private record ItemRow(String id, String traceId, String reason, String status, int labelsRequired, long createdNs,
            long updatedNs) {
    }

    /** Locks the item's row (PostgreSQL) and reads it as it is now. */
    private Optional<Locked> lock(Handle h, String projectId, String itemId) {
        return h.createQuery("SELECT trace_id, status, labels_required FROM review_items"
                        + " WHERE project_id = :project AND id = :item" + forUpdate)
                .bind("project", projectId)
                .bind("item", itemId)
                .map((rs, ctx) -> new Locked(rs.getString("trace_id"), rs.getString("status"), rs.getInt("labels_required")))
                .findOne();
    }

    /** {@link #lock}, refusing an unknown item (not found) and a done one (bad input: it takes no more {@code what}). */
    private Locked lockOpen(Handle h, String projectId, String itemId, String what) {
        Locked item = lock(h, projectId, itemId).orElseThrow(() -> new NotFoundException("review item", itemId));
        if (!OPEN.equals(item.status())) {
            throw new BadInputException("itemId", "the item is done and takes no more " + what);
        }
        return item;
    }

    private static Slots slots(Handle h, String projectId, String itemId, String annotatorId) {
        return h.createQuery(SLOTS)
                .bind("project", projectId)
                .bind("item", itemId)
                .bind("annotator", annotatorId)
                .map((rs, ctx) -> new Slots(rs.getInt("taken"), rs.getString("mine"), rs.getInt("labelled") > 0))
                .one();
    }

    private static void assign(Handle h, String projectId, String itemId, String annotatorId, String state, long now) {
        h.createUpdate(UPSERT_ASSIGNMENT)
                .bind("project", projectId)
                .bind("item", itemId)
                .bind("annotator", annotatorId)
                .bind("state", state)
                .bind("now", now)
                .execute();
    }

    private static Optional<ReviewItem> load(Handle h, String projectId, String itemId) {
        List<ItemRow> rows = h.createQuery("SELECT " + ITEM_COLUMNS + " FROM review_items"
                        + " WHERE project_id = :project AND id = :item")
                .bind("project", projectId)
                .bind("item", itemId)
                .map((rs, ctx) -> new ItemRow(rs.getString("id"), rs.getString("trace_id"), rs.getString("reason"),
                        rs.getString("status"), rs.getInt("labels_required"), rs.getLong("created_ns"),
                        rs.getLong("updated_ns")))
                .list();
        return complete(h, projectId, rows).stream().findFirst();
    }

    /** The items of {@code rows} with their assignees and labels, in the order given. */
    private static List<ReviewItem> complete(Handle h, String projectId, List<ItemRow> rows) {
        if (rows.isEmpty()) {
            return List.of();
        }
        List<String> ids = rows.stream().map(ItemRow::id).toList();
        Map<String, List<String>> assignees = new LinkedHashMap<>();
        h.createQuery("SELECT item_id, annotator_id FROM review_assignments"
                        + " WHERE project_id = :project AND state = 'assigned' AND item_id IN (<ids>)"
                        + " ORDER BY updated_ns, annotator_id")
                .bind("project", projectId)
                .bindList("ids", ids)
                .map((rs, ctx) -> new String[] {rs.getString("item_id"), rs.getString("annotator_id")})
                .forEach(r -> assignees.computeIfAbsent(r[0], k -> new ArrayList<>()).add(r[1]));
        Map<String, List<ReviewLabel>> labels = labels(h, projectId, ids);
        List<ReviewItem> items = new ArrayList<>(rows.size());
        for (ItemRow r : rows) {
            items.add(new ReviewItem(r.id(), r.traceId(), r.reason(),
                    ReviewItem.Status.valueOf(r.status().toUpperCase(Locale.ROOT)), r.labelsRequired(),
                    List.copyOf(assignees.getOrDefault(r.id(), List.of())),
                    List.copyOf(labels.getOrDefault(r.id(), List.of())), instant(r.createdNs()),
                    instant(r.updatedNs())));
        }
        return items;
    }

    private static Map<String, List<ReviewLabel>> labels(Handle h, String projectId, List<String> itemIds) {
        Map<String, List<ReviewLabel>> labels = new LinkedHashMap<>();
        h.createQuery("SELECT item_id, annotator_id, verdict, label, comment, created_ns FROM review_labels"
                        + " WHERE project_id = :project AND item_id IN (<ids>) ORDER BY created_ns, annotator_id")
                .bind("project", projectId)
                .bindList("ids", itemIds)
                .map((rs, ctx) -> Map.entry(rs.getString("item_id"), new ReviewLabel(rs.getString("annotator_id"),
                        OutcomeStatus.parse(rs.getString("verdict")).orElse(OutcomeStatus.UNKNOWN),
                        rs.getString("label"), rs.getString("comment"), instant(rs.getLong("created_ns")))))
                .forEach(e -> labels.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).add(e.getValue()));
        return labels;
    }

    private static void requireAnnotator(String annotatorId) {
        if (annotatorId == null || annotatorId.isBlank()) {
            throw new BadInputException("annotatorId", "required");
        }
    }
}
