package dev.ratchet.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.ratchet.common.BadInputException;
import dev.ratchet.common.FieldError;
import dev.ratchet.common.JsonText;
import dev.ratchet.common.Times;
import dev.ratchet.store.Database;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What every {@link MemoryStore} must do, on the real bge model and a real Lucene index in a temporary folder.
 * Each engine extends this class and says how to open a fresh, empty database.
 */
public abstract class MemoryStoreContract {

    /** Loading the model is the slow part: one instance for every test of the JVM. */
    static final Embedder BGE = new BgeSmallEmbedder();
    private static final String P = "acme";
    private static final String AGENT = "support-bot";

    /** A clock the test moves by hand. */
    static final class MutableClock extends Clock {
        private Instant now = Instant.parse("2026-11-21T12:00:00Z");

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }
    }

    @TempDir
    Path indexDir;

    private final MutableClock clock = new MutableClock();
    private String url;
    private Database db;
    private JdbcMemoryStore store;

    /** The JDBC URL of a new, empty database (not migrated yet). */
    protected abstract String newDatabaseUrl();

    @BeforeEach
    void open() {
        url = newDatabaseUrl();
        db = Database.open(url);
        store = newStore(MemoryConfig.defaults());
    }

    @AfterEach
    void close() {
        if (store != null) {
            store.close();
        }
        if (db != null) {
            db.close();
        }
    }

    private JdbcMemoryStore newStore(MemoryConfig config) {
        return new JdbcMemoryStore(db, BGE, indexDir.resolve("memory"), clock, config);
    }

    private JdbcMemoryStore newStore(Embedder embedder, String indexName) {
        return new JdbcMemoryStore(db, embedder, indexDir.resolve(indexName), clock, MemoryConfig.defaults());
    }

    private static MemoryWrite fact(String text) {
        return MemoryWrite.of(AGENT, MemoryKind.FACT, text);
    }

    private String writeOne(MemoryWrite w) {
        return store.write(P, List.of(w)).get(0).id();
    }

    private List<String> searchIds(String project, MemorySearch s) {
        return store.search(project, s).stream().map(h -> h.item().id()).toList();
    }

    private List<String> searchIds(String query) {
        return searchIds(P, MemorySearch.of(AGENT, query, 10));
    }

    @Test
    void write_sameKeyNewValue_supersedesAndKeepsHistory() {
        String old = writeOne(MemoryWrite.of(AGENT, MemoryKind.PREFERENCE, "The customer's preferred language is French.")
                .withKey("preferred_language", JsonText.ofValid("\"fr\"")));
        clock.advance(Duration.ofMinutes(1));
        List<MemoryWriteResult> r = store.write(P, List.of(MemoryWrite.of(AGENT, MemoryKind.PREFERENCE,
                "The customer's preferred language is German.").withKey("preferred_language", JsonText.ofValid("\"de\""))));

        assertThat(r.get(0).action()).isEqualTo(MemoryWriteResult.Action.SUPERSEDED);
        assertThat(r.get(0).supersededId()).isEqualTo(old);
        String fresh = r.get(0).id();
        MemoryItem history = store.get(P, old).orElseThrow();
        assertThat(history.status()).isEqualTo(MemoryStatus.SUPERSEDED);
        assertThat(history.supersededBy()).isEqualTo(fresh);
        assertThat(history.validTo()).isEqualTo(clock.instant());
        assertThat(searchIds("which language does the customer prefer")).containsExactly(fresh);
        List<MemoryHit> byKey = store.search(P, MemorySearch.of(AGENT, "preferred_language", 5));
        assertThat(byKey.get(0).item().id()).isEqualTo(fresh);
        assertThat(byKey.get(0).signals()).contains(Signal.KEY);
    }

    @Test
    void write_paraphrase_mergesIntoOneItemWithBothProvenances() {
        String first = writeOne(fact("The customer prefers to be contacted by email.").withProvenance(Provenance.ofTraces("t-1")));
        clock.advance(Duration.ofMinutes(1));
        List<MemoryWriteResult> r = store.write(P, List.of(
                fact("The customer prefers being contacted by e-mail.").withProvenance(Provenance.ofTraces("t-2")),
                fact("Refunds above 500 euros need approval from a team lead.")));

        assertThat(r.get(0).action()).isEqualTo(MemoryWriteResult.Action.MERGED);
        assertThat(r.get(0).id()).isEqualTo(first);
        assertThat(r.get(1).action()).isEqualTo(MemoryWriteResult.Action.CREATED);
        assertThat(store.list(P, AGENT, MemoryStatus.ACTIVE, 100)).hasSize(2);
        MemoryItem merged = store.get(P, first).orElseThrow();
        assertThat(merged.provenance().traceIds()).containsExactly("t-1", "t-2");
        assertThat(merged.updatedAt()).isEqualTo(clock.instant());
    }

    @Test
    void write_paraphraseOfASearchableItem_mergesEvenWhenOtherAgentsHoldCloserCopies() {
        String mine = writeOne(fact("The customer prefers being contacted by e-mail."));
        for (int i = 0; i < 6; i++) {
            store.write(P, List.of(MemoryWrite.of("other-" + i, MemoryKind.FACT, "The customer prefers to be contacted by email.")));
        }
        store.search(P, MemorySearch.of(AGENT, "contact preference", 1)); // every item now visible to index searches

        // The six other agents' items are nearer than this agent's own: the scope's search must still find it.
        MemoryWriteResult r = store.write(P, List.of(fact("The customer prefers to be contacted by email."))).get(0);

        assertThat(r.action()).isEqualTo(MemoryWriteResult.Action.MERGED);
        assertThat(r.id()).isEqualTo(mine);
        assertThat(store.list(P, AGENT, MemoryStatus.ACTIVE, 100)).hasSize(1);
        assertThat(store.list(P, "other-0", MemoryStatus.ACTIVE, 100)).hasSize(1);
    }

    @Test
    void search_vectorWeightFromTheConfig_decidesBetweenKeywordAndParaphrase() {
        // The first shares the query's rare words; the second shares none, and is the closer in meaning.
        String keyword = writeOne(fact("The Iceland office uses blue wire for the server racks."));
        String paraphrase = writeOne(fact("Payments to that Nordic island nation are blocked by the sanctions filter."));
        String query = "why can't I wire money to Iceland";
        store.close();
        store = newStore(MemoryConfig.defaults().withVectorWeight(0.0).withRecency(Duration.ofDays(30), 0));
        List<MemoryHit> bm25 = store.search(P, MemorySearch.of(AGENT, query, 2));
        assertThat(bm25).extracting(h -> h.item().id()).containsExactly(keyword, paraphrase);
        assertThat(bm25.get(1).score()).isZero();
        store.close();
        store = newStore(MemoryConfig.defaults().withVectorWeight(1.0).withRecency(Duration.ofDays(30), 0));
        List<MemoryHit> vectors = store.search(P, MemorySearch.of(AGENT, query, 2));
        assertThat(vectors).extracting(h -> h.item().id()).containsExactly(paraphrase, keyword);
        assertThat(vectors.get(1).score()).isZero();
    }

    @Test
    void write_sameWordingAboutAnotherCustomerOrAmount_isNotMerged() {
        String ada = writeOne(fact("Ada Berg prefers to be contacted by email and speaks German."));
        List<MemoryWriteResult> r = store.write(P, List.of(
                fact("Ben Costa prefers to be contacted by email and speaks German."),
                fact("Refunds above 500 euros need approval from a team lead."),
                fact("Refunds above 800 euros need approval from a team lead.")));

        assertThat(r).extracting(MemoryWriteResult::action).containsOnly(MemoryWriteResult.Action.CREATED);
        assertThat(store.list(P, AGENT, MemoryStatus.ACTIVE, 100)).hasSize(4);
        assertThat(store.get(P, ada).orElseThrow().provenance()).isEqualTo(Provenance.none());
    }

    @Test
    void search_expiredItem_isNotReturned() {
        String shortLived = writeOne(fact("The office is closed on Friday for maintenance.").withTtl(Duration.ofHours(1)));
        String lasting = writeOne(fact("The office opens at nine in the morning."));
        assertThat(searchIds("when is the office open")).containsExactlyInAnyOrder(shortLived, lasting);

        clock.advance(Duration.ofHours(2));

        assertThat(searchIds("when is the office open")).containsExactly(lasting);
        assertThat(searchIds(P, MemorySearch.of(AGENT, "office closed Friday maintenance", 10))).doesNotContain(shortLived);
    }

    @Test
    void search_neverLeaksAcrossAgentsUsersOrProjects() {
        String shared = writeOne(fact("Invoices are sent on the first day of each month."));
        String alice = writeOne(fact("Alice wants her invoices sent to her accounting team.").withUser("alice"));
        String bob = writeOne(fact("Bob wants his invoices printed and mailed.").withUser("bob"));
        String session = writeOne(fact("In this conversation the invoice number is 4471.").withUser("alice").withSession("s-1"));
        String other = store.write(P, List.of(MemoryWrite.of("sales-bot", MemoryKind.FACT, "Invoices for leads go to sales.")))
                .get(0).id();
        String otherProject = store.write("globex", List.of(fact("Invoices at globex are quarterly."))).get(0).id();

        String q = "invoices";
        assertThat(searchIds(P, MemorySearch.of(AGENT, q, 10))).containsExactly(shared);
        assertThat(searchIds(P, MemorySearch.of(AGENT, q, 10).withUser("alice"))).containsExactlyInAnyOrder(shared, alice);
        assertThat(searchIds(P, MemorySearch.of(AGENT, q, 10).withUser("alice").withSession("s-1")))
                .containsExactlyInAnyOrder(shared, alice, session);
        assertThat(searchIds(P, MemorySearch.of(AGENT, q, 10).withUser("bob").withSession("s-1")))
                .containsExactlyInAnyOrder(shared, bob);
        assertThat(searchIds(P, MemorySearch.of("sales-bot", q, 10))).containsExactly(other);
        assertThat(searchIds("globex", MemorySearch.of(AGENT, q, 10))).containsExactly(otherProject);
        assertThat(searchIds("initech", MemorySearch.of(AGENT, q, 10))).isEmpty();
    }

    @Test
    void reindex_fromDatabase_givesSameResults() {
        store.write(P, List.of(
                fact("The billing system runs its nightly batch at 02:00 UTC."),
                fact("Passwords must be rotated every ninety days."),
                fact("Use the staging cluster for load tests, never production."),
                fact("Customer complaints about late deliveries go to logistics.")));
        List<String> queries = List.of("when does billing run", "password policy", "where to run load tests");
        List<List<String>> before = queries.stream().map(this::searchIds).toList();

        store.reindex(P);
        assertThat(queries.stream().map(this::searchIds).toList()).isEqualTo(before);

        store.reindex(null);
        assertThat(queries.stream().map(this::searchIds).toList()).isEqualTo(before);

        // A store opened on an empty index folder rebuilds it from the database.
        store.close();
        store = new JdbcMemoryStore(db, BGE, indexDir.resolve("fresh"), clock, MemoryConfig.defaults());
        assertThat(queries.stream().map(this::searchIds).toList()).isEqualTo(before);
    }

    @Test
    void write_sameIdempotencyKeyTwice_storesOnce() {
        MemoryWrite w = fact("The warehouse ships orders twice a day.").withIdempotencyKey("k-1");
        String id = writeOne(w);
        List<MemoryWriteResult> again = store.write(P, List.of(w, fact("A different text entirely about cats.").withIdempotencyKey("k-1")));

        assertThat(again).extracting(MemoryWriteResult::id).containsExactly(id, id);
        assertThat(again).extracting(MemoryWriteResult::action)
                .containsOnly(MemoryWriteResult.Action.DUPLICATE);
        assertThat(store.list(P, AGENT, null, 100)).hasSize(1);
    }

    @Test
    void write_overCapacity_expiresLowestValueItems() {
        store.close();
        store = newStore(MemoryConfig.defaults().withCapacityPerAgent(3));
        List<String> ids = store.write(P, List.of(
                fact("The cafeteria serves lunch from noon."),
                fact("Passwords must be rotated every ninety days."),
                fact("The weekly sync with the design team is on Tuesdays."))).stream().map(MemoryWriteResult::id).toList();
        store.recordUsage(P, List.of(ids.get(0), ids.get(1)), true);
        clock.advance(Duration.ofDays(1));

        String fresh = writeOne(fact("Ledger entry for account QX7731B was corrected after the audit."));

        assertThat(store.get(P, ids.get(2)).orElseThrow().status()).isEqualTo(MemoryStatus.EXPIRED);
        assertThat(store.list(P, AGENT, MemoryStatus.ACTIVE, 10)).extracting(MemoryItem::id)
                .containsExactlyInAnyOrder(ids.get(0), ids.get(1), fresh);
        assertThat(searchIds("design team weekly sync")).doesNotContain(ids.get(2));
    }

    @Test
    void write_capacity_countsActiveItemsOnly_throughSupersessionMergeAndPruning_andAcrossReopen() {
        store.close();
        MemoryConfig three = MemoryConfig.defaults().withCapacityPerAgent(3);
        store = newStore(three);
        String dana = writeOne(fact("The escalation contact is Dana.").withKey("escalation_contact", null));
        String support = writeOne(fact("The support line is open on weekdays."));
        writeOne(fact("Refunds above 500 euros need approval from a team lead."));
        store.write(P, List.of(MemoryWrite.of("another-agent", MemoryKind.FACT, "The cafeteria serves lunch from noon.")));

        // Neither a superseded item nor a merge adds an active item: still three, nothing expires.
        assertThat(store.write(P, List.of(fact("The escalation contact is Lee.").withKey("escalation_contact", null))))
                .extracting(MemoryWriteResult::supersededId).containsExactly(dana);
        assertThat(store.write(P, List.of(fact("The support line is open on weekdays!"))))
                .extracting(MemoryWriteResult::id).containsExactly(support);
        assertThat(store.list(P, AGENT, MemoryStatus.EXPIRED, 10)).isEmpty();
        assertThat(activeCount(AGENT)).isEqualTo(3);

        clock.advance(Duration.ofDays(1));
        writeOne(fact("Ledger entry for account QX7731B was corrected after the audit."));
        assertThat(store.list(P, AGENT, MemoryStatus.EXPIRED, 10)).hasSize(1);
        assertThat(store.list(P, AGENT, MemoryStatus.ACTIVE, 10)).hasSize(3);
        assertThat(activeCount(AGENT)).isEqualTo(3);
        assertThat(activeCount("another-agent")).isEqualTo(1);

        store.close();
        store = newStore(three);
        clock.advance(Duration.ofDays(1));
        writeOne(fact("Passwords must be rotated every ninety days."));
        assertThat(store.list(P, AGENT, MemoryStatus.EXPIRED, 10)).hasSize(2);
        assertThat(store.list(P, AGENT, MemoryStatus.ACTIVE, 10)).hasSize(3);
        assertThat(activeCount(AGENT)).isEqualTo(3);
    }

    /** The agent's active items by the store's kept count, checked against a count of the rows. */
    private long activeCount(String agent) {
        long rows = db.read(h -> h.createQuery(
                        "SELECT COUNT(*) FROM memory_items WHERE project_id = :p AND agent = :a AND status = 'active'")
                .bind("p", P).bind("a", agent).mapTo(Long.class).one());
        long kept = db.read(h -> h.createQuery("SELECT active FROM memory_active_counts WHERE project_id = :p AND agent = :a")
                .bind("p", P).bind("a", agent).mapTo(Long.class).one());
        assertThat(kept).as("kept count of %s", agent).isEqualTo(rows);
        return kept;
    }

    @Test
    void snapshot_sameStateSameId_diffListsChanges() {
        String a = writeOne(fact("The support line is open on weekdays."));
        String keyed = writeOne(fact("The escalation contact is Dana.").withKey("escalation_contact", null));
        MemorySnapshot s1 = store.snapshot(P, AGENT, null, null);
        clock.advance(Duration.ofMinutes(1));
        MemorySnapshot again = store.snapshot(P, AGENT, null, null);
        assertThat(again).isEqualTo(s1);
        assertThat(s1.itemCount()).isEqualTo(2);

        String added = writeOne(fact("Refunds above 500 euros need approval from a team lead."));
        List<MemoryWriteResult> sup = store.write(P, List.of(fact("The escalation contact is Lee.")
                .withKey("escalation_contact", null)));
        store.write(P, List.of(fact("The support line is open on weekdays!").withProvenance(Provenance.ofTraces("t-9"))));
        MemorySnapshot s2 = store.snapshot(P, AGENT, null, null);

        assertThat(s2.id()).isNotEqualTo(s1.id());
        MemoryDiff d = store.diff(P, s1.id(), s2.id());
        assertThat(d.added()).containsExactlyInAnyOrder(added, sup.get(0).id());
        assertThat(d.removed()).containsExactly(keyed);
        assertThat(d.changed()).containsExactly(a);
        assertThat(store.diff(P, s2.id(), s2.id())).isEqualTo(new MemoryDiff(List.of(), List.of(), List.of()));
    }

    @Test
    void reindex_storedVectors_embedsNothing() {
        store.close();
        CountingEmbedder counting = new CountingEmbedder(BGE);
        store = newStore(counting, "counted");
        store.write(P, List.of(
                fact("The billing system runs its nightly batch at 02:00 UTC."),
                fact("Passwords must be rotated every ninety days."),
                fact("Use the staging cluster for load tests, never production.")));
        List<String> before = searchIds("when does billing run");
        counting.reset();

        store.reindex(null);
        store.close();
        store = newStore(counting, "rebuilt-from-vectors");

        assertThat(counting.texts()).isZero();
        assertThat(searchIds("when does billing run")).isEqualTo(before);
    }

    @Test
    void reindex_itemWithoutVectorOrOfAnotherModel_isEmbeddedAgainAndStored() {
        store.close();
        CountingEmbedder counting = new CountingEmbedder(BGE);
        store = newStore(counting, "counted");
        List<String> ids = store.write(P, List.of(
                fact("The billing system runs its nightly batch at 02:00 UTC."),
                fact("Passwords must be rotated every ninety days."),
                fact("Use the staging cluster for load tests, never production."))).stream()
                .map(MemoryWriteResult::id).toList();
        List<String> before = searchIds("password rotation policy");
        // As an item written before vectors were stored, and one embedded by another model.
        db.write(h -> h.createUpdate("UPDATE memory_items SET vector = NULL, vector_model = NULL WHERE id = :id")
                .bind("id", ids.get(0)).execute());
        db.write(h -> h.createUpdate("UPDATE memory_items SET vector_model = 'another-model' WHERE id = :id")
                .bind("id", ids.get(1)).execute());
        counting.reset();

        store.reindex(P);

        assertThat(counting.texts()).isEqualTo(2);
        assertThat(searchIds("password rotation policy")).isEqualTo(before);
        for (String id : ids.subList(0, 2)) {
            float[] stored = storedVector(id);
            float[] expected = BGE.embed(store.get(P, id).orElseThrow().text());
            assertThat(stored).containsExactly(expected, org.assertj.core.data.Offset.offset(1e-6f));
        }
        counting.reset();
        store.reindex(P);
        assertThat(counting.texts()).isZero();
    }

    @Test
    void schema_secondActiveItemWithSameKeyInScope_isRefused() {
        insertRow("a", "active", "k", null, null);
        insertRow("b", "superseded", "k", null, null);
        insertRow("c", "active", "k", "alice", null);
        insertRow("d", "active", "k", "alice", "s-1");
        insertRow("e", "active", null, null, null);
        insertRow("f", "active", null, null, null);

        assertThatThrownBy(() -> insertRow("g", "active", "k", null, null))
                .satisfies(e -> assertThat(Database.isUniqueViolation(e)).isTrue());
        assertThatThrownBy(() -> insertRow("h", "active", "k", "alice", "s-1"))
                .satisfies(e -> assertThat(Database.isUniqueViolation(e)).isTrue());
        assertThat(store.list(P, AGENT, null, 100)).hasSize(6);
    }

    @Test
    void migration_activeDuplicatesOfOneKey_newestStaysActiveAndSupersedesTheOthers() {
        store.close();
        db.close();
        url = newDatabaseUrl();
        String folder = url.startsWith("jdbc:sqlite:") ? "sqlite" : "postgresql";
        Flyway.configure().dataSource(url, null, null).locations("classpath:db/migration/" + folder)
                .target("3").load().migrate();
        try (Connection c = DriverManager.getConnection(url)) {
            // Two processes raced before the unique index existed: three active items with one key.
            for (String[] row : List.of(new String[] {"old", "100"}, new String[] {"mid", "200"},
                    new String[] {"new", "300"})) {
                try (PreparedStatement ps = c.prepareStatement("""
                        INSERT INTO memory_items (project_id, id, agent, kind, text, key, provenance, valid_from_ns,
                            status, created_ns, updated_ns)
                        VALUES (?, ?, ?, 'fact', ?, 'contact', '{}', ?, 'active', ?, ?)""")) {
                    long ns = Long.parseLong(row[1]);
                    ps.setString(1, P);
                    ps.setString(2, row[0]);
                    ps.setString(3, AGENT);
                    ps.setString(4, "The contact is " + row[0] + ".");
                    ps.setLong(5, ns);
                    ps.setLong(6, ns);
                    ps.setLong(7, ns);
                    ps.executeUpdate();
                }
            }
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }

        db = Database.open(url);
        store = newStore(MemoryConfig.defaults());

        MemoryItem newest = store.get(P, "new").orElseThrow();
        assertThat(newest.status()).isEqualTo(MemoryStatus.ACTIVE);
        for (String id : List.of("old", "mid")) {
            MemoryItem it = store.get(P, id).orElseThrow();
            assertThat(it.status()).isEqualTo(MemoryStatus.SUPERSEDED);
            assertThat(it.supersededBy()).isEqualTo("new");
            assertThat(it.validTo()).isEqualTo(Times.instant(300));
            assertThat(it.updatedAt()).isEqualTo(Times.instant(301));
        }
        assertThat(searchIds("who is the contact")).containsExactly("new");
        assertThat(activeCount(AGENT)).as("counted by the migration").isEqualTo(1);
    }

    private float[] storedVector(String id) {
        return Vectors.fromBytes(db.read(h -> h.createQuery("SELECT vector FROM memory_items WHERE id = :id")
                .bind("id", id).mapTo(byte[].class).one()));
    }

    private void insertRow(String id, String status, String key, String user, String session) {
        db.write(h -> h.createUpdate("""
                        INSERT INTO memory_items (project_id, id, agent, user_id, session_id, kind, text, key, provenance,
                            valid_from_ns, status, created_ns, updated_ns)
                        VALUES (:project, :id, :agent, :user, :session, 'fact', 'text', :key, '{}', 1, :status, 1, 1)""")
                .bind("project", P).bind("id", id).bind("agent", AGENT).bind("user", user).bind("session", session)
                .bind("key", key).bind("status", status).execute());
    }

    @Test
    void search_countsRetrievalsInMemory_getAndListShowThemAfterFlush() {
        store.close();
        store = newStore(MemoryConfig.defaults().withRetrievalFlushInterval(Duration.ofHours(1)));
        String billing = writeOne(fact("The billing system runs its nightly batch at 02:00 UTC."));
        String other = writeOne(fact("Passwords must be rotated every ninety days."));
        for (int i = 0; i < 3; i++) {
            assertThat(store.search(P, MemorySearch.of(AGENT, "when does the billing batch run", 1)))
                    .extracting(h -> h.item().id()).containsExactly(billing);
        }
        assertThat(store.get(P, billing).orElseThrow().timesRetrieved()).isZero(); // not flushed yet

        store.flushRetrievals();

        assertThat(store.get(P, billing).orElseThrow().timesRetrieved()).isEqualTo(3);
        assertThat(store.get(P, other).orElseThrow().timesRetrieved()).isZero();
        assertThat(store.list(P, AGENT, MemoryStatus.ACTIVE, 10)).filteredOn(it -> it.id().equals(billing))
                .extracting(MemoryItem::timesRetrieved).containsExactly(3L);
        store.flushRetrievals(); // nothing pending: adds nothing
        assertThat(store.get(P, billing).orElseThrow().timesRetrieved()).isEqualTo(3);

        store.search(P, MemorySearch.of(AGENT, "when does the billing batch run", 1));
        store.close(); // flushes
        store = newStore(MemoryConfig.defaults());
        assertThat(store.get(P, billing).orElseThrow().timesRetrieved()).isEqualTo(4);
    }

    @Test
    void recordUsage_successAndFailure_countedDurablyWithoutMovingUpdatedAt() {
        List<String> ids = store.write(P, List.of(
                fact("The billing system runs its nightly batch at 02:00 UTC."),
                fact("Passwords must be rotated every ninety days."))).stream().map(MemoryWriteResult::id).toList();
        Instant written = clock.instant();
        clock.advance(Duration.ofHours(1));

        store.recordUsage(P, List.of(ids.get(0), ids.get(0), "no-such-item"), true);
        store.recordUsage(P, List.of(ids.get(0), ids.get(1)), false);
        store.recordUsage(P, List.of(ids.get(1)), false);
        store.recordUsage(P, List.of(), true);
        store.recordUsage("globex", List.of(ids.get(0)), true); // another project's id: unknown there

        MemoryItem first = store.get(P, ids.get(0)).orElseThrow();
        MemoryItem second = store.get(P, ids.get(1)).orElseThrow();
        assertThat(List.of(first.successCount(), first.failureCount())).containsExactly(1L, 1L);
        assertThat(List.of(second.successCount(), second.failureCount())).containsExactly(0L, 2L);
        assertThat(first.updatedAt()).isEqualTo(written);
        assertThat(second.updatedAt()).isEqualTo(written);
        assertThat(store.get("globex", ids.get(0))).isEmpty();
    }

    @Test
    void search_kinds_returnsOnlyThoseKinds() {
        String fact = writeOne(fact("The customer lives in Lyon and speaks French."));
        String preference = writeOne(MemoryWrite.of(AGENT, MemoryKind.PREFERENCE, "The customer prefers French."));
        String procedure = writeOne(MemoryWrite.of(AGENT, MemoryKind.PROCEDURE,
                "To answer in French, switch the reply template to fr-FR."));

        assertThat(searchIds("French")).containsExactlyInAnyOrder(fact, preference, procedure);
        assertThat(searchIds(P, new MemorySearch("French", AGENT, null, null, Set.of(MemoryKind.PREFERENCE), 10, null)))
                .containsExactly(preference);
        assertThat(searchIds(P, new MemorySearch("French", AGENT, null, null,
                Set.of(MemoryKind.FACT, MemoryKind.PROCEDURE), 10, null))).containsExactlyInAnyOrder(fact, procedure);
        assertThat(searchIds(P, new MemorySearch("French", AGENT, null, null, Set.of(MemoryKind.EXAMPLE), 10, null)))
                .isEmpty();
    }

    @Test
    void search_similarity_isTheCosineToTheQuery_comparableAcrossSearches() {
        String text = "Invoices are sent on the first day of each month.";
        String id = writeOne(fact(text));
        writeOne(fact("The cafeteria serves lunch from noon."));

        MemoryHit exact = store.search(P, MemorySearch.of(AGENT, text, 10)).get(0);
        List<MemoryHit> loose = store.search(P, MemorySearch.of(AGENT, "when do invoices go out", 10));
        MemoryHit near = loose.stream().filter(h -> h.item().id().equals(id)).findFirst().orElseThrow();

        assertThat(exact.item().id()).isEqualTo(id);
        assertThat(exact.similarity()).isCloseTo(1.0, within(1e-3));
        assertThat(near.similarity()).isBetween(0.3, 0.99);
        assertThat(near.score()).isEqualTo(loose.get(0).score()); // best of its own search, yet not as similar
    }

    @Test
    void search_minScore_dropsHitsScoredBelowIt() {
        store.write(P, List.of(
                fact("The billing system runs its nightly batch at 02:00 UTC."),
                fact("Invoices are sent on the first day of each month."),
                fact("Passwords must be rotated every ninety days."),
                fact("The cafeteria serves lunch from noon.")));
        List<MemoryHit> all = store.search(P, MemorySearch.of(AGENT, "billing batch schedule", 10));
        assertThat(all).hasSizeGreaterThan(2);
        double threshold = (all.get(0).score() + all.get(1).score()) / 2;
        assertThat(all.get(0).score()).isGreaterThan(all.get(1).score());

        List<MemoryHit> strict = store.search(P,
                new MemorySearch("billing batch schedule", AGENT, null, null, null, 10, threshold));

        assertThat(strict).extracting(h -> h.item().id()).containsExactly(all.get(0).item().id());
        assertThat(store.search(P, new MemorySearch("billing batch schedule", AGENT, null, null, null, 10, 0.0)))
                .hasSameSizeAs(all);
        assertThat(fields(() -> store.search(P, new MemorySearch("q", AGENT, null, null, null, 10, 1.5))))
                .containsExactly("minScore");
    }

    @Test
    void write_sameKeyTwiceInOneBatch_secondSupersedesFirstAndBothAreKept() {
        List<MemoryWriteResult> r = store.write(P, List.of(
                MemoryWrite.of(AGENT, MemoryKind.PREFERENCE, "The customer's preferred language is French.")
                        .withKey("preferred_language", JsonText.ofValid("\"fr\"")),
                MemoryWrite.of(AGENT, MemoryKind.PREFERENCE, "The customer's preferred language is German.")
                        .withKey("preferred_language", JsonText.ofValid("\"de\""))));

        assertThat(r).extracting(MemoryWriteResult::action)
                .containsExactly(MemoryWriteResult.Action.CREATED, MemoryWriteResult.Action.SUPERSEDED);
        assertThat(r.get(1).supersededId()).isEqualTo(r.get(0).id());
        MemoryItem first = store.get(P, r.get(0).id()).orElseThrow();
        MemoryItem second = store.get(P, r.get(1).id()).orElseThrow();
        assertThat(first.status()).isEqualTo(MemoryStatus.SUPERSEDED);
        assertThat(first.supersededBy()).isEqualTo(second.id());
        assertThat(first.validTo()).isEqualTo(clock.instant());
        assertThat(second.status()).isEqualTo(MemoryStatus.ACTIVE);
        assertThat(store.list(P, AGENT, null, 10)).hasSize(2);
        assertThat(store.search(P, MemorySearch.of(AGENT, "preferred_language", 5)))
                .extracting(h -> h.item().id()).containsExactly(second.id());
    }

    private static final List<String> QUERIES = List.of("who is the escalation contact", "when does billing run",
            "password policy", "where do delivery complaints go", "lunch");

    private List<List<String>> searchAll(JdbcMemoryStore s) {
        return QUERIES.stream().map(q -> s.search(P, MemorySearch.of(AGENT, q, 3)).stream()
                .map(h -> h.item().id()).toList()).toList();
    }

    @Test
    void open_afterCrash_catchesUpFromTheMarkerAndSearchesAsAFreshRebuild() {
        store.close();
        CountingEmbedder counting = new CountingEmbedder(BGE);
        MemoryConfig noBackgroundCommits = MemoryConfig.defaults().withIndexCommitInterval(Duration.ofHours(1));
        store = new JdbcMemoryStore(db, counting, indexDir.resolve("crashed"), clock, noBackgroundCommits);
        String dana = writeOne(fact("The escalation contact is Dana.").withKey("escalation_contact", null));
        String billing = writeOne(fact("The billing system runs its nightly batch at 02:00 UTC."));
        writeOne(fact("Passwords must be rotated every ninety days."));
        store.commitIndex();
        clock.advance(Duration.ofHours(1)); // what follows lies outside the catch-up window of what came before
        // Changes the crash will take from the index (never committed): new items, a supersession, a merge.
        String lee = writeOne(fact("The escalation contact is Lee.").withKey("escalation_contact", null));
        store.write(P, List.of(fact("Customer complaints about late deliveries go to logistics."),
                fact("The cafeteria serves lunch from noon.")));
        assertThat(store.write(P, List.of(fact("The billing system runs its nightly batch at 02:00 UTC every day."))).get(0).id())
                .isEqualTo(billing);
        store.abandon();
        counting.reset();

        store = new JdbcMemoryStore(db, counting, indexDir.resolve("crashed"), clock, noBackgroundCommits);

        assertThat(store.rebuiltOnOpen()).isFalse();
        assertThat(counting.texts()).as("every vector came from the database").isZero();
        assertThat(store.indexSize()).isEqualTo(store.list(P, AGENT, MemoryStatus.ACTIVE, 100).size()).isEqualTo(5);
        assertThat(store.search(P, MemorySearch.of(AGENT, "who is the escalation contact", 1)))
                .extracting(h -> h.item().id()).containsExactly(lee).doesNotContain(dana);
        JdbcMemoryStore rebuilt = newStore(BGE, "rebuilt");
        try {
            assertThat(rebuilt.rebuiltOnOpen()).isTrue();
            assertThat(searchAll(store)).isEqualTo(searchAll(rebuilt));
        } finally {
            rebuilt.close();
        }
    }

    @Test
    void open_changeTheCatchUpCannotSee_isFoundByTheCountAndRebuilds() {
        writeOne(fact("The billing system runs its nightly batch at 02:00 UTC."));
        store.close();
        // Another writer whose clock ran an hour behind, with no vector: the marker's window misses the row,
        // the count of active items does not.
        long stamp = Times.nanos(clock.instant().minus(Duration.ofHours(1)));
        db.write(h -> h.createUpdate("""
                        INSERT INTO memory_items (project_id, id, agent, kind, text, provenance, valid_from_ns, status,
                            created_ns, updated_ns)
                        VALUES (:project, 'late', :agent, 'fact', 'Passwords must be rotated every ninety days.', '{}',
                            :stamp, 'active', :stamp, :stamp)""")
                .bind("project", P).bind("agent", AGENT).bind("stamp", stamp).execute());
        CountingEmbedder counting = new CountingEmbedder(BGE);

        store = newStore(counting, "memory");

        assertThat(store.rebuiltOnOpen()).isTrue();
        assertThat(counting.texts()).as("only the row without a vector").isEqualTo(1);
        assertThat(searchIds("password rotation")).startsWith("late");
        assertThat(store.indexSize()).isEqualTo(2);
    }

    @Test
    void open_indexOfAnotherModel_rebuildsWithThisModel() {
        writeOne(fact("The billing system runs its nightly batch at 02:00 UTC."));
        writeOne(fact("Passwords must be rotated every ninety days."));
        store.close();
        CountingEmbedder renamed = new CountingEmbedder(BGE) {
            @Override
            public String model() {
                return "bge-small-renamed";
            }
        };

        store = newStore(renamed, "memory");

        assertThat(store.rebuiltOnOpen()).isTrue();
        assertThat(renamed.texts()).isEqualTo(2);
        List<String> models = db.read(h -> h.createQuery("SELECT DISTINCT vector_model FROM memory_items")
                .mapTo(String.class).list());
        assertThat(models).containsExactly("bge-small-renamed");
    }

    @Test
    void write_indexIsCommittedInTheBackground() throws InterruptedException {
        store.close();
        store = new JdbcMemoryStore(db, BGE, indexDir.resolve("background"), clock,
                MemoryConfig.defaults().withIndexCommitInterval(Duration.ofMillis(20)));
        store.write(P, List.of(fact("The billing system runs its nightly batch at 02:00 UTC."),
                fact("Passwords must be rotated every ninety days.")));
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (store.committedUpTo() < Times.nanos(clock.instant()) && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        store.abandon(); // a crash after the background commit keeps what it committed
        store = null;

        try (HybridIndex committed = HybridIndex.open(indexDir.resolve("background"), BGE.dimension())) {
            assertThat(committed.size()).isEqualTo(2);
        }
    }

    @Test
    void write_concurrentWritersOfOneItemEach_shareOneModelCallAndAllLand() throws Exception {
        store.close();
        GatedEmbedder model = new GatedEmbedder(BGE, Set.of());
        store = newStore(model, "gated");
        List<String> texts = List.of("The billing system runs its nightly batch at 02:00 UTC.",
                "Passwords must be rotated every ninety days.", "Use the staging cluster for load tests.",
                "Customer complaints about late deliveries go to logistics.", "The cafeteria serves lunch from noon.",
                "Invoices are archived for ten years.", "The weekly design sync is on Tuesdays.",
                "Refunds above 500 euros need a team lead.", "The mobile app crashes on very large photos.");
        ExecutorService writers = Executors.newFixedThreadPool(texts.size());
        try {
            List<Future<String>> ids = new ArrayList<>();
            ids.add(writers.submit(() -> writeOne(fact(texts.get(0)))));
            model.awaitFirstCall();
            for (String text : texts.subList(1, texts.size())) {
                ids.add(writers.submit(() -> writeOne(fact(text))));
            }
            long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
            while (store.queuedEmbeddings() < texts.size() - 1 && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }

            model.open();

            for (int i = 0; i < texts.size(); i++) {
                String id = ids.get(i).get();
                assertThat(store.search(P, MemorySearch.of(AGENT, texts.get(i), 1)))
                        .extracting(h -> h.item().id()).containsExactly(id);
            }
        } finally {
            writers.shutdownNow();
        }
        assertThat(model.calls()).as("the first write, then all that queued behind it").isEqualTo(2);
        assertThat(model.texts()).isEqualTo(texts.size());
        assertThat(store.list(P, AGENT, MemoryStatus.ACTIVE, 100)).hasSize(texts.size());
    }

    @Test
    void write_modelFails_storesNothing() {
        store.close();
        store = newStore(new GatedEmbedder(BGE, Set.of("The model refuses this text.")) {
            {
                open();
            }
        }, "failing");
        writeOne(fact("The office opens at nine in the morning."));

        assertThatThrownBy(() -> store.write(P, List.of(fact("A fine text."), fact("The model refuses this text."))))
                .isInstanceOf(EmbeddingException.class);

        assertThat(store.list(P, AGENT, null, 10)).hasSize(1);
        assertThat(store.indexSize()).isEqualTo(1);
    }

    @Test
    void writeAndSearch_afterClose_areRefused() {
        store.close();
        assertThatThrownBy(() -> writeOne(fact("Too late."))).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> searchIds("too late")).isInstanceOf(IllegalStateException.class);
        store.close(); // idempotent
        store = null;
    }

    @Test
    void write_anotherWriterSupersedesTheItemMeanwhile_isDecidedAgainAndSupersedesItsSuccessor() {
        JdbcMemoryStore other = newStore(BGE, "other-process");
        try {
            String dana = writeOne(fact("The escalation contact is Dana.").withKey("escalation_contact", null));
            clock.advance(Duration.ofMinutes(1));
            List<String> lee = new ArrayList<>();
            store.beforeNextPersist(() -> lee.add(other.write(P, List.of(fact("The escalation contact is Lee.")
                    .withKey("escalation_contact", null))).get(0).id()));

            List<MemoryWriteResult> kim = store.write(P, List.of(fact("The escalation contact is Kim.")
                    .withKey("escalation_contact", null)));

            assertThat(store.conflicts()).isEqualTo(1);
            assertThat(kim.get(0).supersededId()).isEqualTo(lee.get(0));
            assertThat(store.get(P, dana).orElseThrow().supersededBy()).isEqualTo(lee.get(0));
            assertThat(store.get(P, lee.get(0)).orElseThrow().supersededBy()).isEqualTo(kim.get(0).id());
            assertThat(store.list(P, AGENT, MemoryStatus.ACTIVE, 10)).extracting(MemoryItem::id)
                    .containsExactly(kim.get(0).id());
        } finally {
            other.close();
        }
    }

    @Test
    void write_anotherWriterCreatesTheSameKeyMeanwhile_isDecidedAgainAndSupersedesIt() {
        JdbcMemoryStore other = newStore(BGE, "other-process");
        try {
            List<String> first = new ArrayList<>();
            store.beforeNextPersist(() -> first.add(other.write(P, List.of(fact("The escalation contact is Dana.")
                    .withKey("escalation_contact", null))).get(0).id()));

            List<MemoryWriteResult> lee = store.write(P, List.of(fact("The escalation contact is Lee.")
                    .withKey("escalation_contact", null)));

            assertThat(store.conflicts()).as("the unique index refused a second active item").isEqualTo(1);
            assertThat(lee.get(0).action()).isEqualTo(MemoryWriteResult.Action.SUPERSEDED);
            assertThat(lee.get(0).supersededId()).isEqualTo(first.get(0));
            assertThat(store.list(P, AGENT, MemoryStatus.ACTIVE, 10)).extracting(MemoryItem::id)
                    .containsExactly(lee.get(0).id());
        } finally {
            other.close();
        }
    }

    @Test
    void write_anotherWriterMergesIntoTheItemMeanwhile_keepsBothProvenances() {
        JdbcMemoryStore other = newStore(BGE, "other-process");
        try {
            String id = writeOne(fact("The customer prefers to be contacted by email.")
                    .withProvenance(Provenance.ofTraces("t-1")));
            other.reindex(P);
            clock.advance(Duration.ofMinutes(1));
            store.beforeNextPersist(() -> other.write(P, List.of(fact("The customer prefers being contacted by e-mail.")
                    .withProvenance(Provenance.ofTraces("t-2")))));

            List<MemoryWriteResult> r = store.write(P, List.of(fact("The customer likes to be contacted by email.")
                    .withProvenance(Provenance.ofTraces("t-3"))));

            assertThat(r.get(0).action()).isEqualTo(MemoryWriteResult.Action.MERGED);
            assertThat(store.conflicts()).as("the item changed after it was read").isEqualTo(1);
            assertThat(store.get(P, id).orElseThrow().provenance().traceIds()).containsExactly("t-1", "t-2", "t-3");
        } finally {
            other.close();
        }
    }

    @Test
    void badInput_isNamedAndChangesNothing() {
        assertThat(fields(() -> store.write(P, List.of(fact("")))) ).containsExactly("0:text");
        assertThat(fields(() -> store.write(P, List.of(fact("ok"), fact("x".repeat(8_001)))))).containsExactly("1:text");
        assertThat(fields(() -> store.write(P, List.of(new MemoryWrite(AGENT, null, null, "rumour", "text", null, null,
                null, null, null, null))))).containsExactly("0:kind");
        assertThat(fields(() -> store.write(P, List.of(MemoryWrite.of(" ", MemoryKind.FACT, "text"))))).containsExactly("0:agent");
        assertThat(fields(() -> store.write(P, List.of(fact("text").withKey("k".repeat(257), null))))).containsExactly("0:key");
        assertThat(fields(() -> store.write(P, List.of(fact("text").withTtl(Duration.ofSeconds(-1)))))).containsExactly("0:ttl");
        assertThat(fields(() -> store.search(P, MemorySearch.of(AGENT, "q", 0)))).containsExactly("k");
        assertThat(fields(() -> store.search(P, MemorySearch.of(AGENT, "q", 101)))).containsExactly("k");
        assertThat(fields(() -> store.search(P, MemorySearch.of(null, "q", 5)))).containsExactly("agent");
        assertThat(fields(() -> store.search(P, MemorySearch.of(AGENT, " ", 5)))).containsExactly("query");
        assertThat(store.list(P, AGENT, null, 100)).isEmpty();
    }

    private static List<String> fields(Runnable r) {
        BadInputException e = catchThrowableOfType(BadInputException.class, r::run);
        assertThat(e).isNotNull();
        return e.errors().stream().map(MemoryStoreContract::name).collect(Collectors.toList());
    }

    private static String name(FieldError f) {
        return f.item() == null ? f.field() : f.item() + ":" + f.field();
    }
}
