package dev.ratchet.dataset;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.google.i18n.phonenumbers.PhoneNumberMatch;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds PII and secrets in text and replaces them with typed placeholders ({@code <EMAIL_1>}, {@code <PHONE_2>}).
 *
 * <p><b>What it finds.</b> Detectors run in a fixed priority order and a later one never takes text an earlier one
 * matched: secrets first (PEM private keys, URLs with credentials, AWS keys, GitHub, Slack, {@code sk-}/Stripe/Google
 * API keys, bearer tokens and JWTs), then the project's custom patterns, then personal data (e-mail, IBAN with its
 * mod-97 check, payment cards with Luhn, US SSN by its issuing rules, UK NINO by its prefix rules, Dutch BSN with the
 * 11-proof and German tax ids with ISO 7064 MOD 11,10 (both only after a keyword such as "BSN" or "Steuer-ID", since a
 * bare 9- or 11-digit number passes their check too often), Spanish DNI/NIE with the mod-23 letter, IPv4 (not after
 * "version") and IPv6, and phone numbers valid for the configured regions by libphonenumber). Checks are what make a
 * detector precise: a 16-digit number that fails Luhn is not a card.
 *
 * <p><b>Why it is fast enough for a million examples.</b> One pass over each text computes cheap features (digits in a
 * phone-like run, {@code @}, colons, ...) and a detector runs only when the features allow it to match; most texts run
 * none of the expensive ones (libphonenumber above all).
 *
 * <p>A {@code Redactor} is immutable and thread-safe; a {@link Session} (one per example) is not.
 */
public final class Redactor {

    /** The built-in detectors, by their names in a spec, in priority order. */
    public static final List<String> BUILT_IN = List.of("private_key", "url_credentials", "aws_key", "github_token",
            "slack_token", "api_key", "bearer_token", "email", "iban", "card", "ssn", "nino", "bsn", "de_tax_id",
            "es_id", "ip", "phone");

    /** Built-ins that come before the custom patterns: secrets, whose shapes custom patterns should not break up. */
    private static final int SECRETS = 7;

    private static final PhoneNumberUtil PHONES = PhoneNumberUtil.getInstance();
    private static final Pattern VERSION_BEFORE = Pattern.compile(
            "(?i)(?:\\bv|\\bversion|\\bver\\.?|\\brelease|\\bbuild|\\brev\\.?|\\bfirmware|\\bOID)\\s*[:=]?\\s*$");

    private final List<Detector> detectors;
    private final List<String> types;

    private Redactor(List<Detector> detectors) {
        this.detectors = List.copyOf(detectors);
        List<String> t = new ArrayList<>();
        for (Detector d : detectors) {
            if (!t.contains(d.type())) {
                t.add(d.type());
            }
        }
        this.types = List.copyOf(t);
    }

    /** Every built-in detector, phone numbers of the default regions, no custom patterns. */
    public static Redactor defaults() {
        return create(BUILT_IN, DatasetSpecs.DEFAULT_PHONE_REGIONS, List.of());
    }

    /**
     * A redactor running {@code enabled} built-ins (names of {@link #BUILT_IN}) and the custom patterns, which must
     * have been checked ({@link DatasetSpecs}).
     */
    public static Redactor create(List<String> enabled, List<String> phoneRegions,
            List<DatasetSpec.CustomPattern> custom) {
        List<Detector> out = new ArrayList<>();
        for (int i = 0; i < BUILT_IN.size(); i++) {
            if (i == SECRETS) {
                for (DatasetSpec.CustomPattern c : custom) {
                    out.add(new RegexDetector(c.type().toUpperCase(Locale.ROOT), Pattern.compile(c.pattern()), 0,
                            s -> true, (text, m, g) -> whole(c.type().toUpperCase(Locale.ROOT), m, g, m.group(g))));
                }
            }
            String name = BUILT_IN.get(i);
            if (enabled.contains(name)) {
                out.addAll(builtIn(name, phoneRegions));
            }
        }
        return new Redactor(out);
    }

    /** The placeholder types this redactor can produce, in priority order. */
    public List<String> types() {
        return types;
    }

