package dev.ratchet.common;

import java.util.List;

/**
 * The one error type for input that Ratchet refuses. Thrown before anything is changed, so a caller
 * who sees it knows the store is as it was. The server maps it to HTTP 400 with the errors as a list;
 * the CLI prints them and exits non-zero.
 */
public final class BadInputException extends RuntimeException {

    private final List<FieldError> errors;

    public BadInputException(List<FieldError> errors) {
        super(summary(errors));
        if (errors.isEmpty()) {
            throw new IllegalArgumentException("a BadInputException needs at least one error");
        }
        this.errors = List.copyOf(errors);
    }

    public BadInputException(String field, String reason) {
        this(List.of(FieldError.of(field, reason)));
    }

    public List<FieldError> errors() {
        return errors;
    }

    private static String summary(List<FieldError> errors) {
        if (errors.isEmpty()) {
            return "bad input";
        }
        FieldError first = errors.get(0);
        String where = (first.item() == null ? "" : "item " + first.item() + ": ") + first.field();
        return where + ": " + first.reason() + (errors.size() > 1 ? " (and " + (errors.size() - 1) + " more)" : "");
    }
}
