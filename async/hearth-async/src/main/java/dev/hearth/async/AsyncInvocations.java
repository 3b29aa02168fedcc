package dev.hearth.async;

import dev.hearth.controlplane.ResolvedFunction;
import dev.hearth.core.AccountContext;
import dev.hearth.core.FunctionRef;
import dev.hearth.core.LambdaErrorType;
import dev.hearth.core.LambdaException;
import dev.hearth.frontend.ApiRequest;
import dev.hearth.frontend.ApiResponse;
import dev.hearth.frontend.InvokeApi;
import dev.hearth.queue.spi.EventQueue;
import dev.hearth.queue.spi.EventQueueException;
import dev.hearth.queue.spi.NewEvent;
import dev.hearth.store.spi.FunctionVersion;
import java.util.Map;

/**
 * Accepts {@code Event} invocations: checks Lambda's 256 KB limit, stores the event durably with the
 * qualifier it was invoked with (so the version or alias named runs), and answers 202 with an empty
 * body once the event is committed. The event's id is the request id, which the function later sees
 * as its own request id.
 *
 * <p>Threading: thread-safe; {@link #accept} blocks until the queue committed the event.
 *
 * <p>Failure: a payload over the limit is {@code RequestTooLargeException} (413); a queue that could
 * not store the event is {@code ServiceException} (500), and the event must be considered not
 * accepted.
 */
public final class AsyncInvocations implements InvokeApi.AsyncInvoker {
    /** Lambda's limit on an asynchronous invocation's payload. */
    public static final int MAX_PAYLOAD_BYTES = NewEvent.MAX_PAYLOAD_BYTES;

    private final EventQueue queue;
    private final AccountContext account;
    private final Runnable accepted;

    /**
     * @param accepted called after each accepted event (wakes the pollers)
     */
    public AsyncInvocations(EventQueue queue, AccountContext account, Runnable accepted) {
        this.queue = queue;
        this.account = account;
        this.accepted = accepted;
    }

    @Override
    public ApiResponse accept(ApiRequest request, ResolvedFunction resolved, byte[] payload) {
        if (payload.length > MAX_PAYLOAD_BYTES) {
            throw new LambdaException(LambdaErrorType.RequestTooLargeException,
                    "Request must be smaller than " + MAX_PAYLOAD_BYTES + " bytes for the InvokeAsync operation");
        }
        FunctionRef invoked = FunctionRef.parse(resolved.invokedArn(), account);
        try {
            queue.enqueue(new NewEvent(request.requestId(), invoked.name(),
                    invoked.qualifier().orElse(FunctionVersion.LATEST), payload));
        } catch (EventQueueException e) {
            throw new LambdaException(LambdaErrorType.ServiceException,
                    "The event could not be stored; it was not accepted: " + e.getMessage(), Map.of(), e);
        }
        accepted.run();
        return new ApiResponse(202, Map.of(), new byte[0], null);
    }
}
