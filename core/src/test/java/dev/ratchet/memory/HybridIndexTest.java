package dev.ratchet.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ratchet.common.BadInputException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.lucene.analysis.standard.StandardAnalyzer;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.StringField;
import org.apache.lucene.document.TextField;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.store.FSDirectory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A real Lucene index on disk over a small corpus embedded by the real bge model. */
class HybridIndexTest {

    private static final Embedder BGE = new BgeSmallEmbedder();
    private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");

    @TempDir
    Path dir;

    private HybridIndex index;

    @BeforeEach
    void open() {
        index = HybridIndex.open(dir, BGE.dimension());
    }

    @AfterEach
    void close() {
        index.close();
    }

    private static IndexedDocument doc(String id, String text) {
        return doc(id, "p1", "agent-a", text);
    }

    private static IndexedDocument doc(String id, String project, String agent, String text) {
        return new IndexedDocument(id, project, agent, null, null, "fact", "active", text, BGE.embed(text), null, null);
    }

    private void indexCorpus() {
        List<String> texts = List.of(
                "The customer prefers to be contacted by email rather than phone.",
                "Refunds above 500 euros need approval from a team lead.",
                "The billing system runs its nightly batch at 02:00 UTC.",
                "Invoices are archived for ten years for tax reasons.",
                "Use the staging cluster for load tests, never production.",
                "The weekly sync with the design team is on Tuesdays.",
                "Customer complaints about late deliveries go to logistics.",
                "Passwords must be rotated every ninety days.",
                "Ledger entry for account QX7731B was corrected after the audit.",
                "The mobile app crashes when the user uploads a very large photo.");
        for (int i = 0; i < texts.size(); i++) {
            index.upsert(doc("d" + i, texts.get(i)));
        }
        index.commit();
    }

    private List<IndexHit> hybrid(String query, IndexFilter filter, int k, int candidates) {
        return index.search(query, BGE.embed(query), filter, k, candidates);
    }

    private static List<String> ids(List<IndexHit> hits) {
        return hits.stream().map(IndexHit::id).toList();
    }

    @Test
    void search_rareToken_isFoundByBm25EvenWhenVectorPoolMissesIt() {
        indexCorpus();
        // About password rotation in meaning (d7), sharing no word with it, but naming the account code only d8 contains.
        String query = "How often should the login secret for QX7731B be renewed?";
        float[] v = BGE.embed(query);
        IndexFilter f = IndexFilter.project("p1");
        List<IndexHit> vectorOnly = index.search(new SearchRequest(query, v, f, 1, 1, RetrievalMode.VECTOR_ONLY, 0.5));
        assertThat(ids(vectorOnly)).as("precondition: the vector pool of 1 misses d8").doesNotContain("d8");

        List<IndexHit> hits = index.search(query, v, f, 4, 1);
        IndexHit d8 = hits.stream().filter(h -> h.id().equals("d8")).findFirst().orElseThrow();
        assertThat(d8.signals()).containsExactly(Signal.BM25);
        assertThat(d8.bm25Score()).isPositive();
        assertThat(d8.vectorScore()).isNull();
    }

    @Test
    void search_paraphraseWithNoSharedWords_isFoundByVectors() {
        indexCorpus();
        // Shares no word with d7 ("Passwords must be rotated every ninety days.").
        List<IndexHit> hits = hybrid("how often should credentials change", IndexFilter.project("p1"), 3, 5);
        assertThat(hits.get(0).id()).isEqualTo("d7");
        assertThat(hits.get(0).signals()).containsExactly(Signal.VECTOR);
        assertThat(hits.get(0).bm25Score()).isNull();
        assertThat(hits.get(0).vectorScore()).isBetween(0.0, 1.0);
    }

    @Test
    void search_bothSignalsAgree_hitCarriesBothScores() {
        indexCorpus();
        List<IndexHit> hits = hybrid("refund approval team lead", IndexFilter.project("p1"), 3, 5);
        assertThat(hits.get(0).id()).isEqualTo("d1");
        assertThat(hits.get(0).signals()).containsExactlyInAnyOrder(Signal.BM25, Signal.VECTOR);
        assertThat(hits.get(0).score()).isEqualTo(1.0);
    }

    @Test
    void search_scoresAreSortedDescending() {
        indexCorpus();
        List<IndexHit> hits = hybrid("customer email delivery complaints", IndexFilter.project("p1"), 10, 10);
        assertThat(hits).hasSizeGreaterThan(3);
        for (int i = 1; i < hits.size(); i++) {
            assertThat(hits.get(i).score()).isLessThanOrEqualTo(hits.get(i - 1).score());
        }
        assertThat(hits).allSatisfy(h -> assertThat(h.score()).isBetween(0.0, 1.0));
    }

