package dev.hearth.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hearth.core.AccountContext;
import dev.hearth.core.LambdaErrorType;
import dev.hearth.core.LambdaException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Streamed answers ({@link ApiResponse#streaming}) on a real server over a raw socket: each write
 * reaches the client as one complete HTTP chunk, its closing CRLF included, while the writer is still
 * running (clients that read chunk by chunk wait for that CRLF); a refusal thrown before the first
 * byte is an ordinary error answer.
 */
final class TestStreamedAnswers {
    private final CountDownLatch secondAllowed = new CountDownLatch(1);
    private HttpApiServer server;

    @BeforeEach
    void start() throws Exception {
        ApiService service = ApiService.rest("lambda", List.of(
                new Route("POST", "/stream", "Stream", 1024, request -> ApiResponse.streaming(200,
                        Map.of("X-Amz-Executed-Version", "$LATEST"), "application/vnd.amazon.eventstream", out -> {
                            out.write("first".getBytes(StandardCharsets.UTF_8));
                            if (!secondAllowed.await(60, TimeUnit.SECONDS)) {
                                throw new IOException("the test never allowed the second piece");
                            }
                            out.write("second".getBytes(StandardCharsets.UTF_8));
                        })),
                new Route("POST", "/refuse", "Refuse", 1024, request -> ApiResponse.streaming(200, Map.of(), "text/plain", out -> {
                    throw new LambdaException(LambdaErrorType.TooManyRequestsException, "Rate exceeded");
                }))));
        server = new HttpApiServer("127.0.0.1", 0, List.of(service), RequestAuthenticator.ACCEPT_ALL, AccountContext.DEFAULT);
        server.start();
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
    }

    @Test
    void eachWriteArrivesAsOneWholeChunkWhileTheWriterStillRuns() throws Exception {
        try (Socket socket = new Socket("127.0.0.1", server.port())) {
            socket.setSoTimeout(60_000);
            send(socket, "/stream");
            InputStream in = socket.getInputStream();

            String head = readUntil(in, "first\r\n");
            assertThat(head).startsWith("HTTP/1.1 200").containsIgnoringCase("Transfer-Encoding: chunked")
                    .containsIgnoringCase("Connection: close").contains("X-Amz-Executed-Version: $LATEST")
                    .endsWith("\r\n\r\n5\r\nfirst\r\n");
            secondAllowed.countDown();
            String rest = new String(in.readAllBytes(), StandardCharsets.US_ASCII);

            assertThat(rest).isEqualTo("6\r\nsecond\r\n0\r\n\r\n");
        }
    }

    @Test
    void aRefusalBeforeTheFirstByteIsAnErrorAnswer() throws Exception {
        try (Socket socket = new Socket("127.0.0.1", server.port())) {
            socket.setSoTimeout(60_000);
            send(socket, "/refuse");
            String answer = readUntil(socket.getInputStream(), "Rate exceeded");

            assertThat(answer).startsWith("HTTP/1.1 429").contains("TooManyRequestsException");
        }
    }

    private static void send(Socket socket, String path) throws IOException {
        OutputStream out = socket.getOutputStream();
        out.write(("POST " + path + " HTTP/1.1\r\nHost: localhost\r\nContent-Length: 2\r\n\r\n{}").getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    /** Reads byte by byte until the text read so far ends with {@code end}. */
    private static String readUntil(InputStream in, String end) throws IOException {
        ByteArrayOutputStream read = new ByteArrayOutputStream();
        while (!read.toString(StandardCharsets.ISO_8859_1).endsWith(end)) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("the answer ended before '" + end + "': " + read.toString(StandardCharsets.ISO_8859_1));
            }
            read.write(b);
        }
        return read.toString(StandardCharsets.ISO_8859_1);
    }
}
