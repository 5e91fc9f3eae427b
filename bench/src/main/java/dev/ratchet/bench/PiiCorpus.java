package dev.ratchet.bench;

import com.google.i18n.phonenumbers.NumberParseException;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.Phonenumber;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * A labelled set for measuring redaction: generated support messages with PII of every detector's type planted at
 * known places (valid values: Luhn-correct cards, mod-97-correct IBANs, SSNs by the issuing rules, ...), and hard
 * negatives that look like PII and are not (cards that fail Luhn, IBANs with a wrong check, version strings shaped
 * like IPs, unissued SSNs, BSNs failing the 11-proof, times and MAC addresses, short "keys"). Deterministic for a seed.
 */
final class PiiCorpus {

    /** A planted value: its type and where it is in its text. */
    record Label(String type, int start, int end) {
    }

    /** One text with what it truly contains; {@code target} names the type a hard negative imitates. */
    record Sample(String text, List<Label> labels, String target) {
    }

    static final List<String> TYPES = List.of("PRIVATE_KEY", "URL_CREDENTIALS", "AWS_KEY", "GITHUB_TOKEN",
            "SLACK_TOKEN", "API_KEY", "BEARER_TOKEN", "EMAIL", "IBAN", "CARD", "SSN", "NINO", "BSN", "DE_TAX_ID",
            "ES_ID", "IP", "PHONE");
    private static final String[] FILLER = ("please could you check why my payment was declined yesterday the app shows"
            + " an error and support told me to write here thanks a lot for the quick help with this issue").split(" ");
    private static final String ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    private static final String UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    private static final PhoneNumberUtil PHONES = PhoneNumberUtil.getInstance();

    private final SplittableRandom r;

    PiiCorpus(long seed) {
        this.r = new SplittableRandom(seed);
    }

    List<Sample> generate(int perType, int negativesPerType) {
        List<Sample> out = new ArrayList<>();
        for (String type : TYPES) {
            for (int i = 0; i < perType; i++) {
                out.add(positive(type));
            }
            for (int i = 0; i < negativesPerType; i++) {
                String neg = negative(type);
                if (neg != null) {
                    out.add(new Sample(wrap(neg).text(), List.of(), type));
                }
            }
        }
        return out;
    }

    private Sample positive(String type) {
        String context = switch (type) {
            case "BSN" -> "mijn BSN is ";
            case "DE_TAX_ID" -> "meine Steuer-ID: ";
            case "SSN" -> "SSN ";
            case "NINO" -> "NI number ";
            case "ES_ID" -> "DNI ";
            case "BEARER_TOKEN" -> "Authorization: Bearer ";
            default -> "";
        };
        String value = value(type);
        String before = words(3 + r.nextInt(6)) + " " + context;
        String text = before + value + " " + words(3 + r.nextInt(6));
        int start = before.length();
        int end = start + value.length();
        if (type.equals("URL_CREDENTIALS")) {
            // The credentials are what is secret; scheme and host stay readable.
            start = text.indexOf("://", start) + 3;
            end = text.indexOf('@', start);
        }
        return new Sample(text, List.of(new Label(type, start, end)), type);
    }

    private Sample wrap(String value) {
        return new Sample(words(3 + r.nextInt(5)) + " " + value + " " + words(3 + r.nextInt(5)), List.of(), null);
    }

