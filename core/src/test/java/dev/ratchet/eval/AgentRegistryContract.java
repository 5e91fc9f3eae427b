package dev.ratchet.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.ratchet.common.BadInputException;
import dev.ratchet.common.FieldError;
import dev.ratchet.common.Json;
import dev.ratchet.common.JsonText;
import dev.ratchet.common.NotFoundException;
import dev.ratchet.store.Database;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What the agent registry must do with versions on a real database: propose, promote, reject, current, lineage.
 * Each engine extends this class and says how to make a fresh, empty database (by URL, so a test can reopen it).
 */
public abstract class AgentRegistryContract {

    private static final String P = "acme";
    private static final String OTHER = "globex";

    /** A clock the test moves by hand; fixed unless moved, so that ties in time are the common case here. */
    static final class MutableClock extends Clock {
        private volatile Instant now = Instant.parse("2026-11-21T12:00:00Z");

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }
    }

    private final MutableClock clock = new MutableClock();
    private String url;
    private Database db;
    private AgentRegistry agents;

    /** A JDBC URL of a fresh, empty database. */
    protected abstract String newDatabaseUrl();

    @BeforeEach
    void open() {
        url = newDatabaseUrl();
        db = Database.open(url);
        agents = new AgentRegistry(db, clock);
        agents.register(P, new AgentRegistration("desk", null, "reference-desk", null,
                List.of(AgentVersion.of("v1", json("{\"instructions\": \"triage\", \"weights\": null}")))));
    }

    @AfterEach
    void close() {
        if (db != null) {
            db.close();
        }
    }

    static JsonText json(String text) {
        return JsonText.of(Json.readTree(text));
    }

    private static NewVersion change(String version, String parent, String layer) {
        return new NewVersion(version, json("{\"instructions\": \"triage " + version + "\"}"), parent, layer,
                json("{\"traces\": [\"t-1\", \"t-2\"], \"cases\": [\"c-1\"], \"datasetVersion\": null}"));
    }

    @Test
    void propose_toARegisteredAgent_storesACandidateWithItsParentLayerAndEvidence() {
        clock.advance(Duration.ofSeconds(5));
        AgentVersion v2 = agents.propose(P, "desk", new NewVersion("v2", json("{\"instructions\": \"triage, refunds\"}"),
                "v1", "instructions", json("{\"traces\": [\"t-7\"], \"feedback\": [\"f-1\"], \"gate\": null}")));

        assertThat(v2.version()).isEqualTo("v2");
        assertThat(v2.status()).isEqualTo(VersionStatus.CANDIDATE);
        assertThat(v2.parent()).isEqualTo("v1");
        assertThat(v2.layer()).isEqualTo("instructions");
        assertThat(v2.configuration()).isEqualTo(json("{\"instructions\": \"triage, refunds\"}"));
        assertThat(v2.evidence()).isEqualTo(json("{\"traces\": [\"t-7\"], \"feedback\": [\"f-1\"], \"gate\": null}"));
        assertThat(v2.createdAt()).isEqualTo(Instant.parse("2026-11-21T12:00:05Z"));
        assertThat(v2.decision()).isNull();
        assertThat(v2.decidedAt()).isNull();
        assertThat(agents.version(P, "desk", "v2")).contains(v2);
        assertThat(agents.versions(P, "desk")).extracting(AgentVersion::version, AgentVersion::status)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("v1", VersionStatus.REGISTERED),
                        org.assertj.core.groups.Tuple.tuple("v2", VersionStatus.CANDIDATE));
        assertThat(agents.get(P, "desk").orElseThrow().versions()).as("a run can name a candidate")
                .extracting(AgentVersion::version).containsExactly("v1", "v2");
        assertThat(agents.current(P, "desk")).as("a candidate is not current").isEmpty();
    }

    @Test
    void propose_sameProposalAgain_changesNothing_butAnotherUnderTheSameLabelIsRefused() {
        AgentVersion first = agents.propose(P, "desk", change("v2", "v1", "instructions"));
        clock.advance(Duration.ofSeconds(1));

        AgentVersion again = agents.propose(P, "desk", new NewVersion("v2", json("{ \"instructions\" : \"triage v2\" }"),
                "v1", "instructions", json("{\"cases\": [\"c-1\"], \"traces\": [\"t-1\", \"t-2\"], \"datasetVersion\": null}")));
        BadInputException otherLayer = catchThrowableOfType(BadInputException.class,
                () -> agents.propose(P, "desk", change("v2", "v1", "rules")));
        BadInputException registered = catchThrowableOfType(BadInputException.class,
                () -> agents.propose(P, "desk", new NewVersion("v1", json("{\"instructions\": \"triage\", \"weights\": null}"),
                        null, null, null)));

        assertThat(again).isEqualTo(first);
        assertThat(otherLayer.errors()).extracting(FieldError::field).containsExactly("version");
        assertThat(otherLayer.errors().get(0).reason()).contains("version 'v2' of agent 'desk' already exists (candidate)");
        assertThat(registered.errors().get(0).reason()).contains("already exists (registered)");
        assertThat(agents.versions(P, "desk")).extracting(AgentVersion::version).containsExactly("v1", "v2");
        assertThat(agents.version(P, "desk", "v2").orElseThrow().layer()).isEqualTo("instructions");

        agents.promote(P, "desk", "v2", null);
        assertThat(agents.propose(P, "desk", change("v2", "v1", "instructions")).status())
                .as("a retried proposal after its decision answers the stored version").isEqualTo(VersionStatus.PROMOTED);
    }

    @Test
    void propose_badInput_namesEachFieldAndStoresNothing() {
        BadInputException shape = catchThrowableOfType(BadInputException.class, () -> agents.propose(P, "desk",
                new NewVersion("bad label", null, "no/such", "vibes", json("[\"t-1\"]"))));
        BadInputException self = catchThrowableOfType(BadInputException.class, () -> agents.propose(P, "desk",
                change("v2", "v2", null)));
        BadInputException unknownParent = catchThrowableOfType(BadInputException.class, () -> agents.propose(P, "desk",
                change("v2", "v0", "memory")));
        BadInputException tooLong = catchThrowableOfType(BadInputException.class, () -> agents.propose(P, "desk",
                new NewVersion("v2", JsonText.of(Json.MAPPER.getNodeFactory().textNode("x".repeat(AgentRegistry.MAX_JSON_CHARS))),
                        null, null, null)));
        BadInputException nothing = catchThrowableOfType(BadInputException.class, () -> agents.propose(P, "desk", null));

        assertThat(shape.errors()).extracting(FieldError::field)
                .containsExactly("version", "parent", "layer", "configuration", "evidence");
        assertThat(shape.errors().get(2).reason()).contains("unknown layer 'vibes'", "model, weights, instructions, rules,"
                + " tools, memory, parameters");
        assertThat(shape.errors().get(4).reason()).isEqualTo("must be a JSON object");
        assertThat(self.errors()).extracting(FieldError::field, FieldError::reason)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("parent", "a version cannot be its own parent"));
        assertThat(unknownParent.errors()).extracting(FieldError::field, FieldError::reason)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("parent", "agent 'desk' has no version 'v0'"));
        assertThat(tooLong.errors()).extracting(FieldError::field).containsExactly("configuration");
        assertThat(nothing.errors()).extracting(FieldError::field).containsExactly("$");
        assertThat(agents.versions(P, "desk")).extracting(AgentVersion::version).containsExactly("v1");
    }

    @Test
    void propose_toAnUnknownAgentOrAnotherProjects_isNotFound_andStoresNothing() {
        assertThatThrownBy(() -> agents.propose(P, "nobody", change("v2", null, null)))
                .isInstanceOf(NotFoundException.class).hasMessage("agent 'nobody' not found");
        assertThatThrownBy(() -> agents.propose(OTHER, "desk", change("v2", "v1", null)))
                .isInstanceOf(NotFoundException.class).hasMessage("agent 'desk' not found");
        assertThat(catchThrowableOfType(BadInputException.class, () -> agents.propose(P, null, change("v2", null, null)))
                .errors()).extracting(FieldError::field).containsExactly("agent");

        agents.register(OTHER, new AgentRegistration("desk", null, "reference-desk", null, List.of()));
        BadInputException parentOfAnotherProject = catchThrowableOfType(BadInputException.class,
                () -> agents.propose(OTHER, "desk", change("v2", "v1", null)));

        assertThat(parentOfAnotherProject.errors()).extracting(FieldError::field).containsExactly("parent");
        assertThat(agents.versions(OTHER, "desk")).isEmpty();
        assertThat(agents.versions(P, "desk")).extracting(AgentVersion::version).containsExactly("v1");
    }

    @Test
    void promote_candidate_becomesCurrent_andTheLatestPromotionIsCurrent() {
        agents.propose(P, "desk", change("v2", "v1", "instructions"));
        agents.propose(P, "desk", change("v3", "v2", "memory"));
        agents.propose(P, "desk", change("v4", "v2", "rules"));

        clock.advance(Duration.ofMinutes(1));
        AgentVersion v3 = agents.promote(P, "desk", "v3", json("{\"gate\": \"g-1\", \"reasons\": [\"eval ok\"]}"));
        assertThat(agents.current(P, "desk")).contains(v3);
        AgentVersion v2 = agents.promote(P, "desk", "v2", json("{\"gate\": \"g-2\"}"));

        assertThat(v3.status()).isEqualTo(VersionStatus.PROMOTED);
        assertThat(v3.decision()).isEqualTo(json("{\"gate\": \"g-1\", \"reasons\": [\"eval ok\"]}"));
        assertThat(v3.decidedAt()).isEqualTo(Instant.parse("2026-11-21T12:01:00Z"));
        assertThat(v2.decidedAt()).as("decided after v3 although the clock did not move").isAfter(v3.decidedAt());
        assertThat(agents.current(P, "desk")).as("the latest promotion, not the latest creation").contains(v2);
        assertThat(agents.version(P, "desk", "v4").orElseThrow().status()).isEqualTo(VersionStatus.CANDIDATE);
    }

    @Test
    void reject_candidate_keepsItWithTheDecision_andItIsNeverCurrent() {
        agents.propose(P, "desk", change("v2", "v1", "weights"));
        clock.advance(Duration.ofSeconds(30));

        AgentVersion rejected = agents.reject(P, "desk", "v2", json("{\"gate\": \"g-9\", \"reasons\": [\"2 cases broken\"]}"));

        assertThat(rejected.status()).isEqualTo(VersionStatus.REJECTED);
        assertThat(rejected.decision().path("reasons").get(0).asText()).isEqualTo("2 cases broken");
        assertThat(rejected.decidedAt()).isEqualTo(Instant.parse("2026-11-21T12:00:30Z"));
        assertThat(agents.current(P, "desk")).isEmpty();
        assertThat(agents.versions(P, "desk")).extracting(AgentVersion::version).containsExactly("v1", "v2");
    }

    @Test
    void decide_aVersionThatIsNotACandidate_isRefusedSayingItsStatus_andChangesNothing() {
        agents.propose(P, "desk", change("v2", "v1", null));
        agents.propose(P, "desk", change("v3", "v1", null));
        AgentVersion promoted = agents.promote(P, "desk", "v2", json("{\"why\": \"first\"}"));
        agents.reject(P, "desk", "v3", null);

        BadInputException again = catchThrowableOfType(BadInputException.class,
                () -> agents.promote(P, "desk", "v2", json("{\"why\": \"second\"}")));
        BadInputException rejectPromoted = catchThrowableOfType(BadInputException.class,
                () -> agents.reject(P, "desk", "v2", null));
        BadInputException promoteRejected = catchThrowableOfType(BadInputException.class,
                () -> agents.promote(P, "desk", "v3", null));
        BadInputException promoteRegistered = catchThrowableOfType(BadInputException.class,
                () -> agents.promote(P, "desk", "v1", null));
        BadInputException notObject = catchThrowableOfType(BadInputException.class,
                () -> agents.promote(P, "desk", "v3", json("\"because\"")));

        assertThat(again.errors()).extracting(FieldError::field, FieldError::reason).containsExactly(org.assertj.core.groups
                .Tuple.tuple("status", "version 'v2' of agent 'desk' is promoted; only a candidate can be promoted"));
        assertThat(rejectPromoted.errors().get(0).reason()).isEqualTo("version 'v2' of agent 'desk' is promoted; only a"
                + " candidate can be rejected");
        assertThat(promoteRejected.errors().get(0).reason()).contains("is rejected");
        assertThat(promoteRegistered.errors().get(0).reason()).contains("is registered");
        assertThat(notObject.errors()).extracting(FieldError::field).containsExactly("decision");
        assertThat(agents.version(P, "desk", "v2")).contains(promoted);
        assertThat(agents.version(P, "desk", "v3").orElseThrow().status()).isEqualTo(VersionStatus.REJECTED);
    }

    @Test
    void decide_anUnknownVersionOrAnotherProjects_isNotFound() {
        agents.propose(P, "desk", change("v2", "v1", null));

        assertThatThrownBy(() -> agents.promote(P, "desk", "v9", null)).isInstanceOf(NotFoundException.class)
                .hasMessage("agent version 'desk v9' not found");
        assertThatThrownBy(() -> agents.reject(P, "nobody", "v2", null)).isInstanceOf(NotFoundException.class)
                .hasMessage("agent 'nobody' not found");
        assertThatThrownBy(() -> agents.promote(OTHER, "desk", "v2", null)).isInstanceOf(NotFoundException.class);
        assertThat(agents.version(P, "desk", "v2").orElseThrow().status()).isEqualTo(VersionStatus.CANDIDATE);
    }

    @Test
    void reads_ofAnotherProjectOrAnUnknownAgent_areEmpty() {
        agents.propose(P, "desk", change("v2", "v1", null));
        agents.promote(P, "desk", "v2", null);

        assertThat(agents.versions(OTHER, "desk")).isEmpty();
        assertThat(agents.version(OTHER, "desk", "v2")).isEmpty();
        assertThat(agents.current(OTHER, "desk")).isEmpty();
        assertThat(agents.lineage(OTHER, "desk", "v2")).isEmpty();
        assertThat(agents.versions(P, "nobody")).isEmpty();
        assertThat(agents.version(P, "desk", "v9")).isEmpty();
        assertThat(agents.lineage(P, "desk", "v9")).isEmpty();
        assertThat(agents.current(P, "nobody")).isEmpty();
    }

    @Test
    void lineage_walksFromTheVersionUpToTheRoot() {
        agents.propose(P, "desk", change("v2", "v1", "instructions"));
        agents.propose(P, "desk", change("v3", "v2", "memory"));
        agents.propose(P, "desk", change("v3b", "v2", "rules"));
        agents.propose(P, "desk", change("v4", "v3", "weights"));

        assertThat(agents.lineage(P, "desk", "v4")).extracting(AgentVersion::version).containsExactly("v4", "v3", "v2", "v1");
        assertThat(agents.lineage(P, "desk", "v3b")).extracting(AgentVersion::version).containsExactly("v3b", "v2", "v1");
        assertThat(agents.lineage(P, "desk", "v1")).extracting(AgentVersion::version).containsExactly("v1");
        assertThat(agents.lineage(P, "desk", "v4").get(0).layer()).isEqualTo("weights");
    }

    @Test
    void lineage_ofAChainThatLoops_stopsWhereItWouldRepeat() {
        agents.propose(P, "desk", change("v2", "v1", null));
        agents.propose(P, "desk", change("v3", "v2", null));
        // Proposals cannot make a loop (a parent exists before its child); a database edited by hand can.
        db.write(h -> h.execute("UPDATE eval_agent_versions SET parent = 'v3' WHERE project_id = 'acme' AND version = 'v1'"));

        assertThat(agents.lineage(P, "desk", "v3")).extracting(AgentVersion::version).containsExactly("v3", "v2", "v1");
    }

    @Test
    void versions_areListedInTheOrderStored_evenWithinOneClockTick() {
        List<String> labels = new ArrayList<>();
        for (int i = 12; i >= 2; i--) {
            labels.add("v" + i);
            agents.propose(P, "desk", change("v" + i, "v1", null));
        }
        agents.register(P, new AgentRegistration("desk", null, "reference-desk", null,
                List.of(AgentVersion.of("z", null), AgentVersion.of("a", null))));

        List<String> expected = new ArrayList<>(List.of("v1"));
        expected.addAll(labels);
        expected.addAll(List.of("z", "a"));
        assertThat(agents.versions(P, "desk")).extracting(AgentVersion::version).containsExactlyElementsOf(expected);
        assertThat(agents.get(P, "desk").orElseThrow().versions()).extracting(AgentVersion::version)
                .containsExactlyElementsOf(expected);
    }

    @Test
    void promote_sameCandidateConcurrently_exactlyOneDecisionIsApplied() throws Exception {
        int rounds = 5;
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            for (int r = 0; r < rounds; r++) {
                String label = "c" + r;
                boolean bothPromote = r % 2 == 0;
                agents.propose(P, "desk", change(label, "v1", null));
                CountDownLatch go = new CountDownLatch(1);
                List<Callable<AgentVersion>> deciders = List.of(
                        () -> {
                            go.await();
                            return agents.promote(P, "desk", label, json("{\"by\": \"a\"}"));
                        },
                        () -> {
                            go.await();
                            return bothPromote ? agents.promote(P, "desk", label, json("{\"by\": \"b\"}"))
                                    : agents.reject(P, "desk", label, json("{\"by\": \"b\"}"));
                        });
                List<Future<AgentVersion>> futures = deciders.stream().map(pool::submit).toList();
                go.countDown();
                List<AgentVersion> applied = new ArrayList<>();
                List<Throwable> refused = new ArrayList<>();
                for (Future<AgentVersion> f : futures) {
                    try {
                        applied.add(f.get());
                    } catch (ExecutionException e) {
                        refused.add(e.getCause());
                    }
                }

                assertThat(applied).as("round %d", r).hasSize(1);
                assertThat(refused).singleElement().isInstanceOf(BadInputException.class);
                assertThat(((BadInputException) refused.get(0)).errors()).extracting(FieldError::field)
                        .containsExactly("status");
                assertThat(agents.version(P, "desk", label)).contains(applied.get(0));
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void decisions_areDurable_acrossAReopen() {
        agents.propose(P, "desk", change("v2", "v1", "parameters"));
        AgentVersion promoted = agents.promote(P, "desk", "v2", json("{\"gate\": \"g-1\"}"));
        db.close();

        db = Database.open(url);
        agents = new AgentRegistry(db, clock);

        assertThat(agents.current(P, "desk")).contains(promoted);
        assertThat(agents.lineage(P, "desk", "v2")).extracting(AgentVersion::version).containsExactly("v2", "v1");
    }

    @Test
    void migration_versionsRegisteredBefore_readAsRegisteredWithoutLineage_andCanParentACandidate() throws SQLException {
        db.close();
        url = newDatabaseUrl();
        String folder = url.startsWith("jdbc:sqlite:") ? "sqlite" : "postgresql";
        Flyway.configure().dataSource(url, null, null).locations("classpath:db/migration/" + folder)
                .target("8").load().migrate();
        try (Connection c = DriverManager.getConnection(url)) {
            c.createStatement().executeUpdate("INSERT INTO eval_agents (project_id, name, builtin, created_ns, updated_ns)"
                    + " VALUES ('acme', 'desk', 'reference-desk', 100, 100)");
            c.createStatement().executeUpdate("INSERT INTO eval_agent_versions (project_id, agent, version, configuration,"
                    + " created_ns) VALUES ('acme', 'desk', 'old', '{\"tone\": \"warm\"}', 100)");
        }

        db = Database.open(url);
        agents = new AgentRegistry(db, clock);

        AgentVersion old = agents.version(P, "desk", "old").orElseThrow();
        assertThat(old).isEqualTo(new AgentVersion("old", json("{\"tone\": \"warm\"}"), Instant.ofEpochSecond(0, 100)));
        assertThat(old.status()).isEqualTo(VersionStatus.REGISTERED);
        assertThat(agents.propose(P, "desk", change("new", "old", "instructions")).parent()).isEqualTo("old");
        assertThat(agents.lineage(P, "desk", "new")).extracting(AgentVersion::version).containsExactly("new", "old");
    }
}
