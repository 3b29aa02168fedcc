package dev.hearth.sandbox.microvm;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A tiny HTTP/1.1 server on a unix socket standing in for the worker's Runtime API: answers every
 * request (keep-alive, bodies by Content-Length) with {@code 200} and the body
 * {@code "hello <path>"}; records request lines and the number of connections.
 */
final class UnixHttpStub implements AutoCloseable {
    private final ServerSocketChannel server;
    private final Path path;
    final List<String> requestLines = new CopyOnWriteArrayList<>();
    final AtomicInteger connections = new AtomicInteger();

    private UnixHttpStub(ServerSocketChannel server, Path path) {
        this.server = server;
        this.path = path;
    }

    static UnixHttpStub start(Path path) throws IOException {
        ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(path));
        UnixHttpStub stub = new UnixHttpStub(server, path);
        Thread.ofVirtual().name("http-stub-accept").start(stub::acceptLoop);
        return stub;
    }

    Path path() {
        return path;
    }

    private void acceptLoop() {
        while (server.isOpen()) {
            try {
                SocketChannel client = server.accept();
                connections.incrementAndGet();
                Thread.ofVirtual().name("http-stub-conn").start(() -> serve(client));
            } catch (IOException e) {
                if (server.isOpen()) {
                    throw new UncheckedIOException(e);
                }
            }
        }
    }

    private void serve(SocketChannel client) {
        try (client; InputStream in = Channels.newInputStream(client); OutputStream out = Channels.newOutputStream(client)) {
            while (true) {
                String head = readHead(in);
                if (head == null) {
                    return;
                }
                String requestLine = head.lines().findFirst().orElse("");
                requestLines.add(requestLine);
                int length = head.lines().filter(l -> l.toLowerCase().startsWith("content-length:"))
                        .map(l -> Integer.parseInt(l.substring(15).strip())).findFirst().orElse(0);
                in.readNBytes(length);
                byte[] body = ("hello " + requestLine.split(" ")[1]).getBytes(UTF_8);
                // one write, as an HTTP server with a response buffer does (two small writes meet
                // Nagle's algorithm and delayed ACKs on the guest's forwarding hops: +40 ms)
                ByteArrayOutputStream response = new ByteArrayOutputStream();
                response.writeBytes(("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: " + body.length
                        + "\r\n\r\n").getBytes(UTF_8));
                response.writeBytes(body);
                out.write(response.toByteArray());
                out.flush();
            }
        } catch (IOException e) {
            // the guest side went away mid-request: nothing to answer
            requestLines.add("(connection failed: " + e.getMessage() + ")");
        }
    }

    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) >= 0) {
            head.write(b);
            if (head.size() >= 4 && head.toString(UTF_8).endsWith("\r\n\r\n")) {
                return head.toString(UTF_8);
            }
        }
        return null;
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
