package dev.hearth.server;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * The components a server (or one of its cells) started, closed in the reverse order of their
 * start: what was started last depends on what came before it. Closing goes on past a failure, so
 * that one component that cannot stop never keeps the others running; the first failure is thrown
 * at the end with the later ones suppressed into it.
 *
 * <p>Threading: not thread-safe; start and close from one thread.
 */
final class StartedComponents implements AutoCloseable {
    private final Deque<AutoCloseable> started = new ArrayDeque<>();

    /** Records {@code component} as started; returns it. */
    <T extends AutoCloseable> T own(T component) {
        started.push(component);
        return component;
    }

    /** Closes every component, newest first. Idempotent. */
    @Override
    public void close() throws Exception {
        Exception failure = null;
        while (!started.isEmpty()) {
            try {
                started.pop().close();
            } catch (Exception e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }
}
