package dev.ratchet.dataset;

import static dev.ratchet.trace.SpanBuilder.span;
import static dev.ratchet.trace.TraceBuilder.trace;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ratchet.common.BadInputException;
import dev.ratchet.common.FieldError;
import dev.ratchet.common.Json;
import dev.ratchet.common.JsonText;
import dev.ratchet.eval.CaseSpec;
import dev.ratchet.eval.EvalStore;
import dev.ratchet.eval.NewSuite;
import dev.ratchet.eval.SuiteEdit;
import dev.ratchet.feedback.Feedback;
import dev.ratchet.feedback.FeedbackKind;
import dev.ratchet.feedback.FeedbackSource;
import dev.ratchet.feedback.JdbcFeedbackStore;
import dev.ratchet.feedback.ProjectSettings;
import dev.ratchet.store.Database;
import dev.ratchet.trace.JdbcTraceStore;
import dev.ratchet.trace.SpanKind;
import dev.ratchet.trace.Trace;
import dev.ratchet.trace.TraceBuilder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a dataset build must do on a real database, from traces and feedback stored by the real stores to the files
 * on disk. Each engine extends this class and says how to open a fresh, empty database.
 */
public abstract class DatasetPipelineContract {

    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-21T12:00:00Z"), ZoneOffset.UTC);
    private static final Instant T0 = Instant.parse("2026-11-20T10:00:00Z");
    private static final String P = "acme";

    @TempDir
    Path datasets;

    private Database db;
    private JdbcTraceStore traces;
    private JdbcFeedbackStore feedback;
    private EvalStore evals;
    private ProjectSettings settings;
    private DatasetStore store;
    private DatasetPipeline pipeline;
    private final AtomicInteger seq = new AtomicInteger();

    protected abstract Database openDatabase() throws Exception;

    @BeforeEach
    void open() throws Exception {
        db = openDatabase();
        traces = new JdbcTraceStore(db, CLOCK);
        feedback = new JdbcFeedbackStore(db, CLOCK);
        evals = new EvalStore(db, CLOCK);
        settings = new ProjectSettings(db, CLOCK);
        store = new DatasetStore(db, CLOCK);
        pipeline = new DatasetPipeline(db, store, evals, settings, datasets, CLOCK, 2);
    }

    @AfterEach
    void close() {
        if (db != null) {
            db.close();
        }
    }

    // --- helpers ---

    private TraceBuilder t(String id, String input, String output) {
        return trace(id, T0.plusSeconds(seq.incrementAndGet())).input(Json.write(Map.of("text", input)))
                .output(Json.write(Map.of("text", output)));
    }

    private void ingest(TraceBuilder... builders) {
        List<Trace> list = new ArrayList<>();
        for (TraceBuilder b : builders) {
            list.add(b.build());
        }
        traces.ingest(P, list);
    }

    private void success(String traceId) {
        record(traceId, FeedbackKind.THUMBS, "true", FeedbackSource.END_USER, 1.0);
    }

    private void failure(String traceId) {
        record(traceId, FeedbackKind.THUMBS, "false", FeedbackSource.END_USER, 1.0);
    }

    private void correct(String traceId, String correctedJson, FeedbackSource source) {
        record(traceId, FeedbackKind.CORRECTION, correctedJson, source, 1.0);
    }

    private void record(String traceId, FeedbackKind kind, String valueJson, FeedbackSource source, double confidence) {
        int n = seq.incrementAndGet();
        feedback.record(P, List.of(new Feedback("f-" + n, traceId, null, kind, JsonText.of(Json.readTree(valueJson)),
                null, null, null, source, "author-" + n, confidence, T0.plusSeconds(1000 + n), null)));
    }

    private Manifest build(String spec) {
        return pipeline.build(P, DatasetSpecs.parse(spec), BuildProgress.NONE);
    }

    private Path file(Manifest m, String name) {
        return datasets.resolve(P).resolve(m.id()).resolve(name);
    }

