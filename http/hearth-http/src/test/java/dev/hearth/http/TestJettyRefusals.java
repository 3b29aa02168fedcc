package dev.hearth.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hearth.core.AccountContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Requests Jetty refuses before routing (bad percent-encoding in the path, an encoded dot segment)
 * are answered as AWS answers errors: JSON with {@code x-amzn-ErrorType}, no HTML page.
 * A real server on port 0, driven over a raw socket (an HTTP client would refuse to send these).
 */
final class TestJettyRefusals {
    private static HttpApiServer server;

    @BeforeAll
    static void start() throws Exception {
        ApiService lambda = ApiService.rest("lambda", List.of(
                new Route("GET", "/2015-03-31/functions/{FunctionName}", "GetFunction", 0,
                        r -> ApiResponse.json(200, ("{\"FunctionName\":\"" + r.path("FunctionName") + "\"}")
                                .getBytes(StandardCharsets.UTF_8)))));
        server = new HttpApiServer("127.0.0.1", 0, List.of(lambda), RequestAuthenticator.ACCEPT_ALL, AccountContext.DEFAULT);
        server.start();
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    @Test
    void aRoutedRequestStillWorks() throws IOException {
        assertThat(get("/2015-03-31/functions/f")).startsWith("HTTP/1.1 200");
    }

    @Test
    void anInvalidPercentEscapeIsAnAwsShapedError() throws IOException {
        assertAwsError(get("/2015-03-31/functions/%zz"));
    }

    @Test
    void anEncodedSlashStaysInsideItsPathSegment() throws IOException {
        // EventBridge Scheduler's clients send ARNs with slashes as one segment (/tags/{ResourceArn})
        String response = get("/2015-03-31/functions/a%2Fb");
        assertThat(response).startsWith("HTTP/1.1 200").endsWith("{\"FunctionName\":\"a/b\"}");
    }

    @Test
    void anEncodedDotSegmentIsAnAwsShapedError() throws IOException {
        assertAwsError(get("/2015-03-31/functions/%2e%2e/x"));
    }

    private static void assertAwsError(String response) {
        String lower = response.toLowerCase(java.util.Locale.ROOT);
        assertThat(response).startsWith("HTTP/1.1 4");
        assertThat(lower).contains("\r\nx-amzn-errortype: ").contains("\r\ncontent-type: application/json")
                .doesNotContain("<html").doesNotContain("org.eclipse").doesNotContain("exception:");
        assertThat(response.substring(response.indexOf("\r\n\r\n") + 4)).startsWith("{").contains("essage\":");
    }

    private static String get(String rawPath) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", server.port())) {
            socket.setSoTimeout(60_000);
            OutputStream out = socket.getOutputStream();
            out.write(("GET " + rawPath + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
