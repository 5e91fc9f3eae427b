package dev.ratchet.learn;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ratchet.common.Ids;
import dev.ratchet.common.Json;
import dev.ratchet.common.JsonText;
import dev.ratchet.dataset.DatasetPipeline;
import dev.ratchet.dataset.DatasetSpecs;
import dev.ratchet.dataset.Manifest;
import dev.ratchet.eval.AgentRegistration;
import dev.ratchet.eval.AgentRegistry;
import dev.ratchet.eval.CaseResult;
import dev.ratchet.eval.CaseSpec;
import dev.ratchet.eval.CaseStatus;
import dev.ratchet.eval.EvalCase;
import dev.ratchet.eval.EvalGate;
import dev.ratchet.eval.EvalRunner;
import dev.ratchet.eval.EvalStore;
import dev.ratchet.eval.GateRequest;
import dev.ratchet.eval.GateVerdict;
import dev.ratchet.eval.NewSuite;
import dev.ratchet.eval.Run;
import dev.ratchet.eval.RunRequest;
import dev.ratchet.eval.SuiteEdit;
import dev.ratchet.eval.TraceCases;
import dev.ratchet.feedback.Feedback;
import dev.ratchet.feedback.FeedbackKind;
import dev.ratchet.feedback.FeedbackSource;
import dev.ratchet.feedback.FeedbackStore;
import dev.ratchet.memory.Embedder;
import dev.ratchet.memory.MemoryHit;
import dev.ratchet.memory.MemoryKind;
import dev.ratchet.memory.MemorySearch;
import dev.ratchet.memory.MemorySnapshot;
import dev.ratchet.memory.MemoryStore;
import dev.ratchet.memory.MemoryWrite;
import dev.ratchet.memory.Provenance;
import dev.ratchet.reference.LabeledText;
import dev.ratchet.reference.TriageAgent;
import dev.ratchet.reference.TriageLayers;
import dev.ratchet.release.Artifacts;
import dev.ratchet.train.HeadTrainer;
import dev.ratchet.train.HeadTraining;
import dev.ratchet.train.LinearHead;
import dev.ratchet.trace.Trace;
import dev.ratchet.trace.TraceStore;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The learning loop for the reference triage agent: from a batch of production traces with their feedback to new,
 * verified agent versions, cheapest layer first.
 *
 * <p>A round, for the traces it is given:
 * <ol>
 *   <li><b>Read</b> each trace and its feedback from the stores. An accepted answer is a verified example; a
 *       correction is a failure with its corrected intent.</li>
 *   <li><b>Check each correction against validated data</b> ({@link #contradiction}): the frozen eval suite, the
 *       examples already in memory, and the current head. A correction that contradicts them is quarantined: flagged
 *       on its trace with a {@code label} feedback item {@value #QUARANTINED} (which dataset specs exclude), and
 *       never written to memory, made a case or trained on.</li>
 *   <li><b>Turn the failures into cases</b> ({@link TraceCases}: the trace's input, its recorded ticket call as a
 *       fixture, the correction as the expected intent), in a suite of the round.</li>
 *   <li><b>Try the strategies in order</b>, each on top of the last promoted version, for the failures not yet
 *       fixed: a <em>memory</em> write of the corrections (and the round's verified examples); an <em>instruction</em>
 *       edit that adds the failing phrasing to its intent's description; a <em>routing rule</em> on a word the
 *       failures of one intent share and no validated example of another intent contains. Each candidate is
 *       verified by runs of the round's failing cases, the regression suite and the frozen eval suite, and decided
 *       by {@link EvalGate} (no regression case broken, not worse on the eval suite). A candidate that passes and
 *       fixes at least one failure is promoted; the cases it fixed join the regression suite.</li>
 *   <li><b>Retrain the head</b> once enough verified examples have arrived since the last training ({@link
 *       Options#retrainEvery}, and at least {@link Options#minTrainingExamples} in all): the data pipeline builds a
 *       dataset version from the agent's traces (successes and corrections, quarantined ones and near copies of eval
 *       cases left out), the head is trained on it from the current head, and the candidate goes through the same
 *       gate.</li>
 * </ol>
 * Every candidate becomes an agent version, promoted or rejected, with its parent, the layer it changed and its
 * evidence (traces, feedback, cases, runs, gate verdict, dataset version). Memory candidates are staged: their
 * items are written in a session of their own, which only the candidate's runs read, and are written to the agent's
 * shared memory when the candidate is promoted.
 *
 * <p>Not thread-safe: one loop per agent, one round at a time.
 */
public final class LearningLoop {

    /** The {@code label} feedback value that marks a quarantined correction. */
    public static final String QUARANTINED = "quarantined";

    static final int MIN_NEIGHBOURS = 4;
    static final double NEAR = 0.8;
    static final double MIN_SHARE = 0.75;
    static final double MAX_HEAD_P = 0.02;
    static final double NEAR_BROKEN = 0.75;

    /** The built-in agent name the reference agent is registered under. */
    public static final String BUILTIN = "reference-triage";

    private static final List<JsonText> EXPECT_INTENT = List.of(JsonText.ofValid("{\"type\":\"exact\",\"path\":\"/intent\"}"));
    private static final Pattern WORD = Pattern.compile("[\\p{L}]{4,}");
    private static final Set<String> STOP = Set.of("this", "that", "with", "have", "what", "when", "where", "which",
            "there", "their", "would", "could", "should", "from", "about", "your", "does", "will", "want", "need",
            "been", "just", "still", "help", "please", "they", "them", "then", "than", "into", "some", "how", "why");

    /** The stores and engines the loop works through. */
    public record Services(TraceStore traces, FeedbackStore feedback, MemoryStore memory, EvalStore evals,
            EvalRunner runner, AgentRegistry registry, Artifacts artifacts, DatasetPipeline datasets, Embedder embedder,
            Clock clock) {
    }

    /**
     * @param minTrainingExamples verified examples needed before the head is trained at all
     * @param retrainEvery        new verified examples since the last training that make the loop retrain
     * @param concurrency         cases in flight per verification run
     * @param margin              the gate's non-inferiority margin on the eval suite
     * @param training            how the head is trained
     * @param snapshots           whether each promotion records a memory snapshot (its id goes into the version)
     */
    public record Options(int minTrainingExamples, int retrainEvery, int concurrency, double margin,
            HeadTraining training, boolean snapshots) {

        public static Options defaults() {
            return new Options(200, 1_000, 2, EvalGate.DEFAULT_MARGIN, HeadTraining.defaults(), true);
        }

        public Options withRetraining(int min, int every) {
            return new Options(min, every, concurrency, margin, training, snapshots);
        }

        public Options withMargin(double m) {
            return new Options(minTrainingExamples, retrainEvery, concurrency, m, training, snapshots);
        }
    }

    private final String project;
    private final String agentName;
    private final Services s;
    private final Options options;
    private final TriageAgent agent;
    private final EvalGate gate;
    private final TraceCases traceCases;
    private final HeadTrainer trainer = new HeadTrainer();
    private final Map<String, String> gold = new HashMap<>();

    private String evalSuite;
    private String regressionSuite;
    private String current;
    private TriageLayers currentLayers;
    private String currentEvalRun;
    private double currentEvalRate;
    private int round;
    private int verifiedSinceTraining;
    private int verifiedTotal;
    private int memoryItems;

    public LearningLoop(String project, String agentName, Services services, Options options) {
        this.project = Objects.requireNonNull(project, "project");
        this.agentName = Objects.requireNonNull(agentName, "agentName");
        this.s = Objects.requireNonNull(services, "services");
        this.options = Objects.requireNonNull(options, "options");
        this.agent = new TriageAgent(project, s.embedder(), s.memory(), this::loadHead);
        this.gate = new EvalGate(s.evals(), s.clock());
        this.traceCases = new TraceCases(s.traces(), s.feedback());
    }

    /** The agent the loop verifies candidates with (and that answers production traffic). */
    public TriageAgent agent() {
        return agent;
    }

    /** The current version's label. */
    public String currentVersion() {
        return current;
    }

    /** The current version's layers. */
    public TriageLayers currentLayers() {
        return currentLayers;
    }

    /** The current version's success rate on the frozen eval suite. */
    public double currentEvalRate() {
        return currentEvalRate;
    }

    public String evalSuite() {
        return evalSuite;
    }

    public String regressionSuite() {
        return regressionSuite;
    }

    /**
     * Registers the agent with its first version (promoted as it is), creates the frozen eval suite from {@code
     * gold} (labelled requests a team trusts; never trained on) and an empty regression suite, and runs the first
     * version on the eval suite as the baseline.
     *
     * @return the first version's eval success rate
     */
    public double start(TriageLayers initial, List<LabeledText> goldSet) {
        s.registry().register(project, new AgentRegistration(agentName, null, BUILTIN, null, List.of()));
        evalSuite = agentName + "-eval";
        regressionSuite = agentName + "-regression";
        List<CaseSpec> cases = new ArrayList<>();
        for (LabeledText g : goldSet) {
            gold.put(g.text().strip(), g.label());
            cases.add(new CaseSpec(text(g.text()), null, intent(g.label()), List.of(), EXPECT_INTENT, List.of("gold"), null));
        }
        s.evals().createSuite(project, new NewSuite(evalSuite, "eval",
                "Frozen eval suite of " + agentName + ": labelled requests, never trained on", cases));
        s.evals().createSuite(project, new NewSuite(regressionSuite, "regression",
                "Failures of " + agentName + " that promoted versions fixed; only grows", List.of()));
        String label = "v1";
        Run evalRun = run(evalSuite, label, initial);
        ObjectNode evidence = Json.MAPPER.createObjectNode().put("reason", "initial version").put("evalRun", evalRun.id());
        s.registry().propose(project, agentName, new dev.ratchet.eval.NewVersion(label, initial.toJson(), null,
                "instructions", JsonText.of(evidence)));
        s.registry().promote(project, agentName, label, JsonText.of(Json.MAPPER.createObjectNode()
                .put("reason", "the first version, the baseline every later one is gated against")));
        current = label;
        currentLayers = initial;
        currentEvalRun = evalRun.id();
        currentEvalRate = evalRun.summary().successRate();
        return currentEvalRate;
    }

    // --- a round ---

    private record Event(String traceId, String feedbackId, String text, String answered, String label,
            boolean corrected) {
    }

    /** Runs one round over these traces (see the class comment). */
    public RoundReport round(List<String> traceIds) {
        if (current == null) {
            throw new IllegalStateException("start() first");
        }
        round++;
        List<Event> examples = new ArrayList<>();
        List<Event> corrections = new ArrayList<>();
        read(traceIds, examples, corrections);
        List<Event> failures = new ArrayList<>();
        List<Feedback> flags = new ArrayList<>();
        for (Event c : corrections) {
            String why = contradiction(c);
            if (why == null) {
                failures.add(c);
            } else {
                flags.add(new Feedback(Ids.newId(s.clock()), c.traceId(), null, FeedbackKind.LABEL,
                        JsonText.ofValid(Json.write(QUARANTINED)), null, why, "consistency", FeedbackSource.SYSTEM,
                        "ratchet-learn", 1.0, s.clock().instant(), "quarantine:" + c.feedbackId()));
            }
        }
        if (!flags.isEmpty()) {
            s.feedback().record(project, flags);
        }

        Map<String, Event> byCase = new LinkedHashMap<>();
        String failingSuite = null;
        if (!failures.isEmpty()) {
            List<CaseSpec> specs = new ArrayList<>();
            for (Event f : failures) {
                specs.add(traceCases.fromTrace(project, f.traceId(), EXPECT_INTENT, List.of("round-" + round)));
            }
            failingSuite = agentName + "-round-" + round + "-" + Ids.newId(s.clock()).substring(0, 10).toLowerCase(Locale.ROOT);
            s.evals().createSuite(project, new NewSuite(failingSuite, "custom",
                    "Failures of " + agentName + " in learning round " + round, specs));
            // The suite keeps one case per distinct content (the same request failed alike twice is one test), so
            // cases are matched to failures by the trace they came from, not by position.
            Map<String, Event> byTrace = new HashMap<>();
            failures.forEach(f -> byTrace.putIfAbsent(f.traceId(), f));
            for (EvalCase c : s.evals().cases(project, failingSuite, null)) {
                Event f = byTrace.get(c.originTraceId());
                if (f != null) {
                    byCase.putIfAbsent(c.id(), f);
                }
            }
        }

        List<RoundReport.Candidate> tried = new ArrayList<>();
        Map<String, Integer> fixedByLayer = new LinkedHashMap<>();
        Set<String> open = new LinkedHashSet<>(byCase.keySet());
        int regressions = 0;

        // 1. memory: the corrections, and the round's verified examples. When the gate refuses the write, the items
        // nearest the regression cases it broke are left out and the rest tried once more (without any correction
        // when none is near), so a round's verified examples are not lost for one conflict.
        if (!failures.isEmpty() || !examples.isEmpty()) {
            MemoryAttempt first = tryMemory(failures, examples, failingSuite, open);
            regressions += first.record(byCase, tried, fixedByLayer, open);
            if (!first.promoted() && !first.outcome().verdict().passed()) {
                Set<String> culprits = culprits(first.outcome().verdict(), first.session());
                List<Event> kept = culprits.isEmpty() ? List.of()
                        : failures.stream().filter(f -> !culprits.contains(f.traceId())).toList();
                List<Event> keptExamples = examples.stream().filter(e -> !culprits.contains(e.traceId())).toList();
                MemoryAttempt second = tryMemory(kept, keptExamples, failingSuite, open);
                regressions += second.record(byCase, tried, fixedByLayer, open);
            }
        }

        // 2. instructions: add each still-failing phrasing to its intent's description
        if (!open.isEmpty()) {
            Map<String, List<String>> instructions = new TreeMap<>(currentLayers.instructions());
            for (String caseId : open) {
                Event f = byCase.get(caseId);
                List<String> phrasings = new ArrayList<>(instructions.get(f.label()));
                phrasings.add(f.text().strip());
                instructions.put(f.label(), phrasings);
            }
            String label = nextLabel();
            TriageLayers cand = currentLayers.withInstructions(instructions);
            Outcome o = verify(label, cand, failingSuite, open);
            boolean promote = o.verdict().passed() && !o.fixed().isEmpty();
            regressions += decide(label, "instructions", cand, o, promote, failures, List.of(), null, byCase, tried,
                    fixedByLayer, open);
        }

        // 3. a routing rule on a word the remaining failures of one intent share
        if (!open.isEmpty()) {
            Optional<TriageLayers.Rule> rule = proposeRule(open.stream().map(byCase::get).toList(), examples);
            if (rule.isPresent()) {
                List<TriageLayers.Rule> rules = new ArrayList<>(currentLayers.rules());
                rules.add(rule.get());
                String label = nextLabel();
                TriageLayers cand = currentLayers.withRules(rules);
                Outcome o = verify(label, cand, failingSuite, open);
                boolean promote = o.verdict().passed() && !o.fixed().isEmpty();
                regressions += decide(label, "rules", cand, o, promote, failures, List.of(), null, byCase, tried,
                        fixedByLayer, open);
            }
        }

        // 4. the weights, once enough verified examples have arrived
        verifiedSinceTraining += examples.size() + failures.size();
        verifiedTotal += examples.size() + failures.size();
        if (verifiedTotal >= options.minTrainingExamples()
                && (currentLayers.head() == null || verifiedSinceTraining >= options.retrainEvery())) {
            Manifest dataset = buildDataset();
            String csv = dataset.files().stream().filter(f -> f.format().equals("classification-csv")
                    && "train".equals(f.split())).map(Manifest.FileEntry::name).findFirst().orElse(null);
            if (csv != null) {
                LinearHead warm = currentLayers.head() == null ? null : loadHead(currentLayers.head());
                LinearHead head;
                try {
                    head = trainer.trainCsv(s.datasets().file(project, dataset.id(), csv), s.embedder(),
                            options.training(), warm);
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException("cannot read dataset " + dataset.id(), e);
                }
                String hash = s.artifacts().put(project, "application/vnd.ratchet.linear-head", head.toBytes());
                String label = nextLabel();
                TriageLayers cand = currentLayers.withHead(hash);
                Outcome o = verify(label, cand, open.isEmpty() ? null : failingSuite, open);
                boolean promote = o.verdict().passed();
                ObjectNode extra = Json.MAPPER.createObjectNode().put("dataset", dataset.id())
                        .put("datasetName", dataset.name()).put("head", hash);
                regressions += decide(label, "weights", cand, o, promote, List.of(), List.of(), extra, byCase, tried,
                        fixedByLayer, open);
                if (promote) {
                    verifiedSinceTraining = 0;
                }
            }
        }

        int regressionCases = s.evals().version(project, regressionSuite, null).caseIds().size();
        return new RoundReport(round, traceIds.size(), examples.size(), corrections.size(), flags.size(),
                Map.copyOf(fixedByLayer), open.size(), List.copyOf(tried), current, currentEvalRate, regressionCases,
                regressions, memoryItems, flags.stream().map(Feedback::traceId).toList());
    }

    /**
     * Puts a hand-made change (a person's rule or instruction edit, say) through the same gate as the loop's own: the
     * candidate is run on the regression suite and the frozen eval suite, registered as a version with its parent and
     * {@code reason}, and promoted only if the gate passes.
     *
     * @param layer which layer it changes: {@code instructions}, {@code rules}, {@code weights} or {@code memory}
     */
    public RoundReport.Candidate propose(String layer, TriageLayers candidate, String reason) {
        if (current == null) {
            throw new IllegalStateException("start() first");
        }
        String label = nextLabel();
        Outcome o = verify(label, candidate, null, Set.of());
        List<RoundReport.Candidate> tried = new ArrayList<>();
        ObjectNode extra = Json.MAPPER.createObjectNode().put("reason", reason).put("proposedBy", "hand");
        decide(label, layer, candidate, o, o.verdict().passed(), List.of(), List.of(), extra, Map.of(), tried,
                new HashMap<>(), new LinkedHashSet<>());
        return tried.get(0);
    }

    // --- reading ---

    private void read(List<String> traceIds, List<Event> examples, List<Event> corrections) {
        for (String id : traceIds) {
            Optional<Trace> t = s.traces().get(project, id);
            if (t.isEmpty() || t.get().input() == null) {
                continue;
            }
            String text = t.get().input().path("text").asText(null);
            String answered = t.get().output() == null ? null : t.get().output().path("intent").asText(null);
            if (text == null || text.isBlank()) {
                continue;
            }
            Feedback correction = null;
            Feedback accepted = null;
            for (Feedback f : s.feedback().forTrace(project, id)) {
                if (f.spanId() != null) {
                    continue;
                }
                if (f.kind() == FeedbackKind.CORRECTION && f.value() != null && f.value().path("intent").isTextual()) {
                    correction = f; // oldest first: the latest wins
                } else if (f.kind() == FeedbackKind.ACCEPTED) {
                    accepted = f;
                }
            }
            if (correction != null) {
                String label = correction.value().path("intent").textValue();
                if (currentLayers.instructions().containsKey(label)) {
                    corrections.add(new Event(id, correction.id(), text, answered, label, true));
                }
            } else if (accepted != null && answered != null && currentLayers.instructions().containsKey(answered)) {
                examples.add(new Event(id, accepted.id(), text, answered, answered, false));
            }
        }
    }

    /** One memory candidate: staged, verified, and (once {@link #record}ed) promoted or rejected. */
    private final class MemoryAttempt {
        private final String label;
        private final String session;
        private final List<Event> failures;
        private final List<Event> examples;
        private final Outcome outcome;
        private final boolean promote;

        MemoryAttempt(String label, String session, List<Event> failures, List<Event> examples, Outcome outcome) {
            this.label = label;
            this.session = session;
            this.failures = failures;
            this.examples = examples;
            this.outcome = outcome;
            this.promote = outcome.verdict().passed() && (!outcome.fixed().isEmpty() || failures.isEmpty());
        }

        String session() {
            return session;
        }

        Outcome outcome() {
            return outcome;
        }

        boolean promoted() {
            return promote;
        }

        /** Promotes (copying the staged items to the shared memory) or rejects; returns regressions let through. */
        int record(Map<String, Event> byCase, List<RoundReport.Candidate> tried, Map<String, Integer> fixedByLayer,
                Set<String> open) {
            TriageLayers finalLayers = currentLayers;
            if (promote) {
                writeAll(memoryWrites(failures, examples, null)).forEach(r -> {
                    if (r.action() == dev.ratchet.memory.MemoryWriteResult.Action.CREATED) {
                        memoryItems++;
                    }
                });
                if (options.snapshots()) {
                    MemorySnapshot snap = s.memory().snapshot(project, currentLayers.memory().agent(), null, null);
                    finalLayers = currentLayers.withMemory(currentLayers.memory().withSession(null).withSnapshot(snap.id()));
                    memoryItems = snap.itemCount();
                }
            }
            ObjectNode extra = Json.MAPPER.createObjectNode().put("stagedSession", session)
                    .put("corrections", failures.size()).put("examples", examples.size());
            return decide(label, "memory", finalLayers, outcome, promote, failures, examples, extra, byCase, tried,
                    fixedByLayer, open);
        }
    }

    private MemoryAttempt tryMemory(List<Event> failures, List<Event> examples, String failingSuite, Set<String> open) {
        String label = nextLabel();
        String session = "stage-" + label + "-" + Ids.newId(s.clock()).substring(0, 8).toLowerCase(Locale.ROOT);
        writeAll(memoryWrites(failures, examples, session));
        TriageLayers runLayers = currentLayers.withMemory(currentLayers.memory().withSession(session));
        return new MemoryAttempt(label, session, failures, examples, verify(label, runLayers, failingSuite, open));
    }

    /**
     * The traces of the staged items that most likely broke the regression cases the gate names: corrections and
     * examples whose text is near (cosine at least {@value #NEAR_BROKEN}) a broken case's request. A regression case
     * fixed by an instruction, a rule or the head is protected by no remembered example, so new neighbours can outvote
     * it; those neighbours wait, the rest of the round is learned.
     */
    private Set<String> culprits(GateVerdict verdict, String session) {
        Set<String> out = new LinkedHashSet<>();
        if (verdict.regressionsBroken() == null) {
            return out;
        }
        for (String caseId : verdict.regressionsBroken()) {
            Optional<EvalCase> c = s.evals().getCase(project, caseId);
            String text = c.map(x -> x.input().path("text").asText(null)).orElse(null);
            if (text == null || text.isBlank()) {
                continue;
            }
            for (MemoryHit h : s.memory().search(project, new MemorySearch(text.strip(), currentLayers.memory().agent(),
                    null, session, Set.of(MemoryKind.CORRECTION, MemoryKind.EXAMPLE), 10, null))) {
                if (session.equals(h.item().session()) && h.similarity() != null && h.similarity() >= NEAR_BROKEN) {
                    out.addAll(h.item().provenance().traceIds());
                }
            }
        }
        return out;
    }

    /**
     * Why a correction contradicts validated data, or null when it does not. Validated data: the frozen eval suite
     * (a different label for the same request), and the examples already in the agent's memory (every one verified
     * by a user and promoted through the gate): when at least {@value #MIN_NEIGHBOURS} of them are near (cosine at
     * least {@value #NEAR}), none of them has the corrected intent, one other intent holds at least {@value #MIN_SHARE}
     * of their weight, and the current head (if any) gives the corrected intent under {@value #MAX_HEAD_P}, the
     * correction is one against many. The bar is high on purpose: a right correction of a hard request often has no
     * near example of its intent yet, and holding it back loses exactly the data the agent lacks.
     */
    String contradiction(Event c) {
        String query = c.text().strip();
        String goldLabel = gold.get(query);
        if (goldLabel != null && !goldLabel.equals(c.label())) {
            return "the frozen eval suite labels this request '" + goldLabel + "', not '" + c.label() + "'";
        }
        List<MemoryHit> hits = s.memory().search(project, new MemorySearch(query, currentLayers.memory().agent(), null,
                null, Set.of(MemoryKind.EXAMPLE, MemoryKind.CORRECTION), 10, null));
        Map<String, Double> weight = new HashMap<>();
        double total = 0;
        int near = 0;
        for (MemoryHit h : hits) {
            JsonNode i = h.item().value() == null ? null : h.item().value().path("intent");
            if (i == null || !i.isTextual() || h.similarity() == null || h.similarity() < NEAR) {
                continue;
            }
            near++;
            double w = Math.exp(20 * (h.similarity() - 1));
            weight.merge(i.textValue(), w, Double::sum);
            total += w;
        }
        if (near < MIN_NEIGHBOURS || weight.containsKey(c.label())) {
            return null;
        }
        Map.Entry<String, Double> top = weight.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow();
        if (top.getValue() < MIN_SHARE * total) {
            return null;
        }
        if (currentLayers.head() != null) {
            LinearHead head = loadHead(currentLayers.head());
            int idx = head.labels().indexOf(c.label());
            double p = idx < 0 ? 0 : head.probabilities(s.embedder().embed(query))[idx];
            if (p >= MAX_HEAD_P) {
                return null;
            }
        }
        return near + " validated examples within cosine 0.8 of this request say '" + top.getKey()
                + "' and none says '" + c.label() + "'";
    }

    // --- strategies ---

    private List<MemoryWrite> memoryWrites(List<Event> failures, List<Event> examples, String session) {
        List<MemoryWrite> out = new ArrayList<>();
        String memAgent = currentLayers.memory().agent();
        for (Event e : failures) {
            out.add(write(memAgent, session, MemoryKind.CORRECTION, e));
        }
        for (Event e : examples) {
            out.add(write(memAgent, session, MemoryKind.EXAMPLE, e));
        }
        return out;
    }

    private static MemoryWrite write(String memAgent, String session, MemoryKind kind, Event e) {
        String text = e.text().strip();
        String key = text.length() <= MemoryWrite.MAX_KEY ? text : null;
        return new MemoryWrite(memAgent, null, session, kind.wire(), text, key, intent(e.label()),
                new Provenance(List.of(e.traceId()), List.of(e.feedbackId())), session == null ? null : Duration.ofHours(6),
                null, "learn:" + (session == null ? "shared" : session) + ":" + e.feedbackId());
    }

    private List<dev.ratchet.memory.MemoryWriteResult> writeAll(List<MemoryWrite> writes) {
        List<dev.ratchet.memory.MemoryWriteResult> out = new ArrayList<>();
        for (int i = 0; i < writes.size(); i += 500) {
            out.addAll(s.memory().write(project, writes.subList(i, Math.min(writes.size(), i + 500))));
        }
        return out;
    }

    /**
     * A rule for the remaining failures: the word (four letters or more, not a stop word) that most failures of one
     * intent contain (at least two), provided no verified example of this round and no eval case of another intent
     * contains it.
     */
    private Optional<TriageLayers.Rule> proposeRule(List<Event> open, List<Event> examples) {
        Map<String, Map<String, Integer>> counts = new TreeMap<>(); // intent -> word -> failures containing it
        for (Event f : open) {
            for (String w : words(f.text())) {
                counts.computeIfAbsent(f.label(), k -> new TreeMap<>()).merge(w, 1, Integer::sum);
            }
        }
        String bestWord = null;
        String bestIntent = null;
        int best = 1;
        for (var e : counts.entrySet()) {
            for (var w : e.getValue().entrySet()) {
                if (w.getValue() > best && !usedElsewhere(w.getKey(), e.getKey(), examples)) {
                    best = w.getValue();
                    bestWord = w.getKey();
                    bestIntent = e.getKey();
                }
            }
        }
        if (bestWord == null) {
            return Optional.empty();
        }
        return Optional.of(new TriageLayers.Rule("\\b" + Pattern.quote(bestWord) + "\\b", bestIntent,
                "learned in round " + round + " from " + best + " failures"));
    }

    private boolean usedElsewhere(String word, String intent, List<Event> examples) {
        for (Event e : examples) {
            if (!e.label().equals(intent) && words(e.text()).contains(word)) {
                return true;
            }
        }
        for (var g : gold.entrySet()) {
            if (!g.getValue().equals(intent) && words(g.getKey()).contains(word)) {
                return true;
            }
        }
        return false;
    }

    private static Set<String> words(String text) {
        Set<String> out = new LinkedHashSet<>();
        Matcher m = WORD.matcher(text.toLowerCase(Locale.ROOT));
        while (m.find()) {
            if (!STOP.contains(m.group())) {
                out.add(m.group());
            }
        }
        return out;
    }

    private Manifest buildDataset() {
        String spec = """
                name: %s-train
                selection: {agents: [%s], outcomes: [success, failure]}
                quality: {minConfidence: 0, excludeDisputed: true, excludeLabels: [%s]}
                dedupe: {exact: true, near: false}
                label: {field: intent}
                split: {validation: 0}
                formats: [classification-csv]
                """.formatted(agentName, agentName, QUARANTINED);
        return s.datasets().build(project, DatasetSpecs.parse(spec), dev.ratchet.dataset.BuildProgress.NONE);
    }

    // --- verification and decision ---

    private record Outcome(Run failing, Run regression, Run eval, GateVerdict verdict, Set<String> fixed) {
    }

    private Outcome verify(String label, TriageLayers layers, String failingSuite, Set<String> open) {
        Run failing = failingSuite == null ? null : run(failingSuite, label, layers);
        Set<String> fixed = new LinkedHashSet<>();
        if (failing != null) {
            for (CaseResult r : s.evals().results(project, failing.id())) {
                if (r.status() == CaseStatus.PASSED && open.contains(r.caseId())) {
                    fixed.add(r.caseId());
                }
            }
        }
        boolean hasRegression = !s.evals().version(project, regressionSuite, null).caseIds().isEmpty();
        Run regression = hasRegression ? run(regressionSuite, label, layers) : null;
        Run eval = run(evalSuite, label, layers);
        GateVerdict verdict = gate.decide(project, new GateRequest(currentEvalRun, eval.id(), null,
                regression == null ? null : regression.id(), options.margin(), null, agentName + " " + label));
        return new Outcome(failing, regression, eval, verdict, fixed);
    }

    private Run run(String suite, String label, TriageLayers layers) {
        return s.runner().run(project, new RunRequest(suite, null, agentName, label, layers.toJson(),
                options.concurrency(), Duration.ofMinutes(1), true), agent);
    }

    /** Registers the candidate, promotes or rejects it, and on promotion grows the regression suite. */
    private int decide(String label, String layer, TriageLayers layers, Outcome o, boolean promote, List<Event> failures,
            List<Event> examples, ObjectNode extra, Map<String, Event> byCase, List<RoundReport.Candidate> tried,
            Map<String, Integer> fixedByLayer, Set<String> open) {
        ObjectNode evidence = Json.MAPPER.createObjectNode();
        evidence.put("round", round);
        evidence.putPOJO("traces", failures.stream().map(Event::traceId).toList());
        evidence.putPOJO("feedback", failures.stream().map(Event::feedbackId).toList());
        evidence.put("examples", examples.size());
        evidence.putPOJO("cases", o.fixed());
        evidence.put("failingRun", o.failing() == null ? null : o.failing().id());
        evidence.put("regressionRun", o.regression() == null ? null : o.regression().id());
        evidence.put("evalRun", o.eval().id());
        evidence.put("gate", o.verdict().id());
        if (extra != null) {
            evidence.setAll(extra);
        }
        s.registry().propose(project, agentName, new dev.ratchet.eval.NewVersion(label, layers.toJson(), current, layer,
                JsonText.of(evidence)));
        ObjectNode decision = Json.MAPPER.createObjectNode().put("gate", o.verdict().id())
                .put("gatePassed", o.verdict().passed()).put("fixed", o.fixed().size());
        decision.putPOJO("reasons", o.verdict().reasons());
        int broken = o.verdict().regressionsBroken() == null ? 0 : o.verdict().regressionsBroken().size();
        double rate = o.eval().summary().successRate();
        if (promote) {
            s.registry().promote(project, agentName, label, JsonText.of(decision));
            current = label;
            currentLayers = layers;
            currentEvalRun = o.eval().id();
            currentEvalRate = rate;
            if (!o.fixed().isEmpty()) {
                List<CaseSpec> add = new ArrayList<>();
                for (String caseId : o.fixed()) {
                    s.evals().getCase(project, caseId).ifPresent(c -> add.add(new CaseSpec(c.input(), c.context(),
                            c.expected(), c.fixtures(), c.expectations(), List.of("fixed-by-" + layer, label), c.originTraceId())));
                }
                var latest = s.evals().version(project, regressionSuite, null);
                s.evals().edit(project, regressionSuite, new SuiteEdit(latest.version(), add, List.of(),
                        "fixed by " + agentName + " " + label + " (" + layer + ")"));
                fixedByLayer.merge(layer, o.fixed().size(), Integer::sum);
                open.removeAll(o.fixed());
            }
        } else {
            if (o.verdict().passed() && o.fixed().isEmpty()) {
                decision.putPOJO("reasons", List.of("the gate passed but the candidate fixed none of the failing cases"));
            }
            s.registry().reject(project, agentName, label, JsonText.of(decision));
        }
        List<String> reasons = promote ? List.of() : o.verdict().passed()
                ? List.of("fixed none of the failing cases") : o.verdict().reasons();
        tried.add(new RoundReport.Candidate(label, layer, promote, o.fixed().size(), rate, reasons));
        return promote ? broken : 0;
    }

    private String nextLabel() {
        return "v" + (s.registry().versions(project, agentName).size() + 1);
    }

    private LinearHead loadHead(String hash) {
        return LinearHead.fromBytes(s.artifacts().get(project, hash)
                .orElseThrow(() -> new IllegalStateException("head " + hash + " is not in the artifact store")));
    }

    private static JsonText text(String t) {
        return JsonText.of(Json.MAPPER.createObjectNode().put("text", t));
    }

    private static JsonText intent(String label) {
        return JsonText.of(Json.MAPPER.createObjectNode().put("intent", label));
    }
}
