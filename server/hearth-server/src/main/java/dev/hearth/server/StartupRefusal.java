package dev.hearth.server;

/**
 * Hearth refuses to start because of something the person starting it can fix: an unknown or
 * unusable sandbox backend, a data directory that is locked or out of the sandbox user's reach, a
 * bad credentials file. The message is one line for that person: what is wrong and the command or
 * option that fixes it. {@code hearth server} prints it alone, without a stack trace.
 */
public final class StartupRefusal extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** @param message one line: what is wrong, then the fix */
    public StartupRefusal(String message) {
        super(message);
    }

    /** @param message one line: what is wrong, then the fix; {@code cause} is for debugging only */
    public StartupRefusal(String message, Throwable cause) {
        super(message, cause);
    }
}
