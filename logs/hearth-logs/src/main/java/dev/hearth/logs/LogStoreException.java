package dev.hearth.logs;

/** The log store could not read or write its database; the message says what and why. */
public final class LogStoreException extends RuntimeException {
    public LogStoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
