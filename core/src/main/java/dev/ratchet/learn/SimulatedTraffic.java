package dev.ratchet.learn;

import dev.ratchet.common.Ids;
import dev.ratchet.common.Json;
import dev.ratchet.common.JsonText;
import dev.ratchet.feedback.Feedback;
import dev.ratchet.feedback.FeedbackKind;
import dev.ratchet.feedback.FeedbackSource;
import dev.ratchet.feedback.FeedbackStore;
import dev.ratchet.reference.LabeledText;
import dev.ratchet.reference.TriageAgent;
import dev.ratchet.reference.TriageLayers;
import dev.ratchet.trace.Trace;
import dev.ratchet.trace.TraceStore;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Production traffic for the reference agent, with <b>simulated users</b> (a stand-in for real customers, named as
 * such): each labelled request of a stream is answered by the agent's current version, its trace ingested through the
 * trace store like any agent's, and the user's reaction recorded as feedback: {@code accepted} when the agent routed
 * it to the right intent, else a {@code correction} naming the intent, which with probability {@code noise} is a
 * wrong one (drawn uniformly from the other intents). Every {@code every} requests the learning loop runs a round on
 * the traces since the last one.
 *
 * <p>Deterministic for a seed, except for ids and timings. Not thread-safe.
 */
public final class SimulatedTraffic {

    /** What the traffic did between two rounds, with what the simulation knows and the loop does not. */
    public record Segment(int events, int answeredRight, int wrongCorrections, int wrongCorrectionsQuarantined,
            int rightCorrectionsQuarantined, RoundReport round) {

        /** The share of the segment's requests the agent routed right. */
        public double successRate() {
            return events == 0 ? 0 : (double) answeredRight / events;
        }
    }

    /** Called after each round, and whenever the events seen reach one of the checkpoints. */
    public interface Listener {
        void afterRound(Segment segment, int eventsSoFar);

        default void checkpoint(int eventsSoFar) {
        }
    }

    private static final int INGEST_BATCH = 50;

    private final LearningLoop loop;
    private final TraceStore traces;
    private final FeedbackStore feedback;
    private final String project;
    private final String agentName;
    private final Clock clock;

    public SimulatedTraffic(LearningLoop loop, TraceStore traces, FeedbackStore feedback, String project,
            String agentName, Clock clock) {
        this.loop = Objects.requireNonNull(loop, "loop");
        this.traces = Objects.requireNonNull(traces, "traces");
        this.feedback = Objects.requireNonNull(feedback, "feedback");
        this.project = Objects.requireNonNull(project, "project");
        this.agentName = Objects.requireNonNull(agentName, "agentName");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * Plays the stream: answers, ingests, gives feedback, and runs a round every {@code every} events (and after the
     * last). {@code checkpoints}: event counts at which {@link Listener#checkpoint} is called (after that event's
     * round, when one falls there).
     */
    public void play(List<LabeledText> stream, int every, double noise, long seed, Set<Integer> checkpoints,
            Listener listener) {
        if (every < 1) {
            throw new IllegalArgumentException("every must be at least 1");
        }
        if (!(noise >= 0 && noise <= 1)) {
            throw new IllegalArgumentException("noise must be from 0 to 1");
        }
        Random random = new Random(seed);
        List<String> intents = loop.currentLayers().intents();
        List<String> segmentTraces = new ArrayList<>();
        Set<String> wrongCorrected = new HashSet<>();
        Set<String> rightCorrected = new HashSet<>();
        int right = 0;
        int segmentEvents = 0;
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            int start = 0;
            while (start < stream.size()) {
                int end = Math.min(stream.size(), start + INGEST_BATCH);
                int roundAt = ((start / every) + 1) * every; // the next round boundary after start
                end = Math.min(end, roundAt);
                List<LabeledText> batch = stream.subList(start, end);
                List<Trace> answered = answer(pool, batch);
                List<Feedback> reactions = new ArrayList<>();
                for (int i = 0; i < batch.size(); i++) {
                    Trace t = answered.get(i);
                    String truth = batch.get(i).label();
                    String said = t.output().path("intent").asText(null);
                    if (truth.equals(said)) {
                        right++;
                        reactions.add(feedback(t.id(), FeedbackKind.ACCEPTED, null));
                    } else {
                        String label = truth;
                        if (random.nextDouble() < noise && intents.size() > 1) {
                            do {
                                label = intents.get(random.nextInt(intents.size()));
                            } while (label.equals(truth));
                            wrongCorrected.add(t.id());
                        } else {
                            rightCorrected.add(t.id());
                        }
                        reactions.add(feedback(t.id(), FeedbackKind.CORRECTION,
                                JsonText.of(Json.MAPPER.createObjectNode().put("intent", label))));
                    }
                    segmentTraces.add(t.id());
                }
                traces.ingest(project, answered);
                feedback.record(project, reactions);
                segmentEvents += batch.size();
                boolean last = end == stream.size();
                if (end % every == 0 || last) {
                    RoundReport r = loop.round(List.copyOf(segmentTraces));
                    int wrongQ = 0;
                    int rightQ = 0;
                    for (String q : r.quarantinedTraces()) {
                        if (wrongCorrected.contains(q)) {
                            wrongQ++;
                        } else if (rightCorrected.contains(q)) {
                            rightQ++;
                        }
                    }
                    int wrong = (int) segmentTraces.stream().filter(wrongCorrected::contains).count();
                    listener.afterRound(new Segment(segmentEvents, right, wrong, wrongQ, rightQ, r), end);
                    segmentTraces.clear();
                    wrongCorrected.clear();
                    rightCorrected.clear();
                    right = 0;
                    segmentEvents = 0;
                }
                for (int c : checkpoints) {
                    if (c > start && c <= end) {
                        listener.checkpoint(end);
                    }
                }
                start = end;
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /** Accuracy of the current version on a labelled set, answered without traces (a held-out test split). */
    public static double accuracy(TriageAgent agent, TriageLayers layers, List<LabeledText> test) {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<Future<Boolean>> out = new ArrayList<>();
            for (LabeledText t : test) {
                out.add(pool.submit(() -> t.label().equals(agent.decide(t.text(), layers).intent())));
            }
            long right = all(out).stream().filter(Boolean::booleanValue).count();
            return test.isEmpty() ? 0 : (double) right / test.size();
        } finally {
            pool.shutdownNow();
        }
    }

    /** The futures' values in order; a failure or an interrupt becomes an unchecked exception. */
    private static <T> List<T> all(List<Future<T>> futures) {
        List<T> out = new ArrayList<>(futures.size());
        try {
            for (Future<T> f : futures) {
                out.add(f.get());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (java.util.concurrent.ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        }
        return out;
    }

    private List<Trace> answer(ExecutorService pool, List<LabeledText> batch) {
        String version = loop.currentVersion();
        TriageLayers layers = loop.currentLayers();
        TriageAgent agent = loop.agent();
        List<Future<Trace>> futures = new ArrayList<>();
        for (int i = 0; i < batch.size(); i++) {
            String text = batch.get(i).text();
            String user = "user-" + Math.floorMod(text.hashCode(), 997);
            futures.add(pool.submit(() -> agent.answer(agentName, version, layers, text, user, clock)));
        }
        return all(futures);
    }

    private Feedback feedback(String traceId, FeedbackKind kind, JsonText value) {
        return new Feedback(Ids.newId(clock), traceId, null, kind, value, null, null, null, FeedbackSource.END_USER,
                "simulated-user", 1.0, clock.instant(), null);
    }
}
