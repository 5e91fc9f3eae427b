package dev.ratchet.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.jdbi.v3.core.Handle;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SQLite's group-committing writer: writes that queue together share a transaction but fail alone. */
class GroupCommitWriterTest {

    @TempDir
    Path dir;
    Database db;

    @BeforeEach
    void open() {
        db = Database.embedded(dir);
    }

    @AfterEach
    void close() {
        db.close();
    }

    private static void insertProject(Handle h, String id) {
        h.execute("INSERT INTO projects (id, created_ns) VALUES (?, 0)", id);
    }

    private List<String> projects() {
        return db.read(h -> h.createQuery("SELECT id FROM projects ORDER BY id").mapTo(String.class).list());
    }

    @Test
    void queuedWrites_shareOneTransaction_andAFailingOneIsRolledBackAlone() throws Exception {
        CountDownLatch firstRunning = new CountDownLatch(1);
        CountDownLatch releaseFirst = new CountDownLatch(1);
        Thread first = Thread.ofPlatform().start(() -> db.write(h -> {
            insertProject(h, "p-first");
            firstRunning.countDown();
            try {
                releaseFirst.await();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
            return null;
        }));
        firstRunning.await();

        // While the writer is busy, five writes queue up; one of them fails after writing.
        Set<Handle> handles = ConcurrentHashMap.newKeySet();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        List<Thread> queued = new ArrayList<>();
        for (String id : List.of("p-a", "p-b", "p-bad", "p-c", "p-d")) {
            queued.add(Thread.ofPlatform().start(() -> {
                try {
                    db.write(h -> {
                        handles.add(h);
                        insertProject(h, id);
                        if (id.equals("p-bad")) {
                            throw new IllegalArgumentException("refused " + id);
                        }
                        return null;
                    });
                } catch (RuntimeException e) {
                    failure.set(e);
                }
            }));
        }
        while (db.writer().queued() < 5) {
            Thread.onSpinWait();
        }
        releaseFirst.countDown();
        first.join();
        for (Thread t : queued) {
            t.join();
        }

        assertThat(handles).as("the five queued writes ran in one transaction").hasSize(1);
        assertThat(failure.get()).isInstanceOf(IllegalArgumentException.class).hasMessage("refused p-bad");
        assertThat(projects()).containsExactly("p-a", "p-b", "p-c", "p-d", "p-first");
    }

    @Test
    void aWriteAlone_thatFails_leavesNothing() {
        assertThatThrownBy(() -> db.write(h -> {
            insertProject(h, "p-x");
            throw new IllegalStateException("boom");
        })).isInstanceOf(IllegalStateException.class).hasMessage("boom");
        assertThat(projects()).isEmpty();
        db.write(h -> {
            insertProject(h, "p-y");
            return null;
        });
        assertThat(projects()).containsExactly("p-y");
    }

    @Test
    void aWriteNestedInAWrite_joinsItsTransaction() {
        db.write(outer -> {
            insertProject(outer, "p-outer");
            return db.write(inner -> {
                assertThat(inner).isSameAs(outer);
                insertProject(inner, "p-inner");
                return null;
            });
        });
        assertThat(projects()).containsExactly("p-inner", "p-outer");
    }

    @Test
    void checkedExceptions_reachTheCallerUnchanged() {
        assertThatThrownBy(() -> db.<Void, java.io.IOException>write(h -> {
            throw new java.io.IOException("disk says no");
        })).isInstanceOf(java.io.IOException.class).hasMessage("disk says no");
    }

    @Test
    void writesAfterClose_areRefused() {
        Database other = Database.embedded(dir.resolve("other"));
        other.close();
        assertThatThrownBy(() -> other.write(h -> null)).isInstanceOf(RuntimeException.class);
    }
}
