package dev.ratchet.project;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ratchet.common.BadInputException;
import dev.ratchet.common.FieldError;
import dev.ratchet.common.Hashing;
import dev.ratchet.common.NotFoundException;
import dev.ratchet.store.Database;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jdbi.v3.core.Handle;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What {@link ProjectStore} must do on every engine. Each engine extends this class and says how to open
 * a fresh, empty database for one test.
 */
public abstract class ProjectStoreContract {

    protected static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-21T12:00:00Z"), ZoneOffset.UTC);
    private static final String FIXED_KEY = "fixed-bootstrap-key-0123456789";

    private Database db;
    private ProjectStore projects;

    /** A fresh, migrated, empty database; closed by the contract after each test. */
    protected abstract Database openDatabase() throws Exception;

    @BeforeEach
    void openStore() throws Exception {
        db = openDatabase();
        projects = new ProjectStore(db, CLOCK);
    }

    @AfterEach
    void closeDatabase() {
        if (db != null) {
            db.close();
        }
    }

    // --- bootstrap ---

    @Test
    void bootstrap_emptyDatabase_createsDefaultProjectAndAnAdminKey() {
        ApiKey key = projects.bootstrap(null).orElseThrow();

        assertThat(projects.projects()).containsExactly(new Project(ProjectStore.DEFAULT_PROJECT, CLOCK.instant()));
        assertThat(key.projectId()).isEqualTo(ProjectStore.DEFAULT_PROJECT);
        assertThat(key.role()).isEqualTo(Role.ADMIN);
        assertThat(key.createdAt()).isEqualTo(CLOCK.instant());
        assertThat(key.secret()).startsWith("rk_").startsWith(key.prefix());
        assertThat(projects.authenticate(key.secret()))
                .contains(new Principal(ProjectStore.DEFAULT_PROJECT, key.id(), Role.ADMIN));
    }

    @Test
    void bootstrap_secondCall_createsNothing() {
        ApiKey first = projects.bootstrap(null).orElseThrow();

        assertThat(projects.bootstrap(null)).isEmpty();
        assertThat(projects.bootstrap(FIXED_KEY)).isEmpty();
        assertThat(projects.projects()).extracting(Project::id).containsExactly(ProjectStore.DEFAULT_PROJECT);
        assertThat(apiKeyRows()).hasSize(1);
        assertThat(projects.authenticate(first.secret())).isPresent();
        assertThat(projects.authenticate(FIXED_KEY)).isEmpty();
    }

    @Test
    void bootstrap_withAFixedKey_registersThatKey() {
        ApiKey key = projects.bootstrap(FIXED_KEY).orElseThrow();

        assertThat(key.secret()).isEqualTo(FIXED_KEY);
        assertThat(projects.authenticate(FIXED_KEY))
                .contains(new Principal(ProjectStore.DEFAULT_PROJECT, key.id(), Role.ADMIN));
    }

    @Test
    void bootstrap_malformedFixedKey_isRefusedAndCreatesNothing() {
        assertThatThrownBy(() -> projects.bootstrap("too short"))
                .isInstanceOfSatisfying(BadInputException.class, e -> assertThat(e.errors())
                        .extracting(FieldError::field).containsExactly("RATCHET_BOOTSTRAP_KEY"));

        assertThat(projects.projects()).isEmpty();
    }

    @Test
    void bootstrap_thenCreateProject_keepsBothProjects() {
        projects.bootstrap(null);

        projects.createProject("support");

        assertThat(projects.projects()).extracting(Project::id).containsExactly("default", "support");
    }

    // --- keys at rest ---

    @Test
    void keys_areStoredOnlyAsTheirHash() {
        ApiKey admin = projects.bootstrap(null).orElseThrow();
        ApiKey member = projects.createProject("support");
        ApiKey extra = projects.createKey("support", "ci", Role.MEMBER);

        List<Map<String, Object>> rows = apiKeyRows();

        assertThat(rows).hasSize(3);
        for (ApiKey key : List.of(admin, member, extra)) {
            assertThat(rows).allSatisfy(row -> assertThat(row.values())
                    .noneMatch(value -> Objects.toString(value).contains(key.secret())));
            assertThat(rows).anySatisfy(row -> assertThat(row.get("key_hash"))
                    .isEqualTo(Hashing.sha256Hex(key.secret())));
        }
    }

    // --- authenticate ---

