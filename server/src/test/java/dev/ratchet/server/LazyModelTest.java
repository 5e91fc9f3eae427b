package dev.ratchet.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Starting a server, and everything but memory, never loads the embedding model: tests start many servers. */
class LazyModelTest {

    @Test
    void startIngestAndRestart_withEmptyMemory_doNotLoadTheModel(@TempDir Path dir) {
        try (TestServer server = TestServer.start(dir)) {
            server.post("/api/v1/traces", TestServer.ADMIN_KEY, """
                    {"traces":[{"id":"lazy-1","agent":"desk","startTime":"2026-11-21T10:00:00Z"}]}""");
            assertThat(server.get("/api/v1/memory?agent=desk", TestServer.ADMIN_KEY).status()).isEqualTo(200);
            assertThat(server.server().embeddingModelLoaded()).isFalse();
            assertThat(Files.isDirectory(RatchetServer.memoryIndexDir(dir))).isTrue();
        }
        try (TestServer again = TestServer.start(dir)) {
            assertThat(again.server().embeddingModelLoaded()).isFalse();
        }
    }
}
