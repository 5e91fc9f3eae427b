package dev.ratchet.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Drives {@code POST /api/v1/traces} from a fixed number of client threads, each sending one batch at a
 * time and waiting for its acknowledgement (HTTP 200, sent by the server after the commit is durable).
 * The threads take the next unsent batch from a shared counter, so a slow request never idles the others.
 * One instance per server; {@link #send} is not meant to be called concurrently.
 */
final class RestLoad implements AutoCloseable {

    private final URI endpoint;
    private final String authorization;
    private final int clients;
    private final HttpClient http;

    RestLoad(String baseUrl, String apiKey, int clients) {
        this.endpoint = URI.create(baseUrl + "/api/v1/traces");
        this.authorization = "Bearer " + apiKey;
        this.clients = clients;
        // HTTP/1.1 explicitly: the default would try an h2c upgrade on each new connection.
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10))
                .build();
    }

    /**
     * Sends every batch and returns when all are acknowledged.
     *
     * @throws IllegalStateException naming the status and body of the first request not answered 200
     */
    PhaseResult send(List<Batch> batches) throws InterruptedException {
        long[] latencies = new long[batches.size()];
        AtomicInteger next = new AtomicInteger();
        CountDownLatch go = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(clients, r -> {
            Thread t = new Thread(r, "bench-client");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<Void>> workers = new ArrayList<>(clients);
            for (int i = 0; i < clients; i++) {
                workers.add(pool.submit(() -> {
                    go.await();
                    for (int b = next.getAndIncrement(); b < batches.size(); b = next.getAndIncrement()) {
                        long t0 = System.nanoTime();
                        post(batches.get(b).body());
                        latencies[b] = System.nanoTime() - t0;
                    }
                    return null;
                }));
            }
            long start = System.nanoTime();
            go.countDown();
            for (Future<Void> w : workers) {
                try {
                    w.get();
                } catch (ExecutionException e) {
                    // Stop the other clients instead of letting them send the rest of the phase.
                    next.set(batches.size());
                    throw e.getCause() instanceof RuntimeException re ? re : new IllegalStateException(e.getCause());
                }
            }
            return PhaseResult.of(batches, System.nanoTime() - start, latencies);
        } finally {
            pool.shutdownNow();
        }
    }

    private void post(byte[] body) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(endpoint)
                .timeout(Duration.ofMinutes(2))
                .header("Authorization", authorization)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            String text = response.body();
            throw new IllegalStateException("ingest answered " + response.statusCode() + ": "
                    + (text.length() > 500 ? text.substring(0, 500) + "…" : text));
        }
    }

    @Override
    public void close() {
        http.close();
    }
}
