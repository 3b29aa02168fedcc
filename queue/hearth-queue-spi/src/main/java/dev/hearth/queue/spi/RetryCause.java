package dev.hearth.queue.spi;

/** Why a leased event is released to be tried again; decides which retry count grows. */
public enum RetryCause {
    /** The function ran and failed (error, timeout, crash): counts against {@code MaximumRetryAttempts}. */
    FUNCTION_ERROR,
    /**
     * The event could not be run (throttled, no sandbox could start, the worker failed): Lambda retries
     * these until the event is too old, so they are counted apart.
     */
    SYSTEM
}