    private List<JsonNode> jsonl(Manifest m, String name) throws IOException {
        return Files.readAllLines(file(m, name)).stream().map(Json::readTree).toList();
    }

    private String everything(Manifest m) throws IOException {
        StringBuilder sb = new StringBuilder();
        try (Stream<Path> files = Files.list(datasets.resolve(P).resolve(m.id()))) {
            for (Path f : files.toList()) {
                sb.append(Files.readString(f)).append('\n');
            }
        }
        return sb.toString();
    }

    private static CaseSpec evalCase(String input) {
        return new CaseSpec(JsonText.of(Json.readTree(Json.write(Map.of("text", input)))), null, null, List.of(),
                List.of(JsonText.of(Json.readTree("{\"type\":\"exact\"}"))), List.of(), null);
    }

    // --- versions ---

    @Test
    void build_sameSpecTwice_givesTheSameVersionIdAndStoresOneVersion() throws IOException {
        ingest(t("a", "where is my card", "It ships tomorrow."), t("b", "how do I reset my pin", "Use the app."),
                t("c", "my transfer is missing", "Transfers take a day."));
        success("a");
        success("b");
        correct("c", "{\"text\":\"Transfers take up to two business days.\"}", FeedbackSource.ANNOTATOR);
        String spec = "{\"name\":\"desk\",\"formats\":[\"openai-chat\",\"trl-kto\"]}";

        Manifest first = build(spec);
        Manifest second = build(spec);

        assertThat(second.id()).isEqualTo(first.id()).startsWith("ds_").hasSize(35);
        assertThat(second.createdAt()).isEqualTo(first.createdAt());
        assertThat(store.versions(P, "desk", 10)).extracting(DatasetVersion::id).containsExactly(first.id());
        assertThat(store.manifest(P, first.id())).contains(first);
        assertThat(first.contentHash()).startsWith(first.id().substring(3));
        // The same spec written differently (YAML, defaults spelled out, lists reordered) is the same version.
        Manifest yaml = build("""
                name: desk
                formats: [trl-kto, openai-chat]
                split: {validation: 0.1, seed: 0}
                dedupe: {exact: true}
                """);
        assertThat(yaml.id()).isEqualTo(first.id());
        // New data makes a new version.
        ingest(t("d", "can I raise my limit", "Yes, in settings."));
        success("d");
        assertThat(build(spec).id()).isNotEqualTo(first.id());
        // Files are listed with their checksums, and the manifest sits next to them.
        for (Manifest.FileEntry f : first.files()) {
            assertThat(dev.ratchet.common.Hashing.sha256Hex(Files.readAllBytes(file(first, f.name()))))
                    .as(f.name()).isEqualTo(f.sha256());
            assertThat(Files.size(file(first, f.name()))).isEqualTo(f.bytes());
        }
        assertThat(Json.readTree(Files.readString(file(first, "manifest.json"))).path("id").asText())
                .isEqualTo(first.id());
        assertThat(first.stages()).extracting(Manifest.Stage::stage)
                .containsExactly("selected", "quality", "leakage", "dedupe", "balance");
        assertThat(first.sourceTraces()).isEqualTo(3);
        assertThat(Files.readAllLines(file(first, "sources.csv"))).hasSize(4).first().isEqualTo("trace_id,split,category");
    }

    // --- PII ---

