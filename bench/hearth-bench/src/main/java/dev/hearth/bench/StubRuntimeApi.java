package dev.hearth.bench;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.hearth.threads.HearthThreads;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The least a runtime needs of Lambda's Runtime API to run one invocation: the first
 * {@code GET /invocation/next} gets one event, {@code POST /invocation/{id}/response} completes
 * {@link #response()} with the body and the {@link System#nanoTime()} it arrived at; later
 * {@code next} calls wait until {@link #close}. An init or invocation error completes
 * {@link #response()} exceptionally with the runtime's error body.
 *
 * <p>Serves one runtime process once; handlers run on virtual threads. Closing stops the listener.
 */
final class StubRuntimeApi implements AutoCloseable {
    static final String REQUEST_ID = "8476a536-e9f4-11e8-9739-2dfe598c3fcd";
    private static final String PREFIX = "/2018-06-01/runtime";

    /** The body a runtime posted as the response, and when it arrived. */
    record Posted(byte[] body, long arrivedNanos) {}

    private final HttpServer server;
    private final ExecutorService threads = HearthThreads.perTaskVirtual("bench-stub-runtime-api");
    private final byte[] event;
    private final AtomicBoolean eventTaken = new AtomicBoolean();
    private final CountDownLatch closed = new CountDownLatch(1);
    private final CompletableFuture<Posted> response = new CompletableFuture<>();

    StubRuntimeApi(byte[] event) throws IOException {
        this.event = event.clone();
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(threads);
        server.createContext(PREFIX + "/", this::handle);
        server.start();
    }

    /** {@code host:port}, as {@code AWS_LAMBDA_RUNTIME_API} takes it. */
    String address() {
        return "127.0.0.1:" + server.getAddress().getPort();
    }

    CompletableFuture<Posted> response() {
        return response;
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath().substring(PREFIX.length());
            byte[] body;
            try (InputStream in = exchange.getRequestBody()) {
                body = in.readAllBytes();
            }
            long arrived = System.nanoTime();
            if (path.equals("/invocation/next")) {
                next(exchange);
            } else if (path.equals("/invocation/" + REQUEST_ID + "/response")) {
                response.complete(new Posted(body, arrived));
                reply(exchange, 202, "{\"status\":\"OK\"}".getBytes(StandardCharsets.UTF_8));
            } else if (path.endsWith("/error")) {
                response.completeExceptionally(new IllegalStateException(
                        "the runtime reported an error on " + path + ": " + new String(body, StandardCharsets.UTF_8)));
                reply(exchange, 202, "{\"status\":\"OK\"}".getBytes(StandardCharsets.UTF_8));
            } else {
                reply(exchange, 404, ("{\"errorMessage\":\"no route " + path + "\"}").getBytes(StandardCharsets.UTF_8));
            }
        }
    }

    private void next(HttpExchange exchange) throws IOException {
        if (!eventTaken.compareAndSet(false, true)) {
            try {
                closed.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            reply(exchange, 500, "{\"errorMessage\":\"the stub runtime API is closed\"}".getBytes(StandardCharsets.UTF_8));
            return;
        }
        exchange.getResponseHeaders().add("Lambda-Runtime-Aws-Request-Id", REQUEST_ID);
        exchange.getResponseHeaders().add("Lambda-Runtime-Deadline-Ms", Long.toString(System.currentTimeMillis() + 30_000));
        exchange.getResponseHeaders().add("Lambda-Runtime-Invoked-Function-Arn",
                "arn:aws:lambda:us-east-1:000000000000:function:bare");
        exchange.getResponseHeaders().add("Lambda-Runtime-Trace-Id", "Root=1-5bef4de7-ad49b0e87f6ef6c87fc2e700;Parent=9a9197af755a6419;Sampled=1");
        reply(exchange, 200, event);
    }

    private static void reply(HttpExchange exchange, int status, byte[] body) throws IOException {
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    @Override
    public void close() {
        closed.countDown();
        server.stop(0);
        threads.close();
    }
}
