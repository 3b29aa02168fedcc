package dev.hearth.worker;

/** An execution environment failed or was shut down before its runtime finished Init. */
final class EnvironmentFailedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    EnvironmentFailedException(String message) {
        super(message);
    }
}
