package dev.hearth.bench;

import dev.hearth.threads.HearthThreads;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.concurrent.ExecutorService;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * The baseline: a bare HTTP echo server on the same Jetty 12 set-up as Hearth's frontend (handlers
 * on virtual threads, the request body read whole with a blocking stream, the response written with
 * a content length). It answers every request with status 200 and the request's body.
 *
 * <p>Run as its own JVM by the benchmark ({@link #main}), it prints {@code echo listening on URL}
 * once bound. Lifecycle: {@link #start} binds, {@link #close} stops; thread-safe once started.
 */
public final class EchoServer implements AutoCloseable {
    static final String LISTENING = "echo listening on ";

    private final ExecutorService requestThreads = HearthThreads.perTaskVirtual("echo-request");
    private final Server server;
    private final ServerConnector connector;

    public EchoServer(String host, int port) {
        QueuedThreadPool threads = new QueuedThreadPool();
        threads.setName("echo-http");
        threads.setVirtualThreadsExecutor(requestThreads);
        server = new Server(threads);
        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        http.setSendDateHeader(true);
        connector = new ServerConnector(server, new HttpConnectionFactory(http));
        connector.setHost(host);
        connector.setPort(port);
        server.addConnector(connector);
        server.setHandler(new Echo());
    }

    public void start() throws Exception {
        server.start();
    }

    public String endpoint() {
        return "http://" + connector.getHost() + ":" + connector.getLocalPort();
    }

    @Override
    public void close() throws Exception {
        server.stop();
        requestThreads.close();
    }

    /** Starts an echo server on 127.0.0.1 and an ephemeral port and runs until killed. */
    public static void main(String[] args) throws Exception {
        EchoServer echo = new EchoServer("127.0.0.1", 0);
        echo.start();
        System.out.println(LISTENING + echo.endpoint());
        System.out.flush();
        echo.server.join();
    }

    private static final class Echo extends Handler.Abstract {
        @Override
        public boolean handle(Request request, Response response, Callback callback) throws IOException {
            byte[] body;
            try (InputStream in = Content.Source.asInputStream(request)) {
                body = in.readAllBytes();
            }
            response.setStatus(200);
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
            response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
            response.write(true, ByteBuffer.wrap(body), callback);
            return true;
        }
    }
}
