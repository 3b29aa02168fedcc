package dev.hearth.worker.runtimeapi;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hearth.sandbox.spi.RuntimeApiAddress;
import dev.hearth.sandbox.spi.RuntimeApiTransport;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.URI;
import java.net.UnixDomainSocketAddress;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Runtime API server on real sockets (TCP and unix), with a hand-written session. */
final class TestRuntimeApiServer {
    private final RuntimeApiServer server = RuntimeApiServer.start(100);
    private final HttpClient http = HttpClient.newHttpClient();

    @TempDir
    Path dir;

    @AfterEach
    void stop() {
        server.close();
    }

    /** A session that serves queued events and records what the runtime posted. */
    private static final String SANDBOX_KEY = "ASIASCRIPTEDSESSION1";

    private static final class ScriptedSession implements RuntimeApiSession {
        final LinkedBlockingQueue<NextOutcome> next = new LinkedBlockingQueue<>();
        final List<String> calls = new CopyOnWriteArrayList<>();

        @Override
        public NextOutcome awaitNext() throws InterruptedException {
            return next.take();
        }

        @Override
        public String sandboxAccessKeyId() {
            return SANDBOX_KEY;
        }

        @Override
        public void delivering(NextEvent event) {
            calls.add("delivering " + event.requestId());
        }

        @Override
        public RuntimeApiReply response(String requestId, byte[] body, boolean logsMarked) {
            calls.add("response " + requestId + " " + new String(body, StandardCharsets.UTF_8) + (logsMarked ? " (marked)" : ""));
            return requestId.equals("req-1") ? RuntimeApiReply.accepted() : RuntimeApiReply.invalidRequestId();
        }

        @Override
        public RuntimeApiReply responseTooLarge(String requestId, long size, long limit, boolean logsMarked) {
            calls.add("too large " + requestId + " " + size);
            return RuntimeApiReply.payloadTooLarge(limit);
        }

        @Override
        public RuntimeApiReply error(String requestId, String errorType, byte[] body, boolean logsMarked) {
            calls.add("error " + requestId + " " + errorType + " " + new String(body, StandardCharsets.UTF_8));
            return RuntimeApiReply.accepted();
        }

        @Override
        public RuntimeApiReply initError(String errorType, byte[] body) {
            calls.add("init error " + errorType);
            return RuntimeApiReply.invalidStateTransition();
        }
    }

    private static NextEvent event(String requestId) {
        return new NextEvent(requestId, 1_700_000_000_123L, "arn:aws:lambda:us-east-1:000000000000:function:f",
                "Root=1-00000000-000000000000000000000000;Parent=0000000000000000;Sampled=0",
                Optional.of("{\"custom\":{}}"), Optional.empty(), "{\"a\":1}".getBytes(StandardCharsets.UTF_8));
    }

    private String base(RuntimeApiListener listener) {
        return "http://" + ((RuntimeApiAddress.Tcp) listener.address()).hostPort() + "/2018-06-01/runtime/";
    }

