package dev.ratchet.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import javax.xml.stream.XMLOutputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamWriter;

/**
 * A run as JUnit XML, the report format CI systems read: one {@code <testsuite>} for the run (named for the suite
 * version and agent version, with the run's ids as properties), one {@code <testcase>} per case in case order
 * (classname the suite, name the case id, time its latency), and for each case that did not pass a
 * {@code <failure>} whose {@code type} is its status (failed, error, timeout), {@code message} its reason, and text
 * its reason and output.
 */
final class JUnitReport {

    private JUnitReport() {
    }

    /** Writes the report, replacing {@code file}. */
    static void write(Path file, JsonNode run, List<JsonNode> results) {
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            try (OutputStream out = Files.newOutputStream(file)) {
                write(out, run, results);
            }
        } catch (IOException | XMLStreamException e) {
            throw new CliException("cannot write the JUnit report " + file + ": " + e.getMessage(), e);
        }
    }

    static void write(OutputStream stream, JsonNode run, List<JsonNode> results) throws XMLStreamException {
        XMLStreamWriter x = XMLOutputFactory.newFactory().createXMLStreamWriter(stream, "UTF-8");
        String suite = run.path("suiteName").asText();
        String name = suite + " v" + run.path("suiteVersion").asInt() + " / " + run.path("agent").asText() + " "
                + run.path("agentVersion").asText("");
        long notPassed = results.stream().filter(r -> !r.path("status").asText().equals("passed")).count();
        String time = seconds(elapsedMs(run));
        x.writeStartDocument("UTF-8", "1.0");
        x.writeCharacters("\n");
        x.writeStartElement("testsuites");
        x.writeAttribute("name", "ratchet eval");
        x.writeAttribute("tests", Integer.toString(results.size()));
        x.writeAttribute("failures", Long.toString(notPassed));
        x.writeAttribute("errors", "0");
        x.writeAttribute("time", time);
        x.writeCharacters("\n  ");
        x.writeStartElement("testsuite");
        x.writeAttribute("name", name);
        x.writeAttribute("tests", Integer.toString(results.size()));
        x.writeAttribute("failures", Long.toString(notPassed));
        x.writeAttribute("errors", "0");
        x.writeAttribute("skipped", "0");
        x.writeAttribute("time", time);
        x.writeAttribute("timestamp", run.path("startedAt").asText());
        x.writeCharacters("\n    ");
        x.writeStartElement("properties");
        property(x, "run", run.path("id").asText());
        property(x, "suiteId", run.path("suiteId").asText());
        property(x, "suiteVersion", run.path("suiteVersion").asText());
        property(x, "agent", run.path("agent").asText());
        property(x, "agentVersion", run.path("agentVersion").asText(""));
        x.writeCharacters("\n    ");
        x.writeEndElement();
        for (JsonNode r : results) {
            x.writeCharacters("\n    ");
            x.writeStartElement("testcase");
            x.writeAttribute("classname", suite);
            x.writeAttribute("name", r.path("caseId").asText());
            x.writeAttribute("time", seconds(r.path("latencyMs").asLong()));
            String status = r.path("status").asText();
            if (!status.equals("passed")) {
                String reason = r.path("reason").asText("");
                x.writeCharacters("\n      ");
                x.writeStartElement("failure");
                x.writeAttribute("type", status);
                x.writeAttribute("message", clean(reason));
                x.writeCharacters(clean(reason + "\noutput: " + (r.hasNonNull("output") ? r.get("output").toString() : "none")));
                x.writeEndElement();
                x.writeCharacters("\n    ");
            }
            x.writeEndElement();
        }
        x.writeCharacters("\n  ");
        x.writeEndElement();
        x.writeCharacters("\n");
        x.writeEndElement();
        x.writeCharacters("\n");
        x.writeEndDocument();
        x.close();
    }

    private static void property(XMLStreamWriter x, String name, String value) throws XMLStreamException {
        x.writeCharacters("\n      ");
        x.writeEmptyElement("property");
        x.writeAttribute("name", name);
        x.writeAttribute("value", value);
    }

    /** Characters XML 1.0 cannot hold (most control characters) become U+FFFD, so any reason or output fits. */
    static String clean(String s) {
        StringBuilder b = new StringBuilder(s.length());
        s.codePoints().forEach(c -> b.appendCodePoint(c == 0x9 || c == 0xA || c == 0xD || (c >= 0x20 && c <= 0xD7FF)
                || (c >= 0xE000 && c <= 0xFFFD) || c >= 0x10000 ? c : 0xFFFD));
        return b.toString();
    }

    private static long elapsedMs(JsonNode run) {
        try {
            return Duration.between(Instant.parse(run.path("startedAt").asText()),
                    Instant.parse(run.path("finishedAt").asText())).toMillis();
        } catch (RuntimeException e) {
            return 0;
        }
    }

    private static String seconds(long ms) {
        return String.format(Locale.ROOT, "%.3f", ms / 1000.0);
    }
}
