package dev.ratchet.learn;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ratchet.common.Json;
import dev.ratchet.common.JsonText;
import dev.ratchet.dataset.BuildProgress;
import dev.ratchet.dataset.DatasetSpecs;
import dev.ratchet.dataset.Manifest;
import dev.ratchet.eval.AgentVersion;
import dev.ratchet.eval.CaseResult;
import dev.ratchet.eval.CaseStatus;
import dev.ratchet.eval.EvalCase;
import dev.ratchet.feedback.Feedback;
import dev.ratchet.feedback.FeedbackKind;
import dev.ratchet.feedback.FeedbackSource;
import dev.ratchet.memory.MemoryKind;
import dev.ratchet.memory.MemorySearch;
import dev.ratchet.reference.LabeledText;
import dev.ratchet.reference.TriageLayers;
import dev.ratchet.trace.Trace;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The loop's promises, on the real encoder, SQLite, Lucene and the data pipeline: a memory fix survives a retrain, the
 * gate refuses a candidate that breaks a regression case, and a wrong correction that contradicts validated data is
 * quarantined instead of learned.
 */
class LearningLoopTest {

    private static final String P = "acme";
    private static final String AGENT = "desk";

    @TempDir
    Path dir;

    private LearningLab lab;

    @BeforeEach
    void open() {
        // A small eval suite cannot show a tight margin (see EvalGate): a wide one lets the regression check decide.
        lab = LearningLab.open(dir, P, AGENT, LearningLoop.Options.defaults().withRetraining(10, 10).withMargin(0.5));
        Map<String, String> descriptions = new LinkedHashMap<>();
        descriptions.put("card_lost", "Card lost");
        descriptions.put("delivery_problem", "Delivery problem");
        descriptions.put("password_reset", "Password reset");
        descriptions.put("refund_request", "Refund request");
        lab.loop().start(LearningLab.initialLayers(descriptions, AGENT), List.of(
                new LabeledText("I lost my bank card", "card_lost"),
                new LabeledText("my card has gone missing", "card_lost"),
                new LabeledText("where is my package", "delivery_problem"),
                new LabeledText("the courier never delivered my order", "delivery_problem"),
                new LabeledText("I forgot my password", "password_reset"),
                new LabeledText("how do I change my login password", "password_reset"),
                new LabeledText("I want my money back", "refund_request"),
                new LabeledText("please refund my purchase", "refund_request")));
    }

    @AfterEach
    void close() {
        lab.close();
    }

    @Test
    void memoryFix_staysFixedAfterARetrain_andTheRegressionSuiteChecksIt() {
        String odd = "my parcel never arrived and the tracking page shows nothing";
        String first = serve(odd, "password_reset"); // the team routes this one to the account desk
        assertThat(answered(first)).isNotEqualTo("password_reset");

        RoundReport r1 = lab.loop().round(List.of(first));

        assertThat(r1.fixedByLayer()).containsEntry("memory", 1);
        assertThat(r1.regressionCases()).isEqualTo(1);
        assertThat(decide(odd)).isEqualTo("password_reset");

        List<String> traffic = new ArrayList<>();
        for (String t : List.of("my order has not arrived yet", "the delivery is two weeks late",
                "the parcel tracking has not moved in days", "the courier lost my parcel", "my package never came",
                "where is my delivery", "the shipment is stuck in transit", "my parcel is missing")) {
            traffic.add(serve(t, "delivery_problem"));
        }
        for (String t : List.of("I lost my card", "my debit card is lost", "reset my password please",
                "I cannot log in, need a new password", "refund my order please", "I would like a refund")) {
            traffic.add(serve(t, t.contains("card") ? "card_lost" : t.contains("password") ? "password_reset"
                    : "refund_request"));
        }
        RoundReport r2 = lab.loop().round(traffic);

        RoundReport.Candidate weights = r2.candidates().stream().filter(c -> c.layer().equals("weights")).findFirst()
                .orElseThrow();
        assertThat(weights.promoted()).as("gate reasons: %s", weights.reasons()).isTrue();
        String head = lab.loop().currentLayers().head();
        assertThat(head).isNotNull();
        assertThat(lab.services().artifacts().exists(P, head)).isTrue();
        var decision = lab.loop().agent().decide(odd, lab.loop().currentLayers());
        assertThat(decision.intent()).isEqualTo("password_reset");
        assertThat(decision.layer()).as("the remembered correction decides, whatever the head says").isEqualTo("memory");

        AgentVersion promoted = lab.services().registry().version(P, AGENT, weights.version()).orElseThrow();
        String regressionRun = promoted.evidence().path("regressionRun").asText();
        List<CaseResult> results = lab.services().evals().results(P, regressionRun);
        EvalCase fixedCase = lab.services().evals().cases(P, lab.loop().regressionSuite(), null).get(0);
        assertThat(fixedCase.input().path("text").asText()).isEqualTo(odd);
        assertThat(results).filteredOn(c -> c.caseId().equals(fixedCase.id()))
                .extracting(CaseResult::status).containsExactly(CaseStatus.PASSED);
    }

