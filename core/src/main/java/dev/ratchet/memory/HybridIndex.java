package dev.ratchet.memory;

import dev.ratchet.common.BadInputException;
import dev.ratchet.common.Times;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.en.EnglishAnalyzer;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.document.LongField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.document.TextField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.FieldInfo;
import org.apache.lucene.index.FieldInfos;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.Term;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.KnnFloatVectorQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.SearcherManager;
import org.apache.lucene.search.TermInSetQuery;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.util.BytesRef;

/**
 * A Lucene 10 index on disk searched two ways at once: BM25 over the text and HNSW over the vectors.
 *
 * <p><b>Analysis.</b> {@link EnglishAnalyzer}: Unicode word breaks, lower case, English stop words removed,
 * Porter stemming. Identifiers, account codes and tool names survive it (they are split and stemmed the
 * same way in documents and queries, so they still match), and it lifts BM25 over plain word matching on
 * both retrieval sets this was tuned on (docs/benchmarks.md): stop words otherwise let "how do I" match
 * half the memory, and stemming lets "charged" find "charge". Paraphrase stays the vector signal's job.
 *
 * <p><b>Search.</b> Each signal retrieves its {@code candidates} best under the same filter, applied inside
 * the query (a filter clause for BM25, the pre-filter of {@link KnnFloatVectorQuery} for HNSW), so a narrow
 * scope never starves the pools. The result set is the union of both pools.
 *
 * <p><b>Fusion.</b> Each signal's scores are calibrated onto [0, 1] by min-max over its own pool (best in
 * pool = 1, worst = 0; a pool whose scores are all equal gives 1), a hit absent from a pool gets 0 for that
 * signal, and the fused score is {@code w * vector + (1 - w) * bm25} with {@code w = vectorWeight} (default
 * {@value SearchRequest#DEFAULT_VECTOR_WEIGHT}). Min-max puts the unbounded BM25 scale and the narrow band the
 * cosines of one model fall in onto one scale per query, with no constant to fit per corpus; a convex
 * combination of calibrated scores keeps the score gaps that rank fusion (RRF) throws away, and beats RRF in
 * published comparisons (Bruch, Gai, Ingber: "An Analysis of Fusion Functions for Hybrid Retrieval", TOIS
 * 2023). The default weight was chosen on two BEIR-format sets of opposite character (docs/benchmarks.md):
 * paraphrased intents (Banking77), where BM25 trails vectors by 0.19 nDCG@10 and every larger BM25 share
 * costs quality (at 0.9 hybrid only ties vectors there), and known-item lookups of manual pages, where BM25
 * is nearly as good as vectors and hybrid at 0.9 beats both by 0.014 (at 0.5 it would by 0.04). A smaller
 * default would trade the first kind of corpus for the second. Per-query adaptive weights (by how far the two
 * pools agree, by the shape of each score distribution, by mixture-model posteriors, by the rarest query
 * term's IDF) were tried on both sets and did no better than the fixed weight. The union of the pools is
 * what keeps a keyword-only hit (an account code the vectors miss) among the candidates at all.
 * Ties are broken by id, so results are deterministic.
 *
 * <p><b>Visibility and durability.</b> {@link #upsert} and {@link #delete} are seen by searches after
 * {@link #refresh} (near-real-time, cheap) and survive a crash after {@link #commit}. The index is derived
 * data: after a crash, re-apply what the database holds since the last commit.
 *
 * <p>Thread-safe: writes go through Lucene's {@link IndexWriter}, searches through a {@link SearcherManager}.
 */
public final class HybridIndex implements Closeable {

    static final String ID = "id";
    /**
     * The version of what the index holds per document (fields and analysis), kept in every commit's data.
     * 2: English analysis. Bump it whenever a change needs the documents re-indexed.
     */
    static final String FORMAT_KEY = "ratchet.index.format";
    static final String FORMAT = "2";
    static final String TEXT = "text";
    static final String VECTOR = "vector";
    static final String PROJECT = "project";
    static final String AGENT = "agent";
    static final String USER = "user";
    static final String SESSION = "session";
    static final String KIND = "kind";
    static final String STATUS = "status";
    static final String VALID_FROM = "valid_from";
    static final String VALID_TO = "valid_to";

