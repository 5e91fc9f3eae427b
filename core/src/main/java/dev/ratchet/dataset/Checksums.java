package dev.ratchet.dataset;

import java.util.Map;

/**
 * The check rules that tell a real identifier from a number that merely looks like one. Each takes the identifier
 * with separators removed. Pure functions.
 */
final class Checksums {

    /** IBAN lengths by country (the ISO 13616 registry), so that a well-formed string of the wrong length is refused. */
    private static final Map<String, Integer> IBAN_LENGTHS = Map.ofEntries(
            Map.entry("AD", 24), Map.entry("AE", 23), Map.entry("AL", 28), Map.entry("AT", 20), Map.entry("AZ", 28),
            Map.entry("BA", 20), Map.entry("BE", 16), Map.entry("BG", 22), Map.entry("BH", 22), Map.entry("BR", 29),
            Map.entry("BY", 28), Map.entry("CH", 21), Map.entry("CR", 22), Map.entry("CY", 28), Map.entry("CZ", 24),
            Map.entry("DE", 22), Map.entry("DK", 18), Map.entry("DO", 28), Map.entry("EE", 20), Map.entry("EG", 29),
            Map.entry("ES", 24), Map.entry("FI", 18), Map.entry("FO", 18), Map.entry("FR", 27), Map.entry("GB", 22),
            Map.entry("GE", 22), Map.entry("GI", 23), Map.entry("GL", 18), Map.entry("GR", 27), Map.entry("GT", 28),
            Map.entry("HR", 21), Map.entry("HU", 28), Map.entry("IE", 22), Map.entry("IL", 23), Map.entry("IQ", 23),
            Map.entry("IS", 26), Map.entry("IT", 27), Map.entry("JO", 30), Map.entry("KW", 30), Map.entry("KZ", 20),
            Map.entry("LB", 28), Map.entry("LC", 32), Map.entry("LI", 21), Map.entry("LT", 20), Map.entry("LU", 20),
            Map.entry("LV", 21), Map.entry("MC", 27), Map.entry("MD", 24), Map.entry("ME", 22), Map.entry("MK", 19),
            Map.entry("MR", 27), Map.entry("MT", 31), Map.entry("MU", 30), Map.entry("NL", 18), Map.entry("NO", 15),
            Map.entry("PK", 24), Map.entry("PL", 28), Map.entry("PS", 29), Map.entry("PT", 25), Map.entry("QA", 29),
            Map.entry("RO", 24), Map.entry("RS", 22), Map.entry("SA", 24), Map.entry("SC", 31), Map.entry("SE", 24),
            Map.entry("SI", 19), Map.entry("SK", 24), Map.entry("SM", 27), Map.entry("ST", 25), Map.entry("SV", 28),
            Map.entry("TL", 23), Map.entry("TN", 24), Map.entry("TR", 26), Map.entry("UA", 29), Map.entry("VA", 22),
            Map.entry("VG", 24), Map.entry("XK", 20));

    private static final String DNI_LETTERS = "TRWAGMYFPDXBNJZSQVHLCKE";

    private Checksums() {
    }

    /** Luhn (mod 10) over a string of digits. */
    static boolean luhn(String digits) {
        int sum = 0;
        boolean twice = false;
        for (int i = digits.length() - 1; i >= 0; i--) {
            int d = digits.charAt(i) - '0';
            if (twice) {
                d *= 2;
                if (d > 9) {
                    d -= 9;
                }
            }
            sum += d;
            twice = !twice;
        }
        return sum % 10 == 0;
    }

    /**
     * A payment card number: 13 to 19 digits of a card network's range (first digit 2 to 6), not one digit repeated,
     * passing Luhn.
     */
    static boolean card(String digits) {
        int n = digits.length();
        if (n < 13 || n > 19) {
            return false;
        }
        char first = digits.charAt(0);
        if (first < '2' || first > '6') {
            return false;
        }
        if (digits.chars().allMatch(c -> c == first)) {
            return false;
        }
        return luhn(digits);
    }

