package dev.ratchet.bench;

import static dev.ratchet.common.Times.nanos;
import static java.sql.Types.BIGINT;
import static java.sql.Types.NUMERIC;
import static java.sql.Types.VARCHAR;

import dev.ratchet.common.Json;
import dev.ratchet.common.JsonText;
import dev.ratchet.eval.CaseSpec;
import dev.ratchet.eval.EvalStore;
import dev.ratchet.eval.NewSuite;
import dev.ratchet.store.Database;
import dev.ratchet.store.JdbcBatch;
import java.io.PrintWriter;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import org.jdbi.v3.core.statement.UnableToExecuteStatementException;

/**
 * The traces the dataset benchmark builds from, written straight into the database with batched inserts (the
 * benchmark measures the build, not ingest): a support-desk agent answering questions of 20 intents, each trace with
 * its outcome (70% success, 25% failure, 5% disputed), an annotator's correction on 40% of the failures, planted PII
 * in 5% of the inputs, 4% exact and 2% near duplicates of earlier questions, and questions of a frozen eval suite
 * planted word for word and as paraphrases. Deterministic for a seed.
 */
final class DatasetTraces {

    static final String PROJECT = "bench";
    static final String[] INTENTS = {"card_arrival", "card_blocked", "top_up_failed", "pin_reset", "transfer_pending",
        "refund_request", "exchange_rate", "card_limit", "lost_card", "direct_debit", "fee_dispute", "account_closure",
        "address_change", "statement_request", "cash_withdrawal", "contactless", "virtual_card", "verify_identity",
        "apple_pay", "beneficiary_add"};
    private static final String[] WORDS = ("card account payment blocked frozen limit transfer merchant refund "
            + "statement balance pending declined contactless chip online purchase travel abroad replacement delivery "
            + "address verify identity support policy review fraud alert suspicious transaction unlock reset pin daily "
            + "weekly monthly fee charge dispute receipt invoice currency exchange rate euro pound dollar branch mobile "
            + "app notification security code password login device trusted new old expired valid active status update "
            + "ticket urgent please thank you could would check confirm yesterday today tomorrow morning evening week "
            + "since still again already never twice wrong missing broken slow late early hotel flight shop market "
            + "salary rent bill gym insurance phone laptop bike train taxi restaurant coffee grocery pharmacy cinema")
            .split(" ");
    private static final String[] OPENERS = {"Hi, ", "Hello, ", "", "Hey there, ", "Good morning, ", "Quick question: ",
        "Urgent: ", "Sorry to bother you, "};
    private static final String INSERT_TRACE = """
            INSERT INTO traces (project_id, id, agent, version, start_ns, input, output, status, tags, ingested_ns,
                updated_ns) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""";
    private static final int[] TRACE_TYPES = {VARCHAR, VARCHAR, VARCHAR, VARCHAR, BIGINT, VARCHAR, VARCHAR, VARCHAR,
        VARCHAR, BIGINT, BIGINT};
    private static final String INSERT_OUTCOME = """
            INSERT INTO outcomes (project_id, trace_id, status, score, confidence, signals, reviewed, reason, updated_ns)
            VALUES (?, ?, ?, ?, ?, 1, 0, NULL, ?)""";
    private static final int[] OUTCOME_TYPES = {VARCHAR, VARCHAR, VARCHAR, NUMERIC, NUMERIC, BIGINT};
    private static final String INSERT_FEEDBACK = """
            INSERT INTO feedback (project_id, id, trace_id, kind, value, source, author_id, confidence, created_ns)
            VALUES (?, ?, ?, 'correction', ?, 'annotator', ?, 1, ?)""";
    private static final int[] FEEDBACK_TYPES = {VARCHAR, VARCHAR, VARCHAR, VARCHAR, VARCHAR, BIGINT};
    private static final Instant BASE = Instant.parse("2026-10-01T00:00:00Z");

    private final long seed;
    private final int evalCases;

    DatasetTraces(long seed, int evalCases) {
        this.seed = seed;
        this.evalCases = evalCases;
    }

    /** What was generated, for the report. */
    record Stats(long traces, long corrections, long withPii, long exactDuplicates, long nearDuplicates,
            long evalExact, long evalNear, int evalCases) {
    }

    /** The question of eval case {@code i} (the suite is made from these, and some traces ask them). */
    String evalQuestion(int i) {
        return question(new SplittableRandom(seed * 31 + 7 + i * 0x9E3779B97F4A7C15L), i % INTENTS.length, 22);
    }