    // BooleanQuery's default limit is 1024 clauses; long query texts keep their first distinct terms.
    private static final int MAX_QUERY_TERMS = 512;

    private final int dimension;
    private final FSDirectory directory;
    private final Analyzer analyzer;
    private final IndexWriter writer;
    private final SearcherManager searchers;

    private HybridIndex(int dimension, FSDirectory directory, Analyzer analyzer, IndexWriter writer, SearcherManager searchers) {
        this.dimension = dimension;
        this.directory = directory;
        this.analyzer = analyzer;
        this.writer = writer;
        this.searchers = searchers;
    }

    /**
     * Opens the index in {@code dir}, creating the folder and an empty index when there is none. Only one
     * {@code HybridIndex} may have a folder open at a time (Lucene's write lock enforces it).
     *
     * @throws BadInputException if {@code dimension} is not positive or the index holds vectors of another dimension
     * @throws UncheckedIOException if the folder cannot be opened or is locked by another writer
     */
    public static HybridIndex open(Path dir, int dimension) {
        if (dimension < 1 || dimension > 4096) {
            throw new BadInputException("dimension", "must be between 1 and 4096");
        }
        FSDirectory directory = null;
        IndexWriter writer = null;
        try {
            directory = FSDirectory.open(dir);
            Analyzer analyzer = new EnglishAnalyzer();
            IndexWriterConfig config = new IndexWriterConfig(analyzer).setOpenMode(IndexWriterConfig.OpenMode.CREATE_OR_APPEND);
            writer = new IndexWriter(directory, config);
            checkFormat(writer);
            checkDimension(writer, dimension);
            return new HybridIndex(dimension, directory, analyzer, writer, new SearcherManager(writer, null));
        } catch (IOException e) {
            closeQuietly(writer, directory);
            throw new UncheckedIOException("cannot open index in " + dir, e);
        } catch (RuntimeException e) {
            closeQuietly(writer, directory);
            throw e;
        }
    }

    /** The vector dimension this index was opened with. */
    public int dimension() {
        return dimension;
    }

    /**
     * Adds the document, or replaces the one with the same id (atomically: a search sees the old or the new
     * one, never both or neither). The vector is normalised before it is stored.
     *
     * @throws BadInputException if the vector's length is not {@link #dimension()} or it is zero
     */
    public void upsert(IndexedDocument doc) {
        if (doc == null) {
            throw new BadInputException("document", "must not be null");
        }
        if (doc.vector().length != dimension) {
            throw new BadInputException("vector", "has " + doc.vector().length + " dimensions, index has " + dimension);
        }
        float[] vector = Vectors.normalized(doc.vector(), "vector");
        Document d = new Document();
        d.add(new StringField(ID, doc.id(), Field.Store.YES));
        d.add(new StringField(PROJECT, doc.project(), Field.Store.NO));
        addKeyword(d, AGENT, doc.agent());
        addKeyword(d, USER, doc.user());
        addKeyword(d, SESSION, doc.session());
        addKeyword(d, KIND, doc.kind());
        addKeyword(d, STATUS, doc.status());
        d.add(new LongField(VALID_FROM, doc.validFrom() == null ? Long.MIN_VALUE : Times.nanos(doc.validFrom()), Field.Store.NO));
        d.add(new LongField(VALID_TO, doc.validTo() == null ? Long.MAX_VALUE : Times.nanos(doc.validTo()), Field.Store.NO));
        d.add(new TextField(TEXT, doc.text(), Field.Store.NO));
        // DOT_PRODUCT on unit vectors is the cosine without a per-comparison normalisation.
        d.add(new KnnFloatVectorField(VECTOR, vector, VectorSimilarityFunction.DOT_PRODUCT));
        try {
            writer.updateDocument(new Term(ID, doc.id()), d);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot index document " + doc.id(), e);
        }
    }

    /** Removes the document with this id; removing an absent id does nothing. */
    public void delete(String id) {
        if (id == null || id.isEmpty()) {
            throw new BadInputException("id", "must not be empty");
        }
        try {
            writer.deleteDocuments(new Term(ID, id));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete document " + id, e);
        }
    }

