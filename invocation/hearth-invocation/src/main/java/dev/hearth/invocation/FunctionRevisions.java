package dev.hearth.invocation;

import dev.hearth.controlplane.ResolvedFunction;
import dev.hearth.core.LambdaErrorType;
import dev.hearth.core.LambdaException;
import dev.hearth.packages.PackageStore;
import dev.hearth.store.spi.FunctionConfiguration;
import dev.hearth.store.spi.FunctionLayer;
import dev.hearth.store.spi.FunctionVersion;
import dev.hearth.worker.FunctionRevision;
import dev.hearth.worker.TracingMode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Turns a resolved function version into what the worker needs to run it ({@link FunctionRevision}):
 * the one place that decides the worker's revision key and whether SnapStart applies.
 *
 * <p>Threading: thread-safe. Failure: a version whose package (or one of its layers') is missing is a
 * {@code ServiceException}.
 */
public final class FunctionRevisions {
    private final PackageStore packages;

    public FunctionRevisions(PackageStore packages) {
        this.packages = packages;
    }

    public FunctionRevision of(ResolvedFunction resolved) {
        FunctionVersion v = resolved.version();
        FunctionConfiguration c = v.configuration();
        Path taskRoot = packages.taskRoot(v.code().sha256()).orElseThrow(() -> new LambdaException(
                LambdaErrorType.ServiceException, "The code package of " + resolved.versionArn()
                        + " is missing from the package store.", Map.of()));
        // Code and configuration changes move LastModified; publishing alone does not, so warm
        // sandboxes survive a publish but never outlive a change.
        String revision = v.lastModified().toString();
        // SnapStart applies to published versions only, as in Lambda
        boolean snapStart = !v.isLatest() && "PublishedVersions".equals(c.snapStartApplyOn());
        // the layers' extracted packages, in the function's order; the package store keeps them while
        // any version refers to them, deleted layer versions included
        List<Path> layers = new ArrayList<>();
        for (FunctionLayer layer : c.layers()) {
            layers.add(packages.taskRoot(layer.code().sha256()).orElseThrow(() -> new LambdaException(
                    LambdaErrorType.ServiceException, "The package of layer " + layer.arn() + " of " + resolved.versionArn()
                            + " is missing from the package store.", Map.of())));
        }
        return new FunctionRevision(resolved.invoked().account(), v.functionName(), v.version(), resolved.versionArn(), revision, c.runtime(), c.handler(),
                c.memorySize(), c.timeout(), c.ephemeralStorageSize(), c.environment(), taskRoot, v.code().sha256(),
                snapStart, TracingMode.ofLambdaName(c.tracingMode()), layers);
    }
}
