package dev.ratchet.dataset;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonSchema;
import dev.ratchet.common.Json;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns one trace into one example, or into the reason it is left out: the per-trace half of a build, run by several
 * threads at once (everything here is a pure function of the trace and the build's immutable settings). In order:
 * the selection filters Java applies (tags, feedback), the join (the outcome, and the best correction: a human's
 * before a system's, the latest among equals), the quality gates on the raw content, the leakage guard on the raw
 * input, then redaction of every part in a fixed order (input, instructions, output, correction, tool calls), and
 * finally the example's lines in every requested format, its content hash and its sketch for dedupe.
 *
 * <p>What an example teaches: its <em>target</em> is the correction when there is one, else the output of a success.
 * A failure with a correction is also a preference pair (the correction preferred, the failed output not); success
 * and failure give KTO's desirable and undesirable completions. Tool calls are kept (as assistant {@code tool_calls}
 * and {@code tool} results) only when the target is the trace's own successful output, since a correction says
 * nothing about whether the calls before it were right.
 */
final class Examples {

    /** Why an example was left out, and at which stage. */
    enum Reason {
        DISPUTED("disputed", "quality"), FLAGGED("flagged", "quality"), LOW_CONFIDENCE("low_confidence", "quality"), NO_INPUT("no_input", "quality"),
        INPUT_SCHEMA("input_schema", "quality"), INPUT_TOO_SHORT("input_too_short", "quality"),
        INPUT_TOO_LONG("input_too_long", "quality"), NO_TARGET("no_target", "quality"),
        OUTPUT_SCHEMA("output_schema", "quality"), OUTPUT_TOO_SHORT("output_too_short", "quality"),
        OUTPUT_TOO_LONG("output_too_long", "quality"), EVAL_EXACT("eval_exact", "leakage"),
        EVAL_NEAR("eval_near", "leakage"), DUPLICATE_EXACT("duplicate_exact", "dedupe"),
        DUPLICATE_NEAR("duplicate_near", "dedupe"), CATEGORY_CAP("category_cap", "balance"),
        CATEGORY_MINIMUM("category_minimum", "balance");

        final String wire;
        final String stage;

        Reason(String wire, String stage) {
            this.wire = wire;
            this.stage = stage;
        }
    }

    /**
     * One trace's result. Not selected: {@code selected} false, nothing else set. Left out: {@code excluded} (and
     * {@code leak} for the leakage guard). Otherwise everything the sequential stages and the writer need.
     */
    record Result(String traceId, boolean selected, Reason excluded, EvalIndex.Hit leak, Map<String, Integer> redactions,
            MinHash.Sketch sketch, long hashHi, long hashLo, int tier, float confidence, String category,
            byte[][] lines) {

        static Result unselected(String traceId) {
            return new Result(traceId, false, null, null, null, null, 0, 0, 0, 0, null, null);
        }

        static Result excluded(String traceId, Reason reason, EvalIndex.Hit leak) {
            return new Result(traceId, true, reason, leak, null, null, 0, 0, 0, 0, null, null);
        }
    }

    private static final JsonFactory FACTORY = Json.MAPPER.getFactory();
    private static final ThreadLocal<ByteArrayOutputStream> BUFFER =
            ThreadLocal.withInitial(() -> new ByteArrayOutputStream(4096));
    private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JVM", e);
        }
    });

    private final DatasetSpec spec;
    private final List<ExportFormat> formats;
    private final Redactor redactor;
    private final EvalIndex evals;
    private final JsonSchema inputSchema;
    private final JsonSchema outputSchema;
    private final String labelField;
    private final boolean dpo;
    private final boolean kto;
    private final boolean targets;
    private final boolean classification;

    Examples(DatasetSpec spec, Redactor redactor, EvalIndex evals) {
        this.spec = spec;
        this.formats = spec.exportFormats();
        this.redactor = redactor;
        this.evals = evals;
        List<dev.ratchet.common.FieldError> errors = new ArrayList<>();
        this.inputSchema = spec.quality().inputSchema() == null ? null
                : Schemas.compile(spec.quality().inputSchema(), "quality.inputSchema", errors);
        this.outputSchema = spec.quality().outputSchema() == null ? null
                : Schemas.compile(spec.quality().outputSchema(), "quality.outputSchema", errors);
        this.labelField = spec.label() == null ? null : spec.label().field();
        this.dpo = formats.contains(ExportFormat.OPENAI_DPO) || formats.contains(ExportFormat.TRL_DPO);
        this.kto = formats.contains(ExportFormat.TRL_KTO);
        this.classification = formats.contains(ExportFormat.CLASSIFICATION_CSV);
        this.targets = formats.contains(ExportFormat.OPENAI_CHAT) || formats.contains(ExportFormat.TRL_MESSAGES)
                || formats.contains(ExportFormat.TRL_PROMPT_COMPLETION);
    }

    /** Whether the requested formats carry tool calls, so the build must read tool spans. */
    static boolean needsSpans(DatasetSpec spec) {
        return spec.formats().contains(ExportFormat.OPENAI_CHAT.wire())
                || spec.formats().contains(ExportFormat.TRL_MESSAGES.wire());
    }

    /** The feedback kinds the build must read: corrections, and those the selection filters on. */
    static Set<String> feedbackKinds(DatasetSpec spec) {
        Set<String> kinds = new LinkedHashSet<>();
        kinds.add("correction");
        if (spec.quality().excludeLabels() != null) {
            kinds.add("label");
        }
        DatasetSpec.FeedbackFilter f = spec.selection().feedback();
        if (f != null) {
            if (f.kinds().isEmpty()) {
                for (dev.ratchet.feedback.FeedbackKind k : dev.ratchet.feedback.FeedbackKind.values()) {
                    kinds.add(k.wire());
                }
            } else {
                kinds.addAll(f.kinds());
            }
        }
        return kinds;
    }

    Result process(TraceSource.Row row) {
        if (!selected(row)) {
            return Result.unselected(row.id());
        }
        String status = row.outcome() == null ? "unknown" : row.outcome();
        DatasetSpec.Quality q = spec.quality();
        if (q.excludeDisputed() && status.equals("disputed")) {
            return Result.excluded(row.id(), Reason.DISPUTED, null);
        }
        if (row.confidence() < q.minConfidence()) {
            return Result.excluded(row.id(), Reason.LOW_CONFIDENCE, null);
        }
        if (flagged(row, q.excludeLabels())) {
            return Result.excluded(row.id(), Reason.FLAGGED, null);
        }
        JsonNode input = parse(row.input());
        String rawInput = Texts.input(input);
        if (rawInput == null || rawInput.isBlank()) {
            return Result.excluded(row.id(), Reason.NO_INPUT, null);
        }
        if (inputSchema != null && !Schemas.valid(inputSchema, input)) {
            return Result.excluded(row.id(), Reason.INPUT_SCHEMA, null);
        }
        Reason length = bounds(rawInput.length(), q.inputChars(), Reason.INPUT_TOO_SHORT, Reason.INPUT_TOO_LONG);
        if (length != null) {
            return Result.excluded(row.id(), length, null);
        }
        TraceSource.Fb correction = correction(row.feedback());
        JsonNode output = parse(row.output());
        JsonNode corrected = correction == null ? null : parse(correction.value());
        JsonNode target = corrected != null ? corrected : status.equals("success") ? output : null;
        String rawTarget = blankToNull(Texts.output(target));
        String rawOutput = blankToNull(Texts.output(output));
        boolean isPair = rawTarget != null && corrected != null && status.equals("failure") && rawOutput != null
                && !rawOutput.equals(rawTarget);
        boolean isKto = rawOutput != null && (status.equals("success") || status.equals("failure"));
        boolean labelled = labelField != null && Texts.field(target, labelField) != null;
        if (!((targets && rawTarget != null) || (dpo && isPair) || (kto && isKto)
                || (classification && rawTarget != null && labelled))) {
            return Result.excluded(row.id(), Reason.NO_TARGET, null);
        }
        if (outputSchema != null && target != null && !Schemas.valid(outputSchema, target)) {
            return Result.excluded(row.id(), Reason.OUTPUT_SCHEMA, null);
        }
        length = bounds((rawTarget != null ? rawTarget : rawOutput == null ? "" : rawOutput).length(), q.outputChars(),
                Reason.OUTPUT_TOO_SHORT, Reason.OUTPUT_TOO_LONG);
        if (length != null) {
            return Result.excluded(row.id(), length, null);
        }
        MinHash.Sketch rawSketch = MinHash.sketch(rawInput);
        EvalIndex.Hit leak = evals.match(rawSketch);
        if (leak != null) {
            return Result.excluded(row.id(), leak.exact() ? Reason.EVAL_EXACT : Reason.EVAL_NEAR, leak);
        }

        // Redaction, in a fixed order, so placeholders are numbered alike in every build.
        Redactor.Session session = redactor.session();
        input = session.redactInPlace(input);
        JsonNode instructions = session.redactInPlace(parse(row.instructions()));
        output = session.redactInPlace(output);
        corrected = session.redactInPlace(corrected);
        boolean ownTarget = corrected == null && status.equals("success");
        List<String[]> rounds = new ArrayList<>();
        JsonNode definitions = null;
        if (ownTarget && !row.tools().isEmpty()) {
            int n = 0;
            for (TraceSource.Tool t : row.tools()) {
                JsonNode args = session.redactInPlace(parse(t.input()));
                JsonNode result = session.redactInPlace(parse(t.output()));
                String id = t.callId() != null ? t.callId() : "call_" + (++n);
                rounds.add(new String[] {id, t.name(), args == null ? "{}" : args.toString(),
                    result == null ? "" : result.isTextual() ? result.textValue() : result.toString()});
            }
            JsonNode llmInput = parse(row.toolDefinitions());
            if (llmInput != null && llmInput.path("tools").isArray()) {
                definitions = session.redactInPlace(llmInput.get("tools"));
            }
        }
        target = corrected != null ? corrected : ownTarget ? output : null;
        String user = Texts.input(input);
        String system = blankToNull(Texts.instructions(instructions));
        String targetText = blankToNull(Texts.output(target));
        String outputText = blankToNull(Texts.output(output));
        String label = labelField == null ? null : Texts.field(target, labelField);
        String category = labelField == null ? status : label == null ? "(unlabelled)" : label;
        String rejected = isPair ? outputText : null;
        Boolean desirable = isKto ? status.equals("success") : null;

        Example ex = new Example(system, user, rounds, definitions, targetText, rejected, isKto ? outputText : null,
                desirable, label, category);
        byte[][] lines = new byte[formats.size()][];
        for (int i = 0; i < formats.size(); i++) {
            lines[i] = render(formats.get(i), ex);
        }
        byte[] canonical = canonical(ex);
        MessageDigest sha = SHA256.get();
        ByteBuffer digest = ByteBuffer.wrap(sha.digest(canonical));
        MinHash.Sketch sketch = user.equals(rawInput) ? rawSketch : MinHash.sketch(user);
        int tier = tier(row, correction);
        float confidence = (float) Math.max(row.confidence(), correction == null ? 0 : correction.confidence());
        return new Result(row.id(), true, null, null, session.counts(), sketch, digest.getLong(), digest.getLong(), tier,
                confidence, category, lines);
    }

    /** An example, redacted, as the formats render it. */
    record Example(String system, String user, List<String[]> rounds, JsonNode tools, String target, String rejected,
            String completion, Boolean desirable, String label, String category) {
    }

    private boolean selected(TraceSource.Row row) {
        List<String> tags = spec.selection().tags();
        if (!tags.isEmpty()) {
            JsonNode t = parse(row.tags());
            if (t == null || !t.isArray()) {
                return false;
            }
            Set<String> have = new java.util.HashSet<>();
            t.forEach(n -> have.add(n.asText()));
            if (!have.containsAll(tags)) {
                return false;
            }
        }
        DatasetSpec.FeedbackFilter f = spec.selection().feedback();
        if (f != null) {
            for (TraceSource.Fb fb : row.feedback()) {
                if ((f.kinds().isEmpty() || f.kinds().contains(fb.kind()))
                        && (f.sources().isEmpty() || f.sources().contains(fb.source()))) {
                    return true;
                }
            }
            return false;
        }
        return true;
    }

    /** Whether the trace carries a trace-level {@code label} feedback item with one of the excluded values. */
    private static boolean flagged(TraceSource.Row row, List<String> excluded) {
        if (excluded == null) {
            return false;
        }
        for (TraceSource.Fb fb : row.feedback()) {
            if (fb.kind().equals("label") && !fb.onSpan() && fb.value() != null) {
                JsonNode v = parse(fb.value());
                if (v != null && v.isTextual() && excluded.contains(v.textValue())) {
                    return true;
                }
            }
        }
        return false;
    }

    /** The correction an example learns from: a human's before a system's, the latest among equals. */
    private static TraceSource.Fb correction(List<TraceSource.Fb> feedback) {
        TraceSource.Fb best = null;
        for (TraceSource.Fb f : feedback) {
            if (!f.kind().equals("correction") || f.onSpan() || f.value() == null) {
                continue;
            }
            if (best == null || sourceRank(f.source()) >= sourceRank(best.source())) {
                best = f; // oldest first, so a later one of an equal source wins
            }
        }
        return best;
    }

    private static int sourceRank(String source) {
        return switch (source) {
            case "annotator" -> 3;
            case "end_user" -> 2;
            default -> 1;
        };
    }

    /**
     * How well an example is labelled, for keeping the best copy of duplicates and for caps: 3 for a human's
     * correction or a human-reviewed outcome, 2 for an outcome (or correction) of confidence 0.8 or more, 1 otherwise.
     */
    private static int tier(TraceSource.Row row, TraceSource.Fb correction) {
        if (row.reviewed() || (correction != null && sourceRank(correction.source()) >= 2)) {
            return 3;
        }
        if (row.confidence() >= 0.8 || (correction != null && correction.confidence() >= 0.8)) {
            return 2;
        }
        return 1;
    }

    private static Reason bounds(int length, DatasetSpec.Bounds b, Reason tooShort, Reason tooLong) {
        if (b == null) {
            return null;
        }
        if (b.min() != null && length < b.min()) {
            return tooShort;
        }
        if (b.max() != null && length > b.max()) {
            return tooLong;
        }
        return null;
    }

    private static JsonNode parse(String text) {
        if (text == null) {
            return null;
        }
        try {
            JsonNode n = Json.MAPPER.readTree(text);
            return n == null || n.isNull() || n.isMissingNode() ? null : n;
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException("stored JSON does not parse", e);
        }
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }

    // --- rendering ---

    private interface Writer {
        void write(JsonGenerator g) throws IOException;
    }

    private static byte[] json(Writer w) {
        ByteArrayOutputStream out = BUFFER.get();
        out.reset();
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            w.write(g);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** One line of {@code format} for the example (without its line end), or null when the format skips it. */
    static byte[] render(ExportFormat format, Example e) {
        return switch (format) {
            case OPENAI_CHAT, TRL_MESSAGES -> e.target() == null ? null : json(g -> {
                boolean openai = format == ExportFormat.OPENAI_CHAT;
                g.writeStartObject();
                g.writeArrayFieldStart("messages");
                prompt(g, e);
                for (String[] r : e.rounds()) {
                    g.writeStartObject();
                    g.writeStringField("role", "assistant");
                    g.writeArrayFieldStart("tool_calls");
                    g.writeStartObject();
                    g.writeStringField("id", r[0]);
                    g.writeStringField("type", "function");
                    g.writeObjectFieldStart("function");
                    g.writeStringField("name", r[1]);
                    if (openai) {
                        g.writeStringField("arguments", r[2]);
                    } else {
                        g.writeFieldName("arguments");
                        g.writeTree(Json.readTree(r[2]));
                    }
                    g.writeEndObject();
                    g.writeEndObject();
                    g.writeEndArray();
                    g.writeEndObject();
                    g.writeStartObject();
                    g.writeStringField("role", "tool");
                    g.writeStringField("tool_call_id", r[0]);
                    g.writeStringField("content", r[3]);
                    g.writeEndObject();
                }
                message(g, "assistant", e.target());
                g.writeEndArray();
                if (!e.rounds().isEmpty()) {
                    tools(g, e);
                }
                g.writeEndObject();
            });
            case TRL_PROMPT_COMPLETION -> e.target() == null ? null : json(g -> {
                g.writeStartObject();
                g.writeArrayFieldStart("prompt");
                prompt(g, e);
                g.writeEndArray();
                g.writeArrayFieldStart("completion");
                message(g, "assistant", e.target());
                g.writeEndArray();
                g.writeEndObject();
            });
            case OPENAI_DPO -> e.rejected() == null ? null : json(g -> {
                g.writeStartObject();
                g.writeObjectFieldStart("input");
                g.writeArrayFieldStart("messages");
                prompt(g, e);
                g.writeEndArray();
                g.writeEndObject();
                g.writeArrayFieldStart("preferred_output");
                message(g, "assistant", e.target());
                g.writeEndArray();
                g.writeArrayFieldStart("non_preferred_output");
                message(g, "assistant", e.rejected());
                g.writeEndArray();
                g.writeEndObject();
            });
            case TRL_DPO -> e.rejected() == null ? null : json(g -> {
                g.writeStartObject();
                g.writeArrayFieldStart("prompt");
                prompt(g, e);
                g.writeEndArray();
                g.writeArrayFieldStart("chosen");
                message(g, "assistant", e.target());
                g.writeEndArray();
                g.writeArrayFieldStart("rejected");
                message(g, "assistant", e.rejected());
                g.writeEndArray();
                g.writeEndObject();
            });
            case TRL_KTO -> e.desirable() == null ? null : json(g -> {
                g.writeStartObject();
                g.writeArrayFieldStart("prompt");
                prompt(g, e);
                g.writeEndArray();
                g.writeArrayFieldStart("completion");
                message(g, "assistant", e.completion());
                g.writeEndArray();
                g.writeBooleanField("label", e.desirable());
                g.writeEndObject();
            });
            case CLASSIFICATION_CSV -> e.target() == null || e.label() == null ? null
                    : (Csv.field(e.user()) + "," + Csv.field(e.label())).getBytes(java.nio.charset.StandardCharsets.UTF_8);
        };
    }

    private static void prompt(JsonGenerator g, Example e) throws IOException {
        if (e.system() != null) {
            message(g, "system", e.system());
        }
        message(g, "user", e.user());
    }

    private static void message(JsonGenerator g, String role, String content) throws IOException {
        g.writeStartObject();
        g.writeStringField("role", role);
        g.writeStringField("content", content);
        g.writeEndObject();
    }

    /** Tool definitions: the llm span's own, in OpenAI's shape; else a bare definition per tool called. */
    private static void tools(JsonGenerator g, Example e) throws IOException {
        g.writeArrayFieldStart("tools");
        if (e.tools() != null && !e.tools().isEmpty()) {
            for (JsonNode t : e.tools()) {
                if (t.has("function")) {
                    g.writeTree(t);
                } else {
                    g.writeStartObject();
                    g.writeStringField("type", "function");
                    g.writeFieldName("function");
                    g.writeTree(t);
                    g.writeEndObject();
                }
            }
        } else {
            Set<String> names = new LinkedHashSet<>();
            e.rounds().forEach(r -> names.add(r[1]));
            for (String name : names) {
                g.writeStartObject();
                g.writeStringField("type", "function");
                g.writeObjectFieldStart("function");
                g.writeStringField("name", name);
                g.writeObjectFieldStart("parameters");
                g.writeStringField("type", "object");
                g.writeEndObject();
                g.writeEndObject();
                g.writeEndObject();
            }
        }
        g.writeEndArray();
    }

    /** The example's content in one fixed layout: what its hash (and so the version id) is computed from. */
    private static byte[] canonical(Example e) {
        return json(g -> {
            g.writeStartObject();
            g.writeStringField("category", e.category());
            g.writeStringField("completion", e.completion());
            if (e.desirable() != null) {
                g.writeBooleanField("desirable", e.desirable());
            }
            g.writeStringField("label", e.label());
            g.writeStringField("rejected", e.rejected());
            g.writeArrayFieldStart("rounds");
            for (String[] r : e.rounds()) {
                g.writeStartArray();
                for (String s : r) {
                    g.writeString(s);
                }
                g.writeEndArray();
            }
            g.writeEndArray();
            g.writeStringField("system", e.system());
            g.writeStringField("target", e.target());
            if (e.tools() != null) {
                g.writeFieldName("tools");
                g.writeTree(e.tools());
            }
            g.writeStringField("user", e.user());
            g.writeEndObject();
        });
    }
}