    @Test
    void build_piiAnywhereInAnExample_neverAppearsUnredactedInAnyFile() throws IOException {
        RedactionSettings.write(settings, P, new RedactionSettings(List.of(
                new DatasetSpec.CustomPattern("ORDER_ID", "ORD-[0-9]{8}"))));
        String email = "jane.roe@example.org";
        String phone = "+44 20 7031 3000";
        String card = "4111 1111 1111 1111";
        String iban = "DE89 3704 0044 0532 0130 00";
        String key = "AKIAIOSFODNN7EXAMPLE";
        ingest(trace("pii-ok", T0.plusSeconds(1))
                        .input(Json.write(Map.of("text", "I am " + email + ", call " + phone + " about order ORD-12345678",
                                "card", 4111111111111111L)))
                        .instructions("{\"text\":\"You are the desk agent. Escalation key " + key + "\"}")
                        .output("{\"text\":\"I will email " + email + " today.\"}")
                        .span(span("s1", T0.plusSeconds(2)).kind(SpanKind.TOOL).name("charge").toolCallId("call_9")
                                .input("{\"card\":\"" + card + "\",\"iban\":\"" + iban + "\"}")
                                .output("{\"ok\":true,\"receipt\":\"sent to " + email + "\"}").build()),
                trace("pii-fixed", T0.plusSeconds(3))
                        .input(Json.write(Map.of("text", "Refund to " + iban + " please, I am " + email)))
                        .output("{\"text\":\"Done.\"}"));
        success("pii-ok");
        correct("pii-fixed", "{\"text\":\"Refund to " + iban + " started; we will write to " + email + ".\"}",
                FeedbackSource.ANNOTATOR);

        Manifest m = build("""
                {"name":"pii","formats":["openai-chat","openai-dpo","trl-messages","trl-prompt-completion","trl-dpo",
                 "trl-kto","classification-csv"],"label":{"field":"text"},"split":{"validation":0}}""");

        String all = everything(m) + Json.write(m);
        for (String secret : List.of(email, phone, card, iban, key, "4111111111111111", "ORD-12345678",
                "DE89370400440532013000", "20 7031 3000")) {
            assertThat(all).as(secret).doesNotContain(secret);
        }
        assertThat(all).contains("<EMAIL_1>", "<PHONE_1>", "<CARD_1>", "<IBAN_1>", "<AWS_KEY_1>", "<ORDER_ID_1>");
        // One example, one placeholder per value: the e-mail in input, output and tool result is <EMAIL_1> throughout.
        JsonNode chat = jsonl(m, "openai-chat.train.jsonl").stream()
                .filter(n -> n.toString().contains("tool_calls")).findFirst().orElseThrow();
        assertThat(chat.path("messages").get(1).path("content").asText()).contains("<EMAIL_1>").contains("<ORDER_ID_1>");
        assertThat(chat.toString()).doesNotContain("<EMAIL_2>");
        assertThat(m.redaction().counts()).containsKeys("EMAIL", "PHONE", "CARD", "IBAN", "AWS_KEY", "ORDER_ID");
        assertThat(m.redaction().counts().get("EMAIL")).isEqualTo(5L);
        assertThat(m.redaction().examples()).isEqualTo(2);
        assertThat(m.redaction().custom()).extracting(DatasetSpec.CustomPattern::type).containsExactly("ORDER_ID");
    }

    // --- the leakage guard ---

