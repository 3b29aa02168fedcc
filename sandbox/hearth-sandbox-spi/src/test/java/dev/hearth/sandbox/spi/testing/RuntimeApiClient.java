package dev.hearth.sandbox.spi.testing;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static java.nio.charset.StandardCharsets.UTF_8;

import dev.hearth.sandbox.spi.RuntimeApiAddress;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The HTTP/1.1 client a fake runtime speaks Lambda's Runtime API with: one connection per request
 * ({@code Connection: close}), over TCP or a unix socket as the sandbox's {@link RuntimeApiAddress}
 * says. Blocking; a request of an interrupted thread fails with
 * {@link java.nio.channels.ClosedByInterruptException}, which is how a kill ends a runtime waiting
 * in {@code /next}.
 */
final class RuntimeApiClient {
    static final String PREFIX = "/2018-06-01/runtime/";

    /** A response: status, headers (names in lower case) and body. */
    record Response(int status, Map<String, String> headers, byte[] body) {
        Optional<String> header(String name) {
            return Optional.ofNullable(headers.get(name.toLowerCase(Locale.ROOT)));
        }

        String text() {
            return new String(body, UTF_8);
        }
    }

    private final RuntimeApiAddress address;

    RuntimeApiClient(RuntimeApiAddress address) {
        this.address = address;
    }

    Response get(String path) throws IOException {
        return exchange("GET", path, Map.of(), new byte[0]);
    }

    Response post(String path, Map<String, String> headers, byte[] body) throws IOException {
        return exchange("POST", path, headers, body);
    }

    private Response exchange(String method, String path, Map<String, String> headers, byte[] body) throws IOException {
        StringBuilder head = new StringBuilder()
                .append(method).append(' ').append(path).append(" HTTP/1.1\r\n")
                .append("Host: ").append(hostHeader()).append("\r\n")
                .append("Connection: close\r\n")
                .append("User-Agent: hearth-fake-runtime\r\n");
        if (method.equals("POST")) {
            head.append("Content-Type: application/json\r\n").append("Content-Length: ").append(body.length).append("\r\n");
        }
        headers.forEach((name, value) -> head.append(name).append(": ").append(value).append("\r\n"));
        head.append("\r\n");
        try (SocketChannel channel = connect()) {
            writeFully(channel, head.toString().getBytes(ISO_8859_1));
            writeFully(channel, body);
            return parse(readToEnd(channel));
        }
    }

    private String hostHeader() {
        return switch (address) {
            case RuntimeApiAddress.Tcp tcp -> tcp.hostPort();
            case RuntimeApiAddress.UnixSocket _ -> "localhost";
        };
    }

    private SocketChannel connect() throws IOException {
        return switch (address) {
            case RuntimeApiAddress.Tcp tcp -> SocketChannel.open(new InetSocketAddress(tcp.host(), tcp.port()));
            case RuntimeApiAddress.UnixSocket unix -> SocketChannel.open(UnixDomainSocketAddress.of(unix.path()));
        };
    }

    private static void writeFully(SocketChannel channel, byte[] bytes) throws IOException {
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        while (buffer.hasRemaining()) {
            channel.write(buffer);
        }
    }

    private static byte[] readToEnd(SocketChannel channel) throws IOException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        ByteBuffer buffer = ByteBuffer.allocate(16 * 1024);
        while (channel.read(buffer) >= 0) {
            all.write(buffer.array(), 0, buffer.position());
            buffer.clear();
        }
        return all.toByteArray();
    }

    private static Response parse(byte[] raw) throws IOException {
        int end = indexOf(raw, "\r\n\r\n".getBytes(ISO_8859_1), 0);
        if (end < 0) {
            throw new IOException("the Runtime API closed the connection before a complete response ("
                    + raw.length + " bytes)");
        }
        String[] lines = new String(raw, 0, end, ISO_8859_1).split("\r\n");
        String[] statusLine = lines[0].split(" ", 3);
        if (statusLine.length < 2 || !statusLine[0].startsWith("HTTP/1.")) {
            throw new IOException("not an HTTP response: " + lines[0]);
        }
        int status = Integer.parseInt(statusLine[1]);
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon > 0) {
                headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).trim());
            }
        }
        byte[] rest = Arrays.copyOfRange(raw, end + 4, raw.length);
        byte[] body;
        if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
            body = dechunk(rest);
        } else if (headers.containsKey("content-length")) {
            body = Arrays.copyOf(rest, Math.min(rest.length, Integer.parseInt(headers.get("content-length"))));
        } else {
            body = rest;
        }
        return new Response(status, headers, body);
    }

    private static byte[] dechunk(byte[] chunked) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        int at = 0;
        while (true) {
            int lineEnd = indexOf(chunked, "\r\n".getBytes(ISO_8859_1), at);
            if (lineEnd < 0) {
                throw new IOException("truncated chunked body");
            }
            String sizeText = new String(chunked, at, lineEnd - at, ISO_8859_1);
            int semicolon = sizeText.indexOf(';');
            int size = Integer.parseInt((semicolon < 0 ? sizeText : sizeText.substring(0, semicolon)).trim(), 16);
            if (size == 0) {
                return body.toByteArray();
            }
            body.write(chunked, lineEnd + 2, size);
            at = lineEnd + 2 + size + 2;
        }
    }

    private static int indexOf(byte[] haystack, byte[] needle, int from) {
        outer:
        for (int i = from; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
