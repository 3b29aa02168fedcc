package dev.hearth.frontend;

import dev.hearth.concurrency.ConcurrencyPermit;
import dev.hearth.concurrency.CounterService;
import dev.hearth.controlplane.ResolvedFunction;
import dev.hearth.core.LambdaErrorType;
import dev.hearth.core.LambdaException;
import dev.hearth.packages.PackageStore;
import dev.hearth.store.spi.FunctionConfiguration;
import dev.hearth.store.spi.FunctionVersion;
import dev.hearth.worker.FunctionSnapshot;
import dev.hearth.worker.InvocationRequest;
import dev.hearth.worker.InvocationResult;
import dev.hearth.worker.Worker;
import java.nio.file.Path;
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
    private final PackageStore packages;
    private final Worker worker;
    private final CounterService counter;

    public SynchronousInvocations(PackageStore packages, Worker worker, CounterService counter) {
        this.packages = packages;
        this.worker = worker;
        this.counter = counter;
    }

    public InvocationResult invoke(ResolvedFunction resolved, String requestId, byte[] payload,
            Optional<String> clientContextBase64, boolean tailLog) {
        FunctionSnapshot snapshot = snapshot(resolved);
        try (ConcurrencyPermit permit = counter.acquire(snapshot.functionName())) {
            return worker.invoke(snapshot, new InvocationRequest(requestId, payload, clientContextBase64,
                    resolved.invokedArn(), tailLog));
        }
    }

    /** What the worker needs to know of a function version to run it. */
    private FunctionSnapshot snapshot(ResolvedFunction resolved) {
        FunctionVersion v = resolved.version();
        FunctionConfiguration c = v.configuration();
        Path taskRoot = packages.taskRoot(v.code().sha256()).orElseThrow(() -> new LambdaException(
                LambdaErrorType.ServiceException, "The code package of " + resolved.versionArn() + " is missing from the package store."));
        // Code and configuration changes move LastModified; publishing alone does not, so warm
        // sandboxes survive a publish but never outlive a change.
        String revision = v.lastModified().toString();
        return new FunctionSnapshot(v.functionName(), v.version(), resolved.versionArn(), revision, c.runtime(), c.handler(),
                c.memorySize(), c.timeout(), c.ephemeralStorageSize(), c.environment(), taskRoot, v.code().sha256());
    }
}