    /** Every piece of PII in {@code text}, non-overlapping, in text order. Thread-safe. */
    public List<PiiMatch> find(String text) {
        if (text == null || text.isEmpty()) {
            return List.of();
        }
        Features f = new Features(text);
        List<PiiMatch> accepted = new ArrayList<>(2);
        List<PiiMatch> candidates = new ArrayList<>(2);
        for (Detector d : detectors) {
            if (!d.relevant(f)) {
                continue;
            }
            candidates.clear();
            d.find(text, candidates);
            for (PiiMatch m : candidates) {
                if (m.end() > m.start() && !overlaps(accepted, m)) {
                    accepted.add(m);
                }
            }
        }
        if (accepted.size() > 1) {
            accepted.sort((a, b) -> Integer.compare(a.start(), b.start()));
        }
        return accepted;
    }

    private static boolean overlaps(List<PiiMatch> accepted, PiiMatch m) {
        for (PiiMatch a : accepted) {
            if (m.start() < a.end() && a.start() < m.end()) {
                return true;
            }
        }
        return false;
    }

    /** A new redaction of one example: the same value gets the same placeholder in every text it redacts. */
    public Session session() {
        return new Session();
    }

    /**
     * The redaction of one example. Placeholders are numbered per type in the order values are first met, so the
     * caller redacts the parts of an example in a fixed order to make the result deterministic. Not thread-safe.
     */
    public final class Session {

        private final Map<String, String> placeholders = new HashMap<>();
        private final Map<String, Integer> perType = new HashMap<>();
        private final Map<String, Integer> counts = new TreeMap<>();

        private Session() {
        }

        /** The text with every piece of PII replaced by its placeholder; the same instance when there is none. */
        public String redact(String text) {
            List<PiiMatch> found = find(text);
            if (found.isEmpty()) {
                return text;
            }
            StringBuilder sb = new StringBuilder(text.length());
            int at = 0;
            for (PiiMatch m : found) {
                sb.append(text, at, m.start()).append(placeholder(m));
                at = m.end();
                counts.merge(m.type(), 1, Integer::sum);
            }
            return sb.append(text, at, text.length()).toString();
        }

        private String placeholder(PiiMatch m) {
            return placeholders.computeIfAbsent(m.type() + '\u0000' + m.value(),
                    k -> "<" + m.type() + "_" + perType.merge(m.type(), 1, Integer::sum) + ">");
        }

        /**
         * Redacts every string in a JSON tree, in place, and numbers that turn out to be PII (a card or phone number
         * sent as a JSON number becomes a placeholder string). Member names are left as they are.
         *
         * @return the tree, or its replacement when the root itself was redacted
         */
        public JsonNode redactInPlace(JsonNode node) {
            if (node == null) {
                return null;
            }
            if (node.isTextual()) {
                String t = node.textValue();
                String r = redact(t);
                return r == t ? node : TextNode.valueOf(r);
            }
            if (node.isNumber()) {
                String t = node.asText();
                if (digits(t) < 7) {
                    return node;
                }
                String r = redact(t);
                return r == t ? node : TextNode.valueOf(r);
            }
            if (node.isObject()) {
                ObjectNode o = (ObjectNode) node;
                for (Iterator<Map.Entry<String, JsonNode>> it = o.fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> e = it.next();
                    JsonNode v = e.getValue();
                    JsonNode r = redactInPlace(v);
                    if (r != v) {
                        e.setValue(r);
                    }
                }
                return o;
            }
            if (node.isArray()) {
                ArrayNode a = (ArrayNode) node;
                for (int i = 0; i < a.size(); i++) {
                    JsonNode v = a.get(i);
                    JsonNode r = redactInPlace(v);
                    if (r != v) {
                        a.set(i, r);
                    }
                }
            }
            return node;
        }

        /** Occurrences replaced so far, per type. */
        public Map<String, Integer> counts() {
            return counts;
        }
    }

