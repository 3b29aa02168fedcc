package dev.hearth.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hearth.core.AccountContext;
import dev.hearth.sigv4.CredentialsFile;
import dev.hearth.sigv4.SigV4Verifier;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Request bodies are read only for requests their headers do not already condemn, and all bodies in
 * flight together stay within the server's {@link BodyBudget}. A real server on port 0 over raw
 * sockets: a test can send headers that promise a large body and then send none of it.
 */
final class TestRequestBodies {
    private static final String KEY_ID = "AKIDBODYTESTKEY00001";
    private static final long PROMISED = 50L * 1024 * 1024;

    @Test
    void headersThatCondemnARequestAreAnsweredBeforeItsBodyIsSent() throws Exception {
        CredentialsFile credentials = CredentialsFile.parse(
                "[default]\naws_access_key_id = " + KEY_ID + "\naws_secret_access_key = secret\n", "test");
        ApiService lambda = ApiService.rest("lambda", List.of(new Route("POST", "/2015-03-31/functions/{FunctionName}/invocations",
                "Invoke", 70L * 1024 * 1024, r -> ApiResponse.json(200, "{}".getBytes(StandardCharsets.UTF_8)))));
        HttpApiServer server = new HttpApiServer("127.0.0.1", 0, List.of(lambda),
                new SigV4Authenticator(new SigV4Verifier(credentials, Clock.systemUTC())), AccountContext.DEFAULT);
        server.start();
        try {
            String now = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").format(ZonedDateTime.now(ZoneOffset.UTC));
            String stale = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").format(ZonedDateTime.now(ZoneOffset.UTC).minusHours(1));

            // no signature at all
            assertThat(headersOnly(server, "")).startsWith("HTTP/1.1 403").contains("MissingAuthenticationToken");
            // a key the server does not know
            assertThat(headersOnly(server, authorization("AKIDNOTKNOWNKEY00001", now) + "X-Amz-Date: " + now + "\r\n"))
                    .startsWith("HTTP/1.1 403").contains("UnrecognizedClientException");
            // a known key, signed an hour ago
            assertThat(headersOnly(server, authorization(KEY_ID, stale) + "X-Amz-Date: " + stale + "\r\n"))
                    .startsWith("HTTP/1.1 403").contains("InvalidSignatureException").contains("Signature expired");
            // a known key, signed for a service this endpoint does not serve
            assertThat(headersOnly(server, authorization(KEY_ID, now).replace("/lambda/", "/sqs/") + "X-Amz-Date: " + now + "\r\n"))
                    .startsWith("HTTP/1.1 404").contains("UnknownOperationException").contains("'sqs' service");
        } finally {
            server.close();
        }
    }

    @Test
    void bodiesInFlightStayWithinTheBudgetAndTheRestAreRefusedWith429() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch holding = new CountDownLatch(1);
        ApiService lambda = ApiService.rest("lambda", List.of(
                new Route("POST", "/hold", "Hold", 1024 * 1024, r -> {
                    holding.countDown();
                    await(release);
                    return ApiResponse.json(200, ("{\"bytes\":" + r.body().length + "}").getBytes(StandardCharsets.UTF_8));
                }),
                new Route("POST", "/echo", "Echo", 1024 * 1024,
                        r -> ApiResponse.json(200, ("{\"bytes\":" + r.body().length + "}").getBytes(StandardCharsets.UTF_8)))));
        BodyBudget budget = new BodyBudget(4 * BodyBudget.BLOCK_BYTES, Duration.ofMillis(200));
        HttpApiServer server = new HttpApiServer("127.0.0.1", 0, List.of(lambda), RequestAuthenticator.ACCEPT_ALL,
                AccountContext.DEFAULT, budget);
        server.start();
        try {
            byte[] threeBlocks = new byte[3 * BodyBudget.BLOCK_BYTES - 10];
            CompletableFuture<String> held = CompletableFuture.supplyAsync(() -> post(server, "/hold", threeBlocks, false));
            assertThat(holding.await(60, TimeUnit.SECONDS)).isTrue();
            assertThat(budget.availableBlocks()).isEqualTo(1);

            // one block fits beside the held body; two do not, declared or chunked
            assertThat(post(server, "/echo", new byte[1000], false)).startsWith("HTTP/1.1 200").endsWith("{\"bytes\":1000}");
            assertThat(post(server, "/echo", new byte[2 * BodyBudget.BLOCK_BYTES], false))
                    .startsWith("HTTP/1.1 429").contains("TooManyRequestsException").contains("retry the request later");
            assertThat(post(server, "/echo", new byte[2 * BodyBudget.BLOCK_BYTES], true))
                    .startsWith("HTTP/1.1 429").contains("TooManyRequestsException");

            release.countDown();
            assertThat(held.get(60, TimeUnit.SECONDS)).startsWith("HTTP/1.1 200").endsWith("{\"bytes\":" + threeBlocks.length + "}");
            assertThat(post(server, "/echo", new byte[2 * BodyBudget.BLOCK_BYTES], true))
                    .startsWith("HTTP/1.1 200").endsWith("{\"bytes\":" + 2 * BodyBudget.BLOCK_BYTES + "}");
            assertThat(budget.availableBlocks()).isEqualTo(4);
        } finally {
            release.countDown();
            server.close();
        }
    }

    private static String authorization(String keyId, String amzDate) {
        return "Authorization: AWS4-HMAC-SHA256 Credential=" + keyId + "/" + amzDate.substring(0, 8)
                + "/us-east-1/lambda/aws4_request, SignedHeaders=host;x-amz-date, Signature=" + "0".repeat(64) + "\r\n";
    }

    /** Sends a request's headers promising {@link #PROMISED} bytes of body, sends none, and reads the answer. */
    private static String headersOnly(HttpApiServer server, String extraHeaders) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", server.port())) {
            socket.setSoTimeout(60_000);
            OutputStream out = socket.getOutputStream();
            out.write(("POST /2015-03-31/functions/f/invocations HTTP/1.1\r\nHost: localhost\r\n" + extraHeaders
                    + "Content-Length: " + PROMISED + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            return readAnswer(socket.getInputStream());
        }
    }

    private static String post(HttpApiServer server, String path, byte[] body, boolean chunked) {
        try (Socket socket = new Socket("127.0.0.1", server.port())) {
            socket.setSoTimeout(60_000);
            OutputStream out = socket.getOutputStream();
            out.write(("POST " + path + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n"
                    + (chunked ? "Transfer-Encoding: chunked\r\n" : "Content-Length: " + body.length + "\r\n") + "\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            if (chunked) {
                for (int at = 0; at < body.length; at += 8192) {
                    int n = Math.min(8192, body.length - at);
                    out.write((Integer.toHexString(n) + "\r\n").getBytes(StandardCharsets.US_ASCII));
                    out.write(body, at, n);
                    out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
                }
                out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            } else {
                out.write(body);
            }
            out.flush();
            return readAnswer(socket.getInputStream());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The status line, headers and body of one answer (by its Content-Length). */
    private static String readAnswer(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                break;
            }
            head.append((char) b);
        }
        int length = 0;
        for (String line : head.toString().split("\r\n")) {
            if (line.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:")) {
                length = Integer.parseInt(line.substring("content-length:".length()).trim());
            }
        }
        return head + new String(in.readNBytes(length), StandardCharsets.UTF_8);
    }

    private static void await(CountDownLatch latch) {
        try {
            if (!latch.await(60, TimeUnit.SECONDS)) {
                throw new IllegalStateException("not released");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
