package dev.ratchet.release;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.ratchet.common.BadInputException;
import dev.ratchet.common.FieldError;
import dev.ratchet.common.Hashing;
import dev.ratchet.store.Database;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What the artifact store must do on a real database. Each engine extends this class and says how to make a fresh,
 * empty database (by URL, so a test can reopen it).
 */
public abstract class ArtifactsContract {

    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-21T12:00:00Z"), ZoneOffset.UTC);
    private static final String P = "acme";
    private static final String OTHER = "globex";

    private String url;
    private Database db;
    private Artifacts artifacts;

    /** A JDBC URL of a fresh, empty database. */
    protected abstract String newDatabaseUrl();

    @BeforeEach
    void open() {
        url = newDatabaseUrl();
        db = Database.open(url);
        artifacts = new Artifacts(db, CLOCK);
    }

    @AfterEach
    void close() {
        if (db != null) {
            db.close();
        }
    }

    private long count() {
        return db.read(h -> h.createQuery("SELECT COUNT(*) FROM artifacts").mapTo(Long.class).one());
    }

    private static byte[] weights(int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }

    @Test
    void put_storesTheBytesUnderTheirSha256_andGetAnswersThem() {
        byte[] head = weights(300_000, 1);

        String hash = artifacts.put(P, "application/x-ratchet-head", head);

        assertThat(hash).isEqualTo(Hashing.sha256Hex(head)).matches("[0-9a-f]{64}");
        assertThat(artifacts.get(P, hash)).hasValueSatisfying(b -> assertThat(b).isEqualTo(head));
        assertThat(artifacts.exists(P, hash)).isTrue();
        assertThat(artifacts.info(P, hash)).contains(new Artifact(hash, "application/x-ratchet-head", 300_000,
                Instant.parse("2026-11-21T12:00:00Z")));
        assertThat(artifacts.get(P, hash.toUpperCase(Locale.ROOT))).as("hex in either case").isPresent();
    }

    @Test
    void put_sameBytesAgain_storesThemOnce_andKeepsTheFirstMediaType() {
        byte[] json = "{\"intents\": 77}".getBytes(StandardCharsets.UTF_8);

        String first = artifacts.put(P, "application/json", json);
        String again = artifacts.put(P, "text/plain; charset=utf-8", json.clone());
        String empty = artifacts.put(P, null, new byte[0]);

        assertThat(again).isEqualTo(first);
        assertThat(artifacts.info(P, first).orElseThrow().mediaType()).isEqualTo("application/json");
        assertThat(artifacts.info(P, empty).orElseThrow().mediaType()).isEqualTo(Artifacts.DEFAULT_MEDIA_TYPE);
        assertThat(artifacts.get(P, empty)).hasValueSatisfying(b -> assertThat(b).isEmpty());
        assertThat(count()).isEqualTo(2);
    }

    @Test
    void put_sameBytesConcurrently_storesThemOnce() throws Exception {
        byte[] head = weights(50_000, 2);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<String>> puts = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                puts.add(pool.submit(() -> artifacts.put(P, "application/octet-stream", head)));
            }
            for (Future<String> f : puts) {
                assertThat(f.get()).isEqualTo(Hashing.sha256Hex(head));
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(count()).isEqualTo(1);
    }

    @Test
    void anotherProjectsArtifact_isNotFound_evenForTheSameBytes() {
        byte[] head = weights(1_000, 3);
        String hash = artifacts.put(P, null, head);

        assertThat(artifacts.get(OTHER, hash)).isEmpty();
        assertThat(artifacts.exists(OTHER, hash)).isFalse();
        assertThat(artifacts.info(OTHER, hash)).isEmpty();

        assertThat(artifacts.put(OTHER, "application/x-other", head)).isEqualTo(hash);
        assertThat(artifacts.info(OTHER, hash).orElseThrow().mediaType()).isEqualTo("application/x-other");
        assertThat(artifacts.info(P, hash).orElseThrow().mediaType()).isEqualTo(Artifacts.DEFAULT_MEDIA_TYPE);
    }

    @Test
    void get_unknownHash_isEmpty_andAMalformedOneIsRefused() {
        String absent = Hashing.sha256Hex("never stored");

        assertThat(artifacts.get(P, absent)).isEmpty();
        assertThat(artifacts.exists(P, absent)).isFalse();
        for (String bad : new String[] {null, "", "abc", absent + "0", absent.substring(1) + "g", "../" + absent}) {
            BadInputException e = catchThrowableOfType(BadInputException.class, () -> artifacts.get(P, bad));
            assertThat(e).as(bad).isNotNull();
            assertThat(e.errors()).extracting(FieldError::field).containsExactly("hash");
        }
    }

    @Test
    void put_badInput_namesEachFieldAndStoresNothing() {
        BadInputException missing = catchThrowableOfType(BadInputException.class,
                () -> artifacts.put(P, "weights", null));
        BadInputException tooLarge = catchThrowableOfType(BadInputException.class,
                () -> artifacts.put(P, "application/octet-stream", new byte[Artifacts.MAX_BYTES + 1]));
        BadInputException injected = catchThrowableOfType(BadInputException.class,
                () -> artifacts.put(P, "text/plain\r\nX-Evil: 1", new byte[1]));
        BadInputException noProject = catchThrowableOfType(BadInputException.class,
                () -> artifacts.put(" ", null, new byte[1]));

        assertThat(missing.errors()).extracting(FieldError::field).containsExactly("mediaType", "bytes");
        assertThat(tooLarge.errors()).extracting(FieldError::field).containsExactly("bytes");
        assertThat(tooLarge.errors().get(0).reason()).contains("at most 67108864 bytes (64 MiB)");
        assertThat(injected.errors()).extracting(FieldError::field).containsExactly("mediaType");
        assertThat(noProject.errors()).extracting(FieldError::field).containsExactly("project");
        assertThat(count()).isZero();
    }

    @Test
    void put_isDurable_acrossAReopen() {
        byte[] head = weights(4_096, 4);
        String hash = artifacts.put(P, null, head);
        db.close();

        db = Database.open(url);
        artifacts = new Artifacts(db, CLOCK);

        assertThat(artifacts.get(P, hash)).hasValueSatisfying(b -> assertThat(b).isEqualTo(head));
    }
}
