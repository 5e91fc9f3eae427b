package dev.ratchet.common;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * One reason a request was refused: which item of a batch (null when the request is not a batch),
 * which field (a JSON-pointer-like path such as {@code spans[2].kind}), and why.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record FieldError(Integer item, String field, String reason) {

    public static FieldError of(String field, String reason) {
        return new FieldError(null, field, reason);
    }
}