    /** An IBAN (upper case, no spaces): a known country, its length, and ISO 7064 mod 97-10 equal to 1. */
    static boolean iban(String iban) {
        if (iban.length() < 15 || iban.length() > 34) {
            return false;
        }
        Integer length = IBAN_LENGTHS.get(iban.substring(0, 2));
        if (length == null || length != iban.length()) {
            return false;
        }
        if (!Character.isDigit(iban.charAt(2)) || !Character.isDigit(iban.charAt(3))) {
            return false;
        }
        String moved = iban.substring(4) + iban.substring(0, 4);
        int remainder = 0;
        for (int i = 0; i < moved.length(); i++) {
            char c = moved.charAt(i);
            int v;
            if (c >= '0' && c <= '9') {
                v = c - '0';
                remainder = (remainder * 10 + v) % 97;
            } else if (c >= 'A' && c <= 'Z') {
                v = c - 'A' + 10;
                remainder = (remainder * 100 + v) % 97;
            } else {
                return false;
            }
        }
        return remainder == 1;
    }

    /**
     * A US Social Security number as issued: area not 000, 666 or 900-999, group not 00, serial not 0000, and not one
     * of the numbers printed in advertisements (078-05-1120, 219-09-9999).
     */
    static boolean ssn(String digits) {
        if (digits.length() != 9) {
            return false;
        }
        int area = Integer.parseInt(digits.substring(0, 3));
        int group = Integer.parseInt(digits.substring(3, 5));
        int serial = Integer.parseInt(digits.substring(5));
        if (area == 0 || area == 666 || area >= 900 || group == 0 || serial == 0) {
            return false;
        }
        return !digits.equals("078051120") && !digits.equals("219099999");
    }

    /**
     * A UK National Insurance number (upper case, no spaces): two prefix letters (neither D, F, I, Q, U, V; the second
     * not O; not BG, GB, KN, NK, NT, TN, ZZ), six digits, suffix A to D.
     */
    static boolean nino(String s) {
        if (s.length() != 9) {
            return false;
        }
        char a = s.charAt(0);
        char b = s.charAt(1);
        if ("DFIQUV".indexOf(a) >= 0 || "DFIQUVO".indexOf(b) >= 0) {
            return false;
        }
        String prefix = s.substring(0, 2);
        if (prefix.equals("BG") || prefix.equals("GB") || prefix.equals("KN") || prefix.equals("NK")
                || prefix.equals("NT") || prefix.equals("TN") || prefix.equals("ZZ")) {
            return false;
        }
        for (int i = 2; i < 8; i++) {
            if (!Character.isDigit(s.charAt(i))) {
                return false;
            }
        }
        return s.charAt(8) >= 'A' && s.charAt(8) <= 'D';
    }

    /** A Dutch BSN (9 digits): the 11-proof, 9·d1 + 8·d2 + … + 2·d8 − d9 divisible by 11 and not zero. */
    static boolean bsn(String digits) {
        if (digits.length() != 9) {
            return false;
        }
        int sum = 0;
        for (int i = 0; i < 8; i++) {
            sum += (9 - i) * (digits.charAt(i) - '0');
        }
        sum -= digits.charAt(8) - '0';
        return sum != 0 && sum % 11 == 0;
    }

    /**
     * A German tax identification number (Steuer-IdNr, 11 digits): first digit not 0; in the first ten digits exactly
     * one digit occurs two or three times (three times never all adjacent) and the others at most once; the last
     * digit is the ISO 7064 MOD 11,10 check digit of the first ten.
     */
    static boolean germanTaxId(String digits) {
        if (digits.length() != 11 || digits.charAt(0) == '0') {
            return false;
        }
        int[] counts = new int[10];
        for (int i = 0; i < 10; i++) {
            counts[digits.charAt(i) - '0']++;
        }
        int repeated = 0;
        int repeatedDigit = -1;
        for (int d = 0; d < 10; d++) {
            if (counts[d] > 3) {
                return false;
            }
            if (counts[d] >= 2) {
                repeated++;
                repeatedDigit = d;
            }
        }
        if (repeated != 1) {
            return false;
        }
        if (counts[repeatedDigit] == 3) {
            for (int i = 0; i + 2 < 10; i++) {
                if (digits.charAt(i) - '0' == repeatedDigit && digits.charAt(i + 1) == digits.charAt(i)
                        && digits.charAt(i + 2) == digits.charAt(i)) {
                    return false;
                }
            }
        }
        int product = 10;
        for (int i = 0; i < 10; i++) {
            int sum = (digits.charAt(i) - '0' + product) % 10;
            if (sum == 0) {
                sum = 10;
            }
            product = (sum * 2) % 11;
        }
        int check = 11 - product;
        if (check == 10) {
            check = 0;
        }
        return check == digits.charAt(10) - '0';
    }

