package dev.ratchet.memory;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ratchet.common.BadInputException;
import dev.ratchet.common.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A client for an OpenAI-compatible embeddings endpoint: {@code POST {baseUrl}/v1/embeddings} with
 * {@code {"model": ..., "input": [texts]}}, answered by {@code {"data": [{"index": i, "embedding": [...]}]}}.
 * OpenAI, Azure-style gateways, vLLM, Ollama, LM Studio and text-embeddings-inference speak it.
 *
 * <p>Texts go in batches of at most {@code batchSize} per request. Every answer is checked: a status other than
 * 200, a body that is not the shape above, a missing or repeated index, or a vector whose length is not the
 * configured dimension is an {@link EmbeddingException} naming the endpoint and what was wrong (never the key).
 * Vectors are normalised here, since not every server does. Thread-safe: {@link HttpClient} is.
 */
public final class OpenAiEmbedder implements Embedder {

    /** Where and what to call. {@code apiKey} may be null for servers without auth. */
    public record Settings(URI baseUrl, String model, int dimension, String apiKey, int batchSize, Duration timeout) {

        public Settings {
            if (baseUrl == null || baseUrl.getScheme() == null
                    || !(baseUrl.getScheme().equals("http") || baseUrl.getScheme().equals("https"))) {
                throw new BadInputException("baseUrl", "must be an http or https URL");
            }
            if (model == null || model.isBlank()) {
                throw new BadInputException("model", "must not be blank");
            }
            if (dimension < 1) {
                throw new BadInputException("dimension", "must be at least 1");
            }
            if (batchSize < 1) {
                throw new BadInputException("batchSize", "must be at least 1");
            }
            if (timeout == null || timeout.isNegative() || timeout.isZero()) {
                throw new BadInputException("timeout", "must be positive");
            }
        }

        /** Batches of 96 texts (within every known server's limit) and a 60-second timeout. */
        public static Settings of(URI baseUrl, String model, int dimension, String apiKey) {
            return new Settings(baseUrl, model, dimension, apiKey, 96, Duration.ofSeconds(60));
        }
    }

    // Floats as doubles, not BigDecimal: thousands of components per answer, read only as floats.
    private static final ObjectReader READER = Json.MAPPER.reader().without(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
    private static final int BODY_EXCERPT = 300;

    private final Settings settings;
    private final URI endpoint;
    private final HttpClient http;

    public OpenAiEmbedder(Settings settings) {
        this.settings = settings;
        String base = settings.baseUrl().toString();
        this.endpoint = URI.create((base.endsWith("/") ? base.substring(0, base.length() - 1) : base) + "/v1/embeddings");
        this.http = HttpClient.newBuilder().connectTimeout(settings.timeout()).build();
    }

    @Override
    public String model() {
        return settings.model();
    }

    @Override
    public int dimension() {
        return settings.dimension();
    }

    @Override
    public float[] embed(String text) {
        Vectors.requireText(text);
        return request(List.of(text)).get(0);
    }

    @Override
    public List<float[]> embedAll(List<String> texts) {
        Vectors.requireTexts(texts);
        List<float[]> out = new ArrayList<>(texts.size());
        for (int from = 0; from < texts.size(); from += settings.batchSize()) {
            out.addAll(request(texts.subList(from, Math.min(texts.size(), from + settings.batchSize()))));
        }
        return out;
    }

    private List<float[]> request(List<String> batch) {
        ObjectNode body = Json.MAPPER.createObjectNode();
        body.put("model", settings.model());
        ArrayNode input = body.putArray("input");
        batch.forEach(input::add);
        HttpRequest.Builder request = HttpRequest.newBuilder(endpoint)
                .timeout(settings.timeout())
                .header("Content-Type", "application/json")
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(Json.write(body), StandardCharsets.UTF_8));
        if (settings.apiKey() != null && !settings.apiKey().isEmpty()) {
            request.header("Authorization", "Bearer " + settings.apiKey());
        }
        HttpResponse<String> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new EmbeddingException("embeddings endpoint " + endpoint + " unreachable: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EmbeddingException("interrupted while calling embeddings endpoint " + endpoint, e);
        }
        if (response.statusCode() != 200) {
            throw new EmbeddingException("embeddings endpoint " + endpoint + " answered HTTP " + response.statusCode()
                    + ": " + excerpt(response.body()));
        }
        return parse(response.body(), batch.size());
    }

    private List<float[]> parse(String text, int expected) {
        JsonNode root;
        try {
            root = READER.readTree(text);
        } catch (JsonProcessingException e) {
            throw malformed("body is not JSON (" + e.getOriginalMessage() + ")");
        }
        JsonNode data = root == null ? null : root.get("data");
        if (data == null || !data.isArray()) {
            throw malformed("no \"data\" array in " + excerpt(text));
        }
        if (data.size() != expected) {
            throw malformed(data.size() + " embeddings for " + expected + " inputs");
        }
        float[][] vectors = new float[expected][];
        for (int i = 0; i < data.size(); i++) {
            JsonNode item = data.get(i);
            // Servers may answer out of order; "index" says which input each vector belongs to.
            JsonNode indexNode = item.get("index");
            int index = indexNode == null ? i : indexNode.asInt(-1);
            if (indexNode != null && !indexNode.canConvertToInt() || index < 0 || index >= expected || vectors[index] != null) {
                throw malformed("data[" + i + "].index is missing, out of range or repeated");
            }
            JsonNode embedding = item.get("embedding");
            if (embedding == null || !embedding.isArray()) {
                throw malformed("data[" + i + "].embedding is not an array of numbers"
                        + (embedding != null && embedding.isTextual() ? " (base64 encoding is not supported)" : ""));
            }
            if (embedding.size() != settings.dimension()) {
                throw new EmbeddingException("embeddings endpoint " + endpoint + " returned " + embedding.size()
                        + " dimensions for model " + settings.model() + ", expected " + settings.dimension());
            }
            float[] v = new float[embedding.size()];
            for (int j = 0; j < v.length; j++) {
                JsonNode x = embedding.get(j);
                if (!x.isNumber()) {
                    throw malformed("data[" + i + "].embedding[" + j + "] is not a number");
                }
                v[j] = x.floatValue();
            }
            try {
                vectors[index] = Vectors.normalized(v, "embedding");
            } catch (BadInputException e) {
                throw malformed("data[" + i + "].embedding is zero or not finite");
            }
        }
        return List.of(vectors);
    }

    private EmbeddingException malformed(String what) {
        return new EmbeddingException("embeddings endpoint " + endpoint + " answered malformed JSON: " + what);
    }

    private static String excerpt(String body) {
        if (body == null || body.isEmpty()) {
            return "(empty body)";
        }
        return body.length() <= BODY_EXCERPT ? body : body.substring(0, BODY_EXCERPT) + "…";
    }
}
