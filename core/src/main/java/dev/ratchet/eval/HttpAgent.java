package dev.ratchet.eval;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.ratchet.common.Json;
import dev.ratchet.common.JsonText;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;

/**
 * The client side of the HTTP contract for agents in any language. For each case Ratchet sends
 * <pre>
 * POST {endpoint}
 * {"runId": "...", "caseId": "...", "input": any, "configuration": any, "context": {"memorySnapshotId", "documents"},
 *  "fixtures": {"url": "http://127.0.0.1:PORT/fixtures/TOKEN"}}
 * </pre>
 * and the agent answers {@code 200 {"output": any, "trace"?: object, "traceId"?: "...", "cost"?: number,
 * "error"?: "..."}} (any other status fails the case with the status and the start of the body). While answering,
 * the agent makes each tool, retrieval and model call by posting {@code {"kind": "tool" | "retrieval" | "llm",
 * "name": tool or model, "request": arguments, query or messages}} to the fixtures URL, which answers
 * <ul>
 *   <li>{@code 200 {"result": any}}: the recorded result;</li>
 *   <li>{@code 200 {"error": "..."}}: the recorded call failed, and the agent should behave as if it just had;</li>
 *   <li>{@code 404 {"live": true}}: no fixture, and the run allows live calls: make the call for real;</li>
 *   <li>{@code 404 {"missing": "..."}}: no fixture in a strict run; the case fails whatever the agent does next.</li>
 * </ul>
 * The fixtures URL is served by a small server on 127.0.0.1 that this class starts (one per instance, on a free
 * port), and each case's URL holds a random token that lives as long as the case, so agents of concurrent cases
 * never see each other's fixtures. Thread-safe; close it to stop the fixture server.
 */
public final class HttpAgent implements Agent, AutoCloseable {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int BODY_EXCERPT = 300;

    private final URI endpoint;
    private final Duration timeout;
    private final HttpClient http;
    private final HttpServer fixtures;
    private final Map<String, Tools> cases = new ConcurrentHashMap<>();

    /**
     * @param endpoint where the agent listens
     * @param timeout  how long one case's request may take (the run's own per-case timeout applies too)
     */
    public HttpAgent(URI endpoint, Duration timeout) {
        this.endpoint = endpoint;
        this.timeout = timeout;
        this.http = HttpClient.newBuilder().connectTimeout(timeout).build();
        try {
            this.fixtures = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the fixture server", e);
        }
        fixtures.createContext("/fixtures/", this::serve);
        fixtures.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        fixtures.start();
    }

    /** The base of the fixture URLs handed to the agent. */
    public URI fixturesBase() {
        return URI.create("http://" + fixtures.getAddress().getHostString() + ":" + fixtures.getAddress().getPort() + "/fixtures/");
    }

