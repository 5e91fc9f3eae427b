package dev.ratchet.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ratchet.common.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;

/**
 * A real server on a free port over a temp data directory, and a small HTTP client for tests. The admin
 * key of project {@code default} is {@link #ADMIN_KEY}.
 */
public final class TestServer implements AutoCloseable {

    public static final String ADMIN_KEY = "test-admin-key-0123456789";

    private final RatchetServer server;
    private final HttpClient http = HttpClient.newHttpClient();

    private TestServer(RatchetServer server) {
        this.server = server;
    }

    public static TestServer start(Path dataDir) {
        return start(ServerConfig.defaults(dataDir).withPort(0).withBootstrapKey(ADMIN_KEY));
    }

    public static TestServer start(ServerConfig config) {
        return new TestServer(RatchetServer.start(config));
    }

    public RatchetServer server() {
        return server;
    }

    public String url() {
        return server.url();
    }

    /** Creates a project and returns its first key. */
    public String createProject(String id) {
        Response r = post("/api/v1/projects", ADMIN_KEY, Json.write(Map.of("id", id)));
        if (r.status() != 201) {
            throw new IllegalStateException("cannot create project: " + r);
        }
        return r.json().path("key").path("secret").asText();
    }

    public Response get(String path, String key) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url() + path)).GET();
        if (key != null) {
            b.header("Authorization", "Bearer " + key);
        }
        return send(b.build());
    }

    public Response post(String path, String key, String json) {
        return post(path, key, json.getBytes(StandardCharsets.UTF_8), Map.of("Content-Type", "application/json"));
    }

    public Response post(String path, String key, byte[] body, Map<String, String> headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url() + path))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        headers.forEach(b::header);
        if (key != null) {
            b.header("Authorization", "Bearer " + key);
        }
        return send(b.build());
    }

    public Response send(HttpRequest request) {
        try {
            HttpResponse<byte[]> r = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
            return new Response(r.statusCode(), r.body(), r.headers().map());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        server.close();
    }

    /** A response as tests look at it. */
    public record Response(int status, byte[] body, Map<String, java.util.List<String>> headers) {
        public JsonNode json() {
            return Json.readTree(text());
        }

        public String text() {
            return new String(body, StandardCharsets.UTF_8);
        }

        public String header(String name) {
            return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
                    .map(e -> e.getValue().get(0)).findFirst().orElse(null);
        }

        @Override
        public String toString() {
            return status + " " + text();
        }
    }
}
