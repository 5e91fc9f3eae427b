package dev.ratchet.dataset;

/** RFC 4180 fields: quoted when they hold a comma, quote or line break, quotes doubled. */
final class Csv {

    private Csv() {
    }

    static String field(String s) {
        if (s == null) {
            return "";
        }
        boolean quote = false;
        for (int i = 0; i < s.length() && !quote; i++) {
            char c = s.charAt(i);
            quote = c == ',' || c == '"' || c == '\n' || c == '\r';
        }
        return quote ? '"' + s.replace("\"", "\"\"") + '"' : s;
    }
}
