package dev.hearth.worker.runtimeapi;

import dev.hearth.sandbox.spi.RuntimeApiAddress;
import dev.hearth.sandbox.spi.RuntimeApiTransport;
import dev.hearth.threads.HearthThreads;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.eclipse.jetty.server.AbstractConnector;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.unixdomain.server.UnixDomainServerConnector;
import org.eclipse.jetty.util.component.LifeCycle;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Runtime API endpoint of one worker: one Jetty server, one connector per sandbox. The connector a
 * request arrives on identifies the sandbox, so a runtime can only ever talk about its own
 * invocations.
 *
 * <p>Threading: thread-safe; {@link #open} and {@link RuntimeApiListener#close()} may be called from
 * any thread while requests are served. Requests are handled on virtual threads, so a session may
 * block in {@link RuntimeApiSession#awaitNext()}.
 *
 * <p>Ownership: owns its Jetty server and every listener opened on it; {@link #close()} stops them all.
 */
public final class RuntimeApiServer implements AutoCloseable {
    /** The longest unix socket path the JDK binds (sun_path holds 108 bytes; the JDK keeps 106 minus a margin). */
    public static final int MAX_SOCKET_PATH_BYTES = 100;

    /** Most threads the server's pool may grow to: each connector's selector holds one while it selects. */
    private static final int MAX_THREADS = 8192;
    private static final Duration CONNECTOR_STOP_WAIT = Duration.ofSeconds(5);
    private static final Duration SERVER_STOP_WAIT = Duration.ofSeconds(30);
    private static final Logger LOG = LoggerFactory.getLogger(RuntimeApiServer.class);

    private final Server server;
    private final ExecutorService virtualThreads;
    private final Map<Connector, RuntimeApiSession> sessions = new ConcurrentHashMap<>();
    private final AwsApiPassage passage;

    private RuntimeApiServer(long maxResponseBytes) {
        QueuedThreadPool threads = new QueuedThreadPool(MAX_THREADS, 2);
        threads.setName("runtime-api");
        threads.setDaemon(true);
        virtualThreads = HearthThreads.perTaskVirtual("runtime-api");
        threads.setVirtualThreadsExecutor(virtualThreads);
        server = new Server(threads);
        passage = new AwsApiPassage(new RuntimeApiHandler(sessions, maxResponseBytes), sessions);
        server.setHandler(passage);
    }

    /**
     * Lets sandboxes reach Hearth's own AWS APIs at their Runtime API address: every request that is
     * not for the Runtime API and is signed with the sandbox's own key ({@link
     * RuntimeApiSession#sandboxAccessKeyId()}) goes to {@code forwarder}; until this is called such
     * requests are refused. The forwarder is started and stopped with this server.
     */
    public void forwardAwsApis(Handler forwarder) {
        passage.forwardTo(forwarder);
    }

    /**
     * Starts a server with no connectors yet.
     *
     * @param maxResponseBytes largest response or error body a runtime may post (Lambda: 6,291,556)
     */
    public static RuntimeApiServer start(long maxResponseBytes) {
        RuntimeApiServer api = new RuntimeApiServer(maxResponseBytes);
        try {
            api.server.start();
        } catch (Exception e) {
            api.close();
            throw new IllegalStateException("could not start the Runtime API server", e);
        }
        return api;
    }

    /**
     * Opens a listener for one sandbox and binds it to {@code session}.
     *
     * @param transport how the sandbox reaches it: a loopback TCP port, or a unix socket
     * @param socketPath where to create the unix socket (ignored for TCP); must not exist yet
     * @throws IOException when the listener cannot be opened
     */
    public RuntimeApiListener open(RuntimeApiTransport transport, Path socketPath, RuntimeApiSession session)
            throws IOException {
        Objects.requireNonNull(session, "session");
        HttpConnectionFactory http = new HttpConnectionFactory(httpConfiguration());
        Binding binding = switch (transport) {
            case TCP_LOOPBACK -> {
                ServerConnector tcp = new ServerConnector(server, 0, 1, http);
                tcp.setHost("127.0.0.1");
                tcp.setPort(0);
                tcp.setAcceptedTcpNoDelay(true);
                yield new Binding(tcp, () -> new RuntimeApiAddress.Tcp("127.0.0.1", tcp.getLocalPort()));
            }
            case UNIX_SOCKET -> {
                if (socketPath.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8).length > MAX_SOCKET_PATH_BYTES) {
                    throw new IOException("the unix socket path " + socketPath + " is longer than " + MAX_SOCKET_PATH_BYTES
                            + " bytes, the most a unix socket address holds here; use a shorter data directory");
                }
                Files.deleteIfExists(socketPath);
                UnixDomainServerConnector unix = new UnixDomainServerConnector(server, 0, 1, http);
                unix.setUnixDomainPath(socketPath);
                yield new Binding(unix, () -> new RuntimeApiAddress.UnixSocket(socketPath));
            }
        };
        AbstractConnector connector = binding.connector();
        // a runtime waits in /next for as long as its sandbox stays idle: never time the connection out
        connector.setIdleTimeout(0);
        sessions.put(connector, session);
        server.addConnector(connector);
        try {
            connector.start();
        } catch (Exception e) {
            sessions.remove(connector);
            server.removeConnector(connector);
            throw new IOException("could not open a Runtime API listener (" + transport + "): " + e.getMessage(), e);
        }
        return new RuntimeApiListener(binding.address().get(), () -> closeConnector(connector));
    }

    /** A connector and, once it is started, where it listens. */
    private record Binding(AbstractConnector connector, Supplier<RuntimeApiAddress> address) {}

    /** Number of listeners currently open. */
    public int listenerCount() {
        return sessions.size();
    }

    private void closeConnector(AbstractConnector connector) {
        sessions.remove(connector);
        try {
            stopWithin(connector, CONNECTOR_STOP_WAIT);
        } finally {
            server.removeConnector(connector);
        }
    }

    /**
     * Stops a Jetty component on a thread of its own and waits at most {@code wait}. Jetty 12 can
     * deadlock in a connection's close when a send is still pending (the close waits, inside the
     * connection's serialized invoker, for a callback queued behind it in that same invoker; seen as a
     * selector thread parked in {@code HttpConnection$SendCallback.cancel}). A sandbox's exit or the
     * worker's shutdown must not hang on that: past the wait the stop is left to finish (or not) on its
     * own thread, which is logged, and the caller goes on.
     */
    private static void stopWithin(LifeCycle component, Duration wait) {
        CompletableFuture<Void> stopped = new CompletableFuture<>();
        HearthThreads.startVirtual("runtime-api-stop", () -> {
            try {
                component.stop();
                stopped.complete(null);
            } catch (Exception | Error e) {
                stopped.completeExceptionally(e);
            }
        });
        try {
            stopped.get(wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            LOG.warn("{} did not stop within {}; left to finish on its own thread", component, wait);
        } catch (ExecutionException e) {
            throw new IllegalStateException("could not stop " + component, e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static HttpConfiguration httpConfiguration() {
        HttpConfiguration config = new HttpConfiguration();
        config.setSendServerVersion(false);
        config.setSendDateHeader(false);
        config.setSendXPoweredBy(false);
        return config;
    }

    @Override
    public void close() {
        try {
            stopWithin(server, SERVER_STOP_WAIT);
        } finally {
            virtualThreads.shutdownNow();
        }
    }
}