    @Test
    void search_otherProjectOrAgentOrUser_neverLeaks() {
        String text = "The customer prefers to be contacted by email rather than phone.";
        index.upsert(doc("mine", "p1", "agent-a", text));
        index.upsert(doc("other-project", "p2", "agent-a", text));
        index.upsert(doc("other-agent", "p1", "agent-b", text));
        index.upsert(new IndexedDocument("other-user", "p1", "agent-a", "bob", null, "fact", "active", text, BGE.embed(text), null, null));
        index.upsert(new IndexedDocument("my-user", "p1", "agent-a", "alice", null, "fact", "active", text, BGE.embed(text), null, null));
        index.refresh();
        for (RetrievalMode mode : RetrievalMode.values()) {
            IndexFilter agentA = IndexFilter.project("p1").withAgent("agent-a");
            assertThat(ids(index.search(new SearchRequest(text, BGE.embed(text), agentA, 10, 10, mode, 0.5))))
                    .as(mode.name()).containsExactlyInAnyOrder("mine", "other-user", "my-user");
            assertThat(ids(index.search(new SearchRequest(text, BGE.embed(text), agentA.withUser("alice"), 10, 10, mode, 0.5))))
                    .as(mode.name()).containsExactly("my-user");
            assertThat(ids(index.search(new SearchRequest(text, BGE.embed(text), IndexFilter.project("p2"), 10, 10, mode, 0.5))))
                    .as(mode.name()).containsExactly("other-project");
        }
    }

    @Test
    void search_expiredItem_isNotReturned() {
        String text = "The office wifi password is on the fridge.";
        float[] v = BGE.embed(text);
        index.upsert(new IndexedDocument("expired", "p1", null, null, null, "fact", "active", text, v, null, NOW.minusSeconds(1)));
        index.upsert(new IndexedDocument("expires-now", "p1", null, null, null, "fact", "active", text, v, null, NOW));
        index.upsert(new IndexedDocument("future", "p1", null, null, null, "fact", "active", text, v, NOW.plusSeconds(60), null));
        index.upsert(new IndexedDocument("valid", "p1", null, null, null, "fact", "active", text, v, NOW.minusSeconds(60), NOW.plusSeconds(60)));
        index.refresh();
        for (RetrievalMode mode : RetrievalMode.values()) {
            assertThat(ids(index.search(new SearchRequest(text, v, IndexFilter.project("p1").validAt(NOW), 10, 10, mode, 0.5))))
                    .as(mode.name()).containsExactly("valid");
        }
        assertThat(index.search(text, v, IndexFilter.project("p1"), 10, 10)).hasSize(4);
    }

    @Test
    void search_kindAndStatusFilters_matchAnyOfTheirValues() {
        String text = "Deploys happen on Wednesdays.";
        float[] v = BGE.embed(text);
        index.upsert(new IndexedDocument("a", "p1", null, null, null, "fact", "active", text, v, null, null));
        index.upsert(new IndexedDocument("b", "p1", null, null, null, "rule", "active", text, v, null, null));
        index.upsert(new IndexedDocument("c", "p1", null, null, null, "rule", "superseded", text, v, null, null));
        index.refresh();
        IndexFilter f = IndexFilter.project("p1").withKinds(Set.of("fact", "rule")).withStatuses(Set.of("active"));
        assertThat(ids(index.search(text, v, f, 10, 10))).containsExactlyInAnyOrder("a", "b");
    }

    @Test
    void upsert_sameId_replacesTheDocument() {
        index.upsert(doc("x", "The deadline for the report is Friday."));
        index.commit();
        index.upsert(doc("x", "Lunch is served in the cafeteria at noon."));
        index.refresh();
        assertThat(index.search(new SearchRequest("deadline report Friday", null, IndexFilter.project("p1"), 5, 5,
                RetrievalMode.BM25_ONLY, 0.5))).isEmpty();
        List<IndexHit> hits = hybrid("cafeteria lunch", IndexFilter.project("p1"), 5, 5);
        assertThat(ids(hits)).containsExactly("x");
    }

    @Test
    void delete_removesTheDocument() {
        indexCorpus();
        index.delete("d1");
        index.delete("never-there");
        index.refresh();
        assertThat(ids(hybrid("refund approval team lead", IndexFilter.project("p1"), 10, 10))).doesNotContain("d1").hasSize(9);
    }

