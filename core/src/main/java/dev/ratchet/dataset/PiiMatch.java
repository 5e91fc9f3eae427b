package dev.ratchet.dataset;

/**
 * One piece of PII found in a text: its type (as in the placeholder, e.g. {@code EMAIL}), where it is
 * ({@code start} inclusive, {@code end} exclusive) and its normalised value (an e-mail in lower case, a phone number
 * in E.164, a card number as digits), by which equal values get equal placeholders. Values stay in memory: reports
 * count types and never carry values.
 */
public record PiiMatch(String type, int start, int end, String value) {
}
