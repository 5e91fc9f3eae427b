package dev.ratchet.eval;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import dev.ratchet.common.Json;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/**
 * A FAKE OpenAI-compatible chat completions server on 127.0.0.1, standing in for a hosted model that cannot run
 * in a test. It records each request and answers with what {@link #reply} returns for it: the assistant's message
 * content, wrapped in the chat completions shape (or, when it starts with {@code HTTP }, that status and body).
 */
public final class FakeChatServer implements AutoCloseable {

    public final List<JsonNode> requests = new CopyOnWriteArrayList<>();
    public volatile Function<JsonNode, String> reply = r -> "{\"score\": 1, \"rationale\": \"fine\"}";
    private final HttpServer server;

    public FakeChatServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/v1/chat/completions", ex -> {
            try (ex) {
                JsonNode body = Json.MAPPER.readTree(ex.getRequestBody());
                requests.add(body);
                String content = reply.apply(body);
                int status = 200;
                String out;
                if (content.startsWith("HTTP ")) {
                    status = Integer.parseInt(content.substring(5, 8));
                    out = content.substring(9);
                } else {
                    ObjectNode root = Json.MAPPER.createObjectNode();
                    root.put("object", "chat.completion");
                    root.putArray("choices").addObject().put("index", 0).putObject("message")
                            .put("role", "assistant").put("content", content);
                    out = Json.write(root);
                }
                byte[] bytes = out.getBytes(StandardCharsets.UTF_8);
                ex.sendResponseHeaders(status, bytes.length);
                ex.getResponseBody().write(bytes);
            }
        });
        server.start();
    }

    public URI baseUrl() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