    @Test
    void size_countsTheDocumentsSearchesSee() {
        assertThat(index.size()).isZero();
        index.upsert(doc("a", "First document."));
        index.upsert(doc("b", "Second document."));
        assertThat(index.size()).as("not refreshed yet").isZero();
        index.refresh();
        assertThat(index.size()).isEqualTo(2);
        index.upsert(doc("a", "First document, replaced."));
        index.delete("b");
        index.refresh();
        assertThat(index.size()).isEqualTo(1);
    }

    @Test
    void open_afterCommitAndClose_givesTheSameResults() {
        indexCorpus();
        List<IndexHit> before = new ArrayList<>();
        for (String q : List.of("QX7731B", "how often should credentials change", "customer email")) {
            before.addAll(hybrid(q, IndexFilter.project("p1"), 5, 5));
        }
        index.close();
        index = HybridIndex.open(dir, BGE.dimension());
        List<IndexHit> after = new ArrayList<>();
        for (String q : List.of("QX7731B", "how often should credentials change", "customer email")) {
            after.addAll(hybrid(q, IndexFilter.project("p1"), 5, 5));
        }
        assertThat(after).isEqualTo(before);
    }

    @Test
    void search_inflectedQueryWord_matchesTheStemInBm25() {
        indexCorpus();
        List<IndexHit> hits = index.search(new SearchRequest("rotating password", null, IndexFilter.project("p1"), 3, 10,
                RetrievalMode.BM25_ONLY, 0));
        assertThat(ids(hits)).first().isEqualTo("d7");
    }

    @Test
    void search_stopWordsOnly_matchNothingInBm25() {
        indexCorpus();
        assertThat(index.search(new SearchRequest("the is for", null, IndexFilter.project("p1"), 3, 10,
                RetrievalMode.BM25_ONLY, 0))).isEmpty();
    }

    @Test
    void open_indexOfAnOlderFormat_isEmptiedWithItsCommitData() throws Exception {
        index.close();
        // An index as the previous format left it: documents and commit data, but no format entry.
        try (FSDirectory directory = FSDirectory.open(dir);
                IndexWriter writer = new IndexWriter(directory, new IndexWriterConfig(new StandardAnalyzer()))) {
            Document d = new Document();
            d.add(new StringField(HybridIndex.ID, "old", Field.Store.YES));
            d.add(new StringField(HybridIndex.PROJECT, "p1", Field.Store.NO));
            d.add(new TextField(HybridIndex.TEXT, "an old ledger entry", Field.Store.NO));
            writer.addDocument(d);
            writer.setLiveCommitData(Map.of("marker", "42").entrySet());
            writer.commit();
        }
        index = HybridIndex.open(dir, BGE.dimension());
        assertThat(index.commitData()).isEmpty();
        assertThat(index.search(new SearchRequest("ledger", null, IndexFilter.project("p1"), 3, 10,
                RetrievalMode.BM25_ONLY, 0))).isEmpty();
        index.commit(Map.of("marker", "43"));
        index.close();
        index = HybridIndex.open(dir, BGE.dimension());
        assertThat(index.commitData()).containsExactly(Map.entry("marker", "43"));
    }

    @Test
    void close_withoutCommit_dropsUncommittedChanges() {
        index.upsert(doc("kept", "Committed before the close."));
        index.commit();
        index.upsert(doc("lost", "Never committed."));
        index.close();
        index = HybridIndex.open(dir, BGE.dimension());
        assertThat(ids(hybrid("committed close", IndexFilter.project("p1"), 5, 5))).containsExactly("kept");
    }

    @Test
    void badInput_isRefusedWithFieldAndReason() {
        assertThatThrownBy(() -> index.upsert(new IndexedDocument("x", "p1", null, null, null, null, null, "t", new float[3], null, null)))
                .isInstanceOf(BadInputException.class).hasMessageContaining("vector").hasMessageContaining("3 dimensions");
        assertThatThrownBy(() -> IndexFilter.project(null)).isInstanceOf(BadInputException.class).hasMessageContaining("filter.project");
        assertThatThrownBy(() -> SearchRequest.hybrid("q", BGE.embed("q"), IndexFilter.project("p1"), 10, 0))
                .isInstanceOf(BadInputException.class).hasMessageContaining("candidates");
        index.upsert(doc("x", "some text"));
        index.commit();
        index.close();
        assertThatThrownBy(() -> HybridIndex.open(dir, 8)).isInstanceOf(BadInputException.class).hasMessageContaining("384");
        index = HybridIndex.open(dir, BGE.dimension());
    }
}
