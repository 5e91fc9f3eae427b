package dev.ratchet.server.http;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.ratchet.common.FieldError;
import java.util.List;

/**
 * The one error body of the API: a machine-readable code, a sentence for people, and for bad input the
 * list of (item, field, reason).
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record ApiError(String error, String message, List<FieldError> errors) {
}
