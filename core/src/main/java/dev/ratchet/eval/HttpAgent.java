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
 *  "fixtures": {"url": "...", "token": "..."}}
 * </pre>
 * and the agent answers {@code 200 {"output": any, "trace"?: object, "traceId"?: "...", "cost"?: number,
 * "error"?: "..."}} (any other status fails the case with the status and the start of the body). While answering,
 * the agent makes each tool, retrieval and model call by posting {@code {"kind": "tool" | "retrieval" | "llm",
 * "name": tool or model, "request": arguments, query or messages}} to the fixtures URL with the header
 * {@code Authorization: Bearer <fixtures.token>}, which answers
 * <ul>
 *   <li>{@code 200 {"result": any}}: the recorded result;</li>
 *   <li>{@code 200 {"error": "..."}}: the recorded call failed, and the agent should behave as if it just had;</li>
 *   <li>{@code 404 {"live": true}}: no fixture, and the run allows live calls: make the call for real;</li>
 *   <li>{@code 404 {"missing": "..."}}: no fixture in a strict run (or no such case running); the case fails
 *       whatever the agent does next.</li>
 * </ul>
 * Who serves the fixtures URL depends on how the instance was made:
 * <ul>
 *   <li>{@link #HttpAgent(URI, Duration)}: a small server on 127.0.0.1 that this class starts (one per instance, on
 *       a free port), for agents on the same machine. Each case's URL holds a random token that lives as long as
 *       the case (the URL is the secret; the header is not checked), so agents of concurrent cases never see each
 *       other's fixtures.</li>
 *   <li>{@link #servedBy}: the caller's own HTTP server (Ratchet's, on its own port), which routes each case's URL
 *       to {@link #call} after checking the token it gave this instance. Nothing is started; agents anywhere that
 *       reach the caller reach their fixtures.</li>
 * </ul>
 * Thread-safe; close it to stop the fixture server, if it started one.
 */
public final class HttpAgent implements Agent, AutoCloseable {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int BODY_EXCERPT = 300;

    private final URI endpoint;
    private final Duration timeout;
    private final HttpClient http;
    /** The loopback fixture server; null when the caller serves the fixtures. */
    private final HttpServer fixtures;
    private final URI fixturesBase;
    private final FixtureUrls fixtureUrls;
    /** The token handed to agents when the caller serves the fixtures; null for the loopback server. */
    private final String callerToken;
    /** Tools of the cases in flight, by the key of their fixtures URL: a random token, or the case id. */
    private final Map<String, Tools> cases = new ConcurrentHashMap<>();

    /**
     * An agent whose fixtures are served by a loopback server that this instance starts.
     *
     * @param endpoint where the agent listens
     * @param timeout  how long one case's request may take (the run's own per-case timeout applies too)
     */
    public HttpAgent(URI endpoint, Duration timeout) {
        this.endpoint = endpoint;
        this.timeout = timeout;
        this.http = HttpClient.newBuilder().connectTimeout(timeout).build();
        this.callerToken = null;
        this.fixtureUrls = null;
        try {
            this.fixtures = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the fixture server", e);
        }
        fixtures.createContext("/fixtures/", this::serve);
        fixtures.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        fixtures.start();
        this.fixturesBase = URI.create("http://" + fixtures.getAddress().getHostString() + ":"
                + fixtures.getAddress().getPort() + "/fixtures/");
    }

    private HttpAgent(URI endpoint, Duration timeout, FixtureUrls urls, String token) {
        this.endpoint = endpoint;
        this.timeout = timeout;
        this.http = HttpClient.newBuilder().connectTimeout(timeout).build();
        this.fixtures = null;
        this.fixturesBase = null;
        this.fixtureUrls = urls;
        this.callerToken = token;
    }

    /**
     * An agent whose fixtures the caller serves: case {@code c} of run {@code r} gets the fixtures URL
     * {@code urls.of(r, c)}, handed to the agent with {@code token}. The caller answers posts to those URLs with
     * {@link #call}{@code (c, body)}, after checking that they carry {@code Authorization: Bearer <token>}; this
     * instance starts no server. Meant for one run at a time (cases are told apart by their ids).
     *
     * @param token the secret agents present; the caller checks it
     */
    public static HttpAgent servedBy(URI endpoint, Duration timeout, FixtureUrls urls, String token) {
        return new HttpAgent(endpoint, timeout, java.util.Objects.requireNonNull(urls, "urls"),
                java.util.Objects.requireNonNull(token, "token"));
    }

    /** Where the caller serves the fixtures of a case. */
    @FunctionalInterface
    public interface FixtureUrls {
        URI of(String runId, String caseId);
    }

    /** The base of the fixture URLs of the loopback server; null when the caller serves the fixtures. */
    public URI fixturesBase() {
        return fixturesBase;
    }

    @Override
    public AgentAnswer run(AgentRequest request, Tools tools) throws IOException, InterruptedException {
        String token = callerToken == null ? HexFormat.of().formatHex(bytes()) : callerToken;
        String key = callerToken == null ? token : request.caseId();
        if (cases.putIfAbsent(key, tools) != null) {
            throw new IllegalStateException("case " + request.caseId() + " is already running on this agent");
        }
        try {
            ObjectNode body = Json.MAPPER.createObjectNode();
            body.put("runId", request.runId());
            body.put("caseId", request.caseId());
            body.set("input", request.input() == null ? null : request.input().node());
            body.set("configuration", request.configuration() == null ? null : request.configuration().node());
            body.set("context", Json.MAPPER.valueToTree(request.context()));
            URI url = fixtureUrls == null ? fixturesBase.resolve(key) : fixtureUrls.of(request.runId(), request.caseId());
            body.putObject("fixtures").put("url", url.toString()).put("token", token);
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
            cases.remove(key);
        }
    }

    /** For runs that allow live calls: a missing fixture tells the agent to make the call itself. */
    @Override
    public Tools live() {
        return GoLive.TOOLS;
    }

    private void serve(HttpExchange ex) throws IOException {
        try (ex) {
            String key = ex.getRequestURI().getPath().substring("/fixtures/".length());
            FixtureReply r = "POST".equals(ex.getRequestMethod()) ? call(key, ex.getRequestBody().readAllBytes())
                    : FixtureReply.notRunning();
            reply(ex, r.status(), r.body());
        }
    }

    /**
     * Answers one call of a case in flight, as the fixtures URL of the contract does: {@code key} is the case id
     * for {@link #servedBy} instances (the loopback server passes its per-case token), {@code body} the posted call.
     * Never throws for bad input: a malformed call is a 400 reply, an unknown key a 404 reply.
     */
    public FixtureReply call(String key, byte[] body) {
        Tools tools = key == null ? null : cases.get(key);
        if (tools == null) {
            return FixtureReply.notRunning();
        }
        JsonNode call;
        try {
            call = Json.MAPPER.readTree(body);
        } catch (IOException e) {
            return new FixtureReply(400, Json.MAPPER.createObjectNode().put("error", "malformed JSON"));
        }
        CallKind kind = call == null ? null : CallKind.parse(call.path("kind").asText()).orElse(null);
        if (kind == null) {
            return new FixtureReply(400, Json.MAPPER.createObjectNode().put("error", "kind must be one of " + CallKind.allowed()));
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
            return new FixtureReply(200, out);
        } catch (Tools.CallFailedException e) {
            return new FixtureReply(200, out.put("error", e.getMessage()));
        } catch (Tools.MissingFixtureException e) {
            return new FixtureReply(404, out.put("missing", e.getMessage()));
        } catch (GoLive e) {
            return new FixtureReply(404, out.put("live", true));
        }
    }

    /** What the fixtures URL answers: an HTTP status and a JSON body, as the contract says. */
    public record FixtureReply(int status, JsonNode body) {
        static FixtureReply notRunning() {
            return new FixtureReply(404, Json.MAPPER.createObjectNode().put("missing", "no case is running under this URL"));
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
        if (fixtures != null) {
            fixtures.stop(0);
        }
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
