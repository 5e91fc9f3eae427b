package dev.ratchet.train;

import dev.ratchet.common.BadInputException;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a {@code classification-csv} export: UTF-8, the header {@code text,label}, then one example per record.
 * Fields follow RFC 4180 (quoted when they hold a comma, quote or line break, quotes doubled); records end with LF
 * or CRLF, and empty lines are skipped. The dataset package writes this format; reading it lives here because
 * training is its only reader.
 *
 * <p>Strict, because a silently misread row is a mislabelled example: a quote inside an unquoted field, text after
 * a closing quote, an unterminated quote, a record of other than two fields, a blank text or label, all are refused.
 */
final class ClassificationCsv {

    /** One example: its text and its label. */
    record Row(String text, String label) {
    }

    private ClassificationCsv() {
    }

    /**
     * The rows of {@code file}, in order.
     *
     * @throws BadInputException naming {@code classificationCsv} (the file as a whole) or {@code rows[i].text} /
     *     {@code rows[i].label} (the i-th example, 0-based; the message gives its line)
     * @throws IOException if the file cannot be read
     */
    static List<Row> read(Path file) throws IOException {
        String content;
        try {
            content = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(java.nio.ByteBuffer.wrap(Files.readAllBytes(file))).toString();
        } catch (CharacterCodingException e) {
            throw new BadInputException("classificationCsv", "is not valid UTF-8");
        }
        return parse(content);
    }

    static List<Row> parse(String content) {
        Parser p = new Parser(content.startsWith("\uFEFF") ? content.substring(1) : content);
        List<String> header = p.next();
        if (header == null || header.size() != 2 || !header.get(0).trim().equals("text")
                || !header.get(1).trim().equals("label")) {
            throw new BadInputException("classificationCsv", "must start with the header text,label");
        }
        List<Row> rows = new ArrayList<>();
        for (List<String> record; (record = p.next()) != null; ) {
            int i = rows.size();
            String where = " (line " + p.recordLine + ")";
            if (record.size() != 2) {
                throw new BadInputException("rows[" + i + "]", "must have 2 fields (text,label), not "
                        + record.size() + where);
            }
            if (record.get(0).isBlank()) {
                throw new BadInputException("rows[" + i + "].text", "must not be blank" + where);
            }
            if (record.get(1).isBlank()) {
                throw new BadInputException("rows[" + i + "].label", "must not be blank" + where);
            }
            rows.add(new Row(record.get(0), record.get(1)));
        }
        return rows;
    }

    /** One record at a time; tracks lines for error messages (a quoted field may span several). */
    private static final class Parser {

        private final String s;
        private int pos;
        private int line = 1;
        int recordLine;

        Parser(String s) {
            this.s = s;
        }

        /** The next record's fields, or null at the end. */
        List<String> next() {
            while (pos < s.length() && (s.charAt(pos) == '\n' || s.charAt(pos) == '\r')) {
                skipLineEnd();
            }
            if (pos >= s.length()) {
                return null;
            }
            recordLine = line;
            List<String> fields = new ArrayList<>(2);
            StringBuilder field = new StringBuilder();
            while (true) {
                if (pos < s.length() && s.charAt(pos) == '"') {
                    pos++;
                    while (true) {
                        if (pos >= s.length()) {
                            throw bad("has a quoted field that is never closed");
                        }
                        char c = s.charAt(pos++);
                        if (c == '"') {
                            if (pos < s.length() && s.charAt(pos) == '"') {
                                field.append('"');
                                pos++;
                            } else {
                                break;
                            }
                        } else {
                            if (c == '\n') {
                                line++;
                            }
                            field.append(c);
                        }
                    }
                    if (pos < s.length() && s.charAt(pos) != ',' && s.charAt(pos) != '\n' && s.charAt(pos) != '\r') {
                        throw bad("has text after a closing quote");
                    }
                } else {
                    while (pos < s.length()) {
                        char c = s.charAt(pos);
                        if (c == ',' || c == '\n' || c == '\r') {
                            break;
                        }
                        if (c == '"') {
                            throw bad("has a quote inside an unquoted field");
                        }
                        field.append(c);
                        pos++;
                    }
                }
                fields.add(field.toString());
                field.setLength(0);
                if (pos < s.length() && s.charAt(pos) == ',') {
                    pos++;
                    continue;
                }
                if (pos < s.length()) {
                    skipLineEnd();
                }
                return fields;
            }
        }

        private void skipLineEnd() {
            if (s.charAt(pos) == '\r' && pos + 1 < s.length() && s.charAt(pos + 1) == '\n') {
                pos++;
            }
            pos++;
            line++;
        }

        private BadInputException bad(String reason) {
            return new BadInputException("classificationCsv", "line " + line + " " + reason);
        }
    }
}
