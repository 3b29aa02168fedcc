package dev.hearth.bench;

import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Time to first byte of a streamed response against a buffered one, in one run: one Hearth server
 * (process backend), two warm node functions doing the same work — a first piece of output, then
 * {@code --work-ms} of waiting, then the rest — one wrapped in {@code awslambda.streamifyResponse}
 * and invoked with InvokeWithResponseStream, the other returning its whole result to Invoke. Each
 * sample is one request on a new connection, timed from sending it to the first byte of the answer's
 * body, and to its last; samples of the two alternate.
 *
 * <pre>
 * ./mvnw -B -q -o -pl bench/hearth-bench dependency:build-classpath -Dmdep.outputFile=/tmp/bench.cp
 * $JAVA_HOME/bin/java -cp bench/hearth-bench/target/classes:$(cat /tmp/bench.cp) dev.hearth.bench.StreamingFirstByte \
 *     --samples 30 --work-ms 200 [--server-jar server/hearth-server/target/hearth-server.jar]
 * </pre>
 */
public final class StreamingFirstByte {
    private static final String STREAMED = """
            export const handler = awslambda.streamifyResponse(async (event, responseStream) => {
              responseStream.write('first piece ');
              await new Promise((resolve) => setTimeout(resolve, event.workMs));
              responseStream.write('and the rest');
              responseStream.end();
            });
            """;
    private static final String BUFFERED = """
            export const handler = async (event) => {
              const first = 'first piece ';
              await new Promise((resolve) => setTimeout(resolve, event.workMs));
              return first + 'and the rest';
            };
            """;

    private StreamingFirstByte() {}

    public static void main(String[] args) throws Exception {
        int samples = intOption(args, "--samples", 30);
        int workMs = intOption(args, "--work-ms", 200);
        Path serverJar = Path.of(stringOption(args, "--server-jar", "server/hearth-server/target/hearth-server.jar"));
        Path dataDir = Files.createTempDirectory("hearth-bench-streaming");
        try (ServerProcess server = ServerProcess.startHearth("hearth", serverJar, dataDir, "process", List.of())) {
            URI endpoint = server.awaitEndpoint();
            try (HearthFunctions functions = new HearthFunctions(endpoint)) {
                functions.create("streamed", node(STREAMED));
                functions.create("buffered", node(BUFFERED));
                HttpClient http = HttpClient.newHttpClient();
                byte[] payload = ("{\"workMs\":" + workMs + "}").getBytes(StandardCharsets.UTF_8);
                URI streamed = endpoint.resolve("/2021-11-15/functions/streamed/response-streaming-invocations");
                URI buffered = endpoint.resolve("/2015-03-31/functions/buffered/invocations");
                for (int i = 0; i < 3; i++) { // cold starts and JIT out of the way
                    time(http, streamed, payload);
                    time(http, buffered, payload);
                }
                long[][] streamedNanos = new long[2][samples];
                long[][] bufferedNanos = new long[2][samples];
                for (int i = 0; i < samples; i++) {
                    long[] s = time(http, streamed, payload);
                    long[] b = time(http, buffered, payload);
                    streamedNanos[0][i] = s[0];
                    streamedNanos[1][i] = s[1];
                    bufferedNanos[0][i] = b[0];
                    bufferedNanos[1][i] = b[1];
                }
                System.out.println(MachineDescription.current().summary());
                System.out.printf("%d samples each, handler work %d ms between its first piece and the rest%n", samples, workMs);
                System.out.println("| response | first byte p50 | first byte p90 | last byte p50 | last byte p90 |");
                System.out.println("|---|---|---|---|---|");
                row("streamed (InvokeWithResponseStream)", streamedNanos);
                row("buffered (Invoke)", bufferedNanos);
            }
        }
    }

    private static void row(String name, long[][] nanos) {
        LatencySamples first = LatencySamples.of(nanos[0]);
        LatencySamples last = LatencySamples.of(nanos[1]);
        System.out.printf("| %s | %.1f ms | %.1f ms | %.1f ms | %.1f ms |%n", name, first.percentileMillis(50),
                first.percentileMillis(90), last.percentileMillis(50), last.percentileMillis(90));
    }

    /** Nanoseconds from sending the request to the answer's first body byte, and to its end. */
    private static long[] time(HttpClient http, URI uri, byte[] payload) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(60))
                .POST(HttpRequest.BodyPublishers.ofByteArray(payload)).build();
        long start = System.nanoTime();
        HttpResponse<InputStream> response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
        try (InputStream body = response.body()) {
            if (response.statusCode() != 200 || body.read() < 0) {
                throw new IllegalStateException(uri + " answered " + response.statusCode() + " without a body");
            }
            long first = System.nanoTime() - start;
            body.readAllBytes();
            return new long[] {first, System.nanoTime() - start};
        }
    }

    private static NoopFunction node(String source) {
        return new NoopFunction("nodejs22.x", "index.handler", 128, Map.of("index.mjs", source.getBytes(StandardCharsets.UTF_8)));
    }

    private static int intOption(String[] args, String name, int fallback) {
        return Integer.parseInt(stringOption(args, name, Integer.toString(fallback)));
    }

    private static String stringOption(String[] args, String name, String fallback) {
        for (int i = 0; i < args.length - 1; i++) {
            if (args[i].equals(name)) {
                return args[i + 1];
            }
        }
        return fallback;
    }
}
