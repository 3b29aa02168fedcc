package dev.hearth.frontend;

import dev.hearth.concurrency.ConcurrencyPermit;
import dev.hearth.concurrency.CounterService;
import dev.hearth.controlplane.ResolvedFunction;
import dev.hearth.worker.FunctionRevision;
import dev.hearth.worker.InvocationRequest;
import dev.hearth.worker.InvocationResult;
import dev.hearth.worker.Worker;
import java.util.Optional;

/**
 * Runs one invocation of a resolved function version on the worker, under a concurrency permit from
 * the Counter service. The one path every invocation takes: the Invoke API's RequestResponse calls
 * and the asynchronous pollers alike.
 *
 * <p>Threading: thread-safe; {@link #invoke} blocks its (virtual) thread until the result. Failure:
 * throttles are {@code TooManyRequestsException}; the function's own failures are results.
 */
public final class SynchronousInvocations {
    private final FunctionRevisions snapshots;
    private final Worker worker;
    private final CounterService counter;

    public SynchronousInvocations(FunctionRevisions snapshots, Worker worker, CounterService counter) {
        this.snapshots = snapshots;
        this.worker = worker;
        this.counter = counter;
    }

    public InvocationResult invoke(ResolvedFunction resolved, String requestId, byte[] payload,
            Optional<String> clientContextBase64, boolean tailLog) {
        FunctionRevision snapshot = snapshots.of(resolved);
        try (ConcurrencyPermit permit = counter.acquire(snapshot.functionName())) {
            return worker.invoke(snapshot, new InvocationRequest(requestId, payload, clientContextBase64,
                    resolved.invokedArn(), tailLog));
        }
    }
}
