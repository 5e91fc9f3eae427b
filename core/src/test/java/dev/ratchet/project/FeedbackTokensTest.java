package dev.ratchet.project;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ratchet.store.Database;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Feedback tokens: valid for one trace of one project, until they expire, and only if unaltered. */
class FeedbackTokensTest {

    static final Instant NOW = Instant.parse("2026-11-21T10:00:00Z");

    @TempDir
    Path dir;

    private FeedbackTokens tokens(Database db, Instant now) {
        return new FeedbackTokens(db, Clock.fixed(now, ZoneOffset.UTC));
    }

    @Test
    void issuedToken_verifies_toItsProjectAndTrace() {
        try (Database db = Database.embedded(dir)) {
            FeedbackTokens.Issued issued = tokens(db, NOW).issue("alpha", "t-1", Duration.ofMinutes(5));
            assertThat(issued.expiresAt()).isEqualTo(NOW.plusSeconds(300));
            assertThat(tokens(db, NOW.plusSeconds(299)).verify(issued.token()))
                    .isEqualTo(new FeedbackTokens.Claims("alpha", "t-1"));
        }
    }

    @Test
    void expiredToken_isRefused() {
        try (Database db = Database.embedded(dir)) {
            String token = tokens(db, NOW).issue("alpha", "t-1", Duration.ofMinutes(5)).token();
            assertThatThrownBy(() -> tokens(db, NOW.plusSeconds(300)).verify(token))
                    .isInstanceOf(FeedbackTokens.InvalidToken.class).hasMessageContaining("expired");
        }
    }

    @Test
    void alteredPayload_orForeignSignature_isRefused() {
        try (Database db = Database.embedded(dir); Database other = Database.embedded(dir.resolve("other"))) {
            String token = tokens(db, NOW).issue("alpha", "t-1", Duration.ofMinutes(5)).token();
            String forgedPayload = tokens(db, NOW).issue("beta", "t-1", Duration.ofMinutes(5)).token().split("\\.")[1];
            String[] parts = token.split("\\.");
            String swapped = parts[0] + "." + forgedPayload + "." + parts[2];
            assertThatThrownBy(() -> tokens(db, NOW).verify(swapped))
                    .isInstanceOf(FeedbackTokens.InvalidToken.class).hasMessageContaining("signature");
            // Another installation has another secret.
            assertThatThrownBy(() -> tokens(other, NOW).verify(token))
                    .isInstanceOf(FeedbackTokens.InvalidToken.class).hasMessageContaining("signature");
        }
    }

    @Test
    void secret_survivesRestart_soTokensStayValid() {
        String token;
        try (Database db = Database.embedded(dir)) {
            token = tokens(db, NOW).issue("alpha", "t-1", Duration.ofMinutes(5)).token();
        }
        try (Database db = Database.embedded(dir)) {
            assertThat(tokens(db, NOW).verify(token).traceId()).isEqualTo("t-1");
        }
    }

    @Test
    void garbage_isMalformed() {
        try (Database db = Database.embedded(dir)) {
            FeedbackTokens t = tokens(db, NOW);
            for (String bad : new String[] {null, "", "ft1.", "ft1.abc", "ft1.!!!.###", "rk_abcdef", "ft1.e30.AAAA"}) {
                assertThatThrownBy(() -> t.verify(bad)).as(String.valueOf(bad)).isInstanceOf(FeedbackTokens.InvalidToken.class);
            }
        }
    }
}
