package dev.ratchet.eval;

import static dev.ratchet.eval.EvalStoreContract.json;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ratchet.common.FieldError;
import dev.ratchet.common.JsonText;
import dev.ratchet.memory.BgeSmallEmbedder;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Each scorer type on outputs it must pass and fail, and the validation of declarations. */
class ScorerTest {

    private static Scorer compile(String declaration) {
        List<FieldError> errors = new ArrayList<>();
        Scorer s = ScorerParser.compile(json(declaration).node(), "e", null, errors);
        assertThat(errors).as("errors of %s", declaration).isEmpty();
        return s;
    }

    private static List<FieldError> errors(String declaration) {
        List<FieldError> errors = new ArrayList<>();
        assertThat(ScorerParser.compile(json(declaration).node(), "e", null, errors)).isNull();
        return errors;
    }

    private static Observation out(String output, String expected) {
        return new Observation(json("{\"q\": 1}"), expected == null ? null : json(expected), json(output), List.of(), 120,
                new BigDecimal("0.02"));
    }

    private static Score score(String declaration, Observation o) {
        return compile(declaration).score(o, ScoringServices.none());
    }

    @Test
    void exact_comparesJsonValuesNotTheirSpelling() {
        assertThat(score("{\"type\": \"exact\"}", out("{\"b\": 1.0, \"a\": [1]}", "{\"a\": [1], \"b\": 1}")).passed()).isTrue();
        Score s = score("{\"type\": \"exact\", \"path\": \"/intent\"}", out("{\"intent\": \"lost_card\"}", "{\"intent\": \"card_arrival\"}"));
        assertThat(s.passed()).isFalse();
        assertThat(s.reason()).isEqualTo("expected \"card_arrival\" at /intent, got \"lost_card\"");
    }

    @Test
    void normalizedText_ignoresCasePunctuationAndSpacing() {
        assertThat(score("{\"type\": \"normalized_text\"}", out("{\"text\": \"  Your card  has SHIPPED!\"}", "\"your card has shipped\"")).passed()).isTrue();
        assertThat(score("{\"type\": \"normalized_text\", \"value\": \"shipped\"}", out("\"lost\"", null)).passed()).isFalse();
    }

    @Test
    void contains_scoresTheShareFound() {
        Score s = score("{\"type\": \"contains\", \"values\": [\"card\", \"friday\"], \"ignoreCase\": true}", out("\"Your CARD ships Monday\"", null));
        assertThat(s.passed()).isFalse();
        assertThat(s.score()).isEqualTo(0.5);
        assertThat(s.reason()).isEqualTo("output does not contain \"friday\"");
    }

    @Test
    void regex_findsThePattern_andStopsPathologicalBacktracking() {
        assertThat(score("{\"type\": \"regex\", \"pattern\": \"\\\\bref-\\\\d{4}\\\\b\"}", out("\"see ref-1234 now\"", null)).passed()).isTrue();
        Score slow = score("{\"type\": \"regex\", \"pattern\": \"(.*a){41}\"}", out("\"" + "a".repeat(40) + "!\"", null));
        assertThat(slow.passed()).isFalse();
        assertThat(slow.reason()).contains("took too long");
    }

    @Test
    void jsonSchema_validatesTheOutput() {
        String decl = "{\"type\": \"json_schema\", \"schema\": {\"type\": \"object\", \"required\": [\"intent\"]}}";
        assertThat(score(decl, out("{\"intent\": \"x\"}", null)).passed()).isTrue();
        Score s = score(decl, out("{\"other\": 1}", null));
        assertThat(s.passed()).isFalse();
        assertThat(s.reason()).contains("intent");
    }

    @Test
    void numeric_acceptsWithinTolerance() {
        assertThat(score("{\"type\": \"numeric\", \"path\": \"/amount\", \"tolerance\": 0.01}", out("{\"amount\": 10.005}", "{\"amount\": 10}")).passed()).isTrue();
        assertThat(score("{\"type\": \"numeric\", \"value\": 100, \"tolerance\": 0.05, \"relative\": true}", out("\"106\"", null)).passed()).isFalse();
    }