    @Test
    void build_evalCaseExactOrNearParaphrase_neverReachesTrainingAndIsReported() throws IOException {
        String golden = "My card was charged twice for the same hotel booking last week and I would like the duplicate"
                + " payment refunded to my account as soon as possible please";
        String retired = "The mobile app keeps logging me out every time I open the statements page on my phone";
        evals.createSuite(P, new NewSuite("golden", "eval", null, List.of(evalCase(golden), evalCase(retired))));
        String retiredId = evals.cases(P, "golden", 1).get(1).id();
        evals.edit(P, "golden", new SuiteEdit(1, List.of(evalCase("How do I order a new card")),
                List.of(new SuiteEdit.Removal(retiredId, null)), "rotate"));
        evals.createSuite(P, new NewSuite("nightly", "regression", null, List.of(evalCase("what is my balance"))));
        ingest(t("exact", golden.toUpperCase() + "!!", "Refunded."),
                t("near", golden.replace("hotel", "flight").replace("last week", "yesterday")
                        .replace("as soon as possible", "quickly"), "Refunded."),
                t("old", retired, "Update the app."),
                t("fine", "what is my balance", "It is shown on the home screen."),
                t("other", "Can I get a replacement card sent to my new address in another country", "Yes."));
        for (String id : List.of("exact", "near", "old", "fine", "other")) {
            success(id);
        }

        Manifest m = build("{\"name\":\"leak\",\"formats\":[\"openai-chat\",\"trl-kto\"]}");

        String files = everything(m);
        assertThat(files).doesNotContain("hotel booking", "flight booking", "logging me out")
                .contains("what is my balance", "replacement card");
        assertThat(m.leakage().exact()).isEqualTo(2);
        assertThat(m.leakage().near()).isEqualTo(1);
        assertThat(m.leakage().suites()).containsExactly("golden");
        assertThat(m.leakage().cases()).isEqualTo(3);
        assertThat(m.leakage().examples()).extracting(Manifest.Leak::traceId).containsExactly("exact", "near", "old");
        assertThat(m.leakage().examples().get(1).similarity()).isBetween(0.5, 1.0);
        assertThat(m.exclusions()).containsEntry("eval_exact", 2L).containsEntry("eval_near", 1L);
        assertThat(m.stages().get(2)).isEqualTo(new Manifest.Stage("leakage", 2));
    }

    // --- preference pairs ---

    @Test
    void build_dpoPairs_comeOnlyFromFailuresThatHaveACorrection() throws IOException {
        ingest(t("ok", "freeze my card", "Frozen."), t("bad", "unfreeze my card", "I cannot help."),
                t("fixed", "close my account", "Sure, closed."), t("fixed-twice", "raise my limit", "No."));
        success("ok");
        failure("bad");
        correct("fixed", "{\"text\":\"Closing needs a signed form; here is the link.\"}", FeedbackSource.ANNOTATOR);
        correct("fixed-twice", "{\"text\":\"A system guess.\"}", FeedbackSource.SYSTEM);
        correct("fixed-twice", "{\"text\":\"Limits are raised in Settings > Cards.\"}", FeedbackSource.ANNOTATOR);

        Manifest m = build("{\"name\":\"prefs\",\"formats\":[\"openai-dpo\",\"trl-dpo\",\"trl-kto\"],"
                + "\"split\":{\"validation\":0}}");

        List<JsonNode> dpo = jsonl(m, "trl-dpo.train.jsonl");
        assertThat(dpo).hasSize(2);
        Map<String, JsonNode> byPrompt = new HashMap<>();
        dpo.forEach(n -> byPrompt.put(n.path("prompt").get(0).path("content").asText(), n));
        assertThat(byPrompt.get("close my account").path("chosen").get(0).path("content").asText())
                .isEqualTo("Closing needs a signed form; here is the link.");
        assertThat(byPrompt.get("close my account").path("rejected").get(0).path("content").asText())
                .isEqualTo("Sure, closed.");
        // The human's correction is the one learned from, not the system's.
        assertThat(byPrompt.get("raise my limit").path("chosen").get(0).path("content").asText())
                .isEqualTo("Limits are raised in Settings > Cards.");
        List<JsonNode> openai = jsonl(m, "openai-dpo.train.jsonl");
        assertThat(openai).hasSize(2);
        assertThat(openai.get(0).path("input").path("messages").get(0).path("role").asText()).isEqualTo("user");
        assertThat(openai.get(0).has("preferred_output") && openai.get(0).has("non_preferred_output")).isTrue();
        // KTO: the success is desirable, every failure's own output undesirable.
        List<JsonNode> kto = jsonl(m, "trl-kto.train.jsonl");
        assertThat(kto).hasSize(4);
        assertThat(kto.stream().filter(n -> n.path("label").asBoolean()).toList()).hasSize(1)
                .first().satisfies(n -> assertThat(n.path("completion").get(0).path("content").asText()).isEqualTo("Frozen."));
    }

    // --- split ---

