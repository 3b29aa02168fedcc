package dev.hearth.http;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Frames every write as one whole HTTP/1.1 chunk ({@code size CRLF data CRLF}) in one write to the
 * connection, and ends with the last chunk on {@link #close()}. Jetty's own chunking sends a chunk's
 * closing CRLF only with the next chunk, which clients that read chunk by chunk (urllib3, so boto3)
 * wait for: a streamed answer's piece would stay unread until the next one. The server therefore
 * sends streamed answers with an end-of-connection body that it frames itself.
 *
 * <p>Not thread-safe: one writer.
 */
final class ChunkFramingOutputStream extends OutputStream {
    private static final byte[] CRLF = {'\r', '\n'};
    private static final byte[] LAST_CHUNK = "0\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    private final OutputStream connection;
    private boolean closed;

    ChunkFramingOutputStream(OutputStream connection) {
        this.connection = connection;
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

    /** Writes the last chunk and closes the connection's stream. */
    @Override
    public void close() throws IOException {
        if (!closed) {
            closed = true;
            connection.write(LAST_CHUNK);
            connection.close();
        }
    }
}
