package dev.hearth.bench;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The load driver's HTTP/1.1 client: one keep-alive TCP connection (TCP_NODELAY) that sends
 * pre-encoded requests and reads responses framed by {@code Content-Length} (both servers under test
 * send one; anything else fails loudly). The least client work per request, so that it adds the
 * same small cost to both sides of the comparison. Reconnects after the server said
 * {@code Connection: close}, and before using a connection idle for over {@value #MAX_IDLE_SECONDS}
 * s (servers close idle connections: Jetty after 30 s), so that no request is sent on a connection the
 * server may be closing.
 *
 * <p>Not thread-safe: one connection per client thread.
 */
final class KeepAliveConnection implements AutoCloseable {
    private static final int MAX_HEAD_BYTES = 64 * 1024;
    static final long MAX_IDLE_SECONDS = 5;

    /**
     * A response.
     *
     * @param status the status code
     * @param headers header values by lower-case name (the last one when repeated)
     * @param body the body
     */
    record Response(int status, Map<String, String> headers, byte[] body) {
        Optional<String> header(String name) {
            return Optional.ofNullable(headers.get(name.toLowerCase(Locale.ROOT)));
        }
    }

    private final InetSocketAddress address;
    private Socket socket;
    private InputStream in;
    private OutputStream out;
    private long lastUsedNanos;

    KeepAliveConnection(URI server) {
        this.address = new InetSocketAddress(server.getHost(), server.getPort());
    }

    /** Encodes a POST of {@code payload} to {@code uri} with {@code headers}, for {@link #exchange}. */
    static byte[] post(URI uri, Map<String, String> headers, byte[] payload) {
        StringBuilder head = new StringBuilder()
                .append("POST ").append(uri.getRawPath()).append(uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery())
                .append(" HTTP/1.1\r\nHost: ").append(uri.getHost()).append(':').append(uri.getPort())
                .append("\r\nContent-Type: application/json\r\nContent-Length: ").append(payload.length).append("\r\n");
        headers.forEach((name, value) -> head.append(name).append(": ").append(value).append("\r\n"));
        head.append("\r\n");
        byte[] headBytes = head.toString().getBytes(StandardCharsets.ISO_8859_1);
        byte[] request = new byte[headBytes.length + payload.length];
        System.arraycopy(headBytes, 0, request, 0, headBytes.length);
        System.arraycopy(payload, 0, request, headBytes.length, payload.length);
        return request;
    }

    /** Sends one encoded request and reads its response. */
    Response exchange(byte[] request) throws IOException {
        if (socket != null && System.nanoTime() - lastUsedNanos > MAX_IDLE_SECONDS * 1_000_000_000L) {
            close();
        }
        if (socket == null) {
            connect();
        }
        out.write(request);
        out.flush();
        Response response = read();
        lastUsedNanos = System.nanoTime();
        if (response.header("connection").map("close"::equalsIgnoreCase).orElse(false)) {
            close();
        }
        return response;
    }

    private void connect() throws IOException {
        Socket s = new Socket();
        try {
            s.setTcpNoDelay(true);
            s.connect(address, 10_000);
            socket = s;
            in = new BufferedInputStream(s.getInputStream(), 64 * 1024);
            out = s.getOutputStream();
        } catch (IOException e) {
            s.close();
            throw e;
        }
    }

    private Response read() throws IOException {
        String statusLine = line();
        if (!statusLine.startsWith("HTTP/1.1 ") || statusLine.length() < 12) {
            throw new IOException("not an HTTP/1.1 status line: " + statusLine);
        }
        int status = Integer.parseInt(statusLine.substring(9, 12));
        Map<String, String> headers = new HashMap<>();
        int headBytes = statusLine.length();
        for (String line; !(line = line()).isEmpty(); ) {
            headBytes += line.length();
            if (headBytes > MAX_HEAD_BYTES) {
                throw new IOException("response head over " + MAX_HEAD_BYTES + " bytes");
            }
            int colon = line.indexOf(':');
            if (colon <= 0) {
                throw new IOException("malformed header line: " + line);
            }
            headers.put(line.substring(0, colon).strip().toLowerCase(Locale.ROOT), line.substring(colon + 1).strip());
        }
        String length = headers.get("content-length");
        if (length == null) {
            throw new IOException("response without Content-Length (status " + status + ", headers " + headers + ")");
        }
        byte[] body = in.readNBytes(Integer.parseInt(length));
        if (body.length != Integer.parseInt(length)) {
            throw new EOFException("connection closed inside a response body");
        }
        return new Response(status, headers, body);
    }

    private String line() throws IOException {
        StringBuilder line = new StringBuilder();
        while (true) {
            int b = in.read();
            if (b < 0) {
                throw new EOFException("connection closed by the server" + (line.isEmpty() ? "" : " after: " + line));
            }
            if (b == '\n') {
                int end = line.length();
                if (end > 0 && line.charAt(end - 1) == '\r') {
                    line.setLength(end - 1);
                }
                return line.toString();
            }
            line.append((char) b);
            if (line.length() > MAX_HEAD_BYTES) {
                throw new IOException("header line over " + MAX_HEAD_BYTES + " bytes");
            }
        }
    }

    @Override
    public void close() throws IOException {
        if (socket != null) {
            Socket s = socket;
            socket = null;
            s.close();
        }
    }
}
