package dev.ratchet.feedback;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.ratchet.common.BadInputException;
import dev.ratchet.common.FieldError;
import dev.ratchet.common.Ids;
import dev.ratchet.common.Json;
import dev.ratchet.common.JsonText;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * Reads the REST feedback format ({@code {"feedback":[...]}}, documented in docs/api.md) into validated
 * {@link Feedback}. As with traces, a batch is validated as a whole and every problem is reported with the
 * item index and field, and unknown fields are errors. Feedback embedded in another document (e.g. a
 * {@code feedback} array inside a trace of {@code POST /api/v1/traces}) is read with {@link #parseItems} or
 * {@link #parseItem}, which add their errors, under a path prefix, to the caller's list.
 *
 * <p>What each field may hold:
 * <ul>
 *   <li>{@code traceId} required (unless the enclosing document supplies it), {@code spanId} optional;
 *       both 1-128 characters of letters, digits and {@code . _ : -}</li>
 *   <li>{@code id} optional, the same form; Ratchet's id otherwise</li>
 *   <li>{@code kind} required, one of {@link FeedbackKind#allowed()}; {@code value} as {@link FeedbackKind}
 *       says: a rating within {@code scale} ({@code {"min":..,"max":..}}, min &lt; max, default 1 to 5, only
 *       for ratings), a boolean for thumbs, approval and verifier, a non-blank string of at most 10,000
 *       characters for label and comment, any JSON for a correction, a number from 0 to 1 for a judge,
 *       {@code "success"} or {@code "failure"} for a review, anything or nothing for implicit kinds</li>
 *   <li>{@code source}: {@code end_user}, {@code annotator} or {@code system}; by default end_user for explicit
 *       and implicit kinds, system for automated ones, annotator for reviews</li>
 *   <li>{@code reason} at most 10,000 characters; {@code name}, {@code authorId}, {@code idempotencyKey} at
 *       most 256; {@code confidence} from 0 to 1 (default 1); {@code createdAt} an ISO-8601 instant (default
 *       now)</li>
 * </ul>
 * Thread-safe (stateless).
 */
public final class FeedbackJson {

    public static final int MAX_ITEMS_PER_BATCH = 1000;
    static final int MAX_TEXT = 10_000;
    static final int MAX_SHORT = 256;
    private static final int MAX_ID = 128;

    private static final Set<String> FIELDS = Set.of("id", "traceId", "spanId", "kind", "value", "scale", "reason",
            "name", "source", "authorId", "confidence", "idempotencyKey", "createdAt");
    private static final Set<String> SCALE_FIELDS = Set.of("min", "max");
    private static final String ID_FORM = "must be 1-128 characters of letters, digits and . _ : -";

    private FeedbackJson() {
    }

    /**
     * Parses and validates a batch sent as bytes (UTF-8 JSON).
     *
     * @throws BadInputException for an empty body or malformed JSON (field {@code $}), and for everything
     *                           {@link #parseBatch(JsonNode, Clock)} refuses
     */
    public static List<Feedback> parseBatch(byte[] body, Clock clock) {
        if (body == null || body.length == 0) {
            throw new BadInputException("$", "request body is empty; expected JSON");
        }
        JsonNode root;
        try (JsonParser p = Json.MAPPER.createParser(body)) {
            root = p.nextToken() == null ? null : p.readValueAsTree();
            if (root == null) {
                throw new BadInputException("$", "request body is empty; expected JSON");
            }
            if (p.nextToken() != null) {
                throw new BadInputException("$", "malformed JSON at line " + p.currentLocation().getLineNr()
                        + ", column " + p.currentLocation().getColumnNr() + ": content after the end of the JSON value");
            }
        } catch (JsonProcessingException e) {
            throw Json.malformed(e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return parseBatch(root, clock);
    }

    /**
     * Parses and validates {@code {"feedback":[...]}}.
     *
     * @param clock supplies the ids and creation times of items sent without them
     * @throws BadInputException listing every problem found; nothing is returned in part
     */
    public static List<Feedback> parseBatch(JsonNode root, Clock clock) {
        if (root == null || !root.isObject()) {
            throw new BadInputException("$", "body must be a JSON object with a 'feedback' array");
        }
        List<FieldError> errors = new ArrayList<>();
        for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!f.equals("feedback")) {
                errors.add(FieldError.of(f, "unknown field"));
            }
        }
        JsonNode items = root.get("feedback");
        if (items == null || !items.isArray()) {
            errors.add(FieldError.of("feedback", "required, must be an array"));
            throw new BadInputException(errors);
        }
        if (items.isEmpty()) {
            errors.add(FieldError.of("feedback", "must not be empty"));
            throw new BadInputException(errors);
        }
        if (items.size() > MAX_ITEMS_PER_BATCH) {
            errors.add(FieldError.of("feedback", "at most " + MAX_ITEMS_PER_BATCH + " items per batch"));
            throw new BadInputException(errors);
        }
        List<Feedback> out = new ArrayList<>(items.size());
        Duplicates duplicates = new Duplicates();
        for (int i = 0; i < items.size(); i++) {
            Feedback f = parseItem(items.get(i), i, "", null, clock, errors);
            duplicates.check(f, i, "", errors);
            out.add(f);
        }
        if (!errors.isEmpty()) {
            throw new BadInputException(errors);
        }
        return out;
    }

    /**
     * Reads an array of feedback embedded in another document, e.g. {@code traces[item].feedback}: at most
     * {@link #MAX_ITEMS_PER_BATCH} items, no id or idempotency key twice. Errors go to {@code errors} as
     * {@code (item, prefix + "[j]." + field)}.
     *
     * @param array   the array node; null or JSON null is an empty list
     * @param item    the index of the enclosing item in its batch, or null when it is not a batch
     * @param prefix  the path of the array inside that item, e.g. {@code "feedback"}
     * @param traceId the trace the feedback is about when the enclosing document says so; items may then leave
     *                out {@code traceId} but may not name another trace. Null: every item names its trace
     * @return the items read, in order; null entries where an item was not an object
     */
    public static List<Feedback> parseItems(JsonNode array, Integer item, String prefix, String traceId, Clock clock,
            List<FieldError> errors) {
        if (array == null || array.isNull()) {
            return List.of();
        }
        if (!array.isArray()) {
            errors.add(new FieldError(item, prefix, "must be an array of feedback items"));
            return List.of();
        }
        if (array.size() > MAX_ITEMS_PER_BATCH) {
            errors.add(new FieldError(item, prefix, "at most " + MAX_ITEMS_PER_BATCH + " items"));
            return List.of();
        }
        List<Feedback> out = new ArrayList<>(array.size());
        Duplicates duplicates = new Duplicates();
        for (int j = 0; j < array.size(); j++) {
            String p = prefix + "[" + j + "].";
            Feedback f = parseItem(array.get(j), item, p, traceId, clock, errors);
            duplicates.check(f, item, p, errors);
            out.add(f);
        }
        return out;
    }

    /**
     * Reads one feedback item, adding what is wrong with it to {@code errors} as {@code (item, prefix + field)}.
     * Checks across items (the same id or idempotency key twice) are the caller's, or {@link #parseItems}'.
     *
     * @param item    the item's index in its batch, or null when the request is not a batch
     * @param prefix  prepended to field names, e.g. {@code "feedback[2]."}; empty for a top-level item
     * @param traceId as in {@link #parseItems}
     * @return the item (with defaults filled in), or null when {@code node} is not an object. Meaningful only
     *         if no error was added
     */
    public static Feedback parseItem(JsonNode node, Integer item, String prefix, String traceId, Clock clock,
            List<FieldError> errors) {
        return new Reader(item, prefix, errors).feedback(node, traceId, clock);
    }

    /** Remembers ids and idempotency keys seen so far in one list. */
    private static final class Duplicates {
        private final Set<String> ids = new HashSet<>();
        private final Set<String> keys = new HashSet<>();

        void check(Feedback f, Integer item, String prefix, List<FieldError> errors) {
            if (f == null) {
                return;
            }
            if (!ids.add(f.id())) {
                errors.add(new FieldError(item, prefix + "id", "duplicate feedback id '" + f.id() + "' in batch"));
            }
            if (f.idempotencyKey() != null && !keys.add(f.idempotencyKey())) {
                errors.add(new FieldError(item, prefix + "idempotencyKey", "duplicate idempotency key '"
                        + f.idempotencyKey() + "' in batch"));
            }
        }
    }

    /** Reads one item, adding what is wrong with it to the shared error list. */
    private static final class Reader {
        private final Integer item;
        private final String prefix;
        private final List<FieldError> errors;

        Reader(Integer item, String prefix, List<FieldError> errors) {
            this.item = item;
            this.prefix = prefix;
            this.errors = errors;
        }

        private void error(String field, String reason) {
            errors.add(new FieldError(item, prefix + field, reason));
        }

        Feedback feedback(JsonNode n, String enclosingTraceId, Clock clock) {
            if (n == null || !n.isObject()) {
                errors.add(new FieldError(item, prefix.isEmpty() ? "$" : prefix.substring(0, prefix.length() - 1),
                        "each feedback item must be a JSON object"));
                return null;
            }
            for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
                String f = it.next();
                if (!FIELDS.contains(f)) {
                    error(f, "unknown field");
                }
            }
            String id = id(n, "id");
            String traceId = id(n, "traceId");
            if (enclosingTraceId != null) {
                if (traceId != null && !traceId.equals(enclosingTraceId)) {
                    error("traceId", "must be the enclosing trace's id '" + enclosingTraceId + "' or left out");
                }
                traceId = enclosingTraceId;
            } else if (traceId == null && !has(n, "traceId")) {
                error("traceId", "required");
            }
            String spanId = id(n, "spanId");

            FeedbackKind kind = null;
            String kindText = string(n, "kind", 32);
            if (kindText == null && !has(n, "kind")) {
                error("kind", "required; one of " + FeedbackKind.allowed());
            } else if (kindText != null) {
                kind = FeedbackKind.parse(kindText).orElse(null);
                if (kind == null) {
                    error("kind", "unknown kind '" + kindText + "'; one of " + FeedbackKind.allowed());
                }
            }
            Scale scale = scale(n.get("scale"), kind);
            JsonText value = kind == null ? null : value(n.get("value"), kind, scale);

            FeedbackSource source = null;
            String sourceText = string(n, "source", 32);
            if (sourceText != null) {
                source = FeedbackSource.parse(sourceText).orElse(null);
                if (source == null) {
                    error("source", "unknown source '" + sourceText + "'; one of end_user, annotator, system");
                }
            } else if (kind != null) {
                source = defaultSource(kind);
            }
            String reason = string(n, "reason", MAX_TEXT);
            String name = string(n, "name", MAX_SHORT);
            String authorId = string(n, "authorId", MAX_SHORT);
            String key = string(n, "idempotencyKey", MAX_SHORT);
            if (key != null && key.isBlank()) {
                error("idempotencyKey", "must not be blank");
            }
            double confidence = confidence(n.get("confidence"));
            Instant createdAt = instant(n, "createdAt");
            return new Feedback(
                    id != null ? id : Ids.newId(clock),
                    traceId,
                    spanId,
                    kind,
                    value,
                    scale,
                    reason,
                    name,
                    source,
                    authorId,
                    confidence,
                    createdAt != null ? createdAt : clock.instant(),
                    key);
        }

        private static FeedbackSource defaultSource(FeedbackKind kind) {
            return switch (kind.category()) {
                case EXPLICIT, IMPLICIT -> FeedbackSource.END_USER;
                case AUTOMATED -> FeedbackSource.SYSTEM;
                case REVIEW -> FeedbackSource.ANNOTATOR;
            };
        }

        private static boolean has(JsonNode n, String field) {
            JsonNode v = n.get(field);
            return v != null && !v.isNull();
        }

        private String id(JsonNode n, String field) {
            String s = string(n, field, MAX_ID);
            if (s != null && !Ids.isValidClientId(s)) {
                error(field, ID_FORM);
                return null;
            }
            return s;
        }

        private String string(JsonNode n, String field, int max) {
            JsonNode v = n.get(field);
            if (v == null || v.isNull()) {
                return null;
            }
            if (!v.isTextual()) {
                error(field, "must be a string");
                return null;
            }
            String s = v.textValue();
            if (s.length() > max) {
                error(field, "must be at most " + max + " characters");
                return null;
            }
            return s;
        }

        private Instant instant(JsonNode n, String field) {
            JsonNode v = n.get(field);
            if (v == null || v.isNull()) {
                return null;
            }
            if (!v.isTextual()) {
                error(field, "must be an ISO-8601 instant string such as 2026-11-21T10:00:00Z");
                return null;
            }
            try {
                return Instant.parse(v.textValue());
            } catch (DateTimeParseException e) {
                error(field, "not an ISO-8601 instant (e.g. 2026-11-21T10:00:00.100Z): '" + v.textValue() + "'");
                return null;
            }
        }

        private double confidence(JsonNode v) {
            if (v == null || v.isNull()) {
                return 1.0;
            }
            if (!v.isNumber() || v.decimalValue().compareTo(BigDecimal.ZERO) < 0
                    || v.decimalValue().compareTo(BigDecimal.ONE) > 0) {
                error("confidence", "must be a number from 0 to 1");
                return 1.0;
            }
            return v.doubleValue();
        }

        private Scale scale(JsonNode v, FeedbackKind kind) {
            if (v == null || v.isNull()) {
                return kind == FeedbackKind.RATING ? Scale.DEFAULT : null;
            }
            if (kind != null && kind != FeedbackKind.RATING) {
                error("scale", "only ratings have a scale");
                return null;
            }
            if (!v.isObject()) {
                error("scale", "must be an object {\"min\": number, \"max\": number}");
                return null;
            }
            for (Iterator<String> it = v.fieldNames(); it.hasNext(); ) {
                String f = it.next();
                if (!SCALE_FIELDS.contains(f)) {
                    error("scale." + f, "unknown field");
                }
            }
            BigDecimal min = number(v.get("min"), "scale.min");
            BigDecimal max = number(v.get("max"), "scale.max");
            if (min == null || max == null) {
                return null;
            }
            if (min.compareTo(max) >= 0) {
                error("scale", "min must be less than max");
                return null;
            }
            return new Scale(min, max);
        }

        private BigDecimal number(JsonNode v, String field) {
            if (v == null || v.isNull()) {
                error(field, "required, a number");
                return null;
            }
            if (!v.isNumber()) {
                error(field, "must be a number");
                return null;
            }
            return v.decimalValue();
        }

        /** The value, checked against what its kind carries; null when absent or wrong (then an error says so). */
        private JsonText value(JsonNode v, FeedbackKind kind, Scale scale) {
            boolean absent = v == null || v.isNull();
            switch (kind) {
                case RATING -> {
                    if (absent || !v.isNumber()) {
                        error("value", "a rating needs a number" + (scale != null ? " from " + plain(scale.min())
                                + " to " + plain(scale.max()) : ""));
                        return null;
                    }
                    if (scale != null && !scale.contains(v.decimalValue())) {
                        error("value", "must be within the scale " + plain(scale.min()) + " to " + plain(scale.max())
                                + ", not " + v.decimalValue().toPlainString());
                        return null;
                    }
                }
                case THUMBS, APPROVAL, VERIFIER -> {
                    if (absent || !v.isBoolean()) {
                        error("value", kind.wire() + " feedback needs a boolean ("
                                + (kind == FeedbackKind.THUMBS ? "true = up" : kind == FeedbackKind.APPROVAL
                                        ? "true = approved" : "true = passed") + ")");
                        return null;
                    }
                }
                case LABEL, COMMENT -> {
                    if (absent || !v.isTextual() || v.textValue().isBlank() || v.textValue().length() > MAX_TEXT) {
                        error("value", kind.wire() + " feedback needs a non-blank string of at most " + MAX_TEXT
                                + " characters");
                        return null;
                    }
                }
                case CORRECTION -> {
                    if (absent) {
                        error("value", "a correction needs the corrected output (any JSON, e.g. {\"text\": \"...\"})");
                        return null;
                    }
                }
                case JUDGE -> {
                    if (absent || !v.isNumber() || v.decimalValue().compareTo(BigDecimal.ZERO) < 0
                            || v.decimalValue().compareTo(BigDecimal.ONE) > 0) {
                        error("value", "a judge score must be a number from 0 to 1");
                        return null;
                    }
                }
                case REVIEW -> {
                    if (absent || !v.isTextual()
                            || !(v.textValue().equals("success") || v.textValue().equals("failure"))) {
                        error("value", "a review verdict must be \"success\" or \"failure\"");
                        return null;
                    }
                }
                default -> {
                    // implicit kinds: the value is optional and free (edited may carry the edited output)
                }
            }
            return absent ? null : JsonText.of(v);
        }

        private static String plain(BigDecimal d) {
            return d.stripTrailingZeros().toPlainString();
        }
    }
}