    /** Makes every change so far visible to searches (near-real-time; not durable). */
    public void refresh() {
        try {
            searchers.maybeRefreshBlocking();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot refresh index", e);
        }
    }

    /** Makes every change so far durable (fsync) and visible to searches. */
    public void commit() {
        try {
            writer.commit();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot commit index", e);
        }
        refresh();
    }

    /**
     * Makes every change so far durable and visible, storing {@code userData} with the commit (Lucene commit
     * user data), so that a later {@link #commitData} can tell what state of the database the index reflects.
     */
    public void commit(Map<String, String> userData) {
        Map<String, String> data = new HashMap<>(userData);
        data.put(FORMAT_KEY, FORMAT);
        writer.setLiveCommitData(Map.copyOf(data).entrySet());
        commit();
    }

    /** The user data of the last commit ({@link #commit(Map)}); empty for a new index or a plain commit. */
    public Map<String, String> commitData() {
        Map<String, String> out = new HashMap<>();
        Iterable<Map.Entry<String, String>> data = writer.getLiveCommitData();
        if (data != null) {
            data.forEach(e -> out.put(e.getKey(), e.getValue()));
        }
        out.remove(FORMAT_KEY);
        return Map.copyOf(out);
    }

    /**
     * The number of documents searches see (as of the last {@link #refresh} or {@link #commit}), so that an
     * owner can check the index against the record it derives from.
     */
    public int size() {
        return withSearcher(searcher -> searcher.getIndexReader().numDocs());
    }

    /** What a reading of the index computes; may throw Lucene's {@link IOException}. */
    private interface Read<T> {
        T apply(IndexSearcher searcher) throws IOException;
    }

    /** Runs {@code read} on the current searcher, released afterwards whatever happens. */
    private <T> T withSearcher(Read<T> read) {
        IndexSearcher searcher;
        try {
            searcher = searchers.acquire();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read index", e);
        }
        try {
            return read.apply(searcher);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot search index", e);
        } finally {
            try {
                searchers.release(searcher);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot release searcher", e);
            }
        }
    }

    /** Removes every document of the project (visible after {@link #refresh}). */
    public void deleteProject(String project) {
        if (project == null || project.isEmpty()) {
            throw new BadInputException("project", "must not be empty");
        }
        try {
            writer.deleteDocuments(new Term(PROJECT, project));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete project " + project, e);
        }
    }

    /** Removes every document (visible after {@link #refresh}). */
    public void deleteAll() {
        try {
            writer.deleteAll();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot clear index", e);
        }
    }

    /** A hybrid search with the default vector weight; see {@link #search(SearchRequest)}. */
    public List<IndexHit> search(String text, float[] vector, IndexFilter filter, int k, int candidates) {
        return search(SearchRequest.hybrid(text, vector, filter, k, candidates));
    }

    /**
     * Up to {@code k} hits that pass the filter, by fused score descending (ties by id). Sees the index as of
     * the last {@link #refresh} or {@link #commit}.
     *
     * @throws BadInputException if the query vector's length is not {@link #dimension()} or it is zero
     */
    public List<IndexHit> search(SearchRequest request) {
        float[] queryVector = null;
        if (request.mode() != RetrievalMode.BM25_ONLY) {
            if (request.vector().length != dimension) {
                throw new BadInputException("vector", "has " + request.vector().length + " dimensions, index has " + dimension);
            }
            queryVector = Vectors.normalized(request.vector(), "vector");
        }
        Query filter = filterQuery(request.filter());
        float[] unit = queryVector;
        return withSearcher(searcher -> {
            Map<Integer, double[]> pool = new HashMap<>(); // doc -> {bm25 or NaN, cosine or NaN}
            if (request.mode() != RetrievalMode.VECTOR_ONLY) {
                Query text = textQuery(request.text());
                if (text != null) {
                    Query q = new BooleanQuery.Builder()
                            .add(text, BooleanClause.Occur.MUST)
                            .add(filter, BooleanClause.Occur.FILTER)
                            .build();
                    for (ScoreDoc sd : searcher.search(q, request.candidates()).scoreDocs) {
                        pool.computeIfAbsent(sd.doc, d -> new double[] {Double.NaN, Double.NaN})[0] = sd.score;
                    }
                }
            }
            if (unit != null) {
                Query knn = new KnnFloatVectorQuery(VECTOR, unit, request.candidates(), filter);
                for (ScoreDoc sd : searcher.search(knn, request.candidates()).scoreDocs) {
                    // Lucene scores DOT_PRODUCT as (1 + cos) / 2; report the cosine itself.
                    pool.computeIfAbsent(sd.doc, d -> new double[] {Double.NaN, Double.NaN})[1] = 2.0 * sd.score - 1.0;
                }
            }
            return fuse(searcher, pool, request);
        });
    }

