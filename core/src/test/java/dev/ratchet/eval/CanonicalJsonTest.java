package dev.ratchet.eval;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ratchet.common.Json;
import org.junit.jupiter.api.Test;

class CanonicalJsonTest {

    static String canonical(String json) {
        return CanonicalJson.write(Json.readTree(json));
    }

    @Test
    void write_sortsMembersAndDropsWhitespace() {
        assertThat(canonical("{ \"b\": [1, {\"d\": true, \"c\": null}], \"a\": \"x\" }"))
                .isEqualTo("{\"a\":\"x\",\"b\":[1,{\"c\":null,\"d\":true}]}");
    }

    @Test
    void write_equalNumbers_haveOneSpelling_andWholeNumbersAreWrittenOut() {
        assertThat(canonical("[1, 1.0, 1e0, 20, 2e1, 20.00, 100, 0.0, -0, 1.50, 123456789012345678901]"))
                .isEqualTo("[1,1,1,20,20,20,100,0,0,1.5,123456789012345678901]");
        assertThat(canonical("[1.5e-7, 1e21, 1e300]")).isEqualTo("[1.5E-7,1E+21,1E+300]");
    }
}
