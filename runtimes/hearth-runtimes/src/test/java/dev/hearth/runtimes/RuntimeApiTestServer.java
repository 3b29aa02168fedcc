package dev.hearth.runtimes;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Plays Lambda's side of the Runtime API for one runtime process, on a real socket on port 0:
 * hands out queued invocations with Lambda's headers and records what the runtime posts back.
 */
final class RuntimeApiTestServer implements AutoCloseable {

    static final String FUNCTION_ARN = "arn:aws:lambda:us-east-1:123456789012:function:hearth-test";
    private static final String PREFIX = "/2018-06-01/runtime/";

    record Invocation(String requestId, String payload, Map<String, String> headers) {}

    sealed interface Outcome {
        record Success(String body, String contentType) implements Outcome {}

        record Failure(String errorTypeHeader, String body) implements Outcome {}
    }

    record InitError(String errorTypeHeader, String body) {}

    private final HttpServer server;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final BlockingQueue<Invocation> pending = new LinkedBlockingQueue<>();
    private final Map<String, CompletableFuture<Outcome>> outcomes = new ConcurrentHashMap<>();
    private final CompletableFuture<InitError> initError = new CompletableFuture<>();
    private final Set<Integer> clientPorts = ConcurrentHashMap.newKeySet();
    private final boolean chunked;
    private volatile boolean closed;

    private RuntimeApiTestServer(HttpServer server, boolean chunked) {
        this.server = server;
        this.chunked = chunked;
    }

    static RuntimeApiTestServer start() throws IOException {
        return start(false);
    }

    /** @param chunked whether responses use chunked transfer encoding instead of {@code Content-Length} */
    static RuntimeApiTestServer start(boolean chunked) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        RuntimeApiTestServer api = new RuntimeApiTestServer(server, chunked);
        server.setExecutor(api.executor);
        server.createContext(PREFIX, api::handle);
        server.start();
        return api;
    }

    /** The value for {@code AWS_LAMBDA_RUNTIME_API}. */
    String address() {
        return server.getAddress().getHostString() + ":" + server.getAddress().getPort();
    }

    CompletableFuture<Outcome> invoke(String payload) {
        return invoke(payload, Map.of());
    }

    /** Queues an invocation with Lambda's headers (plus {@code extraHeaders}) and returns its outcome. */
    CompletableFuture<Outcome> invoke(String payload, Map<String, String> extraHeaders) {
        String requestId = UUID.randomUUID().toString();
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Lambda-Runtime-Aws-Request-Id", requestId);
        headers.put("Lambda-Runtime-Deadline-Ms", Long.toString(System.currentTimeMillis() + Duration.ofSeconds(60).toMillis()));
        headers.put("Lambda-Runtime-Invoked-Function-Arn", FUNCTION_ARN);
        headers.put("Lambda-Runtime-Trace-Id", "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1");
        headers.putAll(extraHeaders);
        CompletableFuture<Outcome> outcome = new CompletableFuture<>();
        outcomes.put(requestId, outcome);
        pending.add(new Invocation(requestId, payload, headers));
        return outcome;
    }

    CompletableFuture<InitError> initError() {
        return initError;
    }

    /** The client-side ports of every connection the runtime made. */
    Set<Integer> clientPorts() {
        return Set.copyOf(clientPorts);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            clientPorts.add(exchange.getRemoteAddress().getPort());
            String path = exchange.getRequestURI().getPath().substring(PREFIX.length());
            String method = exchange.getRequestMethod();
            byte[] body;
            try (InputStream in = exchange.getRequestBody()) {
                body = in.readAllBytes();
            }
            String text = new String(body, StandardCharsets.UTF_8);
            String errorType = exchange.getRequestHeaders().getFirst("Lambda-Runtime-Function-Error-Type");
            List<String> parts = List.of(path.split("/"));
            if (method.equals("GET") && path.equals("invocation/next")) {
                next(exchange);
            } else if (method.equals("POST") && path.equals("init/error")) {
                initError.complete(new InitError(errorType, text));
                accepted(exchange);
            } else if (method.equals("POST") && parts.size() == 3 && parts.get(0).equals("invocation")
                    && outcomes.containsKey(parts.get(1))) {
                CompletableFuture<Outcome> outcome = outcomes.get(parts.get(1));
                switch (parts.get(2)) {
                    case "response" -> outcome.complete(new Outcome.Success(
                            text, exchange.getRequestHeaders().getFirst("Content-Type")));
                    case "error" -> outcome.complete(new Outcome.Failure(errorType, text));
                    default -> {
                        reply(exchange, 404, "{\"errorMessage\":\"unknown path\"}");
                        return;
                    }
                }
                accepted(exchange);
            } else {
                reply(exchange, 404, "{\"errorMessage\":\"unknown path " + path + "\"}");
            }
        }
    }

    private void next(HttpExchange exchange) throws IOException {
        Invocation invocation = null;
        while (invocation == null) {
            if (closed) {
                reply(exchange, 500, "{\"errorMessage\":\"closed\"}");
                return;
            }
            try {
                invocation = pending.poll(100, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted waiting for an invocation", e);
            }
        }
        invocation.headers().forEach((name, value) -> exchange.getResponseHeaders().add(name, value));
        reply(exchange, 200, invocation.payload());
    }

    private void accepted(HttpExchange exchange) throws IOException {
        reply(exchange, 202, "{\"status\":\"OK\"}");
    }

    private void reply(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : chunked ? 0 : bytes.length);
        if (bytes.length > 0) {
            exchange.getResponseBody().write(bytes);
        }
    }

    @Override
    public void close() {
        closed = true;
        server.stop(0);
        executor.shutdownNow();
    }
}