    private String words(int n) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            sb.append(i == 0 ? "" : " ").append(FILLER[r.nextInt(FILLER.length)]);
        }
        return sb.toString();
    }

    private String value(String type) {
        return switch (type) {
            case "PRIVATE_KEY" -> "-----BEGIN RSA PRIVATE KEY-----\n" + chars(ALNUM, 64) + "\n" + chars(ALNUM, 64)
                    + "\n-----END RSA PRIVATE KEY-----";
            case "URL_CREDENTIALS" -> "postgres://svc_" + chars(ALNUM, 6) + ":" + chars(ALNUM, 12) + "@db"
                    + r.nextInt(100) + ".internal:5432/app";
            case "AWS_KEY" -> "AKIA" + chars(UPPER, 16);
            case "GITHUB_TOKEN" -> "ghp_" + chars(ALNUM, 36);
            case "SLACK_TOKEN" -> "xoxb-" + digits(12) + "-" + digits(13) + "-" + chars(ALNUM, 24);
            case "API_KEY" -> "sk-proj-" + chars(ALNUM, 40);
            case "BEARER_TOKEN" -> chars(ALNUM, 32);
            case "EMAIL" -> chars("abcdefghijklmnopqrstuvwxyz", 6) + "." + chars("abcdefghijklmnopqrstuvwxyz", 5) + "@"
                    + new String[] {"example.com", "mail.example.org", "corp.example.co.uk"}[r.nextInt(3)];
            case "IBAN" -> iban(true);
            case "CARD" -> card(true);
            case "SSN" -> ssn(true);
            case "NINO" -> nino(true);
            case "BSN" -> bsn(true);
            case "DE_TAX_ID" -> taxId(true);
            case "ES_ID" -> dni(true);
            case "IP" -> r.nextBoolean() ? ipv4() : ipv6();
            case "PHONE" -> phone();
            default -> throw new IllegalArgumentException(type);
        };
    }

    /** A hard negative imitating {@code type}, or null for types without one. */
    private String negative(String type) {
        return switch (type) {
            case "PRIVATE_KEY" -> "-----BEGIN PUBLIC KEY----- " + chars(ALNUM, 40);
            case "URL_CREDENTIALS" -> "https://example.com/users/" + chars(ALNUM, 6) + "?ref=mail";
            case "AWS_KEY" -> "AKIA" + chars(UPPER, 8);
            case "GITHUB_TOKEN" -> "ghp_" + chars(ALNUM, 10);
            case "SLACK_TOKEN" -> "xoxb-short";
            case "API_KEY" -> "risk-assessment-" + chars("abcdefghijklmnopqrstuvwxyz", 24);
            case "BEARER_TOKEN" -> "the bearer of " + words(2);
            case "EMAIL" -> r.nextBoolean() ? "admin@localhost" : "@" + chars("abcdefghij", 8) + " on social media";
            case "IBAN" -> iban(false);
            case "CARD" -> r.nextBoolean() ? card(false) : "order " + digits(16);
            case "SSN" -> ssn(false);
            case "NINO" -> nino(false);
            case "BSN" -> "mijn BSN is " + bsn(false);
            case "DE_TAX_ID" -> "Steuer-ID: " + taxId(false);
            case "ES_ID" -> "DNI " + dni(false);
            case "IP" -> switch (r.nextInt(4)) {
                case 0 -> "version " + (1 + r.nextInt(9)) + "." + r.nextInt(20) + "." + r.nextInt(20) + "." + r.nextInt(99);
                case 1 -> "v" + r.nextInt(9) + "." + r.nextInt(9) + "." + r.nextInt(9) + "." + r.nextInt(9);
                case 2 -> "at " + (10 + r.nextInt(10)) + ":" + (10 + r.nextInt(50)) + ":" + (10 + r.nextInt(50));
                default -> (256 + r.nextInt(700)) + "." + r.nextInt(256) + "." + r.nextInt(256) + "." + r.nextInt(256);
            };
            case "PHONE" -> r.nextBoolean() ? "call " + (100 + r.nextInt(900)) + " now" : "on 2026-" + (10 + r.nextInt(3))
                    + "-" + (10 + r.nextInt(18));
            default -> null;
        };
    }

    private String chars(String alphabet, int n) {
        StringBuilder sb = new StringBuilder(n);
        for (int i = 0; i < n; i++) {
            sb.append(alphabet.charAt(r.nextInt(alphabet.length())));
        }
        return sb.toString();
    }

    private String digits(int n) {
        return chars("0123456789", n);
    }

    private String card(boolean valid) {
        String prefix = new String[] {"4", "51", "52", "55", "34", "37", "6011"}[r.nextInt(7)];
        int length = prefix.startsWith("3") ? 15 : 16;
        String body = prefix + digits(length - prefix.length() - 1);
        int check = 0;
        while (luhn(body + check) != valid) {
            check++;
            if (check > 9) {
                return card(valid);
            }
        }
        String d = body + check;
        return switch (r.nextInt(3)) {
            case 0 -> d;
            case 1 -> length == 16 ? d.replaceAll("(\\d{4})(?=\\d)", "$1 ") : d.substring(0, 4) + " " + d.substring(4, 10)
                    + " " + d.substring(10);
            default -> length == 16 ? d.replaceAll("(\\d{4})(?=\\d)", "$1-") : d;
        };
    }

    private static boolean luhn(String digits) {
        int sum = 0;
        boolean twice = false;
        for (int i = digits.length() - 1; i >= 0; i--) {
            int d = digits.charAt(i) - '0';
            if (twice) {
                d = d * 2 > 9 ? d * 2 - 9 : d * 2;
            }
            sum += d;
            twice = !twice;
        }
        return sum % 10 == 0;
    }

    private String iban(boolean valid) {
        String[][] countries = {{"DE", "18"}, {"NL", "14"}, {"FR", "23"}, {"GB", "18"}};
        String[] c = countries[r.nextInt(countries.length)];
        String bban = c[0].equals("NL") ? chars("ABCDEFGHIJKLMNOPQRSTUVWXYZ", 4) + digits(10)
                : c[0].equals("GB") ? chars("ABCDEFGHIJKLMNOPQRSTUVWXYZ", 4) + digits(14) : digits(Integer.parseInt(c[1]));
        String moved = bban + c[0] + "00";
        StringBuilder numeric = new StringBuilder();
        for (char ch : moved.toCharArray()) {
            numeric.append(Character.isDigit(ch) ? String.valueOf(ch) : String.valueOf(ch - 'A' + 10));
        }
        int check = 98 - new BigInteger(numeric.toString()).mod(BigInteger.valueOf(97)).intValue();
        if (!valid) {
            check = (check + 1 + r.nextInt(90)) % 97 + 2;
        }
        String iban = c[0] + String.format(Locale.ROOT, "%02d", check) + bban;
        return r.nextBoolean() ? iban : iban.replaceAll("(.{4})(?=.)", "$1 ");
    }

    private String ssn(boolean valid) {
        int area = valid ? 1 + r.nextInt(665) : new int[] {0, 666, 900 + r.nextInt(99)}[r.nextInt(3)];
        return String.format(Locale.ROOT, "%03d-%02d-%04d", area, 1 + r.nextInt(99), 1 + r.nextInt(9999));
    }

    private String nino(boolean valid) {
        String first = valid ? "ABCEGHJKLMNOPRSTWXYZ" : "DFIQUV";
        String second = "ABCEGHJKLMNPRSTWXYZ";
        String prefix;
        do {
            prefix = chars(first, 1) + chars(second, 1);
        } while (List.of("BG", "GB", "KN", "NK", "NT", "TN", "ZZ").contains(prefix));
        return prefix + " " + digits(2) + " " + digits(2) + " " + digits(2) + " " + chars("ABCD", 1);
    }

    private String bsn(boolean valid) {
        while (true) {
            String d = digits(8);
            int sum = 0;
            for (int i = 0; i < 8; i++) {
                sum += (9 - i) * (d.charAt(i) - '0');
            }
            int last = Math.floorMod(sum, 11);
            if (valid && last <= 9 && sum != last) {
                return d + last;
            }
            if (!valid) {
                int wrong = (last + 1 + r.nextInt(9)) % 10;
                return d + (wrong == last ? (wrong + 1) % 10 : wrong);
            }
        }
    }

    private String taxId(boolean valid) {
        while (true) {
            char[] d = new char[10];
            List<Character> pool = new ArrayList<>(List.of('0', '1', '2', '3', '4', '5', '6', '7', '8', '9'));
            java.util.Collections.shuffle(pool, new java.util.Random(r.nextLong()));
            for (int i = 0; i < 9; i++) {
                d[i] = pool.get(i);
            }
            d[9] = d[r.nextInt(9)];
            if (d[0] == '0') {
                continue;
            }
            String ten = new String(d);
            int product = 10;
            for (int i = 0; i < 10; i++) {
                int sum = (ten.charAt(i) - '0' + product) % 10;
                product = (sum == 0 ? 10 : sum) * 2 % 11;
            }
            int check = 11 - product == 10 ? 0 : 11 - product;
            return ten + (valid ? check : (check + 1 + r.nextInt(9)) % 10);
        }
    }

    private String dni(boolean valid) {
        String letters = "TRWAGMYFPDXBNJZSQVHLCKE";
        int n = r.nextInt(100_000_000);
        char letter = letters.charAt(n % 23);
        if (!valid) {
            letter = letters.charAt((n + 1 + r.nextInt(21)) % 23);
        }
        return String.format(Locale.ROOT, "%08d", n) + letter;
    }

    private String ipv4() {
        return (1 + r.nextInt(223)) + "." + r.nextInt(256) + "." + r.nextInt(256) + "." + (1 + r.nextInt(254));
    }

    private String ipv6() {
        return "2001:db8:" + Integer.toHexString(r.nextInt(65536)) + "::" + Integer.toHexString(1 + r.nextInt(65535));
    }

    private String phone() {
        String region = r.nextBoolean() ? "US" : "GB";
        while (true) {
            Phonenumber.PhoneNumber example = PHONES.getExampleNumberForType(region, PhoneNumberUtil.PhoneNumberType.MOBILE);
            String national = Long.toString(example.getNationalNumber());
            String candidate = national.substring(0, national.length() - 4) + digits(4);
            try {
                Phonenumber.PhoneNumber p = PHONES.parse(candidate, region);
                if (PHONES.isValidNumber(p)) {
                    return PHONES.format(p, r.nextBoolean() ? PhoneNumberUtil.PhoneNumberFormat.INTERNATIONAL
                            : PhoneNumberUtil.PhoneNumberFormat.NATIONAL);
                }
            } catch (NumberParseException e) {
                // try another
            }
        }
    }
}
