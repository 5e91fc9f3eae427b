package dev.ratchet.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ManPagesToBeirTest {

    @TempDir
    Path tmp;

    private static final String LS = """
            .TH LS "1" "March 2026" "GNU coreutils" "User Commands"
            .SH NAME
            ls \\- list directory contents
            .SH SYNOPSIS
            .B ls
            [\\fI\\,OPTION\\/\\fR]... [\\fI\\,FILE\\/\\fR]...
            .SH DESCRIPTION
            .\\" a comment line
            List information about the FILEs (the current directory by default).
            Sort entries alphabetically if none of
            .B \\-cftuvSUX
            nor \\fB\\-\\-sort\\fR is specified. Mandatory arguments to long options are mandatory for short options too.
            .TP
            .SH AUTHOR
            Written by Richard Stallman and David MacKenzie.
            """;

    private static final String NO_DESCRIPTION = """
            .SH NAME
            foo \\- a tool with no description section at all
            .SH SYNOPSIS
            foo
            """;

    private static void gz(Path file, String content) throws IOException {
        Files.createDirectories(file.getParent());
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file))) {
            out.write(content.getBytes(StandardCharsets.UTF_8));
        }
    }

    @Test
    void parse_pageWithNameAndDescription_givesSummaryAndCleanText() {
        ManPagesToBeir.Page p = ManPagesToBeir.parse(LS);
        assertThat(p.summary()).isEqualTo("list directory contents");
        assertThat(p.description()).startsWith("List information about the FILEs (the current directory by default).")
                .contains("-cftuvSUX", "nor --sort is specified").doesNotContain("\\f", "comment", "Stallman");
        assertThat(ManPagesToBeir.parse(NO_DESCRIPTION)).isNull();
    }

    @Test
    void beirManpages_writesOneRelevantDocumentPerQuery_andSkipsUnusablePages() throws Exception {
        Path man = tmp.resolve("man");
        gz(man.resolve("man1/ls.1.gz"), LS);
        gz(man.resolve("man1/foo.1.gz"), NO_DESCRIPTION);
        gz(man.resolve("man8/lsdup.8.gz"), LS); // the same description again: skipped
        Path out = tmp.resolve("beir");

        Banking77ToBeirTest.Run run = Banking77ToBeirTest.run("beir-manpages", "--source", man.toString(), "--out",
                out.toString());

        assertThat(run.code()).as(run.err()).isZero();
        assertThat(run.out()).contains("1 documents from 3 page files, 1 queries");
        BeirDataset data = BeirDataset.read(out);
        assertThat(data.corpus()).hasSize(1);
        assertThat(data.queries()).containsEntry("q0", "list directory contents");
        assertThat(data.qrels().get("q0")).containsOnlyKeys("d0");
        assertThat(Files.readString(out.resolve(Banking77ToBeir.ORIGIN))).contains("beir-manpages --source " + man);
    }

    @Test
    void beirManpages_noPages_isRefusedWithWhereItLooked() throws Exception {
        Banking77ToBeirTest.Run run = Banking77ToBeirTest.run("beir-manpages", "--source", tmp.resolve("none").toString(),
                "--out", tmp.resolve("beir").toString());
        assertThat(run.code()).isEqualTo(2);
        assertThat(run.err()).contains("no manual pages found under", "man1, man5, man7, man8");
        assertThat(tmp.resolve("beir")).doesNotExist();

        Banking77ToBeirTest.Run bad = Banking77ToBeirTest.run("beir-manpages", "--queries", "0", "--out",
                tmp.resolve("beir").toString());
        assertThat(bad.code()).isEqualTo(2);
        assertThat(bad.err()).contains("--queries must be at least 1");
        assertThat(List.of(tmp.toFile().list())).doesNotContain("beir");
    }
}
