package dev.ratchet.reference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ratchet.common.BadInputException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LabeledTextsTest {

    @TempDir
    Path tmp;

    @Test
    void readCsv_quotedFieldsEscapesAndLineBreaks_areRead() throws Exception {
        Path csv = write("train.csv", "text,category\r\n"
                + "I am still waiting on my card?,card_arrival\r\n"
                + "\"Where is my card, it's been a week\",card_arrival\r\n"
                + "\"How do I top up with a \"\"bank\"\" transfer?\",top_up\r\n"
                + "\"two\nlines\",multi\r\n"
                + "\r\n"
                + "  padded  , top_up ");

        assertThat(LabeledTexts.readCsv(csv)).containsExactly(
                new LabeledText("I am still waiting on my card?", "card_arrival"),
                new LabeledText("Where is my card, it's been a week", "card_arrival"),
                new LabeledText("How do I top up with a \"bank\" transfer?", "top_up"),
                new LabeledText("two\nlines", "multi"),
                new LabeledText("padded", "top_up"));
    }

    @Test
    void readCsv_headerOnly_givesNoRows() throws Exception {
        assertThat(LabeledTexts.readCsv(write("test.csv", "\uFEFFtext,category\n"))).isEmpty();
    }

    @Test
    void writeCsv_thenReadCsv_givesTheSameRows() throws Exception {
        List<LabeledText> rows = List.of(
                new LabeledText("plain", "a"),
                new LabeledText("with, a comma", "b"),
                new LabeledText("she said \"refund\" twice", "c"),
                new LabeledText("\"starts with a quote", "c"),
                new LabeledText("line one\nline two\r\nline three", "d"),
                new LabeledText("ends with a comma,", "label, with comma"));
        Path csv = tmp.resolve("rows.csv");

        LabeledTexts.writeCsv(csv, rows);

        assertThat(Files.readString(csv)).startsWith("text,category\nplain,a\n\"with, a comma\",b\n");
        assertThat(LabeledTexts.readCsv(csv)).isEqualTo(rows);
    }

    @Test
    void writeCsv_surroundingWhitespace_isRefusedAndNothingWritten() {
        Path csv = tmp.resolve("rows.csv");

        assertThatThrownBy(() -> LabeledTexts.writeCsv(csv, List.of(new LabeledText("ok", "a"),
                new LabeledText(" padded", "a"))))
                .isInstanceOf(BadInputException.class).hasMessageContaining("rows[1].text");
        assertThat(csv).doesNotExist();
    }

    @Test
    void readCsv_wrongHeader_namesFileAndLine() throws Exception {
        Path csv = write("test.csv", "utterance,label\nx,y\n");

        assertThatThrownBy(() -> LabeledTexts.readCsv(csv)).isInstanceOf(BadInputException.class)
                .hasMessageContaining("test.csv, line 1").hasMessageContaining("header text,category");
    }

    @Test
    void readCsv_rowWithThreeFields_namesFileAndLine() throws Exception {
        Path csv = write("train.csv", "text,category\nfine,a\nbroken,b,c\n");

        assertThatThrownBy(() -> LabeledTexts.readCsv(csv)).isInstanceOf(BadInputException.class)
                .hasMessageContaining("train.csv, line 3").hasMessageContaining("two fields");
    }

    @Test
    void readCsv_rowWithOneField_namesFileAndLine() throws Exception {
        Path csv = write("train.csv", "text,category\n\"a\nb\",x\nonly text\n");

        assertThatThrownBy(() -> LabeledTexts.readCsv(csv)).isInstanceOf(BadInputException.class)
                .hasMessageContaining("train.csv, line 4").hasMessageContaining("got 1");
    }

    @Test
    void readCsv_emptyText_namesFileAndLine() throws Exception {
        Path csv = write("train.csv", "text,category\n\" \",card_lost\n");

        assertThatThrownBy(() -> LabeledTexts.readCsv(csv)).isInstanceOf(BadInputException.class)
                .hasMessageContaining("train.csv, line 2").hasMessageContaining("empty text");
    }

    @Test
    void readCsv_emptyLabel_namesFileAndLine() throws Exception {
        Path csv = write("train.csv", "text,category\nfine,a\nmy card is gone,\n");

        assertThatThrownBy(() -> LabeledTexts.readCsv(csv)).isInstanceOf(BadInputException.class)
                .hasMessageContaining("train.csv, line 3").hasMessageContaining("empty category");
    }

    @Test
    void readCsv_unclosedQuote_namesTheLineItOpensOn() throws Exception {
        Path csv = write("train.csv", "text,category\nfine,a\n\"never closed,b\nmore,c\n");

        assertThatThrownBy(() -> LabeledTexts.readCsv(csv)).isInstanceOf(BadInputException.class)
                .hasMessageContaining("train.csv, line 3").hasMessageContaining("unclosed quote");
    }

    @Test
    void readCsv_emptyFile_isRefused() throws Exception {
        Path csv = write("train.csv", "");

        assertThatThrownBy(() -> LabeledTexts.readCsv(csv)).isInstanceOf(BadInputException.class)
                .hasMessageContaining("train.csv").hasMessageContaining("header");
    }

    @Test
    void labeledText_blankTextOrLabel_isBadInput() {
        assertThatThrownBy(() -> new LabeledText(" ", "a")).isInstanceOf(BadInputException.class)
                .hasMessageContaining("text");
        assertThatThrownBy(() -> new LabeledText("a", null)).isInstanceOf(BadInputException.class)
                .hasMessageContaining("label");
    }

    private Path write(String name, String content) throws Exception {
        Path file = tmp.resolve(name);
        Files.writeString(file, content);
        return file;
    }
}
