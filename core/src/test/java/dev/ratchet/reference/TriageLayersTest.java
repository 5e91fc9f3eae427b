package dev.ratchet.reference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.ratchet.common.BadInputException;
import dev.ratchet.common.FieldError;
import dev.ratchet.common.JsonText;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TriageLayersTest {

    private static final TriageLayers BASE = TriageLayers.initial(Map.of("card_lost", "Card lost", "refund", "Refund"),
            "desk", TriageLayers.Params.defaults());

    @Test
    void toJson_parse_roundTrips() {
        TriageLayers l = BASE.withRules(List.of(new TriageLayers.Rule("\\brefund\\b", "refund", "hand")))
                .withHead("ab12");
        assertThat(TriageLayers.parse(l.toJson())).isEqualTo(l);
        assertThat(l.intents()).containsExactly("card_lost", "refund");
    }

    @Test
    void parse_badLayers_namesEachField() {
        JsonText bad = JsonText.ofValid("""
                {"instructions": {"card_lost": [" "], "bad intent": ["x"]},
                 "rules": [{"pattern": "(", "intent": "card_lost"}, {"pattern": "x", "intent": "nope"}],
                 "memory": {},
                 "params": {"k": 0, "sharpness": 20, "headWeight": -1, "memoryWeight": 0.5, "instructionWeight": 0.1,
                            "instructionScale": 20, "threshold": 1.5}}""");
        BadInputException e = catchThrowableOfType(BadInputException.class, () -> TriageLayers.parse(bad));
        assertThat(e.errors()).extracting(FieldError::field).contains("instructions.card_lost", "instructions.bad intent",
                "rules[0].pattern", "rules[1].intent", "memory.agent", "params.k", "params.threshold", "params.headWeight");
    }

    @Test
    void parse_missingOrEmpty_isRefused() {
        assertThat(catchThrowableOfType(BadInputException.class, () -> TriageLayers.parse(null)).errors())
                .extracting(FieldError::field).containsExactly("configuration");
        assertThat(catchThrowableOfType(BadInputException.class, () -> TriageLayers.parse(JsonText.ofValid(
                "{\"memory\": {\"agent\": \"desk\"}}"))).errors()).extracting(FieldError::field).containsExactly("instructions");
    }
}
