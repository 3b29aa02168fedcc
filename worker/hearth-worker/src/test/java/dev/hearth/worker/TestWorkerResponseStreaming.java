package dev.hearth.worker;

import static dev.hearth.worker.TestFunctions.request;
import static dev.hearth.worker.TestFunctions.revision;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Response streaming through the worker and the Runtime API, with a custom runtime that streams
 * chunked bodies itself and with the node runtime's {@code awslambda.streamifyResponse}: chunks reach
 * the consumer while the function still runs, error trailers become the invocation's error, a slow
 * consumer slows the runtime down, and the size limit and bandwidth cap hold.
 */
final class TestWorkerResponseStreaming {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    static Path root;
    private static ProcessWorkers workers;
    private static Path streamCode;
    private static Path nodeCode;
    private static Path echoCode;

    private final RecordingLogSink logs = new RecordingLogSink();

    @BeforeAll
    static void startBackend() throws Exception {
        workers = ProcessWorkers.open(root);
        streamCode = workers.install("provided-stream", List.of("bootstrap"));
        nodeCode = workers.install("node-stream", List.of("index.mjs"));
        echoCode = workers.install("provided-echo", List.of("bootstrap"));
    }

    @AfterAll
    static void stopBackend() {
        workers.close();
    }

    /** Collects chunks as they arrive. */
    private static final class Chunks implements ResponseChunks {
        final List<String> received = new CopyOnWriteArrayList<>();
        final AtomicLong bytes = new AtomicLong();

        @Override
        public void write(byte[] chunk, int offset, int length) {
            received.add(new String(chunk, offset, length, StandardCharsets.UTF_8));
            bytes.addAndGet(length);
        }

        String all() {
            return String.join("", received);
        }
    }

    private Worker worker(UnaryOperator<WorkerConfig> adjust) throws IOException {
        return workers.worker(adjust, new ManualClock(), logs);
    }

    private static Path signalFile() throws IOException {
        Path dir = Files.createTempDirectory(root, "signal");
        TestFunctions.openUp(dir);
        return dir.resolve("go");
    }