    @Test
    void build_split_isStratifiedByCategoryAndDeterministicForASeed() throws IOException {
        Map<String, Integer> sizes = Map.of("card_arrival", 40, "top_up", 20, "pin", 10);
        List<TraceBuilder> batch = new ArrayList<>();
        sizes.forEach((category, size) -> {
            for (int i = 0; i < size; i++) {
                batch.add(trace(category + "-" + i, T0.plusSeconds(seq.incrementAndGet()))
                        .input(Json.write(Map.of("text", "question number " + i + " about " + category + " "
                                + "x".repeat(i % 7))))
                        .output(Json.write(Map.of("intent", category, "text", "answer " + i))));
            }
        });
        ingest(batch.toArray(TraceBuilder[]::new));
        batch.forEach(b -> success(b.build().id()));
        String spec = "{\"name\":\"intents\",\"label\":{\"field\":\"intent\"},\"formats\":[\"classification-csv\"],"
                + "\"dedupe\":{\"near\":false},\"split\":{\"validation\":0.2,\"seed\":%d}}";

        Manifest m = build(spec.formatted(7));

        assertThat(m.categories()).containsEntry("card_arrival", Map.of("train", 32L, "validation", 8L))
                .containsEntry("top_up", Map.of("train", 16L, "validation", 4L))
                .containsEntry("pin", Map.of("train", 8L, "validation", 2L));
        assertThat(Files.readAllLines(file(m, "classification-csv.validation.csv"))).hasSize(15)
                .first().isEqualTo("text,label");
        List<String> sources = Files.readAllLines(file(m, "sources.csv"));
        // The same seed again: the same assignment, line for line. Another seed: the same counts, other examples.
        datasetsReset(m);
        Manifest again = build(spec.formatted(7));
        assertThat(again.id()).isEqualTo(m.id());
        assertThat(Files.readAllLines(file(again, "sources.csv"))).isEqualTo(sources);
        Manifest other = build(spec.formatted(8));
        assertThat(other.id()).isNotEqualTo(m.id());
        assertThat(other.categories()).isEqualTo(m.categories());
        assertThat(Files.readAllLines(file(other, "sources.csv"))).isNotEqualTo(sources);
        DatasetDiff diff = DatasetDiff.of(store, pipeline, P, m.id(), other.id());
        assertThat(diff.specChanges()).containsExactly("split.seed");
        assertThat(diff.added().count()).isZero();
        assertThat(diff.removed().count()).isZero();
        assertThat(diff.moved().count()).isPositive();
        assertThat(diff.categories().get("pin")).containsExactly(10, 10);
    }

    /** Forgets a version (its row and files), so the next build writes it from scratch. */
    private void datasetsReset(Manifest m) throws IOException {
        db.write(h -> h.execute("DELETE FROM dataset_versions WHERE project_id = ? AND id = ?", P, m.id()));
        DatasetPipeline.deleteRecursively(datasets.resolve(P).resolve(m.id()));
    }

    // --- dedupe ---

    @Test
    void build_duplicates_keepTheBestLabelledCopy() throws IOException {
        String q = "I was charged a foreign transaction fee on a purchase I made in euros while I was travelling abroad"
                + " for work last month, and nobody told me about this fee when I opened the account";
        ingest(t("first", q, "Fees apply abroad."), t("same", q.toLowerCase() + "?", "Fees apply abroad, sorry."),
                t("near", q.replace("last month", "in May"), "Contact us."),
                t("distinct", "how do I change my registered phone number", "In settings."));
        success("first");
        success("same");
        correct("near", "{\"text\":\"Foreign fees are refunded for premium accounts.\"}", FeedbackSource.ANNOTATOR);
        success("distinct");

        Manifest m = build("{\"name\":\"dups\",\"formats\":[\"trl-prompt-completion\"],\"split\":{\"validation\":0}}");

        List<JsonNode> rows = jsonl(m, "trl-prompt-completion.train.jsonl");
        assertThat(rows).hasSize(2);
        assertThat(rows.toString()).contains("Foreign fees are refunded for premium accounts.", "In settings.")
                .doesNotContain("Fees apply abroad");
        assertThat(m.exclusions()).containsEntry("duplicate_exact", 1L).containsEntry("duplicate_near", 1L);
        assertThat(m.stages().get(3)).isEqualTo(new Manifest.Stage("dedupe", 2));
    }

