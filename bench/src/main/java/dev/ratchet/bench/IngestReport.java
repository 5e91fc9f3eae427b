package dev.ratchet.bench;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Renders the {@code ## Trace ingest (REST vs raw JDBC)} section of {@code docs/benchmarks.md} from the
 * rounds of one run. Rates are the median over rounds with the range in brackets; the ratio is taken per
 * round (REST and raw measured back to back) and then summarised the same way.
 */
final class IngestReport {

    static final String HEADING = "## Trace ingest (REST vs raw JDBC)";
    static final double TARGET_SPANS_PER_SECOND = 20_000;
    static final double TARGET_RATIO = 0.70;

    /** One round: each path measured once on the same batches. */
    record Round(int number, PhaseResult rest, PhaseResult raw, PhaseResult store, double parseSpansPerSecond) {

        double ratio() {
            return rest.spansPerSecond() / raw.spansPerSecond();
        }
    }

    /** What the run was asked to do. */
    record Settings(int rounds, int batches, int warmup, int clients, int tracesPerBatch, long seed) {

        long spansPerRound() {
            return (long) batches * tracesPerBatch * TraceGenerator.SPANS_PER_TRACE;
        }

        String command() {
            return String.format(Locale.ROOT,
                    "java -jar bench/target/ratchet-bench.jar ingest --rounds %d --batches %d --warmup %d "
                            + "--clients %d --traces-per-batch %d --seed %d",
                    rounds, batches, warmup, clients, tracesPerBatch, seed);
        }
    }

    /** Facts about the run that the method paragraph states. */
    record Context(String date, String source, Machine machine, Path dataDir, String pragmas,
            double bytesPerSpan, long storedSpansPerPath) {
    }

    private final Settings settings;
    private final Context context;
    private final List<Round> rounds;

    IngestReport(Settings settings, Context context, List<Round> rounds) {
        if (rounds.isEmpty()) {
            throw new IllegalArgumentException("no rounds to report");
        }
        this.settings = settings;
        this.context = context;
        this.rounds = List.copyOf(rounds);
    }

    Range restSpans() {
        return Range.of(rounds.stream().mapToDouble(r -> r.rest().spansPerSecond()).toArray());
    }

    Range restTraces() {
        return Range.of(rounds.stream().mapToDouble(r -> r.rest().tracesPerSecond()).toArray());
    }

    Range rawSpans() {
        return Range.of(rounds.stream().mapToDouble(r -> r.raw().spansPerSecond()).toArray());
    }

    Range rawTraces() {
        return Range.of(rounds.stream().mapToDouble(r -> r.raw().tracesPerSecond()).toArray());
    }

    Range ratio() {
        return Range.of(rounds.stream().mapToDouble(Round::ratio).toArray());
    }

    boolean rateTargetMet() {
        return restSpans().median() >= TARGET_SPANS_PER_SECOND;
    }

    boolean ratioTargetMet() {
        return ratio().median() >= TARGET_RATIO;
    }

    /** A one-line summary for the console. */
    String summary() {
        return String.format(Locale.ROOT,
                "result: REST %s spans/s, %s traces/s | raw JDBC %s spans/s | REST/raw %s | "
                        + "targets: >= %,.0f spans/s %s, >= %.0f%% of raw %s",
                restSpans().rate(), restTraces().rate(), rawSpans().rate(), ratio().ratio(),
                TARGET_SPANS_PER_SECOND, rateTargetMet() ? "MET" : "NOT MET",
                TARGET_RATIO * 100, ratioTargetMet() ? "MET" : "NOT MET");
    }

    String markdown() {
        StringBuilder md = new StringBuilder();
        md.append(HEADING).append("\n\n");
        md.append("Measured ").append(context.date()).append(" by `ratchet-bench ingest`; source tree: ")
                .append(context.source()).append(".\n\n");

        md.append("### Method\n\n");
        md.append(String.format(Locale.ROOT, """
                Every batch is %d traces × %d spans of a support-desk agent: the agent turn, an llm call (messages, \
                tool schema, model, token usage), two tool calls (arguments and results), a knowledge-base retrieval \
                (query and four documents). The payloads are generated deterministically (seed %d) and average \
                %,.0f bytes of request JSON per span. All paths store the same traces into their own SQLite \
                database, created by the production Flyway migration and opened by the production `Database` \
                code (%s, checked on the baseline's connection).

                - **REST ingest**: `POST /api/v1/traces`, one batch per request, over real HTTP/1.1 \
                (`java.net.http.HttpClient`, %d client threads each waiting for its answer) to a `RatchetServer` \
                started in the same JVM. A batch counts when its HTTP 200 arrives, which the server sends only \
                after the transaction is durably committed. Client and server share the JVM and its cores.
                - **Raw JDBC insert** (the baseline): the same rows with the same column values (JSON already \
                serialised to text before timing), plain `INSERT` through two prepared statements with \
                `addBatch`/`executeBatch`, one transaction per %d-trace batch, one thread; no HTTP, no JSON.
                - %d warm-up batches per path, then %d rounds of %d batches (%,d spans) per path. Within a round \
                the paths run back to back, in alternating order from round to round; the databases keep growing \
                across rounds. Each figure is the median of the rounds, with the range (min–max) in brackets; \
                the ratio is computed per round. After the run every database held the same %,d spans with \
                the same JSON column contents.
                - Diagnostic columns (not targets), each on one thread: parsing and validation alone \
                (`TraceJson.parseBatch` on the request bytes) and the store alone (`JdbcTraceStore.ingest` on \
                already parsed traces: row preparation (payloads are already JSON text), upsert SQL, durable \
                commit).

                """,
                settings.tracesPerBatch(), TraceGenerator.SPANS_PER_TRACE, settings.seed(), context.bytesPerSpan(),
                context.pragmas(), settings.clients(), settings.tracesPerBatch(), settings.warmup(),
                settings.rounds(), settings.batches(), settings.spansPerRound(), context.storedSpansPerPath()));

        md.append("### Machine\n\n");
        context.machine().markdown(context.dataDir()).forEach(l -> md.append(l).append('\n'));
        md.append('\n');

        md.append("### Results\n\n");
        md.append("| Path | spans/s | traces/s |\n");
        md.append("|---|---:|---:|\n");
        md.append("| REST ingest (HTTP, ").append(settings.clients()).append(" clients, durable ack) | ")
                .append(restSpans().rate()).append(" | ").append(restTraces().rate()).append(" |\n");
        md.append("| Raw JDBC batch insert (1 thread) | ")
                .append(rawSpans().rate()).append(" | ").append(rawTraces().rate()).append(" |\n");
        md.append("| **REST / raw** | **").append(ratio().ratio()).append("** | |\n\n");

        md.append("Per round:\n\n");
        md.append("| Round | REST spans/s | REST batch latency p50 / p99 | Raw spans/s | REST / raw "
                + "| Parse only spans/s | Store only spans/s |\n");
        md.append("|---:|---:|---:|---:|---:|---:|---:|\n");
        for (Round r : rounds) {
            md.append(String.format(Locale.ROOT, "| %d | %,.0f | %.0f / %.0f ms | %,.0f | %.2f | %,.0f | %,.0f |%n",
                    r.number(), r.rest().spansPerSecond(), r.rest().latencyMillis(0.50),
                    r.rest().latencyMillis(0.99), r.raw().spansPerSecond(), r.ratio(), r.parseSpansPerSecond(),
                    r.store().spansPerSecond()));
        }
        md.append('\n');

        md.append("### Targets\n\n");
        md.append("| Target | Measured (median) | Met |\n");
        md.append("|---|---:|---|\n");
        md.append(String.format(Locale.ROOT, "| REST ingest ≥ %,.0f spans/s | %,.0f spans/s | %s |%n",
                TARGET_SPANS_PER_SECOND, restSpans().median(), rateTargetMet() ? "yes" : "**no**"));
        md.append(String.format(Locale.ROOT, "| REST ≥ %.0f%% of the raw insert rate | %.0f%% | %s |%n",
                TARGET_RATIO * 100, ratio().median() * 100, ratioTargetMet() ? "yes" : "**no**"));
        md.append('\n');

        md.append("### Reproduce\n\n");
        md.append("From the repository root, with JDK 21 or newer:\n\n");
        md.append("```\n");
        md.append("./mvnw -q -B -pl bench -am package -DskipTests\n");
        md.append(settings.command()).append('\n');
        md.append("```\n");
        return md.toString();
    }
}