    @Test
    void trajectory_matchesNamesArgumentSubsetsAndOrder() {
        List<Call> calls = List.of(
                new Call(CallKind.TOOL, "lookup", json("{\"card\": \"1234\", \"verbose\": true}"), Call.Source.FIXTURE),
                new Call(CallKind.LLM, "gpt", json("[]"), Call.Source.FIXTURE),
                new Call(CallKind.TOOL, "refund", json("{\"amount\": 5}"), Call.Source.FIXTURE));
        Observation o = new Observation(null, null, json("{}"), calls, 1, null);
        String inOrder = "{\"type\": \"trajectory\", \"calls\": [{\"tool\": \"lookup\", \"arguments\": {\"card\": \"1234\"}}, {\"tool\": \"refund\"}]}";
        assertThat(compile(inOrder).score(o, ScoringServices.none()).passed()).isTrue();
        Score reversed = compile("{\"type\": \"trajectory\", \"calls\": [{\"tool\": \"refund\"}, {\"tool\": \"lookup\"}]}").score(o, ScoringServices.none());
        assertThat(reversed.passed()).isFalse();
        assertThat(reversed.score()).isEqualTo(0.5);
        assertThat(compile("{\"type\": \"trajectory\", \"order\": \"any_order\", \"calls\": [{\"tool\": \"refund\"}, {\"tool\": \"lookup\"}]}")
                .score(o, ScoringServices.none()).passed()).isTrue();
        Score exact = compile("{\"type\": \"trajectory\", \"order\": \"exact\", \"calls\": [{\"tool\": \"lookup\"}]}").score(o, ScoringServices.none());
        assertThat(exact.passed()).isFalse();
        assertThat(exact.reason()).startsWith("1 unexpected call(s) after the expected ones, first 'refund'");
        assertThat(compile("{\"type\": \"trajectory\", \"calls\": [{\"tool\": \"lookup\", \"arguments\": {\"card\": \"9\"}}]}")
                .score(o, ScoringServices.none()).passed()).isFalse();
    }

    @Test
    void latencyAndCost_budgets() {
        assertThat(score("{\"type\": \"latency\", \"maxMs\": 100}", out("1", null)).reason()).isEqualTo("took 120 ms, budget 100 ms");
        assertThat(score("{\"type\": \"cost\", \"max\": 0.05}", out("1", null)).passed()).isTrue();
        Observation unknown = new Observation(null, null, json("1"), List.of(), 1, null);
        assertThat(compile("{\"type\": \"cost\", \"max\": 1}").score(unknown, ScoringServices.none()).passed()).isFalse();
    }

    @Test
    void composites_allAnyWeighted() {
        Observation o = out("\"the card shipped\"", null);
        String contains = "{\"type\": \"contains\", \"value\": \"shipped\"}";
        String missing = "{\"type\": \"contains\", \"value\": \"friday\"}";
        assertThat(score("{\"type\": \"all\", \"of\": [" + contains + ", " + missing + "]}", o).passed()).isFalse();
        assertThat(score("{\"type\": \"any\", \"of\": [" + contains + ", " + missing + "]}", o).passed()).isTrue();
        Score w = score("{\"type\": \"weighted\", \"threshold\": 0.7, \"of\": [{\"weight\": 3, \"scorer\": " + contains
                + "}, {\"weight\": 1, \"scorer\": " + missing + "}]}", o);
        assertThat(w.passed()).isTrue();
        assertThat(w.score()).isEqualTo(0.75);
        assertThat(w.parts()).hasSize(2);
    }

