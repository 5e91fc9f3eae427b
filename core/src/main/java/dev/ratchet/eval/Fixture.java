package dev.ratchet.eval;

import com.fasterxml.jackson.annotation.JsonIgnore;
import dev.ratchet.common.JsonText;
import java.math.BigDecimal;

/**
 * The recorded result of one call, served in replay instead of making the call.
 *
 * @param name    the tool's name, or the model for llm calls; ignored for retrievals
 * @param request the arguments, query or messages as recorded (keyed canonically, see {@link CallKey})
 * @param result  what the call returned; null when it returned nothing or failed
 * @param error   why the call failed, when it did: replay fails the call the same way
 * @param cost    what the call cost when it was made, if known
 */
public record Fixture(CallKind kind, String name, JsonText request, JsonText result, String error, BigDecimal cost) {

    @JsonIgnore
    public CallKey key() {
        return CallKey.of(kind, name, request == null ? null : request.node());
    }
}
