package dev.hearth.queue.sqlite;

import dev.hearth.queue.spi.NewEvent;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.UUID;

/**
 * The child process of {@link TestSqliteEventQueueCrash}: enqueues events from several threads as
 * fast as it can, forever, and prints each event's id on its own line only after {@code enqueue}
 * returned. It is meant to be killed with SIGKILL; it never closes the queue.
 *
 * <p>Arguments: database file, {@link SqliteSynchronous} name, number of threads.
 */
final class CrashingEnqueuer {
    private CrashingEnqueuer() {}

    /** The payload the child stores for an id, so the parent can check every byte came back. */
    static byte[] payloadFor(String id) {
        return ("{\"id\":\"" + id + "\",\"padding\":\"" + id.repeat(12) + "\"}").getBytes(StandardCharsets.UTF_8);
    }

    public static void main(String[] args) {
        Path file = Path.of(args[0]);
        SqliteSynchronous synchronous = SqliteSynchronous.valueOf(args[1]);
        int threads = Integer.parseInt(args[2]);
        PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
        SqliteEventQueue queue = SqliteEventQueue.open(SqliteQueueConfig.of(file).withSynchronous(synchronous),
                Clock.systemUTC());
        for (int t = 0; t < threads; t++) {
            Thread.ofPlatform().name("enqueuer-" + t).start(() -> {
                while (true) {
                    String id = UUID.randomUUID().toString();
                    queue.enqueue(new NewEvent(id, "crash-test", "$LATEST", payloadFor(id)));
                    synchronized (out) {
                        out.print(id + "\n");
                        out.flush();
                    }
                }
            });
        }
    }
}
