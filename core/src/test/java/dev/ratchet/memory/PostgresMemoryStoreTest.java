package dev.ratchet.memory;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ratchet.store.Database;
import dev.ratchet.store.PostgresCluster;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The memory store contract on PostgreSQL: one throwaway cluster for the class, a fresh database per test.
 * Also what only PostgreSQL allows: several processes writing one database, each with its own index (two
 * stores on two connection pools stand for two servers).
 */
class PostgresMemoryStoreTest extends MemoryStoreContract {

    @RegisterExtension
    static final PostgresCluster POSTGRES = new PostgresCluster();

    private static final String P = "acme";
    private static final String AGENT = "support-bot";

    @TempDir
    Path servers;

    @Override
    protected String newDatabaseUrl() {
        return POSTGRES.newDatabaseUrl();
    }

    /** A store as a server would open it, on its own pool and index directory. */
    private record Server(Database db, JdbcMemoryStore memory) implements AutoCloseable {
        @Override
        public void close() {
            try {
                memory.close();
            } finally {
                db.close();
            }
        }
    }

    private Server server(String url, String name, MemoryConfig config) {
        Database db = Database.open(url);
        return new Server(db, new JdbcMemoryStore(db, BGE, servers.resolve(name), Clock.systemUTC(), config));
    }

    private static MemoryWrite keyed(String key, String text) {
        return MemoryWrite.of(AGENT, MemoryKind.FACT, text).withKey(key, null);
    }

    private static List<String> ids(JdbcMemoryStore memory, String query) {
        return memory.search(P, MemorySearch.of(AGENT, query, 5)).stream().map(h -> h.item().id()).toList();
    }

    @Test
    void twoProcesses_writingTheSameKeysConcurrently_leaveOneActiveItemPerKeyAndALinkedHistory() throws Exception {
        String url = POSTGRES.newDatabaseUrl();
        List<String> keys = List.of("escalation_contact", "preferred_language", "billing_day");
        int threadsPerServer = 3;
        int rounds = 6;
        try (Server a = server(url, "a", MemoryConfig.defaults()); Server b = server(url, "b", MemoryConfig.defaults())) {
            ExecutorService writers = Executors.newFixedThreadPool(2 * threadsPerServer);
            List<Future<List<MemoryWriteResult>>> done = new ArrayList<>();
            try {
                for (Server s : List.of(a, b)) {
                    for (int t = 0; t < threadsPerServer; t++) {
                        String writer = (s == a ? "a" : "b") + t;
                        done.add(writers.submit(() -> {
                            List<MemoryWriteResult> results = new ArrayList<>();
                            for (int r = 0; r < rounds; r++) {
                                for (String key : keys) {
                                    results.addAll(s.memory().write(P, List.of(keyed(key,
                                            "Writer " + writer + " says " + key + " is value number " + r + "."))));
                                }
                            }
                            return results;
                        }));
                    }
                }
                List<MemoryWriteResult> all = new ArrayList<>();
                for (Future<List<MemoryWriteResult>> f : done) {
                    all.addAll(f.get());
                }
                assertThat(all).extracting(MemoryWriteResult::action)
                        .containsOnly(MemoryWriteResult.Action.CREATED, MemoryWriteResult.Action.SUPERSEDED);
                assertThat(all).filteredOn(r -> r.action() == MemoryWriteResult.Action.CREATED).hasSize(keys.size());
            } finally {
                writers.shutdownNow();
            }
            System.out.println("conflicting groups decided again: a " + a.memory().conflicts() + ", b "
                    + b.memory().conflicts());

            for (String key : keys) {
                record Row(String id, String status, String supersededBy) {
                }
                List<Row> rows = a.db().read(h -> h.createQuery(
                                "SELECT id, status, superseded_by FROM memory_items WHERE key = :key")
                        .bind("key", key)
                        .map((rs, ctx) -> new Row(rs.getString(1), rs.getString(2), rs.getString(3))).list());
                assertThat(rows).hasSize(2 * threadsPerServer * rounds);
                List<Row> active = rows.stream().filter(r -> r.status().equals("active")).toList();
                assertThat(active).as("active items of key %s", key).hasSize(1);
                assertThat(active.get(0).supersededBy()).isNull();
                Map<String, Row> byId = new HashMap<>();
                rows.forEach(r -> byId.put(r.id(), r));
                Set<String> successors = new HashSet<>();
                for (Row r : rows) {
                    if (r.status().equals("active")) {
                        continue;
                    }
                    assertThat(r.status()).isEqualTo("superseded");
                    assertThat(byId).containsKey(r.supersededBy());
                    assertThat(successors.add(r.supersededBy())).as("each item supersedes one other").isTrue();
                }
                // One chain: from the first item, following the links reaches every item, ending at the active one.
                Set<String> linked = new HashSet<>();
                String at = rows.stream().map(Row::id).filter(id -> !successors.contains(id)).findFirst().orElseThrow();
                while (at != null) {
                    assertThat(linked.add(at)).as("no cycle").isTrue();
                    at = byId.get(at).supersededBy();
                }
                assertThat(linked).hasSize(rows.size());
            }
        }
    }

    @Test
    void anotherProcessesWrites_becomeSearchableWhenTheIndexCatchesUp() {
        String url = POSTGRES.newDatabaseUrl();
        MemoryConfig manual = MemoryConfig.defaults().withCatchUpInterval(Duration.ofHours(1));
        try (Server a = server(url, "a", manual); Server b = server(url, "b", manual)) {
            String dana = a.memory().write(P, List.of(keyed("escalation_contact", "The escalation contact is Dana.")))
                    .get(0).id();
            assertThat(ids(b.memory(), "who is the escalation contact")).as("b's index has not caught up").isEmpty();

            b.memory().catchUpWithOtherWriters();

            assertThat(ids(b.memory(), "who is the escalation contact")).containsExactly(dana);
            List<MemoryWriteResult> lee = b.memory().write(P, List.of(keyed("escalation_contact",
                    "The escalation contact is Lee.")));
            assertThat(lee.get(0).supersededId()).as("b decides against the database, not its index").isEqualTo(dana);
            a.memory().catchUpWithOtherWriters();
            assertThat(ids(a.memory(), "who is the escalation contact")).containsExactly(lee.get(0).id());
            assertThat(a.memory().indexSize()).isEqualTo(1);
            assertThat(b.memory().indexSize()).isEqualTo(1);
        }
    }

    @Test
    void anotherProcessesWrites_areCaughtUpInTheBackground() throws InterruptedException {
        String url = POSTGRES.newDatabaseUrl();
        MemoryConfig often = MemoryConfig.defaults().withCatchUpInterval(Duration.ofMillis(50));
        try (Server a = server(url, "a", often); Server b = server(url, "b", often)) {
            String id = a.memory().write(P, List.of(MemoryWrite.of(AGENT, MemoryKind.FACT,
                    "The billing system runs its nightly batch at 02:00 UTC."))).get(0).id();
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (!ids(b.memory(), "when does billing run").contains(id) && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertThat(ids(b.memory(), "when does billing run")).containsExactly(id);
        }
    }
}