    /** The hits of {@link #nearest} at or above its minimum cosine, and how many hits the search found in all. */
    record Near(List<IndexHit> hits, int found) {
    }

    /**
     * The {@code k} nearest documents to the vector across the whole index, every project included, by cosine
     * descending: for the memory store's near-duplicate check only, which loads each hit by project and id
     * (so another project's hit is never seen) and needs no filter when even the nearest document is not
     * near enough. An unfiltered HNSW search skips building the filter's bit set, most of a filtered search's
     * cost on a large index. Only the hits with a cosine of at least {@code minCosine} are returned (reading a
     * hit's id costs a stored-fields read), with the number found: fewer than {@code k} means the whole index
     * was seen.
     */
    Near nearest(float[] vector, int k, double minCosine) {
        if (vector.length != dimension) {
            throw new BadInputException("vector", "has " + vector.length + " dimensions, index has " + dimension);
        }
        float[] q = Vectors.normalized(vector, "vector");
        return withSearcher(searcher -> {
            ScoreDoc[] found = searcher.search(new KnnFloatVectorQuery(VECTOR, q, k), k).scoreDocs;
            List<IndexHit> hits = new ArrayList<>();
            var stored = searcher.storedFields();
            for (ScoreDoc sd : found) {
                double cosine = 2.0 * sd.score - 1.0;
                if (cosine < minCosine) {
                    break; // by cosine descending: the rest are further still
                }
                hits.add(new IndexHit(stored.document(sd.doc, Set.of(ID)).get(ID), cosine, null, cosine,
                        EnumSet.of(Signal.VECTOR)));
            }
            return new Near(hits, found.length);
        });
    }

    /** Closes the index without committing: call {@link #commit} first to keep uncommitted changes. */
    @Override
    public void close() {
        try {
            searchers.close();
            writer.rollback();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot close index", e);
        } finally {
            closeQuietly(null, directory);
        }
    }

    private List<IndexHit> fuse(IndexSearcher searcher, Map<Integer, double[]> pool, SearchRequest request) throws IOException {
        double[] bm25Range = range(pool, 0);
        double[] vectorRange = range(pool, 1);
        double w = switch (request.mode()) {
            case HYBRID -> request.vectorWeight();
            case BM25_ONLY -> 0;
            case VECTOR_ONLY -> 1;
        };
        List<IndexHit> hits = new ArrayList<>(pool.size());
        var stored = searcher.storedFields();
        for (Map.Entry<Integer, double[]> e : pool.entrySet()) {
            double bm25 = e.getValue()[0];
            double cosine = e.getValue()[1];
            double fused = (1 - w) * normalise(bm25, bm25Range) + w * normalise(cosine, vectorRange);
            Set<Signal> signals = EnumSet.noneOf(Signal.class);
            if (!Double.isNaN(bm25)) {
                signals.add(Signal.BM25);
            }
            if (!Double.isNaN(cosine)) {
                signals.add(Signal.VECTOR);
            }
            String id = stored.document(e.getKey(), Set.of(ID)).get(ID);
            hits.add(new IndexHit(id, fused, Double.isNaN(bm25) ? null : bm25, Double.isNaN(cosine) ? null : cosine, signals));
        }
        hits.sort(Comparator.comparingDouble(IndexHit::score).reversed().thenComparing(IndexHit::id));
        return List.copyOf(hits.subList(0, Math.min(request.k(), hits.size())));
    }

    private static double[] range(Map<Integer, double[]> pool, int signal) {
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (double[] scores : pool.values()) {
            if (!Double.isNaN(scores[signal])) {
                min = Math.min(min, scores[signal]);
                max = Math.max(max, scores[signal]);
            }
        }
        return new double[] {min, max};
    }

