package dev.ratchet.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ratchet.common.BadInputException;
import dev.ratchet.train.ClassificationCsv.Row;
import java.util.List;
import org.junit.jupiter.api.Test;

class ClassificationCsvTest {

    /** RFC 4180 quoting, as the dataset export writes it. */
    static String quote(String field) {
        boolean needs = field.contains(",") || field.contains("\"") || field.contains("\n") || field.contains("\r");
        return needs ? '"' + field.replace("\"", "\"\"") + '"' : field;
    }

    @Test
    void parse_quotedFields_areUnquoted() {
        // The last record has no line end.
        List<Row> rows = ClassificationCsv.parse(
                "text,label\n\"a, b\",x\n\"say \"\"hi\"\"\",\"y\"\n\"two\nlines\",z\nlast,w");
        assertThat(rows).containsExactly(
                new Row("a, b", "x"), new Row("say \"hi\"", "y"), new Row("two\nlines", "z"), new Row("last", "w"));
    }

    @Test
    void parse_crlfBomAndEmptyLines_areAccepted() {
        assertThat(ClassificationCsv.parse("\uFEFFtext,label\r\nhello,a\r\n\r\nthere,b\r\n\n"))
                .containsExactly(new Row("hello", "a"), new Row("there", "b"));
    }

    @Test
    void parse_quoteRoundTrip_keepsAnyText() {
        String text = "comma, \"quotes\", CRLF\r\nand unicode: über 退款";
        assertThat(ClassificationCsv.parse("text,label\n" + quote(text) + "," + quote("l,1") + "\n"))
                .containsExactly(new Row(text, "l,1"));
    }

    @Test
    void parse_malformed_isRefusedSayingWhere() {
        refused("text,label\nhel\"lo,a\n", "classificationCsv", "line 2 has a quote inside an unquoted field");
        refused("text,label\n\"hello\"x,a\n", "classificationCsv", "line 2 has text after a closing quote");
        refused("text,label\nok,a\n\"never closed,a\n", "classificationCsv", "quoted field that is never closed");
        refused("label,text\nhello,a\n", "classificationCsv", "header text,label");
        refused("text,label\nok,a\njust one field\n", "rows[1]", "line 3");
        refused("text,label\n\"multi\nline\",a\n  ,b\n", "rows[1].text", "line 4");
        refused("text,label\nhello,\n", "rows[0].label", "blank");
    }

    private static void refused(String csv, String field, String reason) {
        assertThatThrownBy(() -> ClassificationCsv.parse(csv)).isInstanceOf(BadInputException.class)
                .hasMessageContaining(reason)
                .satisfies(e -> assertThat(((BadInputException) e).errors().get(0).field()).isEqualTo(field));
    }
}