    @Test
    void candidateThatBreaksARegressionCase_isRefusedByTheGate_andRecordedAsRejected() {
        String odd = "my parcel never arrived and the tracking page shows nothing";
        lab.loop().round(List.of(serve(odd, "password_reset")));
        String before = lab.loop().currentVersion();
        TriageLayers current = lab.loop().currentLayers();

        // A version that reads another agent's (empty) memory forgets the fix.
        RoundReport.Candidate c = lab.loop().propose("memory",
                current.withMemory(new TriageLayers.Memory("someone-else", null, null)), "point at a fresh memory");

        assertThat(c.promoted()).isFalse();
        assertThat(String.join(" ", c.reasons())).contains("regression");
        assertThat(lab.loop().currentVersion()).isEqualTo(before);
        AgentVersion rejected = lab.services().registry().version(P, AGENT, c.version()).orElseThrow();
        assertThat(rejected.status().wire()).isEqualTo("rejected");
        assertThat(rejected.parent()).isEqualTo(before);
        assertThat(decide(odd)).isEqualTo("password_reset");

        // The same gate lets a harmless change through.
        RoundReport.Candidate ok = lab.loop().propose("parameters", current, "no change");
        assertThat(ok.promoted()).isTrue();
    }

    @Test
    void wrongCorrection_contradictingValidatedExamples_isQuarantined_notLearnedOrTrainedOn() {
        List<String> examples = new ArrayList<>();
        for (String t : List.of("I lost my card", "my card is lost", "I have lost my bank card", "lost my debit card",
                "I think I lost my card on the bus")) {
            examples.add(serve(t, "card_lost"));
        }
        lab.loop().round(examples);
        int regression = lab.loop().round(List.of()).regressionCases();
        String wrong = "I lost my credit card";
        String trace = serve(wrong, "refund_request");

        RoundReport r = lab.loop().round(List.of(trace));

        assertThat(r.quarantined()).isEqualTo(1);
        assertThat(r.quarantinedTraces()).containsExactly(trace);
        assertThat(r.fixedByLayer()).isEmpty();
        assertThat(r.regressionCases()).isEqualTo(regression);
        Feedback flag = lab.services().feedback().forTrace(P, trace).stream()
                .filter(f -> f.kind() == FeedbackKind.LABEL).findFirst().orElseThrow();
        assertThat(flag.value().node().textValue()).isEqualTo(LearningLoop.QUARANTINED);
        assertThat(flag.reason()).contains("card_lost");
        assertThat(lab.services().memory().search(P, new MemorySearch(wrong, AGENT, null, null,
                Set.of(MemoryKind.CORRECTION), 10, null))).isEmpty();
        assertThat(decide(wrong)).isEqualTo("card_lost");

        Manifest built = lab.services().datasets().build(P, DatasetSpecs.parse("""
                name: check
                selection: {agents: [desk]}
                quality: {excludeLabels: [quarantined]}
                label: {field: intent}
                formats: [classification-csv]
                """), BuildProgress.NONE);
        assertThat(built.exclusions()).containsEntry("flagged", 1L);
    }

    /** Answers a request with the current version, ingests its trace, and records the user's reaction. */
    private String serve(String text, String truth) {
        LearningLoop.Services s = lab.services();
        Trace t = lab.loop().agent().answer(AGENT, lab.loop().currentVersion(), lab.loop().currentLayers(), text, "u1",
                s.clock());
        s.traces().ingest(P, List.of(t));
        String said = t.output().path("intent").asText(null);
        boolean right = truth.equals(said);
        s.feedback().record(P, List.of(new Feedback(dev.ratchet.common.Ids.newId(s.clock()), t.id(), null,
                right ? FeedbackKind.ACCEPTED : FeedbackKind.CORRECTION,
                right ? null : JsonText.of(Json.MAPPER.createObjectNode().put("intent", truth)), null, null, null,
                FeedbackSource.END_USER, "u1", 1.0, s.clock().instant(), null)));
        return t.id();
    }

    private String answered(String traceId) {
        return lab.services().traces().get(P, traceId).orElseThrow().output().path("intent").asText(null);
    }

    private String decide(String text) {
        return lab.loop().agent().decide(text, lab.loop().currentLayers()).intent();
    }
}