    @Test
    void embeddingSimilarity_withTheRealBgeModel_passesParaphrasesAndFailsUnrelatedText() {
        ScoringServices bge = new ScoringServices(new BgeSmallEmbedder(), null);
        Scorer s = compile("{\"type\": \"embedding_similarity\", \"threshold\": 0.8}");

        Score close = s.score(out("\"Your card was shipped and will arrive on Friday.\"", "\"The card has been sent and arrives Friday.\""), bge);
        Score far = s.score(out("\"The weather in Oslo is cold today.\"", "\"The card has been sent and arrives Friday.\""), bge);

        assertThat(close.passed()).as(close.reason()).isTrue();
        assertThat(far.passed()).isFalse();
        assertThat(far.score()).isLessThan(close.score());
        assertThat(s.score(out("\"x\"", "\"y\""), ScoringServices.none()).reason()).isEqualTo("no embedder is configured for this run");
    }

    @Test
    void llmJudge_gradesThroughAnOpenAiCompatibleEndpoint_againstAFakeChatServer() throws Exception {
        try (FakeChatServer fake = new FakeChatServer()) {
            Judge judge = new OpenAiJudge(new OpenAiJudge.Settings(fake.baseUrl(), "judge-1", "sk-test", Duration.ofSeconds(5)));
            ScoringServices services = new ScoringServices(null, judge);
            Scorer s = compile("{\"type\": \"llm_judge\", \"rubric\": \"Polite and says when the card arrives.\", \"threshold\": 0.7}");
            fake.reply = r -> "{\"score\": 0.9, \"rationale\": \"Polite; gives the day.\"}";

            Score good = s.score(out("\"It arrives Friday, sorry for the wait!\"", "\"Friday\""), services);
            fake.reply = r -> "```json\n{\"score\": 0.2, \"rationale\": \"No date given.\"}\n```";
            Score bad = s.score(out("\"Soon.\"", null), services);
            fake.reply = r -> "HTTP 503 {\"error\": \"overloaded\"}";
            Score down = s.score(out("\"Soon.\"", null), services);
            fake.reply = r -> "{\"score\": 7}";
            Score nonsense = s.score(out("\"Soon.\"", null), services);

            assertThat(good.passed()).isTrue();
            assertThat(good.score()).isEqualTo(0.9);
            assertThat(good.reason()).isEqualTo("Polite; gives the day.");
            assertThat(bad.passed()).isFalse();
            assertThat(bad.reason()).isEqualTo("judged 0.20, below 0.70: No date given.");
            assertThat(down.reason()).startsWith("judge failed: ").contains("HTTP 503", "overloaded");
            assertThat(nonsense.reason()).contains("no score from 0 to 1");
            JsonText first = JsonText.of(fake.requests.get(0));
            assertThat(first.path("model").asText()).isEqualTo("judge-1");
            assertThat(first.path("temperature").asInt()).isZero();
            assertThat(first.path("messages").get(1).path("content").asText())
                    .contains("Polite and says when the card arrives.", "It arrives Friday", "Expected output");
        }
    }

    @Test
    void declarations_badParameters_areFieldErrors() {
        assertThat(errors("{\"type\": \"weighted\", \"of\": [{\"weight\": 0, \"scorer\": {\"type\": \"nope\"}}]}"))
                .extracting(FieldError::field).containsExactlyInAnyOrder("e.of[0].weight", "e.of[0].scorer.type", "e.threshold");
        assertThat(errors("{\"type\": \"trajectory\", \"calls\": [{\"args\": {}}], \"order\": \"sideways\"}"))
                .extracting(FieldError::field).containsExactlyInAnyOrder("e.calls[0].args", "e.calls[0].tool", "e.order");
        assertThat(errors("{\"type\": \"json_schema\", \"schema\": {\"type\": \"nonsense\"}}"))
                .extracting(FieldError::field).containsExactly("e.schema");
        assertThat(errors("{\"type\": \"latency\", \"maxMs\": -1, \"path\": \"x\"}"))
                .extracting(FieldError::field).containsExactlyInAnyOrder("e.maxMs", "e.path");
        assertThat(errors("[1]")).extracting(FieldError::reason).singleElement().asString().startsWith("a scorer is an object");
    }
}