    @Override
    public AgentAnswer run(AgentRequest request, Tools tools) throws IOException, InterruptedException {
        String token = HexFormat.of().formatHex(bytes());
        cases.put(token, tools);
        try {
            ObjectNode body = Json.MAPPER.createObjectNode();
            body.put("runId", request.runId());
            body.put("caseId", request.caseId());
            body.set("input", request.input() == null ? null : request.input().node());
            body.set("configuration", request.configuration() == null ? null : request.configuration().node());
            body.set("context", Json.MAPPER.valueToTree(request.context()));
            body.putObject("fixtures").put("url", fixturesBase() + token);
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(endpoint).timeout(timeout)
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString(Json.write(body), StandardCharsets.UTF_8)).build(),
                    HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            if (response.statusCode() != 200) {
                throw new AgentHttpException("agent answered HTTP " + response.statusCode() + ": " + excerpt(response.body()));
            }
            JsonNode answer;
            try {
                answer = Json.MAPPER.readTree(response.body());
            } catch (IOException e) {
                throw new AgentHttpException("agent answered with malformed JSON: " + excerpt(response.body()));
            }
            if (answer == null || !answer.isObject()) {
                throw new AgentHttpException("agent answered " + excerpt(response.body()) + "; expected an object with \"output\"");
            }
            JsonNode cost = answer.path("cost");
            return new AgentAnswer(JsonText.of(answer.get("output")), JsonText.of(answer.get("trace")),
                    answer.path("traceId").isTextual() ? answer.path("traceId").textValue() : null,
                    cost.isNumber() ? cost.decimalValue() : null,
                    answer.path("error").isTextual() ? answer.path("error").textValue() : null);
        } finally {
            cases.remove(token);
        }
    }

    /** For runs that allow live calls: a missing fixture tells the agent to make the call itself. */
    @Override
    public Tools live() {
        return GoLive.TOOLS;
    }

    private void serve(HttpExchange ex) throws IOException {
        try (ex) {
            String token = ex.getRequestURI().getPath().substring("/fixtures/".length());
            Tools tools = cases.get(token);
            if (tools == null || !"POST".equals(ex.getRequestMethod())) {
                reply(ex, 404, Json.MAPPER.createObjectNode().put("missing", "no case is running under this URL"));
                return;
            }
            JsonNode call;
            try {
                call = Json.MAPPER.readTree(ex.getRequestBody());
            } catch (IOException e) {
                reply(ex, 400, Json.MAPPER.createObjectNode().put("error", "malformed JSON"));
                return;
            }
            CallKind kind = call == null ? null : CallKind.parse(call.path("kind").asText()).orElse(null);
            if (kind == null) {
                reply(ex, 400, Json.MAPPER.createObjectNode().put("error", "kind must be one of " + CallKind.allowed()));
                return;
            }
            String name = call.path("name").isTextual() ? call.path("name").textValue() : null;
            JsonNode req = call.get("request");
            ObjectNode out = Json.MAPPER.createObjectNode();
            try {
                JsonNode result = switch (kind) {
                    case TOOL -> tools.tool(name, req);
                    case RETRIEVAL -> tools.retrieve(req != null && req.isTextual() ? req.textValue()
                            : req != null && req.path("query").isTextual() ? req.path("query").textValue() : CanonicalJson.write(req));
                    case LLM -> tools.model(name, req);
                };
                out.set("result", result);
                reply(ex, 200, out);
            } catch (Tools.CallFailedException e) {
                reply(ex, 200, out.put("error", e.getMessage()));
            } catch (Tools.MissingFixtureException e) {
                reply(ex, 404, out.put("missing", e.getMessage()));
            } catch (GoLive e) {
                reply(ex, 404, out.put("live", true));
            }
        }
    }

    private static void reply(HttpExchange ex, int status, JsonNode body) throws IOException {
        byte[] bytes = Json.write(body).getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(status, bytes.length);
        ex.getResponseBody().write(bytes);
    }

    private static byte[] bytes() {
        byte[] b = new byte[16];
        RANDOM.nextBytes(b);
        return b;
    }

    private static String excerpt(String body) {
        if (body == null || body.isEmpty()) {
            return "(empty body)";
        }
        return body.length() > BODY_EXCERPT ? body.substring(0, BODY_EXCERPT) + "…" : body;
    }

    @Override
    public void close() {
        fixtures.stop(0);
    }

    /** The agent answered outside the contract; the case fails with this message. */
    public static final class AgentHttpException extends IOException {
        public AgentHttpException(String message) {
            super(message);
        }
    }

    /** Thrown by {@link #live()}'s tools: the fixture server turns it into {@code 404 {"live": true}}. */
    private static final class GoLive extends RuntimeException {
        static final Tools TOOLS = new Tools() {
            public JsonNode tool(String name, JsonNode arguments) {
                throw new GoLive();
            }

            public JsonNode retrieve(String query) {
                throw new GoLive();
            }

            public JsonNode model(String model, JsonNode messages) {
                throw new GoLive();
            }
        };

        GoLive() {
            super(null, null, false, false);
        }
    }
}