    @Test
    void otherPathsReachTheInstalledForwarderOnlyWhenSignedWithTheSandboxsOwnKey() throws Exception {
        try (RuntimeApiListener listener = server.open(RuntimeApiTransport.TCP_LOOPBACK, dir.resolve("unused"), new ScriptedSession())) {
            String api = "http://" + ((RuntimeApiAddress.Tcp) listener.address()).hostPort() + "/2015-03-31/functions/";
            String signedBySandbox = "AWS4-HMAC-SHA256 Credential=" + SANDBOX_KEY
                    + "/20261207/us-east-1/lambda/aws4_request, SignedHeaders=host, Signature=00";
            HttpResponse<String> beforeForwarding = http.send(HttpRequest.newBuilder(URI.create(api))
                    .header("Authorization", signedBySandbox).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(beforeForwarding.statusCode()).isEqualTo(503);

            server.forwardAwsApis(new Handler.Abstract() {
                @Override
                public boolean handle(Request request, Response response, Callback callback) {
                    response.setStatus(200);
                    response.write(true, ByteBuffer.wrap(("forwarded " + request.getHttpURI().getPath())
                            .getBytes(StandardCharsets.UTF_8)), callback);
                    return true;
                }
            });
            HttpResponse<String> unsigned = http.send(HttpRequest.newBuilder(URI.create(api)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(unsigned.statusCode()).isEqualTo(403);
            assertThat(unsigned.headers().firstValue("x-amzn-ErrorType")).contains("AccessDeniedException");
            assertThat(unsigned.body()).contains("must be signed with the sandbox's credentials");
            HttpResponse<String> otherKey = http.send(HttpRequest.newBuilder(URI.create(api))
                    .header("Authorization", signedBySandbox.replace(SANDBOX_KEY, "AKIAOTHERKEY00000000")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(otherKey.statusCode()).isEqualTo(403);
            assertThat(otherKey.body()).contains("not with access key AKIAOTHERKEY00000000");
            HttpResponse<String> own = http.send(HttpRequest.newBuilder(URI.create(api))
                    .header("Authorization", signedBySandbox).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(own.statusCode()).isEqualTo(200);
            assertThat(own.body()).isEqualTo("forwarded /2015-03-31/functions/");
        }
    }

    @Test
    void nextDeliversTheEventWithLambdasHeaders() throws Exception {
        ScriptedSession session = new ScriptedSession();
        session.next.add(event("req-1"));
        try (RuntimeApiListener listener = server.open(RuntimeApiTransport.TCP_LOOPBACK, dir.resolve("unused"), session)) {
            HttpResponse<String> next = http.send(HttpRequest.newBuilder(URI.create(base(listener) + "invocation/next")).build(),
                    HttpResponse.BodyHandlers.ofString());

            assertThat(next.statusCode()).isEqualTo(200);
            assertThat(next.body()).isEqualTo("{\"a\":1}");
            assertThat(next.headers().firstValue("Lambda-Runtime-Aws-Request-Id")).contains("req-1");
            assertThat(next.headers().firstValue("Lambda-Runtime-Deadline-Ms")).contains("1700000000123");
            assertThat(next.headers().firstValue("Lambda-Runtime-Invoked-Function-Arn"))
                    .contains("arn:aws:lambda:us-east-1:000000000000:function:f");
            assertThat(next.headers().firstValue("Lambda-Runtime-Trace-Id")).hasValueSatisfying(v -> assertThat(v).startsWith("Root=1-"));
            assertThat(next.headers().firstValue("Lambda-Runtime-Client-Context")).contains("{\"custom\":{}}");
            assertThat(next.headers().firstValue("Lambda-Runtime-Cognito-Identity")).isEmpty();
            assertThat(session.calls).containsExactly("delivering req-1");
        }
    }

    @Test
    void postsAreRoutedWithStatusAndErrorBodiesAsLambdasRuntimeApi() throws Exception {
        ScriptedSession session = new ScriptedSession();
        try (RuntimeApiListener listener = server.open(RuntimeApiTransport.TCP_LOOPBACK, dir.resolve("unused"), session)) {
            String base = base(listener);

            HttpResponse<String> ok = post(base + "invocation/req-1/response", "\"done\"", null);
            HttpResponse<String> wrong = post(base + "invocation/req-2/response", "\"done\"", null);
            HttpResponse<String> error = post(base + "invocation/req-1/error", "{\"errorType\":\"E\"}", "Handled.Error");
            HttpResponse<String> init = post(base + "init/error", "{}", "Runtime.X");
            HttpResponse<String> big = post(base + "invocation/req-1/response", "x".repeat(101), null);
            HttpResponse<String> unknown = post(base + "invocation/req-1/elsewhere", "{}", null);
            HttpResponse<String> method = http.send(HttpRequest.newBuilder(URI.create(base + "invocation/next"))
                    .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());

            assertThat(ok.statusCode()).isEqualTo(202);
            assertThat(ok.body()).isEqualTo("{\"status\":\"OK\"}");
            assertThat(wrong.statusCode()).isEqualTo(400);
            assertThat(wrong.body()).isEqualTo("{\"errorMessage\":\"Invalid request ID\",\"errorType\":\"InvalidRequestID\"}");
            assertThat(error.statusCode()).isEqualTo(202);
            assertThat(init.statusCode()).isEqualTo(403);
            assertThat(big.statusCode()).isEqualTo(413);
            assertThat(big.body()).isEqualTo("{\"errorMessage\":\"Exceeded maximum allowed payload size (100 bytes).\","
                    + "\"errorType\":\"RequestEntityTooLarge\"}");
            assertThat(unknown.statusCode()).isEqualTo(404);
            assertThat(method.statusCode()).isEqualTo(405);
            assertThat(session.calls).containsExactly("response req-1 \"done\"", "response req-2 \"done\"",
                    "error req-1 Handled.Error {\"errorType\":\"E\"}", "init error Runtime.X", "too large req-1 101");
        }
    }

    @Test
    void theLogMarkerHeaderCountsOnlyForTheRequestItNames() throws Exception {
        ScriptedSession session = new ScriptedSession();
        try (RuntimeApiListener listener = server.open(RuntimeApiTransport.TCP_LOOPBACK, dir.resolve("unused"), session)) {
            String uri = base(listener) + "invocation/req-1/response";
            for (String marker : List.of("req-1", "req-2")) {
                http.send(HttpRequest.newBuilder(URI.create(uri)).header(RuntimeApiSession.LOG_MARKER_HEADER, marker)
                        .POST(HttpRequest.BodyPublishers.ofString("\"" + marker + "\"")).build(), HttpResponse.BodyHandlers.ofString());
            }

            assertThat(session.calls).containsExactly("response req-1 \"req-1\" (marked)", "response req-1 \"req-2\"");
        }
    }

    private HttpResponse<String> post(String uri, String body, String errorType) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(uri)).POST(HttpRequest.BodyPublishers.ofString(body));
        if (errorType != null) {
            request.header("Lambda-Runtime-Function-Error-Type", errorType);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aUnixSocketListenerServesTheSameProtocol() throws Exception {
        ScriptedSession session = new ScriptedSession();
        session.next.add(event("req-unix"));
        Path socket = dir.resolve("rt.sock");
        try (RuntimeApiListener listener = server.open(RuntimeApiTransport.UNIX_SOCKET, socket, session)) {
            assertThat(listener.address()).isEqualTo(new RuntimeApiAddress.UnixSocket(socket));

            String answer = rawHttp(socket, "GET /2018-06-01/runtime/invocation/next HTTP/1.1\r\nHost: localhost\r\n"
                    + "Connection: close\r\n\r\n");

            assertThat(answer).startsWith("HTTP/1.1 200 OK").contains("Lambda-Runtime-Aws-Request-Id: req-unix")
                    .endsWith("{\"a\":1}");
        }
        assertThat(server.listenerCount()).isZero();
    }

    @Test
    void eachConnectorTalksToItsOwnSession() throws Exception {
        ScriptedSession one = new ScriptedSession();
        ScriptedSession two = new ScriptedSession();
        one.next.add(event("for-one"));
        two.next.add(event("for-two"));
        try (RuntimeApiListener a = server.open(RuntimeApiTransport.TCP_LOOPBACK, dir.resolve("a"), one);
                RuntimeApiListener b = server.open(RuntimeApiTransport.TCP_LOOPBACK, dir.resolve("b"), two)) {
            HttpResponse<String> fromB = http.send(HttpRequest.newBuilder(URI.create(base(b) + "invocation/next")).build(),
                    HttpResponse.BodyHandlers.ofString());
            HttpResponse<String> fromA = http.send(HttpRequest.newBuilder(URI.create(base(a) + "invocation/next")).build(),
                    HttpResponse.BodyHandlers.ofString());

            assertThat(fromB.headers().firstValue("Lambda-Runtime-Aws-Request-Id")).contains("for-two");
            assertThat(fromA.headers().firstValue("Lambda-Runtime-Aws-Request-Id")).contains("for-one");
        }
    }

    private static String rawHttp(Path socket, String request) throws IOException {
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            channel.connect(UnixDomainSocketAddress.of(socket));
            channel.write(ByteBuffer.wrap(request.getBytes(StandardCharsets.US_ASCII)));
            ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
            while (channel.read(buffer) >= 0) {
                if (!buffer.hasRemaining()) {
                    break;
                }
            }
            buffer.flip();
            return StandardCharsets.UTF_8.decode(buffer).toString();
        }
    }
}
