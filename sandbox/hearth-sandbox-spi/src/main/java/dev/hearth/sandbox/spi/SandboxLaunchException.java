package dev.hearth.sandbox.spi;

/** A sandbox could not be started; nothing of it is left running. */
public final class SandboxLaunchException extends Exception {
    public SandboxLaunchException(String message) {
        super(message);
    }

    public SandboxLaunchException(String message, Throwable cause) {
        super(message, cause);
    }
}