    private static double normalise(double score, double[] range) {
        if (Double.isNaN(score)) {
            return 0;
        }
        double span = range[1] - range[0];
        return span > 0 ? (score - range[0]) / span : 1;
    }

    private Query textQuery(String text) throws IOException {
        Set<String> terms = new LinkedHashSet<>();
        try (TokenStream ts = analyzer.tokenStream(TEXT, text)) {
            CharTermAttribute term = ts.addAttribute(CharTermAttribute.class);
            ts.reset();
            while (ts.incrementToken() && terms.size() < MAX_QUERY_TERMS) {
                terms.add(term.toString());
            }
            ts.end();
        }
        if (terms.isEmpty()) {
            return null;
        }
        BooleanQuery.Builder q = new BooleanQuery.Builder();
        for (String t : terms) {
            q.add(new TermQuery(new Term(TEXT, t)), BooleanClause.Occur.SHOULD);
        }
        return q.build();
    }

    private static Query filterQuery(IndexFilter f) {
        BooleanQuery.Builder q = new BooleanQuery.Builder();
        q.add(new TermQuery(new Term(PROJECT, f.project())), BooleanClause.Occur.FILTER);
        addTerm(q, AGENT, f.agent());
        addTerms(q, USER, f.users());
        addTerms(q, SESSION, f.sessions());
        addTerms(q, KIND, f.kinds());
        addTerms(q, STATUS, f.statuses());
        if (f.validAt() != null) {
            long at = Times.nanos(f.validAt());
            q.add(LongField.newRangeQuery(VALID_FROM, Long.MIN_VALUE, at), BooleanClause.Occur.FILTER);
            if (at < Long.MAX_VALUE) {
                q.add(LongField.newRangeQuery(VALID_TO, at + 1, Long.MAX_VALUE), BooleanClause.Occur.FILTER);
            }
        }
        return q.build();
    }

    private static void addTerm(BooleanQuery.Builder q, String field, String value) {
        if (value != null) {
            q.add(new TermQuery(new Term(field, value)), BooleanClause.Occur.FILTER);
        }
    }

    private static void addTerms(BooleanQuery.Builder q, String field, Set<String> values) {
        if (!values.isEmpty()) {
            List<BytesRef> terms = values.stream().map(BytesRef::new).toList();
            q.add(new TermInSetQuery(field, terms), BooleanClause.Occur.FILTER);
        }
    }

    private static void addKeyword(Document d, String field, String value) {
        if (value != null) {
            d.add(new StringField(field, value, Field.Store.NO));
        }
    }

    /**
     * An index written with another analysis (or none recorded: before format 2) would rank with stale terms:
     * it is emptied, and its commit data with it, so its owner sees a marker that does not match and rebuilds.
     */
    private static void checkFormat(IndexWriter writer) throws IOException {
        Map<String, String> data = new HashMap<>();
        Iterable<Map.Entry<String, String>> live = writer.getLiveCommitData();
        if (live != null) {
            live.forEach(e -> data.put(e.getKey(), e.getValue()));
        }
        if (!FORMAT.equals(data.get(FORMAT_KEY))) {
            writer.deleteAll();
            writer.setLiveCommitData(Map.of(FORMAT_KEY, FORMAT).entrySet());
            writer.commit();
        }
    }

    private static void checkDimension(IndexWriter writer, int dimension) throws IOException {
        try (DirectoryReader reader = DirectoryReader.open(writer)) {
            FieldInfo info = FieldInfos.getMergedFieldInfos(reader).fieldInfo(VECTOR);
            if (info != null && info.getVectorDimension() != dimension) {
                throw new BadInputException("dimension", "is " + dimension + ", but the index holds vectors of "
                        + info.getVectorDimension() + " dimensions");
            }
        }
    }

    private static void closeQuietly(IndexWriter writer, FSDirectory directory) {
        try {
            if (writer != null) {
                writer.rollback();
            }
        } catch (IOException | RuntimeException ignored) {
            // Already failing; the first error is the one to report.
        }
        try {
            if (directory != null) {
                directory.close();
            }
        } catch (IOException ignored) {
            // As above.
        }
    }
}
