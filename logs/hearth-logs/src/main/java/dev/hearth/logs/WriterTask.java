package dev.hearth.logs;

import java.util.concurrent.CompletableFuture;

/** What the writer thread takes from its queue, in FIFO order. */
sealed interface WriterTask {
    /** One line to store. */
    record Line(String logGroup, String logStream, long timestamp, long ingestionTime, String message) implements WriterTask {}

    /** Completes once every line queued before it is committed (or failed to commit). */
    record Barrier(CompletableFuture<Void> done) implements WriterTask {}

    /** Runs a retention pass after the lines queued before it are committed. */
    record Retention(CompletableFuture<RetentionOutcome> done) implements WriterTask {}

    /** Ends the writer after the lines queued before it; anything queued after it counts as dropped. */
    record Stop() implements WriterTask {}
}