    Stats generate(Database db, EvalStore evals, int traces, int batch, PrintWriter out) {
        List<CaseSpec> cases = new ArrayList<>();
        for (int i = 0; i < evalCases; i++) {
            cases.add(new CaseSpec(JsonText.of(Json.MAPPER.createObjectNode().put("text", evalQuestion(i))), null,
                    JsonText.of(Json.MAPPER.createObjectNode().put("intent", INTENTS[i % INTENTS.length])), List.of(),
                    List.of(JsonText.of(Json.readTree("{\"type\":\"exact\"}"))), List.of(), null));
        }
        if (!cases.isEmpty()) {
            evals.createSuite(PROJECT, new NewSuite("golden", "eval", "frozen eval set", cases));
        }
        SplittableRandom r = new SplittableRandom(seed);
        List<String> recent = new ArrayList<>();
        long corrections = 0;
        long pii = 0;
        long exact = 0;
        long near = 0;
        long evalExact = 0;
        long evalNear = 0;
        long t0 = System.nanoTime();
        long now = nanos(Instant.now());
        for (int from = 0; from < traces; from += batch) {
            int n = Math.min(batch, traces - from);
            List<Object[]> traceRows = new ArrayList<>(n);
            List<Object[]> outcomeRows = new ArrayList<>(n);
            List<Object[]> feedbackRows = new ArrayList<>(n / 8);
            for (int k = 0; k < n; k++) {
                int i = from + k;
                String id = "t" + i;
                int intent = r.nextInt(INTENTS.length);
                String q;
                double roll = r.nextDouble();
                if (evalCases > 0 && i % 5000 == 17) {
                    q = evalQuestion(r.nextInt(evalCases));
                    evalExact++;
                } else if (evalCases > 0 && i % 5000 == 2517) {
                    q = paraphrase(r, evalQuestion(r.nextInt(evalCases)));
                    evalNear++;
                } else if (roll < 0.04 && !recent.isEmpty()) {
                    q = recent.get(r.nextInt(recent.size()));
                    exact++;
                } else if (roll < 0.06 && !recent.isEmpty()) {
                    q = paraphrase(r, recent.get(r.nextInt(recent.size())));
                    near++;
                } else {
                    q = question(r, intent, 14 + r.nextInt(16));
                    if (r.nextInt(20) == 0) {
                        q = q + pii(r);
                        pii++;
                    }
                    if (recent.size() < 1000) {
                        recent.add(q);
                    } else {
                        recent.set(r.nextInt(1000), q);
                    }
                }
                String answer = sentence(r, 18 + r.nextInt(20));
                double o = r.nextDouble();
                String status = o < 0.70 ? "success" : o < 0.95 ? "failure" : "disputed";
                double confidence = 0.55 + r.nextDouble() * 0.44;
                traceRows.add(new Object[] {PROJECT, id, "desk", r.nextInt(4) == 0 ? "v2" : "v1",
                    nanos(BASE.plusMillis(i * 250L)), Json.write(Map.of("text", q)),
                    Json.write(Map.of("text", answer, "intent", INTENTS[status.equals("success") ? intent
                            : r.nextInt(INTENTS.length)])), "ok", "[\"bench\"]", now, now});
                outcomeRows.add(new Object[] {PROJECT, id, status, status.equals("success") ? confidence : -confidence,
                    confidence, now});
                if (status.equals("failure") && r.nextInt(10) < 4) {
                    feedbackRows.add(new Object[] {PROJECT, "f" + i, id, Json.write(Map.of("text",
                            sentence(r, 16 + r.nextInt(12)), "intent", INTENTS[intent])), "annotator-" + r.nextInt(20),
                        now + i});
                    corrections++;
                }
            }
            db.write(h -> {
                try {
                    JdbcBatch.execute(h.getConnection(), INSERT_TRACE, TRACE_TYPES, traceRows);
                    JdbcBatch.execute(h.getConnection(), INSERT_OUTCOME, OUTCOME_TYPES, outcomeRows);
                    JdbcBatch.execute(h.getConnection(), INSERT_FEEDBACK, FEEDBACK_TYPES, feedbackRows);
                } catch (SQLException e) {
                    throw new UnableToExecuteStatementException(e, null);
                }
                return null;
            });
            int done = from + n;
            if (done % (batch * 20) == 0 || done == traces) {
                out.printf(Locale.ROOT, "generating: %,d/%,d traces (%.0f traces/s)%n", done, traces,
                        done / ((System.nanoTime() - t0) / 1e9));
                out.flush();
            }
        }
        return new Stats(traces, corrections, pii, exact, near, evalExact, evalNear, evalCases);
    }

    private static String question(SplittableRandom r, int intent, int words) {
        String topic = INTENTS[intent].replace('_', ' ');
        StringBuilder sb = new StringBuilder(OPENERS[r.nextInt(OPENERS.length)]);
        sb.append("my ").append(topic).append(" problem: ");
        sb.append(sentence(r, words));
        return sb.toString();
    }

    private static String sentence(SplittableRandom r, int words) {
        StringBuilder sb = new StringBuilder(words * 7);
        for (int i = 0; i < words; i++) {
            sb.append(i == 0 ? "" : " ").append(WORDS[r.nextInt(WORDS.length)]);
        }
        return sb.append('.').toString();
    }

    /** The question with two of its words replaced. */
    private static String paraphrase(SplittableRandom r, String q) {
        String[] w = q.split(" ");
        for (int k = 0; k < 2; k++) {
            int at = w.length / 2 + r.nextInt(Math.max(1, w.length / 2));
            w[Math.min(at, w.length - 1)] = WORDS[r.nextInt(WORDS.length)];
        }
        return String.join(" ", w);
    }

    private static String pii(SplittableRandom r) {
        return switch (r.nextInt(4)) {
            case 0 -> " You can reach me at customer" + r.nextInt(100_000) + "@example.com.";
            case 1 -> " Call me on +1 650-253-" + String.format(Locale.ROOT, "%04d", r.nextInt(10_000)) + ".";
            case 2 -> " The card is 4111 1111 1111 1111.";
            default -> " My IBAN is GB82 WEST 1234 5698 7654 32.";
        };
    }
}
