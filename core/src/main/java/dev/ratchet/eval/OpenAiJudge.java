package dev.ratchet.eval;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ratchet.common.BadInputException;
import dev.ratchet.common.Json;
import dev.ratchet.common.JsonText;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * A {@link Judge} over an OpenAI-compatible chat completions endpoint ({@code POST {baseUrl}/v1/chat/completions}),
 * so OpenAI, vLLM, Ollama or any gateway that speaks it can grade. The model is asked, at temperature 0 and in JSON
 * mode, for {@code {"score": 0..1, "rationale": "..."}} given the rubric, the input, the expected output (when the
 * case has one) and the output. Every answer is checked: a status other than 200, a reply without that object, or a
 * score outside [0, 1] is a {@link Judge.JudgeException} naming what was wrong (never the key). Thread-safe.
 */
public final class OpenAiJudge implements Judge {

    /** Where and what to call. {@code apiKey} may be null for servers without auth. */
    public record Settings(URI baseUrl, String model, String apiKey, Duration timeout) {

        public Settings {
            if (baseUrl == null || baseUrl.getScheme() == null
                    || !(baseUrl.getScheme().equals("http") || baseUrl.getScheme().equals("https"))) {
                throw new BadInputException("baseUrl", "must be an http or https URL");
            }
            if (model == null || model.isBlank()) {
                throw new BadInputException("model", "must not be blank");
            }
            if (timeout == null || timeout.isNegative() || timeout.isZero()) {
                throw new BadInputException("timeout", "must be positive");
            }
        }
    }

    static final String SYSTEM = """
            You grade the output of an AI agent against a rubric. Reply with only a JSON object \
            {"score": <number from 0 to 1>, "rationale": "<one or two sentences>"}, where 1 means the rubric is fully \
            met and 0 not at all.""";
    private static final int EXCERPT = 300;

    private final Settings settings;
    private final URI endpoint;
    private final HttpClient http;

    public OpenAiJudge(Settings settings) {
        this.settings = settings;
        String base = settings.baseUrl().toString();
        this.endpoint = URI.create((base.endsWith("/") ? base.substring(0, base.length() - 1) : base) + "/v1/chat/completions");
        this.http = HttpClient.newBuilder().connectTimeout(settings.timeout()).build();
    }

    @Override
    public Verdict judge(String model, String rubric, JsonText input, JsonText output, JsonText expected) {
        ObjectNode body = Json.MAPPER.createObjectNode();
        body.put("model", model != null ? model : settings.model());
        body.put("temperature", 0);
        body.putObject("response_format").put("type", "json_object");
        ArrayNode messages = body.putArray("messages");
        messages.addObject().put("role", "system").put("content", SYSTEM);
        StringBuilder user = new StringBuilder("Rubric:\n").append(rubric)
                .append("\n\nInput:\n").append(input == null ? "null" : input.text());
        if (expected != null) {
            user.append("\n\nExpected output:\n").append(expected.text());
        }
        user.append("\n\nOutput to grade:\n").append(output == null ? "null" : output.text());
        messages.addObject().put("role", "user").put("content", user.toString());
        HttpRequest.Builder request = HttpRequest.newBuilder(endpoint).timeout(settings.timeout())
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(Json.write(body), StandardCharsets.UTF_8));
        if (settings.apiKey() != null) {
            request.header("Authorization", "Bearer " + settings.apiKey());
        }
        HttpResponse<String> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new JudgeException("cannot reach " + endpoint + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new JudgeException("interrupted while waiting for " + endpoint, e);
        }
        if (response.statusCode() != 200) {
            throw new JudgeException(endpoint + " answered HTTP " + response.statusCode() + ": " + excerpt(response.body()));
        }
        try {
            JsonNode content = Json.MAPPER.readTree(response.body()).path("choices").path(0).path("message").path("content");
            if (!content.isTextual()) {
                throw new JudgeException(endpoint + " answered without choices[0].message.content: " + excerpt(response.body()));
            }
            JsonNode verdict = Json.MAPPER.readTree(stripFence(content.textValue()));
            JsonNode score = verdict.path("score");
            if (!score.isNumber() || score.doubleValue() < 0 || score.doubleValue() > 1) {
                throw new JudgeException("the judge's reply has no score from 0 to 1: " + excerpt(content.textValue()));
            }
            return new Verdict(score.doubleValue(), verdict.path("rationale").isTextual() ? verdict.path("rationale").textValue() : null);
        } catch (IOException e) {
            throw new JudgeException("the judge's reply is not the JSON asked for: " + excerpt(response.body()), e);
        }
    }

    /** Models sometimes wrap JSON in a Markdown code fence despite JSON mode. */
    private static String stripFence(String s) {
        String t = s.strip();
        if (t.startsWith("```")) {
            t = t.substring(t.indexOf('\n') + 1);
            int end = t.lastIndexOf("```");
            t = end >= 0 ? t.substring(0, end) : t;
        }
        return t;
    }

    private static String excerpt(String body) {
        return body == null ? "(empty)" : body.length() > EXCERPT ? body.substring(0, EXCERPT) + "…" : body;
    }
}
