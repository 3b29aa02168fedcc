package dev.hearth.worker;

import dev.hearth.core.AccountContext;
import java.time.Instant;

/**
 * Where the worker writes log events: each line a runtime prints, and Lambda's platform lines
 * ({@code START}, {@code END}, {@code REPORT}). The caller provides the durable store.
 *
 * <p>Threading: called concurrently from many threads (one log reader per sandbox, invoking
 * threads); implementations are thread-safe and should not block for long. Failures thrown from
 * {@link #append} propagate to the caller's thread and are not retried.
 */
@FunctionalInterface
public interface LogSink {
    /**
     * Appends one log event.
     *
     * @param account whose log it is: the account and region of the function
     * @param logGroup {@code /aws/lambda/NAME}
     * @param logStream {@code YYYY/MM/DD/[VERSION]<32 hex>}, one per sandbox
     * @param timestamp when the worker saw the line
     * @param message one line of text without its line terminator
     */
    void append(AccountContext account, String logGroup, String logStream, Instant timestamp, String message);
}