    /**
     * A Spanish DNI ({@code 8 digits + letter}) or NIE ({@code X|Y|Z + 7 digits + letter}), upper case without
     * separators: the letter is {@code TRWAGMYFPDXBNJZSQVHLCKE[number mod 23]}, X/Y/Z counting as 0/1/2.
     */
    static boolean spanishId(String s) {
        if (s.length() != 9) {
            return false;
        }
        char first = s.charAt(0);
        String number;
        if (first == 'X' || first == 'Y' || first == 'Z') {
            number = (first - 'X') + s.substring(1, 8);
        } else {
            number = s.substring(0, 8);
        }
        for (int i = 0; i < number.length(); i++) {
            if (!Character.isDigit(number.charAt(i))) {
                return false;
            }
        }
        return DNI_LETTERS.charAt(Integer.parseInt(number) % 23) == s.charAt(8);
    }

    /** A dotted IPv4 address with four octets of 0 to 255, without leading zeros. */
    static boolean ipv4(String s) {
        String[] parts = s.split("\\.", -1);
        if (parts.length != 4) {
            return false;
        }
        for (String p : parts) {
            if (p.isEmpty() || p.length() > 3 || (p.length() > 1 && p.charAt(0) == '0')) {
                return false;
            }
            for (int i = 0; i < p.length(); i++) {
                if (!Character.isDigit(p.charAt(i))) {
                    return false;
                }
            }
            if (Integer.parseInt(p) > 255) {
                return false;
            }
        }
        return true;
    }

    /**
     * An IPv6 address in RFC 4291 text form (eight groups of 1 to 4 hex digits, one {@code ::} standing for one or
     * more zero groups, optionally ending in a dotted IPv4), with at least two non-empty groups and a decimal digit,
     * so that {@code ::}, {@code a::b} or {@code std::map} do not count.
     */
    static boolean ipv6(String s) {
        int gap = s.indexOf("::");
        if (gap >= 0 && s.indexOf("::", gap + 1) >= 0) {
            return false;
        }
        if (s.indexOf(":::") >= 0) {
            return false;
        }
        String head = gap >= 0 ? s.substring(0, gap) : s;
        String tail = gap >= 0 ? s.substring(gap + 2) : "";
        int groups = 0;
        int nonEmpty = 0;
        String[][] halves = {head.isEmpty() ? new String[0] : head.split(":", -1),
            tail.isEmpty() ? new String[0] : tail.split(":", -1)};
        for (int h = 0; h < 2; h++) {
            String[] parts = halves[h];
            for (int i = 0; i < parts.length; i++) {
                String p = parts[i];
                boolean last = h == (gap >= 0 ? 1 : 0) && i == parts.length - 1;
                if (last && p.indexOf('.') >= 0) {
                    if (!ipv4(p)) {
                        return false;
                    }
                    groups += 2;
                    nonEmpty += 2;
                    continue;
                }
                if (p.isEmpty() || p.length() > 4) {
                    return false;
                }
                for (int c = 0; c < p.length(); c++) {
                    if (Character.digit(p.charAt(c), 16) < 0) {
                        return false;
                    }
                }
                groups++;
                nonEmpty++;
            }
        }
        boolean ok = gap >= 0 ? groups < 8 : groups == 8;
        return ok && nonEmpty >= 2 && s.chars().anyMatch(Character::isDigit);
    }
}
