package dev.ratchet.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ratchet.common.FieldError;
import dev.ratchet.common.Json;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;

/** A small client of the REST API for the CLI: JSON in, JSON out, errors as {@link ApiException}. */
final class ApiClient {

    private final String baseUrl;
    private final String key;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    ApiClient(String baseUrl, String key) {
        this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
        this.key = key;
    }

    JsonNode get(String path, Map<String, String> query) {
        StringJoiner qs = new StringJoiner("&", "?", "").setEmptyValue("");
        query.forEach((k, v) -> {
            if (v != null) {
                qs.add(URLEncoder.encode(k, StandardCharsets.UTF_8) + "=" + URLEncoder.encode(v, StandardCharsets.UTF_8));
            }
        });
        return send(request(path + qs).GET().build());
    }

    JsonNode post(String path, byte[] body) {
        return post(path, body, "application/json");
    }

    JsonNode post(String path, byte[] body, String contentType) {
        return send(request(path).header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build());
    }

    /** Downloads a file the API serves to {@code target} (replacing it); returns its bytes' SHA-256 in hex. */
    String download(String path, java.nio.file.Path target) {
        HttpResponse<java.io.InputStream> response;
        try {
            response = http.send(request(path).GET().build(), HttpResponse.BodyHandlers.ofInputStream());
        } catch (ConnectException e) {
            throw new CliException("cannot reach a Ratchet server at " + baseUrl + " (start one with: ratchet serve)", e);
        } catch (IOException e) {
            throw new CliException("request to " + baseUrl + " failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException("interrupted", e);
        }
        try (java.io.InputStream in = response.body()) {
            if (response.statusCode() >= 400) {
                byte[] body = in.readAllBytes();
                throw ApiException.from(response.statusCode(),
                        body.length == 0 ? Json.MAPPER.nullNode() : Json.MAPPER.readTree(body));
            }
            java.security.MessageDigest sha = java.security.MessageDigest.getInstance("SHA-256");
            try (java.io.OutputStream out = java.nio.file.Files.newOutputStream(target)) {
                byte[] buf = new byte[1 << 16];
                for (int n; (n = in.read(buf)) > 0; ) {
                    sha.update(buf, 0, n);
                    out.write(buf, 0, n);
                }
            }
            return java.util.HexFormat.of().formatHex(sha.digest());
        } catch (IOException e) {
            throw new CliException("download of " + path + " failed: " + e.getMessage(), e);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static String encodePath(String segment) {
        return URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create(baseUrl + path))
                .timeout(Duration.ofSeconds(60))
                .header("Authorization", "Bearer " + key)
                .header("Accept", "application/json");
    }

    private JsonNode send(HttpRequest request) {
        HttpResponse<byte[]> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
        } catch (ConnectException e) {
            throw new CliException("cannot reach a Ratchet server at " + baseUrl + " (start one with: ratchet serve)", e);
        } catch (IOException e) {
            throw new CliException("request to " + baseUrl + " failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException("interrupted", e);
        }
        JsonNode body;
        try {
            body = response.body().length == 0 ? Json.MAPPER.nullNode() : Json.MAPPER.readTree(response.body());
        } catch (IOException e) {
            throw new CliException("server answered " + response.statusCode() + " with a body that is not JSON");
        }
        if (response.statusCode() >= 400) {
            throw ApiException.from(response.statusCode(), body);
        }
        return body;
    }

    /** A refusal from the server, with its status, message and field errors. */
    static final class ApiException extends RuntimeException {
        private final int status;
        private final List<FieldError> errors;

        ApiException(int status, String message, List<FieldError> errors) {
            super(message);
            this.status = status;
            this.errors = errors;
        }

        int status() {
            return status;
        }

        List<FieldError> errors() {
            return errors;
        }

        static ApiException from(int status, JsonNode body) {
            String message = body.path("message").asText("HTTP " + status);
            List<FieldError> errors = new ArrayList<>();
            for (JsonNode e : body.path("errors")) {
                errors.add(new FieldError(e.hasNonNull("item") ? e.get("item").asInt() : null,
                        e.path("field").asText(), e.path("reason").asText()));
            }
            return new ApiException(status, status + " " + body.path("error").asText("error") + ": " + message, errors);
        }
    }
}