    private static int digits(String s) {
        int n = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= '0' && c <= '9') {
                n++;
            }
        }
        return n;
    }

    // --- detectors ---

    /** What one pass over a text tells about which detectors could match it. */
    static final class Features {
        final String text;
        /** Most digits in one run of digits and phone-like separators (space - . ( ) / +). */
        final int digitRun;
        final int digits;
        final int dots;
        final int colons;
        final boolean at;
        /** Longest run of {@code [A-Za-z0-9_]}, of {@code [A-Za-z0-9_-]} and of base64 {@code [A-Za-z0-9+/=]}. */
        final int wordRun;
        final int dashedRun;
        final int base64Run;
        final int dashes;
        final boolean scheme;
        final boolean doubleColon;

        Features(String text) {
            this.text = text;
            int run = 0;
            int max = 0;
            int d = 0;
            int dot = 0;
            int colon = 0;
            int dash = 0;
            boolean a = false;
            int word = 0;
            int maxWord = 0;
            int dashed = 0;
            int maxDashed = 0;
            int b64 = 0;
            int maxB64 = 0;
            int dashRun = 0;
            int maxDashRun = 0;
            for (int i = 0; i < text.length(); i++) {
                char c = text.charAt(i);
                boolean digit = c >= '0' && c <= '9';
                boolean alnum = digit || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
                word = alnum || c == '_' ? word + 1 : 0;
                dashed = alnum || c == '_' || c == '-' ? dashed + 1 : 0;
                b64 = alnum || c == '+' || c == '/' || c == '=' ? b64 + 1 : 0;
                dashRun = c == '-' ? dashRun + 1 : 0;
                maxWord = Math.max(maxWord, word);
                maxDashed = Math.max(maxDashed, dashed);
                maxB64 = Math.max(maxB64, b64);
                maxDashRun = Math.max(maxDashRun, dashRun);
                if (digit) {
                    d++;
                    run++;
                    if (run > max) {
                        max = run;
                    }
                } else if (c == ' ' || c == '-' || c == '.' || c == '(' || c == ')' || c == '/' || c == '+') {
                    if (c == '.') {
                        dot++;
                    }
                } else {
                    run = 0;
                    if (c == ':') {
                        colon++;
                    } else if (c == '@') {
                        a = true;
                    }
                }
            }
            this.digitRun = max;
            this.digits = d;
            this.dots = dot;
            this.colons = colon;
            this.at = a;
            this.wordRun = maxWord;
            this.dashedRun = maxDashed;
            this.base64Run = maxB64;
            this.dashes = maxDashRun;
            this.scheme = colon > 0 && text.contains("://");
            this.doubleColon = colon > 1 && text.contains("::");
        }

        boolean contains(String s) {
            return text.contains(s);
        }

        /** Whether the text contains {@code lower} (given in lower case) in any case; no copy of the text is made. */
        boolean containsLower(String lower) {
            int n = lower.length();
            char first = lower.charAt(0);
            for (int i = 0; i + n <= text.length(); i++) {
                char c = text.charAt(i);
                if ((c == first || Character.toLowerCase(c) == first) && text.regionMatches(true, i, lower, 0, n)) {
                    return true;
                }
            }
            return false;
        }
    }

    private interface Detector {
        String type();

        boolean relevant(Features f);

        void find(String text, List<PiiMatch> out);
    }

    /** Turns a regex match into a PII match (normalising its value), or rejects it with null. */
    private interface Check {
        PiiMatch check(String text, Matcher m, int group);
    }

    private record RegexDetector(String type, Pattern pattern, int group, Predicate<Features> relevance, Check check)
            implements Detector {
        @Override
        public boolean relevant(Features f) {
            return relevance.test(f);
        }

        @Override
        public void find(String text, List<PiiMatch> out) {
            Matcher m = pattern.matcher(text);
            while (m.find()) {
                if (m.start(group) < 0) {
                    continue;
                }
                PiiMatch p = check.check(text, m, group);
                if (p != null) {
                    out.add(p);
                }
            }
        }
    }

    /**
     * Phone numbers by libphonenumber, valid for one of the regions. Only the stretches of the text that can hold a
     * number (seven or more digits with the separators phone numbers are written with) are handed to it: its matcher
     * is thorough and costs per character scanned, and a support message is mostly words.
     */
    private record PhoneDetector(List<String> regions) implements Detector {
        private static final Pattern CANDIDATE = Pattern.compile("\\+?\\(?\\d[\\d \\t().\\-/]{5,}\\d");

        @Override
        public String type() {
            return "PHONE";
        }

        @Override
        public boolean relevant(Features f) {
            return f.digitRun >= 7;
        }

        @Override
        public void find(String text, List<PiiMatch> out) {
            Matcher c = CANDIDATE.matcher(text);
            while (c.find()) {
                if (digits(c.group()) < 7) {
                    continue;
                }
                int from = Math.max(0, c.start() - 1);
                int to = Math.min(text.length(), c.end() + 1);
                String window = text.substring(from, to);
                for (String region : regions) {
                    for (PhoneNumberMatch m : PHONES.findNumbers(window, region, PhoneNumberUtil.Leniency.VALID,
                            Long.MAX_VALUE)) {
                        out.add(new PiiMatch("PHONE", from + m.start(), from + m.end(),
                                PHONES.format(m.number(), PhoneNumberUtil.PhoneNumberFormat.E164)));
                    }
                }
            }
        }
    }

    private static PiiMatch whole(String type, Matcher m, int g, String value) {
        return new PiiMatch(type, m.start(g), m.end(g), value);
    }

    private static String strip(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c != ' ' && c != '-' && c != '.') {
                sb.append(c);
            }
        }
        return sb.toString();
    }

    /**
     * The longest prefix of a matched number, cut at its separators, that passes {@code valid}: a card number followed
     * by a CVV, or an IBAN followed by a word, is still found.
     */
    private static PiiMatch longestValid(String type, Matcher m, int g, int minLength, Predicate<String> valid,
            boolean upper) {
        String s = m.group(g);
        int end = s.length();
        while (end > 0) {
            String candidate = strip(s.substring(0, end));
            if (upper) {
                candidate = candidate.toUpperCase(Locale.ROOT);
            }
            if (candidate.length() < minLength) {
                return null;
            }
            if (valid.test(candidate)) {
                return new PiiMatch(type, m.start(g), m.start(g) + end, candidate);
            }
            int cut = Math.max(s.lastIndexOf(' ', end - 1), s.lastIndexOf('-', end - 1));
            if (cut <= 0) {
                return null;
            }
            end = cut;
        }
        return null;
    }

    private static Pattern p(String regex) {
        return Pattern.compile(regex);
    }

    private static List<Detector> builtIn(String name, List<String> phoneRegions) {
        return switch (name) {
            case "private_key" -> List.of(new RegexDetector("PRIVATE_KEY",
                    p("-----BEGIN ((?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?)-----(?:[\\s\\S]*?-----END \\1-----|[A-Za-z0-9+/=\\s:,-]*)"),
                    0, f -> f.dashes >= 5 && f.contains("-----BEGIN"), (t, m, g) -> whole("PRIVATE_KEY", m, g, m.group(g))));
            case "url_credentials" -> List.of(new RegexDetector("URL_CREDENTIALS",
                    p("\\b[A-Za-z][A-Za-z0-9+.-]{1,20}://([^\\s/?#@:\"'<>]+:[^\\s/?#@\"'<>]*|[A-Za-z0-9_-]{20,})@"),
                    1, f -> f.at && f.scheme, (t, m, g) -> whole("URL_CREDENTIALS", m, g, m.group(g))));
            case "aws_key" -> List.of(
                    new RegexDetector("AWS_KEY", p("\\b((?:AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16})\\b"), 1,
                            f -> f.wordRun >= 20 && (f.contains("AKIA") || f.contains("ASIA") || f.contains("ABIA")
                                    || f.contains("ACCA")),
                            (t, m, g) -> whole("AWS_KEY", m, g, m.group(g))),
                    new RegexDetector("AWS_KEY", p("(?i)aws.{0,20}?(?:secret|private)[a-z_ -]{0,20}?\\s*[=:]\\s*[\"']?"
                            + "([A-Za-z0-9/+=]{40})(?![A-Za-z0-9/+=])"), 1, f -> f.base64Run >= 40 && f.containsLower("aws"),
                            (t, m, g) -> whole("AWS_KEY", m, g, m.group(g))));
            case "github_token" -> List.of(new RegexDetector("GITHUB_TOKEN",
                    p("\\b(gh[pousr]_[A-Za-z0-9]{36,255}|github_pat_[A-Za-z0-9_]{22,255})\\b"), 1,
                    f -> f.wordRun >= 33 && (f.contains("gh") || f.contains("github_pat")),
                    (t, m, g) -> whole("GITHUB_TOKEN", m, g, m.group(g))));
            case "slack_token" -> List.of(new RegexDetector("SLACK_TOKEN",
                    p("\\b(xox[abposr]-[A-Za-z0-9-]{10,250}|https://hooks\\.slack\\.com/services/[A-Za-z0-9_/-]+)"), 1,
                    f -> (f.dashedRun >= 15 && f.contains("xox")) || (f.scheme && f.contains("hooks.slack.com")),
                    (t, m, g) -> whole("SLACK_TOKEN", m, g, m.group(g))));
            case "api_key" -> List.of(new RegexDetector("API_KEY",
                    p("(?<![A-Za-z0-9_-])(sk-(?:proj-|ant-|live-|test-)?[A-Za-z0-9_-]{20,250}|[rs]k_(?:live|test)_[A-Za-z0-9]{16,250}"
                            + "|AIza[0-9A-Za-z_-]{35})(?![A-Za-z0-9_-])"), 1,
                    f -> f.dashedRun >= 23 && (f.contains("sk-") || f.contains("k_live_") || f.contains("k_test_")
                            || f.contains("AIza")),
                    (t, m, g) -> whole("API_KEY", m, g, m.group(g))));
            case "bearer_token" -> List.of(new RegexDetector("BEARER_TOKEN",
                    p("(?i:\\bbearer\\s+)([A-Za-z0-9._~+/-]{16,}=*)|\\b(eyJ[A-Za-z0-9_-]{5,}\\.eyJ[A-Za-z0-9_-]{5,}\\.[A-Za-z0-9_-]{5,})"),
                    0, f -> (f.base64Run >= 16 && f.containsLower("bearer")) || (f.dots >= 2 && f.wordRun >= 8 && f.contains("eyJ")),
                    (t, m, g) -> {
                        int grp = m.start(1) >= 0 ? 1 : 2;
                        return whole("BEARER_TOKEN", m, grp, m.group(grp));
                    }));
            case "email" -> List.of(new RegexDetector("EMAIL",
                    p("(?<![A-Za-z0-9._%+-])([A-Za-z0-9_%+-](?:[A-Za-z0-9._%+-]{0,62}[A-Za-z0-9_%+-])?"
                            + "@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\\.)+[A-Za-z]{2,24})(?![A-Za-z0-9-]|\\.[A-Za-z0-9])"),
                    1, f -> f.at, (t, m, g) -> m.group(g).contains("..") ? null
                            : whole("EMAIL", m, g, m.group(g).toLowerCase(Locale.ROOT))));
            case "iban" -> List.of(new RegexDetector("IBAN",
                    p("(?<![A-Za-z0-9])([A-Z]{2}\\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,3})?)(?![A-Za-z0-9])"), 1,
                    f -> f.digits >= 8, (t, m, g) -> longestValid("IBAN", m, g, 15, Checksums::iban, true)));
            case "card" -> List.of(new RegexDetector("CARD",
                    p("(?<![\\d.,-])(\\d(?:[ -]?\\d){12,22})(?!\\d|[.,]\\d)"), 1, f -> f.digitRun >= 13,
                    (t, m, g) -> longestValid("CARD", m, g, 13, Checksums::card, false)));
            case "ssn" -> List.of(
                    new RegexDetector("SSN", p("(?<![\\d-])(\\d{3}([- ])\\d{2}\\2\\d{4})(?![\\d-])"), 1,
                            f -> f.digitRun >= 9, (t, m, g) -> {
                                String d = strip(m.group(g));
                                return Checksums.ssn(d) ? whole("SSN", m, g, d) : null;
                            }),
                    new RegexDetector("SSN", p("(?i:\\b(?:ssn|social security(?: number| no\\.?| #)?))\\s*(?:is|:|#|=)?\\s*(\\d{9})(?!\\d)"),
                            1, f -> f.digitRun >= 9 && (f.containsLower("ssn") || f.containsLower("social security")),
                            (t, m, g) -> Checksums.ssn(m.group(g)) ? whole("SSN", m, g, m.group(g)) : null));
            case "nino" -> List.of(new RegexDetector("NINO",
                    p("(?<![A-Za-z0-9])([A-Z]{2} ?\\d{2} ?\\d{2} ?\\d{2} ?[A-D])(?![A-Za-z0-9])"), 1, f -> f.digits >= 6,
                    (t, m, g) -> {
                        String v = strip(m.group(g));
                        return Checksums.nino(v) ? whole("NINO", m, g, v) : null;
                    }));
            case "bsn" -> List.of(new RegexDetector("BSN",
                    p("(?i:\\b(?:bsn|burgerservicenummer|sofinummer|sofi-nummer|citizen service number))\\b[^0-9]{0,20}?"
                            + "(\\d{9}|\\d{4}\\.\\d{2}\\.\\d{3}|\\d{3}[ .]\\d{3}[ .]\\d{3})(?!\\d)"), 1,
                    f -> f.digitRun >= 9 && (f.containsLower("bsn") || f.containsLower("burgerservice")
                            || f.containsLower("sofi") || f.containsLower("citizen service")),
                    (t, m, g) -> {
                        String d = strip(m.group(g));
                        return Checksums.bsn(d) ? whole("BSN", m, g, d) : null;
                    }));
            case "de_tax_id" -> List.of(new RegexDetector("DE_TAX_ID",
                    p("(?i:\\b(?:steuer-?id(?:entifikationsnummer)?|steuer-?idnr|steueridentifikationsnummer|"
                            + "identifikationsnummer|idnr|tax id(?:entification number)?|tin))\\b[^0-9]{0,20}?"
                            + "(\\d{2} ?\\d{3} ?\\d{3} ?\\d{3}|\\d{11})(?!\\d)"), 1,
                    f -> f.digitRun >= 11 && (f.containsLower("steuer") || f.containsLower("idnr")
                            || f.containsLower("identifikation") || f.containsLower("tax id") || f.containsLower("tin")),
                    (t, m, g) -> {
                        String d = strip(m.group(g));
                        return Checksums.germanTaxId(d) ? whole("DE_TAX_ID", m, g, d) : null;
                    }));
            case "es_id" -> List.of(new RegexDetector("ES_ID",
                    p("(?<![A-Za-z0-9])(\\d{8}-?[A-Za-z]|[XYZxyz]-?\\d{7}-?[A-Za-z])(?![A-Za-z0-9])"), 1,
                    f -> f.digits >= 7, (t, m, g) -> {
                        String v = strip(m.group(g)).toUpperCase(Locale.ROOT);
                        return Checksums.spanishId(v) ? whole("ES_ID", m, g, v) : null;
                    }));
            case "ip" -> List.of(
                    new RegexDetector("IP", p("(?<![\\w.:-])((?:\\d{1,3}\\.){3}\\d{1,3})(?!\\.?[\\w-])"), 1,
                            f -> f.dots >= 3 && f.digits >= 4, (t, m, g) -> {
                                if (!Checksums.ipv4(m.group(g))) {
                                    return null;
                                }
                                String before = t.substring(Math.max(0, m.start(g) - 24), m.start(g));
                                return VERSION_BEFORE.matcher(before).find() ? null : whole("IP", m, g, m.group(g));
                            }),
                    new RegexDetector("IP", p("(?<![\\w:.])((?:[0-9A-Fa-f]{0,4}:){2,7}(?:[0-9A-Fa-f]{1,4}|(?:\\d{1,3}\\.){3}\\d{1,3})?)"
                            + "(?![\\w:]|\\.\\w)"), 1, f -> f.doubleColon || f.colons >= 7,
                            (t, m, g) -> Checksums.ipv6(m.group(g))
                                    ? whole("IP", m, g, m.group(g).toLowerCase(Locale.ROOT)) : null));
            case "phone" -> List.of(new PhoneDetector(List.copyOf(phoneRegions)));
            default -> throw new IllegalArgumentException("unknown detector " + name);
        };
    }
}
