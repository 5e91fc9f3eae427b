package dev.ratchet.reference;

import dev.ratchet.common.BadInputException;

/**
 * One labelled request: what a customer wrote and the intent it belongs to. Both are non-blank; the label is an
 * intent name such as {@code card_lost} (for Banking77, its category).
 */
public record LabeledText(String text, String label) {

    /** @throws BadInputException if {@code text} or {@code label} is null or blank */
    public LabeledText {
        if (text == null || text.isBlank()) {
            throw new BadInputException("text", "must not be blank");
        }
        if (label == null || label.isBlank()) {
            throw new BadInputException("label", "must not be blank");
        }
    }
}
