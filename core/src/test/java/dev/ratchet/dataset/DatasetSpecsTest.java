package dev.ratchet.dataset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.ratchet.common.BadInputException;
import dev.ratchet.common.FieldError;
import java.util.List;
import org.junit.jupiter.api.Test;

class DatasetSpecsTest {

    private static List<String> fields(String spec) {
        BadInputException e = catchThrowableOfType(BadInputException.class, () -> DatasetSpecs.parse(spec));
        assertThat(e).as("expected the spec to be refused: " + spec).isNotNull();
        return e.errors().stream().map(FieldError::field).toList();
    }

    @Test
    void parse_minimalSpec_fillsInEveryDefault() {
        DatasetSpec s = DatasetSpecs.parse("{\"name\":\"desk\"}");

        assertThat(s.formats()).containsExactly("openai-chat");
        assertThat(s.selection().outcomes()).containsExactly("disputed", "failure", "success");
        assertThat(s.quality().excludeDisputed()).isTrue();
        assertThat(s.quality().minConfidence()).isZero();
        assertThat(s.redaction().detectors()).isEqualTo(Redactor.BUILT_IN);
        assertThat(s.redaction().phoneRegions()).containsExactly("GB", "US");
        assertThat(s.dedupe()).isEqualTo(new DatasetSpec.Dedupe(true, true, 0.8));
        assertThat(s.leakage().threshold()).isEqualTo(0.5);
        assertThat(s.split()).isEqualTo(new DatasetSpec.Split(0.1, 0L));
    }

    @Test
    void parse_yamlAndJsonOfTheSameSpec_areEqualAndHashAlike() {
        DatasetSpec json = DatasetSpecs.parse("""
                {"name":"desk","selection":{"agents":["b","a","a"],"from":"2026-11-01T00:00:00Z"},
                 "formats":["trl-kto","openai-chat"],"label":{"field":"intent"}}""");
        DatasetSpec yaml = DatasetSpecs.parse("""
                # comments are fine
                name: desk
                selection:
                  agents: [a, b]
                  from: 2026-11-01T00:00:00Z
                label: {field: intent}
                formats:
                  - openai-chat
                  - trl-kto
                split: {validation: 0.1}
                """);

        assertThat(yaml).isEqualTo(json);
        assertThat(yaml.hash()).isEqualTo(json.hash());
        assertThat(json.selection().agents()).containsExactly("a", "b");
    }

    @Test
    void parse_invalidSpec_namesEveryBadField() {
        assertThat(fields("""
                {"name":"bad name!","dedupe":{"threshold":0.2},"leakage":{"threshold":0.1},
                 "split":{"validation":0.9},"quality":{"minConfidence":2,"inputChars":{"min":5,"max":2}},
                 "selection":{"outcomes":["great"],"from":"2026-12-01T00:00:00Z","to":"2026-11-01T00:00:00Z"},
                 "balance":{"maxPerCategory":0},"redaction":{"phoneRegions":["XX"],"detectors":["dna"],
                 "custom":[{"type":"email","pattern":"x"},{"type":"ORDER","pattern":"("}]}}"""))
                .containsExactlyInAnyOrder("name", "dedupe.threshold", "leakage.threshold", "split.validation",
                        "quality.minConfidence", "quality.inputChars.min", "selection.outcomes[0]", "selection.from",
                        "balance.maxPerCategory", "redaction.phoneRegions[0]", "redaction.detectors[0]",
                        "redaction.custom[0].type", "redaction.custom[1].pattern");
    }

    @Test
    void parse_excludeLabels_sortedAndDeduplicated_emptyKeepsTheOldHash_blankRefused() {
        DatasetSpec flagged = DatasetSpecs.parse("{\"name\":\"desk\",\"quality\":{\"excludeLabels\":[\"q\",\"do-not-train\",\"q\"]}}");
        assertThat(flagged.quality().excludeLabels()).containsExactly("do-not-train", "q");

        DatasetSpec empty = DatasetSpecs.parse("{\"name\":\"desk\",\"quality\":{\"excludeLabels\":[]}}");
        DatasetSpec absent = DatasetSpecs.parse("{\"name\":\"desk\"}");
        assertThat(empty.quality().excludeLabels()).isNull();
        assertThat(empty.hash()).isEqualTo(absent.hash());
        assertThat(flagged.hash()).isNotEqualTo(absent.hash());

        assertThat(fields("{\"name\":\"desk\",\"quality\":{\"excludeLabels\":[\"ok\",\" \"]}}"))
                .containsExactly("quality.excludeLabels[1]");
    }

    @Test
    void parse_unknownFormat_namesItsPosition() {
        BadInputException e = catchThrowableOfType(BadInputException.class,
                () -> DatasetSpecs.parse("{\"name\":\"x\",\"formats\":[\"openai-chat\",\"parquet\"]}"));

        assertThat(e.errors()).containsExactly(FieldError.of("formats[1]",
                "unknown format 'parquet'; one of " + ExportFormat.allowed()));
    }

    @Test
    void parse_unknownFieldOrWrongType_namesThePath() {
        assertThat(fields("{\"name\":\"x\",\"dedupe\":{\"treshold\":0.9}}")).containsExactly("dedupe.treshold");
        assertThat(fields("{\"name\":\"x\",\"selection\":{\"agents\":\"desk\"}}")).containsExactly("selection.agents");
        assertThat(fields("{\"name\":\"x\",\"selection\":{\"from\":\"yesterday\"}}")).containsExactly("selection.from");
        assertThat(fields("name: x\nsplit: {seed: lots}\n")).containsExactly("split.seed");
        assertThat(fields("{\"name\":")).containsExactly("$");
        assertThat(fields("")).containsExactly("$");
        assertThat(fields("[1, 2]")).containsExactly("$");
    }

    @Test
    void parse_classificationWithoutLabelField_isRefused() {
        assertThat(fields("{\"name\":\"x\",\"formats\":[\"classification-csv\"]}")).containsExactly("label.field");
        assertThat(fields("{\"name\":\"x\",\"label\":{\"field\":\"a..b\"}}")).containsExactly("label.field");
    }

    @Test
    void parse_feedbackFilter_checksKindsAndSources() {
        assertThat(fields("{\"name\":\"x\",\"selection\":{\"feedback\":{\"kinds\":[\"hug\"],\"sources\":[\"boss\"]}}}"))
                .containsExactly("selection.feedback.kinds[0]", "selection.feedback.sources[0]");
        assertThat(DatasetSpecs.parse("{\"name\":\"x\",\"selection\":{\"feedback\":{\"kinds\":[\"correction\"]}}}")
                .selection().feedback().kinds()).containsExactly("correction");
    }
}
