package dev.ratchet.project;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ratchet.common.Json;
import dev.ratchet.common.Times;
import dev.ratchet.store.Database;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Short-lived tokens with which a browser sends end-user feedback on one trace without the project's
 * API key. A token is {@code ft1.<payload>.<signature>}: the payload (project, trace, expiry) in base64url
 * JSON, signed with HMAC-SHA256 under a secret kept in the database ({@code server_secrets}), so every
 * replica of a server accepts the tokens any of them issued. Tokens cannot be revoked; keep them short.
 * Thread-safe.
 */
public final class FeedbackTokens {

    public static final Duration DEFAULT_TTL = Duration.ofMinutes(30);
    public static final Duration MAX_TTL = Duration.ofDays(7);

    private static final String PREFIX = "ft1.";
    private static final String SECRET_NAME = "feedback_token_key";
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder B64D = Base64.getUrlDecoder();

    private final byte[] key;
    private final Clock clock;

    public FeedbackTokens(Database db, Clock clock) {
        this.clock = clock;
        this.key = B64D.decode(loadOrCreateSecret(db, clock));
    }

    /** A token for {@code traceId} of {@code projectId}, valid for {@code ttl}. */
    public Issued issue(String projectId, String traceId, Duration ttl) {
        Instant expires = clock.instant().plus(ttl);
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("p", projectId);
        claims.put("t", traceId);
        claims.put("exp", expires.getEpochSecond());
        String payload = B64.encodeToString(Json.write(claims).getBytes(StandardCharsets.UTF_8));
        String signed = PREFIX + payload;
        return new Issued(signed + "." + B64.encodeToString(sign(signed)), Instant.ofEpochSecond(expires.getEpochSecond()));
    }

    /**
     * The project and trace a token grants, if it is well-formed, signed by this installation and not
     * expired; otherwise {@link InvalidToken} saying which of those failed.
     */
    public Claims verify(String token) {
        if (token == null || !token.startsWith(PREFIX)) {
            throw new InvalidToken("malformed feedback token");
        }
        int dot = token.lastIndexOf('.');
        if (dot <= PREFIX.length()) {
            throw new InvalidToken("malformed feedback token");
        }
        String signed = token.substring(0, dot);
        byte[] signature;
        JsonNode claims;
        try {
            signature = B64D.decode(token.substring(dot + 1));
            claims = Json.MAPPER.readTree(B64D.decode(signed.substring(PREFIX.length())));
        } catch (IllegalArgumentException | java.io.IOException e) {
            throw new InvalidToken("malformed feedback token");
        }
        if (!MessageDigest.isEqual(signature, sign(signed))) {
            throw new InvalidToken("feedback token signature does not verify");
        }
        if (claims == null || !claims.path("p").isTextual() || !claims.path("t").isTextual() || !claims.path("exp").canConvertToLong()) {
            throw new InvalidToken("malformed feedback token");
        }
        if (clock.instant().getEpochSecond() >= claims.get("exp").asLong()) {
            throw new InvalidToken("feedback token expired");
        }
        return new Claims(claims.get("p").asText(), claims.get("t").asText());
    }

    private byte[] sign(String text) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 is required of every JVM", e);
        }
    }

    private static String loadOrCreateSecret(Database db, Clock clock) {
        return db.write(h -> {
            byte[] fresh = new byte[32];
            new SecureRandom().nextBytes(fresh);
            // Two replicas starting together: the first insert wins and both read it back.
            h.execute("INSERT INTO server_secrets (name, value, created_ns) VALUES (?, ?, ?) ON CONFLICT (name) DO NOTHING",
                    SECRET_NAME, B64.encodeToString(fresh), Times.nanos(clock.instant()));
            return h.createQuery("SELECT value FROM server_secrets WHERE name = :name")
                    .bind("name", SECRET_NAME).mapTo(String.class).one();
        });
    }

    /** What a valid token grants. */
    public record Claims(String projectId, String traceId) {
    }

    /** A new token and when it stops working. */
    public record Issued(String token, Instant expiresAt) {
    }

    /** A token that must not be honoured; the message says why (malformed, forged or expired). */
    public static final class InvalidToken extends RuntimeException {
        public InvalidToken(String message) {
            super(message);
        }
    }
}