    // --- quality and balance ---

    @Test
    void build_qualityGates_leaveOutAndCountByReason() {
        ingest(t("good", "please block my card", "{\"done\":true}"),
                trace("schema", T0.plusSeconds(50)).input("{\"text\":\"block it now\"}").output("{\"text\":\"ok\"}"),
                t("long", "x ".repeat(300), "answer"),
                t("disputed", "is my card blocked", "yes"),
                t("unsure", "is my card active", "yes"),
                t("no-feedback", "hello there", "hi"));
        db.write(h -> h.execute("UPDATE traces SET output = ? WHERE project_id = ? AND id = ?",
                "{\"text\":\"Blocked.\",\"intent\":\"block\"}", P, "good"));
        success("good");
        success("schema");
        success("long");
        success("disputed");
        failure("disputed");
        record("unsure", FeedbackKind.VERIFIER, "true", FeedbackSource.SYSTEM, 0.2);

        Manifest m = build("""
                name: gates
                selection: {outcomes: [success, failure, disputed, unknown]}
                quality:
                  minConfidence: 0.3
                  outputSchema: {type: object, required: [intent]}
                  inputChars: {max: 200}
                formats: [openai-chat]
                """);

        assertThat(m.exclusions()).containsEntry("disputed", 1L).containsEntry("output_schema", 1L)
                .containsEntry("input_too_long", 1L).containsEntry("low_confidence", 2L);
        assertThat(m.stages().get(0)).isEqualTo(new Manifest.Stage("selected", 6));
        assertThat(m.stages().get(1)).isEqualTo(new Manifest.Stage("quality", 1));
    }

    @Test
    void build_balance_capsEachCategoryAndDropsThoseBelowTheMinimum() {
        List<TraceBuilder> batch = new ArrayList<>();
        Map<String, Integer> sizes = Map.of("big", 12, "mid", 5, "tiny", 2);
        sizes.forEach((category, size) -> {
            for (int i = 0; i < size; i++) {
                batch.add(trace(category + i, T0.plusSeconds(seq.incrementAndGet()))
                        .input(Json.write(Map.of("text", category + " case " + i + " " + "word".repeat(i + 1))))
                        .output(Json.write(Map.of("intent", category))));
            }
        });
        ingest(batch.toArray(TraceBuilder[]::new));
        batch.forEach(b -> success(b.build().id()));

        Manifest m = build("{\"name\":\"bal\",\"label\":{\"field\":\"intent\"},\"formats\":[\"classification-csv\"],"
                + "\"balance\":{\"maxPerCategory\":6,\"minPerCategory\":3,\"caps\":{\"mid\":4}},\"split\":{\"validation\":0}}");

        assertThat(m.categories()).containsOnlyKeys("big", "mid");
        assertThat(m.categories().get("big")).containsEntry("train", 6L);
        assertThat(m.categories().get("mid")).containsEntry("train", 4L);
        assertThat(m.exclusions()).containsEntry("category_cap", 7L).containsEntry("category_minimum", 2L);
    }

    // --- tool calls ---

