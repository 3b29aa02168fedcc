package dev.hearth.sandbox.microvm;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;

/**
 * A client of QEMU's machine protocol (QMP) on its unix socket: one JSON object per line; commands
 * answered by {@code return} or {@code error}; asynchronous {@code event}s are skipped.
 *
 * <p>Threading: thread-safe; commands are serialised. Closing the client does not stop QEMU.
 */
final class QmpClient implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final SocketChannel channel;
    private final BufferedReader in;
    private final OutputStream out;

    private QmpClient(SocketChannel channel) {
        this.channel = channel;
        this.in = new BufferedReader(new InputStreamReader(Channels.newInputStream(channel), UTF_8));
        this.out = Channels.newOutputStream(channel);
    }

    /** Reads QEMU's greeting and leaves capabilities negotiation mode. */
    static QmpClient open(SocketChannel channel) throws IOException {
        QmpClient client = new QmpClient(channel);
        try {
            JsonNode greeting = client.readMessage();
            if (!greeting.has("QMP")) {
                throw new IOException("not a QMP greeting: " + greeting);
            }
            client.execute("qmp_capabilities", Map.of());
            return client;
        } catch (IOException e) {
            client.close();
            throw e;
        }
    }

    /** Runs {@code command} and returns its {@code return} value; a QMP {@code error} is an {@link IOException}. */
    synchronized JsonNode execute(String command, Map<String, ?> arguments) throws IOException {
        ObjectNode request = JSON.createObjectNode().put("execute", command);
        if (!arguments.isEmpty()) {
            request.set("arguments", JSON.valueToTree(arguments));
        }
        out.write((JSON.writeValueAsString(request) + "\n").getBytes(UTF_8));
        out.flush();
        while (true) {
            JsonNode message = readMessage();
            if (message.has("return")) {
                return message.get("return");
            }
            if (message.has("error")) {
                throw new IOException("QMP " + command + " failed: " + message.get("error").path("desc").asText(message.toString()));
            }
            // an event: not the answer
        }
    }

    /**
     * Polls {@code query-migrate} until the migration (outgoing or incoming) has completed;
     * {@code failed}/{@code cancelled} or the timeout is an {@link IOException}.
     */
    JsonNode awaitMigration(Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            JsonNode state = execute("query-migrate", Map.of());
            String status = state.path("status").asText("none");
            switch (status) {
                case "completed" -> {
                    return state;
                }
                case "failed", "cancelled" -> throw new IOException("migration " + status + ": "
                        + state.path("error-desc").asText(state.toString()));
                default -> {
                    if (System.nanoTime() > deadline) {
                        throw new IOException("migration still " + status + " after " + timeout);
                    }
                    LockSupport.parkNanos(1_000_000);
                }
            }
        }
    }

    private JsonNode readMessage() throws IOException {
        String line = in.readLine();
        if (line == null) {
            throw new IOException("QMP connection closed (QEMU exited?)");
        }
        return JSON.readTree(line);
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