    @Test
    void authenticate_unknownKey_isEmpty() {
        projects.bootstrap(FIXED_KEY);

        assertThat(projects.authenticate("rk_thisKeyWasNeverIssued0123456789")).isEmpty();
        assertThat(projects.authenticate(FIXED_KEY + "x")).isEmpty();
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {"short", "has spaces in it, so it is no key",
            "rk_\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9"})
    void authenticate_malformedKey_isEmpty(String presented) {
        projects.bootstrap(FIXED_KEY);

        assertThat(projects.authenticate(presented)).isEmpty();
    }

    @Test
    void authenticate_revokedKey_isEmpty() {
        ApiKey key = projects.bootstrap(FIXED_KEY).orElseThrow();
        try (Handle h = db.open()) {
            h.execute("UPDATE api_keys SET revoked_ns = ? WHERE id = ?", 1L, key.id());
        }

        assertThat(projects.authenticate(FIXED_KEY)).isEmpty();
    }

    @Test
    void authenticate_keyOfAProject_standsForThatProjectOnly() {
        ApiKey support = projects.createProject("support");
        ApiKey billing = projects.createProject("billing");

        assertThat(projects.authenticate(support.secret()))
                .contains(new Principal("support", support.id(), Role.MEMBER));
        assertThat(projects.authenticate(billing.secret()))
                .contains(new Principal("billing", billing.id(), Role.MEMBER));
        assertThat(support.secret()).isNotEqualTo(billing.secret());
    }

    // --- createProject and createKey ---

    @Test
    void createProject_returnsAFirstMemberKey() {
        ApiKey key = projects.createProject("support-2");

        assertThat(key.projectId()).isEqualTo("support-2");
        assertThat(key.role()).isEqualTo(Role.MEMBER);
        assertThat(key.secret()).isNotBlank();
        assertThat(projects.projects()).containsExactly(new Project("support-2", CLOCK.instant()));
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {"Support", "-support", "_support", "sup port", "support!", "caf\u00e9"})
    void createProject_badId_isRefusedNamingTheId(String id) {
        assertThatThrownBy(() -> projects.createProject(id))
                .isInstanceOfSatisfying(BadInputException.class, e -> assertThat(e.errors())
                        .extracting(FieldError::field).containsExactly("id"));

        assertThat(projects.projects()).isEmpty();
    }

    @Test
    void createProject_id_isAtMostSixtyFourCharacters() {
        assertThatThrownBy(() -> projects.createProject("a".repeat(65))).isInstanceOf(BadInputException.class);

        projects.createProject("a".repeat(64));

        assertThat(projects.projects()).extracting(Project::id).containsExactly("a".repeat(64));
    }

    @Test
    void createProject_duplicateId_isRefusedAndAddsNoKey() {
        projects.createProject("support");

        assertThatThrownBy(() -> projects.createProject("support"))
                .isInstanceOfSatisfying(BadInputException.class, e -> assertThat(e.errors())
                        .singleElement()
                        .satisfies(error -> {
                            assertThat(error.field()).isEqualTo("id");
                            assertThat(error.reason()).contains("already exists");
                        }));

        assertThat(projects.projects()).hasSize(1);
        assertThat(apiKeyRows()).hasSize(1);
    }

    @Test
    void createProject_defaultAfterBootstrap_isADuplicate() {
        projects.bootstrap(null);

        assertThatThrownBy(() -> projects.createProject(ProjectStore.DEFAULT_PROJECT))
                .isInstanceOf(BadInputException.class);
    }

    @Test
    void createKey_addsAKeyWithTheGivenRole() {
        projects.createProject("support");

        ApiKey key = projects.createKey("support", "ops console", Role.ADMIN);

        assertThat(key.name()).isEqualTo("ops console");
        assertThat(projects.authenticate(key.secret())).contains(new Principal("support", key.id(), Role.ADMIN));
    }

    @Test
    void createKey_unknownProject_isNotFound() {
        assertThatThrownBy(() -> projects.createKey("nowhere", "ci", Role.MEMBER))
                .isInstanceOf(NotFoundException.class);
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {"   "})
    void createKey_blankName_isRefusedNamingTheName(String name) {
        projects.createProject("support");

        assertThatThrownBy(() -> projects.createKey("support", name, Role.MEMBER))
                .isInstanceOfSatisfying(BadInputException.class, e -> assertThat(e.errors())
                        .extracting(FieldError::field).containsExactly("name"));
    }

    private List<Map<String, Object>> apiKeyRows() {
        try (Handle h = db.open()) {
            return h.createQuery("SELECT * FROM api_keys").mapToMap().list();
        }
    }
}
