package dev.ratchet.feedback;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.ratchet.store.Database;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What {@link ProjectSettings} must do on every engine. */
abstract class ProjectSettingsContract {

    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-21T12:00:00Z"), ZoneOffset.UTC);

    private Database db;
    private ProjectSettings settings;

    protected abstract Database openDatabase();

    @BeforeEach
    void open() {
        db = openDatabase();
        settings = new ProjectSettings(db, CLOCK);
    }

    @AfterEach
    void close() {
        if (db != null) {
            db.close();
        }
    }

    @Test
    void get_neverSet_returnsTheDefault() {
        assertThat(settings.get("acme", ProjectSettings.REVIEW_RULES, ReviewRules.class, ReviewRules.defaults()))
                .isEqualTo(ReviewRules.defaults());
        assertThat(settings.text("acme", ProjectSettings.REVIEW_RULES)).isEmpty();
    }

    @Test
    void put_thenGet_roundTripsARecord() {
        ReviewRules rules = new ReviewRules(false, 0.4, 12.5, List.of("refunds", "legal"), 3);
        settings.put("acme", ProjectSettings.REVIEW_RULES, rules);
        assertThat(settings.get("acme", ProjectSettings.REVIEW_RULES, ReviewRules.class, null)).isEqualTo(rules);
    }

    @Test
    void put_thenGet_roundTripsAGenericList() {
        List<VerifierSpec> specs = List.of(new VerifierSpec("answer", "regex", null, null, null, "\\d+", 0.5),
                new VerifierSpec("shape", "json_schema", "{\"type\":\"object\"}", null, null, null, 1.0));
        settings.put("acme", ProjectSettings.VERIFIERS, specs);
        assertThat(settings.get("acme", ProjectSettings.VERIFIERS, new TypeReference<List<VerifierSpec>>() {
        }, List.of())).isEqualTo(specs);
    }

    @Test
    void put_again_replacesTheValue() {
        settings.put("acme", "x", Map.of("v", 1));
        settings.put("acme", "x", Map.of("v", 2));
        assertThat(settings.text("acme", "x")).contains("{\"v\":2}");
    }

    @Test
    void put_isScopedByProject() {
        settings.put("acme", "x", Map.of("v", 1));
        assertThat(settings.text("globex", "x")).isEmpty();
        assertThat(settings.get("globex", "x", Map.class, Map.of())).isEmpty();
    }

    @Test
    void put_insideAWriteThatFails_isRolledBackWithIt() {
        settings.put("acme", "x", Map.of("v", 1));
        assertThatThrownBy(() -> db.write(h -> {
            settings.put("acme", "x", Map.of("v", 2));
            throw new IllegalStateException("boom");
        })).hasMessage("boom");
        assertThat(settings.text("acme", "x")).contains("{\"v\":1}");
    }
}