    @Test
    void build_successWithToolCalls_keepsThemAsOpenAiToolCallMessages() throws IOException {
        ingest(t("tools", "what is the status of card 77", "Your card is active.")
                .instructions("{\"text\":\"You are the card desk.\"}")
                .span(span("llm", T0.plusSeconds(100)).kind(SpanKind.LLM).model("m")
                        .input("{\"messages\":[],\"tools\":[{\"name\":\"get_card\",\"description\":\"Card status\","
                                + "\"parameters\":{\"type\":\"object\"}}]}").build())
                .span(span("tool", T0.plusSeconds(101)).kind(SpanKind.TOOL).name("get_card").toolCallId("call_1")
                        .input("{\"card\":\"77\"}").output("{\"status\":\"active\"}").build()));
        success("tools");

        Manifest m = build("{\"name\":\"tools\",\"formats\":[\"openai-chat\",\"trl-messages\"],\"split\":{\"validation\":0}}");

        JsonNode line = jsonl(m, "openai-chat.train.jsonl").get(0);
        JsonNode messages = line.path("messages");
        assertThat(messages).extracting(n -> n.path("role").asText())
                .containsExactly("system", "user", "assistant", "tool", "assistant");
        JsonNode call = messages.get(2).path("tool_calls").get(0);
        assertThat(call.path("function").path("name").asText()).isEqualTo("get_card");
        assertThat(call.path("function").path("arguments").asText()).isEqualTo("{\"card\":\"77\"}");
        assertThat(messages.get(3).path("tool_call_id").asText()).isEqualTo("call_1");
        assertThat(messages.get(4).path("content").asText()).isEqualTo("Your card is active.");
        assertThat(line.path("tools").get(0).path("function").path("description").asText()).isEqualTo("Card status");
        JsonNode trl = jsonl(m, "trl-messages.train.jsonl").get(0);
        assertThat(trl.path("messages").get(2).path("tool_calls").get(0).path("function").path("arguments")
                .path("card").asText()).isEqualTo("77");
    }

    @Test
    void traceSource_pagesOfTwo_giveEveryTraceOnceInTimeOrderWithItsOwnFeedbackAndTools() throws InterruptedException {
        // Seven traces, three of them sharing one start time, so page boundaries fall inside a tie.
        Instant tie = T0.plusSeconds(50);
        ingest(trace("c", tie).input("{\"text\":\"c\"}").output("{\"text\":\"c\"}"),
                trace("a", tie).input("{\"text\":\"a\"}").output("{\"text\":\"a\"}"),
                trace("b", tie).input("{\"text\":\"b\"}").output("{\"text\":\"b\"}")
                        .span(span("tool-b", tie).kind(SpanKind.TOOL).name("lookup").toolCallId("call_b")
                                .input("{}").output("{}").build()),
                trace("early", T0.plusSeconds(10)).input("{\"text\":\"e\"}").output("{\"text\":\"e\"}"),
                trace("late1", T0.plusSeconds(90)).input("{\"text\":\"l\"}").output("{\"text\":\"l\"}"),
                trace("late2", T0.plusSeconds(91)).input("{\"text\":\"l\"}").output("{\"text\":\"l\"}"),
                trace("other", T0.plusSeconds(60)).agent("other-agent").input("{\"text\":\"o\"}")
                        .output("{\"text\":\"o\"}"));
        for (String id : List.of("c", "a", "b", "early", "late1", "late2", "other")) {
            success(id);
        }
        correct("a", "{\"text\":\"fixed a\"}", FeedbackSource.ANNOTATOR);
        correct("late2", "{\"text\":\"fixed late2\"}", FeedbackSource.ANNOTATOR);
        DatasetSpec spec = DatasetSpecs.parse(
                "{\"name\":\"pages\",\"selection\":{\"agents\":[\"desk\"]},\"formats\":[\"openai-chat\"]}");
        TraceSource source = new TraceSource(db, P, spec.selection(), true, java.util.Set.of("correction"));

        List<List<TraceSource.Row>> pages = new ArrayList<>();
        source.stream(2, pages::add);

        List<TraceSource.Row> rows = pages.stream().flatMap(List::stream).toList();
        assertThat(pages).allSatisfy(page -> assertThat(page.size()).isLessThanOrEqualTo(2));
        assertThat(rows).extracting(TraceSource.Row::id).containsExactly("early", "a", "b", "c", "late1", "late2");
        Map<String, TraceSource.Row> byId = new HashMap<>();
        rows.forEach(r -> byId.put(r.id(), r));
        assertThat(byId.get("a").feedback()).extracting(TraceSource.Fb::value).containsExactly("{\"text\":\"fixed a\"}");
        assertThat(byId.get("late2").feedback()).extracting(TraceSource.Fb::value)
                .containsExactly("{\"text\":\"fixed late2\"}");
        assertThat(byId.get("b").feedback()).isEmpty();
        assertThat(byId.get("b").tools()).extracting(TraceSource.Tool::callId).containsExactly("call_b");
        assertThat(byId.get("a").tools()).isEmpty();
        assertThat(source.count()).isEqualTo(6);
    }

