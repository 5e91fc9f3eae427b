package dev.ratchet.reference;

import dev.ratchet.common.BadInputException;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Labelled texts as CSV files with the header {@code text,category}: the shape of the Banking77 files and of the
 * data sets {@link DeskTraffic} writes, so a benchmark that takes "a folder with train.csv and test.csv" reads
 * either. The dialect is RFC 4180: a field may be quoted, {@code ""} is a quote inside a quoted field, and a quoted
 * field may span lines. Files are UTF-8.
 */
public final class LabeledTexts {

    private static final String HEADER = "text,category";

    private LabeledTexts() {
    }

    /**
     * The data rows of a {@code text,category} CSV, in file order. Each field is stripped of surrounding
     * whitespace; blank lines are skipped; line ends may be {@code \n} or {@code \r\n}; a leading byte-order mark
     * is ignored.
     *
     * @throws BadInputException naming the file and the line a row starts on, for: a first line other than the
     *     header {@code text,category}, a row without exactly two fields, an empty text or category, a quote
     *     that is never closed, or a file without even the header
     * @throws IOException if the file cannot be read
     */
    public static List<LabeledText> readCsv(Path file) throws IOException {
        String content = Files.readString(file, StandardCharsets.UTF_8);
        if (content.startsWith("\uFEFF")) {
            content = content.substring(1);
        }
        String name = file.getFileName().toString();
        List<LabeledText> rows = new ArrayList<>();
        List<String> fields = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        boolean quoted = false;
        boolean header = true;
        int line = 1;
        int rowStartLine = 1;
        // One pass over the characters, with a virtual line end after the last so the last row needs no newline.
        for (int i = 0; i <= content.length(); i++) {
            char c = i < content.length() ? content.charAt(i) : '\n';
            if (quoted) {
                if (i == content.length()) {
                    throw new BadInputException(where(name, rowStartLine), "unclosed quote: the file ends inside "
                            + "a quoted field that starts on this line");
                }
                if (c == '"' && i + 1 < content.length() && content.charAt(i + 1) == '"') {
                    field.append('"');
                    i++;
                } else if (c == '"') {
                    quoted = false;
                } else {
                    if (c == '\n') {
                        line++;
                    }
                    field.append(c);
                }
            } else if (c == '"' && field.isEmpty()) {
                quoted = true;
            } else if (c == ',') {
                fields.add(field.toString());
                field.setLength(0);
            } else if (c == '\n') {
                fields.add(field.toString());
                field.setLength(0);
                boolean blank = fields.size() == 1 && fields.get(0).isBlank();
                if (!blank) {
                    if (header) {
                        if (!(fields.size() == 2 && fields.get(0).strip().equals("text")
                                && fields.get(1).strip().equals("category"))) {
                            throw new BadInputException(where(name, rowStartLine),
                                    "expected the header " + HEADER + ", got " + String.join(",", fields));
                        }
                        header = false;
                    } else {
                        rows.add(row(name, rowStartLine, fields));
                    }
                }
                fields.clear();
                line++;
                rowStartLine = line;
            } else if (c != '\r') {
                field.append(c);
            }
        }
        if (header) {
            throw new BadInputException(name, "empty: expected the header " + HEADER);
        }
        return rows;
    }

    private static LabeledText row(String name, int line, List<String> fields) {
        if (fields.size() != 2) {
            throw new BadInputException(where(name, line),
                    "expected two fields (text, category), got " + fields.size());
        }
        String text = fields.get(0).strip();
        String category = fields.get(1).strip();
        if (text.isEmpty()) {
            throw new BadInputException(where(name, line), "empty text");
        }
        if (category.isEmpty()) {
            throw new BadInputException(where(name, line), "empty category");
        }
        return new LabeledText(text, category);
    }

    private static String where(String name, int line) {
        return name + ", line " + line;
    }

    /**
     * Writes {@code rows} as a {@code text,category} CSV, replacing the file: the header, then one record per row,
     * each ended by {@code \n}. A field is quoted when it holds a comma, a quote or a line break, its quotes
     * doubled. What is written reads back equal through {@link #readCsv}. Rows are checked before the file is
     * opened, so refused input leaves the file as it was.
     *
     * @throws BadInputException naming the row ({@code rows[i].text} or {@code rows[i].label}) whose text or label
     *     has leading or trailing whitespace, which {@link #readCsv} would strip; or if {@code rows} or a row is
     *     null
     * @throws IOException if the file cannot be written (its folder must exist)
     */
    public static void writeCsv(Path file, List<LabeledText> rows) throws IOException {
        if (rows == null) {
            throw new BadInputException("rows", "must not be null");
        }
        for (int i = 0; i < rows.size(); i++) {
            LabeledText r = rows.get(i);
            if (r == null) {
                throw new BadInputException("rows[" + i + "]", "must not be null");
            }
            requireStripped("rows[" + i + "].text", r.text());
            requireStripped("rows[" + i + "].label", r.label());
        }
        try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            w.write(HEADER);
            w.write('\n');
            for (LabeledText r : rows) {
                w.write(field(r.text()));
                w.write(',');
                w.write(field(r.label()));
                w.write('\n');
            }
        }
    }

    private static void requireStripped(String field, String value) {
        if (!value.strip().equals(value)) {
            throw new BadInputException(field, "has leading or trailing whitespace, which reading would strip");
        }
    }

    private static String field(String s) {
        boolean quote = false;
        for (int i = 0; i < s.length() && !quote; i++) {
            char c = s.charAt(i);
            quote = c == ',' || c == '"' || c == '\n' || c == '\r';
        }
        return quote ? '"' + s.replace("\"", "\"\"") + '"' : s;
    }
}
