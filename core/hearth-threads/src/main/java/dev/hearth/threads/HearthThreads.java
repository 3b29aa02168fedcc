package dev.hearth.threads;

import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place Hearth makes threads. Every thread is named after what it does ({@code
 * hearth-<role>} or {@code hearth-<role>-<n>}) so that a thread dump reads as the architecture, and
 * every thread logs a failure that escapes its task (through SLF4J, logger {@code dev.hearth.threads})
 * instead of letting it vanish on standard error.
 *
 * <p>Virtual threads are for work that blocks on I/O or on a sandbox (requests, invocations, pollers);
 * platform daemon threads are for the few loops that must not be pinned behind virtual threads or
 * that run native blocking reads (log pumps, schedulers, process reapers).
 *
 * <p>Threading: all methods are thread-safe. Ownership: executors returned are the caller's to shut
 * down; a daemon thread never keeps the JVM alive.
 */
public final class HearthThreads {
    private static final Logger LOG = LoggerFactory.getLogger(HearthThreads.class);

    /** Logs a task's failure that reached the top of its thread. */
    public static final Thread.UncaughtExceptionHandler LOG_FAILURES = (thread, failure) ->
            LOG.error("Thread {} ended with an uncaught failure", thread.getName(), failure);

    private HearthThreads() {}

    /** A factory of virtual threads named {@code hearth-<role>-<n>}. */
    public static ThreadFactory virtual(String role) {
        return Thread.ofVirtual().name(name(role) + "-", 0).uncaughtExceptionHandler(LOG_FAILURES).factory();
    }

    /** A factory of platform daemon threads named {@code hearth-<role>-<n>}. */
    public static ThreadFactory daemon(String role) {
        return Thread.ofPlatform().daemon().name(name(role) + "-", 0).uncaughtExceptionHandler(LOG_FAILURES).factory();
    }

    /** An executor that starts one virtual thread per task, named {@code hearth-<role>-<n>}. */
    public static ExecutorService perTaskVirtual(String role) {
        return Executors.newThreadPerTaskExecutor(virtual(role));
    }

    /** A single platform daemon thread named {@code hearth-<role>} running scheduled tasks in order. */
    public static ScheduledExecutorService scheduler(String role) {
        return Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().daemon().name(name(role)).uncaughtExceptionHandler(LOG_FAILURES).factory());
    }

    /** Starts {@code task} now on a new virtual thread named {@code hearth-<role>}. */
    public static Thread startVirtual(String role, Runnable task) {
        return Thread.ofVirtual().name(name(role)).uncaughtExceptionHandler(LOG_FAILURES).start(task);
    }

    /** Starts {@code task} now on a new platform daemon thread named {@code hearth-<role>}. */
    public static Thread startDaemon(String role, Runnable task) {
        return Thread.ofPlatform().daemon().name(name(role)).uncaughtExceptionHandler(LOG_FAILURES).start(task);
    }

    /**
     * Starts {@code task} now on a new platform daemon thread named {@code hearth-<role>} with a
     * stack of {@code stackBytes}: for the many small per-sandbox loops whose default 1 MiB stack
     * reservation would count against density.
     */
    public static Thread startDaemon(String role, long stackBytes, Runnable task) {
        return Thread.ofPlatform().daemon().stackSize(stackBytes).name(name(role)).uncaughtExceptionHandler(LOG_FAILURES)
                .start(task);
    }

    private static String name(String role) {
        Objects.requireNonNull(role, "role");
        return role.startsWith("hearth-") ? role : "hearth-" + role;
    }
}
