package dev.hearth.store.spi;

/** The store itself failed (I/O, corruption, lost connection); the transaction was rolled back. */
public final class StoreException extends RuntimeException {
    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
