package dev.ratchet.memory;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class DistinguishersTest {

    @Test
    void of_keepsTokensWithDigitsOrCapitals_withoutTrailingPunctuation() {
        assertThat(Distinguishers.of("Refunds from SkyAir above 500 EUR need approval. Account AC-104233 is frozen;"
                + " the batch runs at 02:00 UTC, ask Ada."))
                .containsExactlyInAnyOrder("Refunds", "SkyAir", "500", "EUR", "Account", "AC-104233", "02:00", "UTC", "Ada");
        assertThat(Distinguishers.of("the customer prefers e-mail.")).isEmpty();
    }

    @Test
    void same_paraphrase_isSame_otherCustomerOrAmount_isNot() {
        assertThat(Distinguishers.same("The customer prefers to be contacted by email.",
                "The customer prefers being contacted by e-mail.")).isTrue();
        assertThat(Distinguishers.same("Ada prefers email.", "Email is what Ada prefers.")).isTrue();
        assertThat(Distinguishers.same("Ada Berg prefers email.", "Ben Costa prefers email.")).isFalse();
        assertThat(Distinguishers.same("Ada prefers email.", "Ben prefers email.")).isFalse();
        assertThat(Distinguishers.same("The limit is 500 EUR.", "The limit is 800 EUR.")).isFalse();
        assertThat(Distinguishers.same("The batch runs at 02:00 UTC.", "The batch runs at 2:00 UTC.")).isFalse();
    }
}