    private static String event(Object... keysAndValues) {
        var node = JSON.createObjectNode();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            node.putPOJO((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return node.toString();
    }

    @Test
    void aCustomRuntimesChunksReachTheConsumerWhileItStillRuns() throws Exception {
        try (Worker worker = worker(UnaryOperator.identity())) {
            FunctionRevision f = revision("streamer", "provided.al2023", "x", streamCode, 60);
            Path signal = signalFile();
            Chunks chunks = new Chunks();

            CompletableFuture<InvocationResult> result = CompletableFuture.supplyAsync(
                    () -> worker.invokeStreaming(f, request(f, event("signal", signal.toString())), chunks));

            await().atMost(WAIT).until(() -> chunks.received.contains("first"));
            assertThat(result).as("the runtime waits for the signal before its second chunk").isNotDone();
            assertThat(chunks.received).containsExactly("first");
            Files.createFile(signal);
            InvocationResult done = result.get(60, TimeUnit.SECONDS);

            assertThat(chunks.received).containsExactly("first", "second");
            assertThat(done.functionError()).isEmpty();
            assertThat(done.payload()).isEmpty();
            await().atMost(WAIT).until(() -> logs.messages(PlatformLog.logGroup("streamer")).contains("reply 202 {\"status\":\"OK\"}"));
            // the sandbox is warm again and serves the next invocation
            Chunks again = new Chunks();
            worker.invokeStreaming(f, request(f, event("buffered", "whole")), again);
            assertThat(again.all()).isEqualTo("whole");
        }
    }

    @Test
    void errorTrailersAfterTheFirstChunkFailTheInvocation() throws Exception {
        try (Worker worker = worker(UnaryOperator.identity())) {
            FunctionRevision f = revision("breaker", "provided.al2023", "x", streamCode, 60);
            Chunks chunks = new Chunks();

            InvocationResult result = worker.invokeStreaming(f, request(f, event("buffered", "partial", "error", true)), chunks);

            assertThat(chunks.all()).isEqualTo("partial");
            assertThat(result.functionError()).contains("Unhandled");
            JsonNode error = JSON.readTree(result.payload());
            assertThat(error.get("errorType").asText()).isEqualTo("StreamBroke");
            assertThat(error.get("errorMessage").asText()).isEqualTo("broke after the first chunk");
        }
    }

    @Test
    void aTimeoutAfterTheFirstChunkEndsTheStreamWithLambdasTimeoutError() throws Exception {
        try (Worker worker = worker(UnaryOperator.identity())) {
            FunctionRevision f = revision("slowpoke", "provided.al2023", "x", streamCode, 2);
            Chunks chunks = new Chunks();

            InvocationResult result = worker.invokeStreaming(f, request(f, event("signal", root.resolve("never").toString())),
                    chunks);

            assertThat(chunks.received).containsExactly("first");
            assertThat(result.functionError()).contains("Unhandled");
            JsonNode error = JSON.readTree(result.payload());
            assertThat(error.get("errorType").asText()).isEqualTo("Sandbox.Timedout");
            assertThat(error.get("errorMessage").asText()).endsWith("Task timed out after 2.00 seconds");
        }
    }

    @Test
    void aBufferedInvokeOfAStreamingRuntimeGetsTheWholeResponseOrItsError() throws Exception {
        try (Worker worker = worker(UnaryOperator.identity())) {
            FunctionRevision f = revision("buffered", "provided.al2023", "x", streamCode, 60);

            InvocationResult ok = worker.invoke(f, request(f, event("count", 3, "size", 4)));
            InvocationResult failed = worker.invoke(f, request(f, event("buffered", "partial", "error", true)));

            assertThat(new String(ok.payload(), StandardCharsets.UTF_8)).isEqualTo("xxxxxxxxxxxx");
            assertThat(ok.functionError()).isEmpty();
            assertThat(failed.functionError()).contains("Unhandled");
            assertThat(JSON.readTree(failed.payload()).get("errorType").asText()).isEqualTo("StreamBroke");
        }
    }

    @Test
    void aResponsePostedWholeIsStreamedAsOneChunk() throws Exception {
        try (Worker worker = worker(UnaryOperator.identity())) {
            FunctionRevision f = revision("whole", "provided.al2023", "x", echoCode, 60);
            Chunks chunks = new Chunks();

            InvocationResult result = worker.invokeStreaming(f, request(f, "{\"a\":1}"), chunks);

            assertThat(chunks.received).hasSize(1);
            assertThat(JSON.readTree(chunks.all()).get("event")).isEqualTo(JSON.readTree("{\"a\":1}"));
            assertThat(result.payload()).isEmpty();
        }
    }

    @Test
    void aSlowConsumerHoldsTheRuntimeBackInsteadOfBeingBufferedFor() throws Exception {
        try (Worker worker = worker(UnaryOperator.identity())) {
            FunctionRevision f = revision("pressed", "provided.al2023", "x", streamCode, 120);
            int size = 64 * 1024;
            int count = 1024; // 64 MiB
            CountDownLatch release = new CountDownLatch(1);
            AtomicLong received = new AtomicLong();
            ResponseChunks slow = (bytes, offset, length) -> {
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                received.addAndGet(length);
            };

            CompletableFuture<InvocationResult> result = CompletableFuture.supplyAsync(
                    () -> worker.invokeStreaming(f, request(f, event("count", count, "size", size)), slow));

            // the runtime writes until the sockets' buffers are full, then waits for the consumer
            AtomicLong seen = new AtomicLong(-1);
            await().atMost(WAIT).pollInterval(Duration.ofMillis(500)).until(() -> {
                long now = written("pressed");
                return now > 0 && now == seen.getAndSet(now);
            });
            assertThat(written("pressed")).as("bytes the runtime could write while the consumer took nothing")
                    .isLessThan(32L * 1024 * 1024);
            release.countDown();
            InvocationResult done = result.get(120, TimeUnit.SECONDS);

            assertThat(done.functionError()).isEmpty();
            assertThat(received.get()).isEqualTo((long) size * count);
        }
    }

    /** The most bytes the runtime reported writing so far. */
    private long written(String function) {
        return logs.messages(PlatformLog.logGroup(function)).stream().filter(line -> line.startsWith("wrote "))
                .mapToLong(line -> Long.parseLong(line.substring("wrote ".length()).strip())).max().orElse(0);
    }

    @Test
    void aStreamOverTheSizeLimitEndsWithLambdasError() throws Exception {
        try (Worker worker = worker(c -> c.withStreaming(StreamingLimits.LAMBDA.withMaxBytes(100_000)))) {
            FunctionRevision f = revision("oversized", "provided.al2023", "x", streamCode, 60);
            Chunks chunks = new Chunks();

            InvocationResult result = worker.invokeStreaming(f, request(f, event("count", 10, "size", 30_000)), chunks);

            assertThat(chunks.bytes.get()).isLessThanOrEqualTo(100_000);
            assertThat(result.functionError()).contains("Unhandled");
            JsonNode error = JSON.readTree(result.payload());
            assertThat(error.get("errorType").asText()).isEqualTo("Function.ResponseSizeTooLarge");
            assertThat(error.get("errorMessage").asText())
                    .isEqualTo("Response payload size exceeded maximum allowed payload size (100000 bytes).");
        }
    }

    @Test
    void pastTheUncappedStartTheBandwidthIsCapped() throws Exception {
        // 256 KiB uncapped, then 1 MiB/s: 1.25 MiB take at least a second
        try (Worker worker = worker(c -> c.withStreaming(new StreamingLimits(1L << 30, 256 * 1024, 1024 * 1024)))) {
            FunctionRevision f = revision("capped", "provided.al2023", "x", streamCode, 60);
            Chunks chunks = new Chunks();
            worker.invokeStreaming(f, request(f, event("buffered", "warm")), new Chunks());

            long start = System.nanoTime();
            InvocationResult result = worker.invokeStreaming(f, request(f, event("count", 20, "size", 64 * 1024)), chunks);
            Duration took = Duration.ofNanos(System.nanoTime() - start);

            assertThat(result.functionError()).isEmpty();
            assertThat(chunks.bytes.get()).isEqualTo(20L * 64 * 1024);
            assertThat(took).isGreaterThanOrEqualTo(Duration.ofMillis(950));
        }
    }

    @Test
    void nodesStreamifiedHandlerStreamsAndWritesTheUrlPrelude() throws Exception {
        try (Worker worker = worker(UnaryOperator.identity())) {
            FunctionRevision f = revision("node-streamer", "nodejs20.x", "index.handler", nodeCode, 60);
            Path signal = signalFile();
            Chunks chunks = new Chunks();

            CompletableFuture<InvocationResult> result = CompletableFuture.supplyAsync(
                    () -> worker.invokeStreaming(f, request(f, event("signal", signal.toString())), chunks));
            await().atMost(WAIT).until(() -> chunks.all().equals("first"));
            assertThat(result).isNotDone();
            Files.createFile(signal);
            InvocationResult done = result.get(60, TimeUnit.SECONDS);

            assertThat(chunks.all()).isEqualTo("firstsecond");
            assertThat(done.functionError()).isEmpty();

            ByteArrayOutputStream url = new ByteArrayOutputStream();
            worker.invokeStreaming(f, request(f, event("signal", signal.toString(), "url", true)),
                    (bytes, offset, length) -> url.write(bytes, offset, length));
            byte[] body = url.toByteArray();
            String prelude = "{\"statusCode\":201,\"headers\":{\"x-kind\":\"streamed\"}}";
            assertThat(new String(body, 0, prelude.length(), StandardCharsets.UTF_8)).isEqualTo(prelude);
            assertThat(Arrays.copyOfRange(body, prelude.length(), prelude.length() + 8)).containsOnly(0);
            assertThat(new String(body, prelude.length() + 8, body.length - prelude.length() - 8, StandardCharsets.UTF_8))
                    .isEqualTo("firstsecond");
        }
    }

    @Test
    void nodesStreamifiedHandlerThatThrowsAfterAChunkFailsTheInvocation() throws Exception {
        try (Worker worker = worker(UnaryOperator.identity())) {
            FunctionRevision f = revision("node-breaker", "nodejs20.x", "index.handler", nodeCode, 60);
            Chunks chunks = new Chunks();

            InvocationResult result = worker.invokeStreaming(f, request(f, event("fail", true, "signal", "/nonexistent")), chunks);

            assertThat(chunks.all()).isEqualTo("first");
            assertThat(result.functionError()).contains("Unhandled");
            JsonNode error = JSON.readTree(result.payload());
            assertThat(error.get("errorType").asText()).isEqualTo("TypeError");
            assertThat(error.get("errorMessage").asText()).isEqualTo("failed after the first chunk");
            // a buffered Invoke of the same handler gets its response whole
            Path signal = signalFile();
            Files.createFile(signal);
            assertThat(new String(worker.invoke(f, request(f, event("signal", signal.toString()))).payload(),
                    StandardCharsets.UTF_8)).isEqualTo("firstsecond");
        }
    }
}