    // --- bad input ---

    @Test
    void build_emptySelectionOrAnotherProject_isRefusedNamingTheFieldAndStoresNothing() {
        ingest(t("a", "hello", "hi"));
        success("a");

        BadInputException empty = catchThrowableOfType(BadInputException.class,
                () -> build("{\"name\":\"x\",\"selection\":{\"agents\":[\"nobody\"]}}"));
        assertThat(empty.errors()).extracting(FieldError::field).containsExactly("selection");
        BadInputException tagged = catchThrowableOfType(BadInputException.class,
                () -> build("{\"name\":\"x\",\"selection\":{\"tags\":[\"absent\"]}}"));
        assertThat(tagged.errors()).extracting(FieldError::field).containsExactly("selection");
        BadInputException other = catchThrowableOfType(BadInputException.class,
                () -> build("{\"name\":\"x\",\"selection\":{\"project\":\"globex\"}}"));
        assertThat(other.errors()).extracting(FieldError::field).containsExactly("selection.project");
        assertThat(store.versions(P, null, 10)).isEmpty();
        assertThat(datasets.resolve(P).toFile().list()).isNullOrEmpty();
    }

    @Test
    void build_nothingSurvives_isRefusedWithTheReasons() {
        ingest(t("a", "hello", "hi"));
        failure("a");

        BadInputException e = catchThrowableOfType(BadInputException.class,
                () -> build("{\"name\":\"x\",\"formats\":[\"openai-chat\"]}"));

        assertThat(e.getMessage()).contains("no example is left", "no_target 1");
    }

    // --- asynchronous builds ---

    @Test
    void builds_runInTheBackgroundWithProgress_andRefuseBadSpecsAtSubmit() throws InterruptedException {
        ingest(t("a", "where is my card", "On its way."), t("b", "reset my pin", "In the app."));
        success("a");
        success("b");
        try (DatasetBuilds builds = new DatasetBuilds(pipeline, store, CLOCK)) {
            Build queued = builds.submit(P, "{\"name\":\"async\",\"formats\":[\"openai-chat\"]}");
            assertThat(queued.status()).isIn(Build.Status.QUEUED, Build.Status.RUNNING, Build.Status.SUCCEEDED);

            Build done = builds.await(P, queued.id(), Duration.ofSeconds(60));

            assertThat(done.status()).as(done.message()).isEqualTo(Build.Status.SUCCEEDED);
            assertThat(done.versionId()).startsWith("ds_");
            assertThat(done.stage()).isNotNull();
            assertThat(done.finishedAt()).isNotNull();
            assertThat(store.manifest(P, done.versionId())).isPresent();
            assertThat(builds.list(P, 10)).extracting(Build::id).containsExactly(queued.id());

            BadInputException bad = catchThrowableOfType(BadInputException.class,
                    () -> builds.submit(P, "{\"name\":\"async\",\"formats\":[\"parquet\"]}"));
            assertThat(bad.errors()).extracting(FieldError::field).containsExactly("formats[0]");
            assertThat(builds.list(P, 10)).hasSize(1);
            assertThat(catchThrowableOfType(dev.ratchet.common.NotFoundException.class,
                    () -> builds.get("globex", queued.id()))).isNotNull();
        }
    }
}
