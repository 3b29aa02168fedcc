package dev.hearth.http;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Response;

/**
 * The body of a streamed answer ({@link ApiResponse#streaming}), as its writer sees it: every write
 * is sent at once as one whole HTTP/1.1 chunk ({@code size CRLF data CRLF}, in one write to the
 * connection) and blocks until the connection took it; {@link #close()} sends the last chunk. Until
 * the first write, {@link #head} may still change the answer's status and headers (a function URL's
 * answer learns them from the function's first bytes).
 *
 * <p>Why Hearth frames the chunks itself: Jetty's own chunking sends a chunk's closing CRLF only with
 * the next chunk, which clients that read chunk by chunk (urllib3, so boto3) wait for, so a streamed
 * piece would stay unread until the next one. The server therefore sends streamed answers as an
 * end-of-connection body ({@code Connection: close}) whose chunks it frames here.
 *
 * <p>Not thread-safe: one writer.
 */
public final class StreamedBody extends OutputStream {
    private static final byte[] CRLF = {'\r', '\n'};
    private static final byte[] LAST_CHUNK = "0\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    private final Response response;
    private final OutputStream connection;
    private boolean started;
    private boolean closed;

    StreamedBody(Response response) {
        this.response = response;
        this.connection = Content.Sink.asOutputStream(response);
    }

    /**
     * Sets the answer's status, content type (when not null) and more headers (added to those the
     * answer had, a name's earlier value replaced), before the first byte.
     *
     * @throws IllegalStateException after the first write
     */
    public void head(int status, String contentType, Map<String, List<String>> headers) {
        if (started) {
            throw new IllegalStateException("the answer's head was sent with its first bytes");
        }
        response.setStatus(status);
        if (contentType != null) {
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, contentType);
        }
        headers.forEach((name, values) -> {
            response.getHeaders().remove(name);
            values.forEach(value -> response.getHeaders().add(name, value));
        });
    }

    /** Whether bytes were written (the status and headers are sent). */
    public boolean started() {
        return started;
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] bytes, int offset, int length) throws IOException {
        if (closed) {
            throw new IOException("the streamed body is closed");
        }
        if (length == 0) {
            return;
        }
        started = true;
        byte[] size = (Integer.toHexString(length) + "\r\n").getBytes(StandardCharsets.US_ASCII);
        byte[] chunk = new byte[size.length + length + CRLF.length];
        System.arraycopy(size, 0, chunk, 0, size.length);
        System.arraycopy(bytes, offset, chunk, size.length, length);
        System.arraycopy(CRLF, 0, chunk, size.length + length, CRLF.length);
        connection.write(chunk);
    }

    @Override
    public void flush() throws IOException {
        connection.flush();
    }

    /** Writes the last chunk and ends the answer. */
    @Override
    public void close() throws IOException {
        if (!closed) {
            closed = true;
            started = true;
            connection.write(LAST_CHUNK);
            connection.close();
        }
    }
}
