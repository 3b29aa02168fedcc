package dev.hearth.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The echo baseline and the load driver against each other, in this JVM, on a real socket. */
final class TestEchoServerUnderLoad {
    private static final byte[] PAYLOAD = "{\"hello\":\"world\"}".getBytes(StandardCharsets.UTF_8);
    private static EchoServer echo;
    private static HttpTarget target;

    @BeforeAll
    static void start() throws Exception {
        echo = new EchoServer("127.0.0.1", 0);
        echo.start();
        target = new HttpTarget("echo", URI.create(echo.endpoint() + "/anything"), Map.of("X-Test", "1"));
    }

    @AfterAll
    static void stop() throws Exception {
        echo.close();
    }

    @Test
    void echoesTheBody() throws Exception {
        try (HttpLoad load = new HttpLoad()) {
            KeepAliveConnection.Response response = load.call(target, PAYLOAD);
            assertThat(response.status()).isEqualTo(200);
            assertThat(response.body()).isEqualTo(PAYLOAD);
            assertThat(response.header("Content-Type")).contains("application/json");
            assertThat(load.call(target, "[1]".getBytes(StandardCharsets.UTF_8)).body()).as("same connection, next request")
                    .isEqualTo("[1]".getBytes(StandardCharsets.UTF_8));
        }
    }

    @Test
    void sequentialPhaseRecordsEveryRequest() throws Exception {
        try (HttpLoad load = new HttpLoad()) {
            LatencySamples samples = load.sequential(target, PAYLOAD, Duration.ofMillis(50), Duration.ofMillis(200));
            assertThat(samples.count()).isPositive();
            assertThat(samples.percentileNanos(50)).isPositive().isLessThanOrEqualTo(samples.percentileNanos(99));
        }
    }

    @Test
    void concurrentPhaseCountsRequestsOfEveryClient() throws Exception {
        try (HttpLoad load = new HttpLoad()) {
            Throughput throughput = load.concurrent(target, PAYLOAD, 3, Duration.ZERO, Duration.ofMillis(200));
            assertThat(throughput.connections()).isEqualTo(3);
            assertThat(throughput.requests()).isGreaterThanOrEqualTo(3);
            assertThat(throughput.perSecond()).isPositive();
        }
    }

    @Test
    void aFailedAnswerEndsThePhase() throws Exception {
        EchoServer other = new EchoServer("127.0.0.1", 0);
        other.start();
        String endpoint = other.endpoint();
        other.close();
        try (HttpLoad load = new HttpLoad()) {
            HttpTarget gone = new HttpTarget("gone", URI.create(endpoint + "/"), Map.of());
            assertThatThrownBy(() -> load.sequential(gone, PAYLOAD, Duration.ZERO, Duration.ofMillis(100)))
                    .isInstanceOf(java.net.ConnectException.class);
        }
    }

    @Test
    void requestsAreEncodedWithLengthAndHeaders() {
        String request = new String(KeepAliveConnection.post(URI.create("http://127.0.0.1:9/a/b?q=1"), Map.of("X-A", "b"),
                "{}".getBytes(StandardCharsets.UTF_8)), StandardCharsets.ISO_8859_1);
        assertThat(request).startsWith("POST /a/b?q=1 HTTP/1.1\r\nHost: 127.0.0.1:9\r\n")
                .contains("Content-Length: 2\r\n").contains("X-A: b\r\n").endsWith("\r\n\r\n{}");
    }

    @Test
    void aFunctionErrorOrNon200AnswerFailsLoudly() throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/unhandled", exchange -> {
            exchange.getResponseHeaders().add("X-Amz-Function-Error", "Unhandled");
            exchange.sendResponseHeaders(200, 2);
            exchange.getResponseBody().write("{}".getBytes(StandardCharsets.UTF_8));
            exchange.close();
        });
        server.createContext("/missing", exchange -> {
            exchange.sendResponseHeaders(404, 7);
            exchange.getResponseBody().write("missing".getBytes(StandardCharsets.UTF_8));
            exchange.close();
        });
        server.start();
        String base = "http://127.0.0.1:" + server.getAddress().getPort();
        try (HttpLoad load = new HttpLoad()) {
            assertThatThrownBy(() -> load.call(new HttpTarget("u", URI.create(base + "/unhandled"), Map.of()), PAYLOAD))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("answered 200 Unhandled");
            assertThatThrownBy(() -> load.sequential(new HttpTarget("m", URI.create(base + "/missing"), Map.of()), PAYLOAD,
                    Duration.ZERO, Duration.ofMillis(100)))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("answered 404").hasMessageContaining("missing");
        } finally {
            server.stop(0);
        }
    }

    @Test
    void hearthInvokeTargetsTheInvokeApi() {
        HttpTarget invoke = HttpTarget.hearthInvoke("hearth python3.12", URI.create("http://127.0.0.1:9400"), "noop-python");
        assertThat(invoke.uri()).isEqualTo(URI.create("http://127.0.0.1:9400/2015-03-31/functions/noop-python/invocations"));
    }
}
