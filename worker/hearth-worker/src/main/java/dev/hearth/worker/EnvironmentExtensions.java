package dev.hearth.worker;

import dev.hearth.worker.runtimeapi.ExtensionAnswer;
import dev.hearth.worker.runtimeapi.ExtensionsApi;
import dev.hearth.worker.runtimeapi.JsonText;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The extensions of one execution environment and their Extensions API, as Lambda runs them:
 * external extensions (the executables of the layers' {@code extensions} directory, named after
 * their file) and internal ones (any other name, registered from the runtime's process) register
 * during Init; Init ends only when every external extension has registered and every registered
 * extension has asked for its first event ({@link #awaitInitDone}); an INVOKE event goes to each
 * extension subscribed to it when the runtime gets the invocation, and the invocation is over for
 * the extensions when each has asked for its next event ({@link #dispatchInvoke}); a SHUTDOWN event
 * goes to the subscribers when the environment is shut down ({@link #dispatchShutdown}).
 *
 * <p>Threading: thread-safe, with a lock of its own that is never held while calling out. The
 * environment may call in while holding the pool's lock (the order is always pool lock, then this
 * one); the futures returned here are completed without this lock held.
 */
final class EnvironmentExtensions implements ExtensionsApi {
    /** Lambda's limit on the extensions of one function. */
    static final int MAX_EXTENSIONS = 10;

    /** What the environment does about an extension's {@code /init/error} or {@code /exit/error}. */
    @FunctionalInterface
    interface ErrorListener {
        void onError(String errorType, boolean exiting);
    }

    private final FunctionRevision function;
    private final ErrorListener errors;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    // guarded by lock
    private final Set<String> externalNames = new LinkedHashSet<>();
    private final Map<String, Extension> byId = new LinkedHashMap<>();
    private boolean registrationOpen = true;
    private boolean closed;

    /** One registered extension and the events it has still to take. */
    private static final class Extension {
        final String id;
        final String name;
        final boolean external;
        final boolean invoke;
        final boolean shutdown;
        /** Events not yet taken, each with the future that completes when the extension is done with it. */
        final Deque<Pending> events = new ArrayDeque<>();
        boolean askedOnce;
        /** Completes when the extension asks for its next event after the one it was last given. */
        CompletableFuture<Void> owed;

        Extension(String id, String name, boolean external, boolean invoke, boolean shutdown) {
            this.id = id;
            this.name = name;
            this.external = external;
            this.invoke = invoke;
            this.shutdown = shutdown;
        }
    }

    /** An event and the future completed once the extension has processed it. */
    private record Pending(String json, CompletableFuture<Void> done) {}

    EnvironmentExtensions(FunctionRevision function, ErrorListener errors) {
        this.function = function;
        this.errors = errors;
    }

    /** The file names of the external extensions the sandbox starts; set before it is launched. */
    void expectExternal(Collection<String> names) {
        lock.lock();
        try {
            externalNames.addAll(names);
        } finally {
            lock.unlock();
        }
    }

    /** Whether {@code identifier} is a registered extension's. */
    boolean isRegistered(String identifier) {
        lock.lock();
        try {
            return byId.containsKey(identifier);
        } finally {
            lock.unlock();
        }
    }

    /** Whether any extension registered (Lambda's longer shutdown applies). */
    boolean anyRegistered() {
        lock.lock();
        try {
            return !byId.isEmpty();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public ExtensionAnswer register(String name, List<String> events, boolean withAccountId) {
        lock.lock();
        try {
            if (closed) {
                return ExtensionAnswer.shuttingDown();
            }
            if (!registrationOpen) {
                return ExtensionAnswer.error(403, "Extension.RegistrationClosed", "Extension registration closed already");
            }
            if (byId.values().stream().anyMatch(e -> e.name.equals(name))) {
                return ExtensionAnswer.error(403, "Extension.InvalidExtensionState", "Extension with this name already registered");
            }
            boolean external = externalNames.contains(name);
            for (String event : events) {
                if (!event.equals("INVOKE") && !event.equals("SHUTDOWN")) {
                    return ExtensionAnswer.error(403, "Extension.InvalidEventType", event + ": invalid event type");
                }
                if (event.equals("SHUTDOWN") && !external) {
                    return ExtensionAnswer.error(403, "Extension.InvalidEventType",
                            event + ": internal extensions cannot subscribe to SHUTDOWN");
                }
            }
            if (byId.size() >= MAX_EXTENSIONS) {
                return ExtensionAnswer.error(403, "Extension.TooManyExtensions", "Extension limit (" + MAX_EXTENSIONS + ") reached");
            }
            String id = UUID.randomUUID().toString();
            byId.put(id, new Extension(id, name, external, events.contains("INVOKE"), events.contains("SHUTDOWN")));
            changed.signalAll();
            String json = "{\"functionName\":" + JsonText.quote(function.functionName())
                    + ",\"functionVersion\":" + JsonText.quote(function.version())
                    + ",\"handler\":" + JsonText.quote(function.handler())
                    + (withAccountId ? ",\"accountId\":" + JsonText.quote(function.account().accountId()) : "") + "}";
            return ExtensionAnswer.registered(id, json);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public ExtensionAnswer awaitEvent(String identifier) throws InterruptedException {
        CompletableFuture<Void> settled = null;
        lock.lock();
        try {
            Extension extension = byId.get(identifier);
            if (extension == null) {
                return ExtensionAnswer.unknownIdentifier(identifier);
            }
            extension.askedOnce = true;
            settled = extension.owed;
            extension.owed = null;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        if (settled != null) {
            settled.complete(null);
        }
        lock.lock();
        try {
            Extension extension = byId.get(identifier);
            while (extension.events.isEmpty() && !closed) {
                changed.await();
            }
            if (extension.events.isEmpty()) {
                return ExtensionAnswer.shuttingDown();
            }
            Pending next = extension.events.poll();
            extension.owed = next.done();
            return ExtensionAnswer.event(UUID.randomUUID().toString(), next.json());
        } finally {
            lock.unlock();
        }
    }

    @Override
    public ExtensionAnswer error(String identifier, String errorType, boolean exiting) {
        lock.lock();
        try {
            if (!byId.containsKey(identifier)) {
                return ExtensionAnswer.error(403, "Extension.UnknownExtensionIdentifier", "Unknown extension " + identifier);
            }
        } finally {
            lock.unlock();
        }
        errors.onError(errorType.isEmpty() ? "Extension.Unknown" : errorType, exiting);
        return ExtensionAnswer.accepted();
    }

    /**
     * Blocks the runtime's first {@code /next} until the extensions are ready: every external one
     * registered and every registered one asked for its first event. Then closes registration.
     * Returns false when the environment was closed first.
     */
    boolean awaitInitDone() throws InterruptedException {
        lock.lock();
        try {
            while (!closed && !ready()) {
                changed.await();
            }
            registrationOpen = false;
            return !closed;
        } finally {
            lock.unlock();
        }
    }

    private boolean ready() {
        long externalRegistered = byId.values().stream().filter(e -> e.external).count();
        return externalRegistered == externalNames.size() && byId.values().stream().allMatch(e -> e.askedOnce);
    }

    /**
     * Gives an INVOKE event to every extension subscribed to it; the future completes when each of
     * them has asked for its next event (at once when none subscribed), or the environment closed.
     */
    CompletableFuture<Void> dispatchInvoke(String requestId, long deadlineMs, String invokedFunctionArn, String traceId) {
        String json = "{\"eventType\":\"INVOKE\",\"deadlineMs\":" + deadlineMs + ",\"requestId\":" + JsonText.quote(requestId)
                + ",\"invokedFunctionArn\":" + JsonText.quote(invokedFunctionArn)
                + ",\"tracing\":{\"type\":\"X-Amzn-Trace-Id\",\"value\":" + JsonText.quote(traceId) + "}}";
        return dispatch(json, true);
    }

    /**
     * Gives a SHUTDOWN event ({@code spindown}, {@code timeout} or {@code failure}) to every extension
     * subscribed to it; the future completes when each has asked for its next event, or the
     * environment closed. It is complete at once when none subscribed.
     */
    CompletableFuture<Void> dispatchShutdown(String reason, long deadlineMs) {
        String json = "{\"eventType\":\"SHUTDOWN\",\"shutdownReason\":" + JsonText.quote(reason) + ",\"deadlineMs\":"
                + deadlineMs + "}";
        return dispatch(json, false);
    }

    private CompletableFuture<Void> dispatch(String json, boolean invoke) {
        List<CompletableFuture<Void>> owed = new ArrayList<>();
        lock.lock();
        try {
            if (closed) {
                return CompletableFuture.completedFuture(null);
            }
            for (Extension extension : byId.values()) {
                if (invoke ? extension.invoke : extension.shutdown) {
                    CompletableFuture<Void> done = new CompletableFuture<>();
                    extension.events.add(new Pending(json, done));
                    owed.add(done);
                }
            }
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        return CompletableFuture.allOf(owed.toArray(CompletableFuture[]::new));
    }

    /** The environment is gone: every waiting call returns, every pending future completes. */
    void close() {
        List<CompletableFuture<Void>> owed = new ArrayList<>();
        lock.lock();
        try {
            closed = true;
            for (Extension extension : byId.values()) {
                if (extension.owed != null) {
                    owed.add(extension.owed);
                    extension.owed = null;
                }
                extension.events.forEach(pending -> owed.add(pending.done()));
            }
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        owed.forEach(future -> future.complete(null));
    }
}
