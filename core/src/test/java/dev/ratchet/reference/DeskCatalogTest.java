package dev.ratchet.reference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ratchet.common.BadInputException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class DeskCatalogTest {

    @Test
    void intents_areSixteenWithUniqueSnakeCaseNamesAndTerseDescriptions() {
        List<DeskCatalog.Intent> intents = DeskCatalog.intents();

        assertThat(intents).hasSize(16);
        assertThat(intents).extracting(DeskCatalog.Intent::name).doesNotHaveDuplicates()
                .allMatch(n -> n.matches("[a-z]+(_[a-z]+)*"), "snake_case")
                // the confusable groups the catalog is built around
                .contains("card_lost", "card_not_arrived", "card_declined", "refund_request", "billing_dispute",
                        "cancel_order", "password_reset", "account_locked", "delivery_late");
        assertThat(intents).extracting(DeskCatalog.Intent::description).doesNotHaveDuplicates()
                .allMatch(d -> !d.isBlank() && d.split(" ").length <= 3, "at most three words");
    }

    @Test
    void intent_knownName_isFound() {
        assertThat(DeskCatalog.intent("card_lost").description()).isEqualTo("Card lost");
    }

    @Test
    void intent_unknownName_isBadInputListingTheNames() {
        assertThatThrownBy(() -> DeskCatalog.intent("lost_card")).isInstanceOf(BadInputException.class)
                .hasMessageContaining("intent").hasMessageContaining("lost_card").hasMessageContaining("card_lost");
    }

    @Test
    void entries_everyIntentHasManyTemplatesAndSomeShortForms() {
        assertThat(DeskCatalog.entries()).allSatisfy(e -> {
            assertThat(e.templates()).as(e.intent().name()).hasSizeGreaterThanOrEqualTo(14).doesNotHaveDuplicates();
            assertThat(e.shorts()).as(e.intent().name()).hasSizeGreaterThanOrEqualTo(4);
            assertThat(e.share()).isBetween(0.5, 1.6);
        });
    }

    @Test
    void templates_everyOneExpandsToCleanText() {
        List<String> all = new ArrayList<>();
        for (DeskCatalog.Entry e : DeskCatalog.entries()) {
            all.addAll(e.templates());
            all.addAll(e.shorts());
        }
        Random words = new Random(1);
        Random details = new Random(2);
        for (String template : all) {
            for (double detailRate : new double[] {0, 1}) {
                for (int i = 0; i < 5; i++) {
                    String text = Phrasings.expand(template, words, details, detailRate);
                    assertThat(text).as(template).isNotBlank().isEqualTo(text.strip())
                            .doesNotContain("  ", " ,", " ?", " .").doesNotContainPattern("[()\\[\\]{}|]");
                }
            }
        }
    }

    @Test
    void expand_unknownSlotOrUnclosedGroup_isACatalogBug() {
        Random r = new Random(1);
        assertThatThrownBy(() -> Phrasings.expand("my {cat} ran away", r, r, 1))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("{cat}");
        assertThatThrownBy(() -> Phrasings.expand("my (card|wallet is gone", r, r, 1))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("unclosed");
        assertThatThrownBy(() -> Phrasings.expand("my card) is gone", r, r, 1))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("stray");
    }
}
