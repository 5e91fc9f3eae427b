package dev.ratchet.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ratchet.common.Json;
import dev.ratchet.store.Database;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A server process ingests under concurrent load and is killed with SIGKILL mid-stream. After a restart,
 * every trace whose batch was acknowledged is there with all its spans, and no trace is half-written.
 */
class DurabilityTest {

    static final int SPANS_PER_TRACE = 5;
    static final int TRACES_PER_BATCH = 20;

    @TempDir
    Path dataDir;

    @Test
    void sigkillDuringIngest_losesNoAcknowledgedTrace_andLeavesNoPartialTrace() throws Exception {
        int port = freePort();
        Process server = startServerProcess(port);
        Set<String> acknowledged = ConcurrentHashMap.newKeySet();
        try {
            awaitHealthy(port);
            AtomicBoolean stop = new AtomicBoolean();
            CountDownLatch enoughAcked = new CountDownLatch(30);
            List<Thread> clients = new ArrayList<>();
            for (int c = 0; c < 4; c++) {
                int client = c;
                clients.add(Thread.ofPlatform().start(() -> ingestLoop(port, client, stop, enoughAcked, acknowledged)));
            }
            enoughAcked.await();
            // Requests are still in flight on every client thread when the process dies.
            server.destroyForcibly().waitFor();
            stop.set(true);
            for (Thread t : clients) {
                t.join();
            }
        } finally {
            server.destroyForcibly().waitFor();
        }
        assertThat(acknowledged).hasSizeGreaterThanOrEqualTo(30 * TRACES_PER_BATCH);

        try (Database db = Database.embedded(dataDir)) {
            try (var h = db.open()) {
                assertThat(h.createQuery("PRAGMA integrity_check").mapTo(String.class).one()).isEqualTo("ok");
                List<Integer> spanCounts = h.createQuery("""
                                SELECT (SELECT COUNT(*) FROM spans s WHERE s.project_id = t.project_id AND s.trace_id = t.id)
                                FROM traces t""").mapTo(Integer.class).list();
                assertThat(spanCounts).isNotEmpty().allMatch(n -> n == SPANS_PER_TRACE);
            }
        }
        try (TestServer restarted = TestServer.start(ServerConfig.defaults(dataDir).withPort(0).withBootstrapKey(TestServer.ADMIN_KEY))) {
            for (String id : acknowledged) {
                TestServer.Response r = restarted.get("/api/v1/traces/" + id, TestServer.ADMIN_KEY);
                assertThat(r.status()).as("acknowledged trace %s", id).isEqualTo(200);
                assertThat(r.json().path("spans")).hasSize(SPANS_PER_TRACE);
            }
        }
    }

    private Process startServerProcess(int port) throws IOException {
        String java = ProcessHandle.current().info().command().orElse("java");
        ProcessBuilder pb = new ProcessBuilder(java, "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                "dev.ratchet.server.cli.Main", "serve", "--port", Integer.toString(port), "--host", "127.0.0.1",
                "--data-dir", dataDir.toString());
        pb.environment().put("RATCHET_BOOTSTRAP_KEY", TestServer.ADMIN_KEY);
        pb.redirectErrorStream(true);
        pb.redirectOutput(dataDir.resolveSibling(dataDir.getFileName() + "-server.log").toFile());
        return pb.start();
    }

    private static void ingestLoop(int port, int client, AtomicBoolean stop, CountDownLatch acked, Set<String> acknowledged) {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        for (int batch = 0; !stop.get(); batch++) {
            List<String> ids = new ArrayList<>();
            StringBuilder body = new StringBuilder("{\"traces\":[");
            for (int i = 0; i < TRACES_PER_BATCH; i++) {
                String id = "c" + client + "-b" + batch + "-t" + i;
                ids.add(id);
                body.append(i == 0 ? "" : ",").append(trace(id));
            }
            body.append("]}");
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/traces"))
                                .header("Authorization", "Bearer " + TestServer.ADMIN_KEY)
                                .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    acknowledged.addAll(ids);
                    acked.countDown();
                }
            } catch (IOException e) {
                return; // the server is gone
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private static String trace(String id) {
        StringBuilder spans = new StringBuilder();
        for (int s = 0; s < SPANS_PER_TRACE; s++) {
            spans.append(s == 0 ? "" : ",").append("""
                    {"id":"s%d","parentId":%s,"kind":"tool","name":"lookup","input":{"q":"%s"},"output":{"r":"%s"},
                     "startTime":"2026-11-21T10:00:00.%03dZ"}""".formatted(s, s == 0 ? "null" : "\"s0\"", "x".repeat(200), id, s));
        }
        return """
                {"id":"%s","agent":"durable","input":{"text":"%s"},"startTime":"2026-11-21T10:00:00Z","spans":[%s]}"""
                .formatted(id, id, spans);
    }

    private static void awaitHealthy(int port) throws InterruptedException {
        HttpClient http = HttpClient.newHttpClient();
        for (int i = 0; i < 600; i++) {
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health")).build(),
                        HttpResponse.BodyHandlers.ofString());
                JsonNode body = Json.readTree(r.body());
                if (r.statusCode() == 200 && body.path("status").asText().equals("ok")) {
                    return;
                }
            } catch (IOException e) {
                // not up yet
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("server process did not become healthy");
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
