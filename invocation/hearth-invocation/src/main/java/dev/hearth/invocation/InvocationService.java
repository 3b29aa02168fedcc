package dev.hearth.invocation;

import dev.hearth.concurrency.ConcurrencyPermit;
import dev.hearth.concurrency.CounterService;
import dev.hearth.controlplane.FunctionResolver;
import dev.hearth.controlplane.ResolvedFunction;
import dev.hearth.controlplane.VersionStates;
import dev.hearth.core.FunctionRef;
import dev.hearth.core.LambdaErrorType;
import dev.hearth.core.LambdaException;
import dev.hearth.queue.spi.EventQueue;
import dev.hearth.queue.spi.EventQueueException;
import dev.hearth.queue.spi.NewEvent;
import dev.hearth.store.spi.FunctionVersion;
import dev.hearth.worker.FunctionRevision;
import dev.hearth.worker.InvocationRequest;
import dev.hearth.worker.InvocationResult;
import dev.hearth.worker.ResponseChunks;
import dev.hearth.worker.Worker;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The one invocation core every entry point calls — Lambda's Invoke API, the asynchronous pollers,
 * and this wave's function URLs, queue pollers and schedules — so that resolution, version states,
 * concurrency limits, the worker and its logs apply the same everywhere:
 * <ul>
 *   <li>{@link #resolve}: a typed {@link FunctionRef} (account, region, name, qualifier) to the
 *       version that runs; a {@code Pending} version (a SnapStart snapshot being taken) is refused
 *       with 409 {@code SnapStartNotReadyException}, as Lambda does;
 *   <li>{@link #invoke}: runs a resolved version on the worker under a concurrency permit from the
 *       Counter service, waiting for the result;
 *   <li>{@link #accept}: stores an asynchronous event durably (Lambda's 256 KB limit) and wakes the
 *       pollers, which later run it through {@link #invokeEvent}.
 * </ul>
 * {@link #invokeStreaming} is the third way of running, on the same permit and worker: a streamed
 * response (InvokeWithResponseStream, RESPONSE_STREAM function URLs).
 *
 * <p>Threading: thread-safe; {@link #invoke} blocks its (virtual) thread until the result and
 * {@link #accept} until the queue committed the event. Failure: throttles are {@code
 * TooManyRequestsException}; the function's own failures are results; a queue that could not store
 * an event is {@code ServiceException} and the event was not accepted.
 */
public final class InvocationService implements EventInvoker {
    /** Lambda's limit on an asynchronous invocation's payload. */
    public static final int MAX_EVENT_PAYLOAD_BYTES = NewEvent.MAX_PAYLOAD_BYTES;

    private final FunctionResolver resolver;
    private final VersionStates versionStates;
    private final FunctionRevisions revisions;
    private final Worker worker;
    private final CounterService counter;
    private final EventQueue events;
    private final List<Runnable> acceptanceListeners = new CopyOnWriteArrayList<>();

    public InvocationService(FunctionResolver resolver, VersionStates versionStates, FunctionRevisions revisions,
            Worker worker, CounterService counter, EventQueue events) {
        this.resolver = resolver;
        this.versionStates = versionStates;
        this.revisions = revisions;
        this.worker = worker;
        this.counter = counter;
        this.events = events;
    }

    /**
     * The version an invocation of {@code function} runs now (an alias with routing picks one).
     *
     * @throws LambdaException {@code ResourceNotFoundException} when the function, version or alias
     *     does not exist; {@code SnapStartNotReadyException} while the version is {@code Pending}
     */
    public ResolvedFunction resolve(FunctionRef function) {
        ResolvedFunction resolved = resolver.resolve(function);
        if (versionStates.stateOf(resolved.version()).isPending()) {
            // only SnapStart versions are ever Pending in Hearth
            throw new LambdaException(LambdaErrorType.SnapStartNotReadyException, "Hearth is taking the SnapStart snapshot of "
                    + resolved.versionArn() + ". It can be invoked once its state is Active.");
        }
        return resolved;
    }

    /**
     * Runs one invocation of a resolved version and waits for its result.
     *
     * @param requestId the request id the function sees
     * @param clientContextBase64 the caller's {@code X-Amz-Client-Context}, if any
     * @param tailLog whether the result carries the last 4 KB of the invocation's log
     */
    public InvocationResult invoke(ResolvedFunction function, String requestId, byte[] payload,
            Optional<String> clientContextBase64, boolean tailLog) {
        return invoke(function, requestId, payload, clientContextBase64, tailLog, Optional.empty());
    }

    /**
     * Runs one invocation as {@link #invoke(ResolvedFunction, String, byte[], Optional, boolean)} does,
     * continuing the caller's X-Ray trace.
     *
     * @param traceHeader the caller's {@code X-Amzn-Trace-Id}, if any: its root (and sampling decision)
     *     carry on in the trace header the function gets
     */
    public InvocationResult invoke(ResolvedFunction function, String requestId, byte[] payload,
            Optional<String> clientContextBase64, boolean tailLog, Optional<String> traceHeader) {
        FunctionRevision revision = revisions.of(function);
        try (ConcurrencyPermit permit = counter.acquire(revision.functionName())) {
            return worker.invoke(revision, new InvocationRequest(requestId, payload, clientContextBase64,
                    function.invokedArn(), tailLog, traceHeader));
        }
    }

    /**
     * Runs one invocation whose response is streamed (InvokeWithResponseStream, RESPONSE_STREAM
     * function URLs): the function's bytes go to {@code chunks} as the runtime makes them, and the
     * concurrency permit is held until the stream has ended. Blocks until then; see
     * {@link Worker#invokeStreaming} for what the result holds.
     *
     * @throws LambdaException {@code TooManyRequestsException} over a concurrency limit, and what
     *     {@link Worker#invokeStreaming} throws; always before any chunk
     */
    public InvocationResult invokeStreaming(ResolvedFunction function, String requestId, byte[] payload,
            Optional<String> clientContextBase64, boolean tailLog, Optional<String> traceHeader, ResponseChunks chunks) {
        FunctionRevision revision = revisions.of(function);
        try (ConcurrencyPermit permit = counter.acquire(revision.functionName())) {
            return worker.invokeStreaming(revision, new InvocationRequest(requestId, payload, clientContextBase64,
                    function.invokedArn(), tailLog, traceHeader), chunks);
        }
    }

    @Override
    public InvocationResult invokeEvent(ResolvedFunction function, String eventId, byte[] payload) {
        return invoke(function, eventId, payload, Optional.empty(), false);
    }

    /**
     * Accepts an asynchronous invocation: stores the event durably with the qualifier it was invoked
     * with (so that the version or alias named runs when it is polled) and returns once it is
     * committed. The event's id is the request id, which the function later sees as its own.
     *
     * @throws LambdaException {@code RequestEntityTooLargeException} (413) over 256 KB, in Lambda's words
     *     ("262145 byte payload is too large for the Event invocation type (limit 262144 bytes)"); {@code
     *     ServiceException} (500) when the queue could not store it (the event was not accepted)
     */
    public void accept(ResolvedFunction function, String requestId, byte[] payload) {
        if (payload.length > MAX_EVENT_PAYLOAD_BYTES) {
            throw new LambdaException(LambdaErrorType.RequestEntityTooLargeException, payload.length
                    + " byte payload is too large for the Event invocation type (limit " + MAX_EVENT_PAYLOAD_BYTES + " bytes)");
        }
        FunctionRef invoked = function.invoked();
        try {
            events.enqueue(new NewEvent(requestId, invoked.name(), invoked.qualifier().orElse(FunctionVersion.LATEST), payload));
        } catch (EventQueueException e) {
            throw new LambdaException(LambdaErrorType.ServiceException,
                    "The event could not be stored; it was not accepted: " + e.getMessage(), Map.of(), e);
        }
        acceptanceListeners.forEach(Runnable::run);
    }

    /** Calls {@code listener} after every accepted event (the pollers wake up on it). */
    public void whenEventAccepted(Runnable listener) {
        acceptanceListeners.add(listener);
    }
}
