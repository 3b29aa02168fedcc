package dev.hearth.frontend;

import dev.hearth.controlplane.FunctionResolver;
import dev.hearth.core.FunctionRef;
import dev.hearth.store.spi.FunctionStore;
import dev.hearth.store.spi.FunctionVersion;
import dev.hearth.worker.FunctionSnapshot;
import dev.hearth.worker.Worker;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executor;

/**
 * Takes the SnapStart snapshot of a published version when it appears, as Lambda does at
 * PublishVersion, so that its first invocation already restores. Told of every function change; for
 * each published version with {@code SnapStart: {ApplyOn: PublishedVersions}} it asks
 * {@link Worker#prepareSnapStart} (idempotent: a snapshot is taken once per version revision, and not
 * at all on backends without snapshots).
 *
 * <p>Threading: {@link #functionChanged} returns at once; the work runs on the injected executor.
 * Failure: a snapshot that cannot be taken is logged; the version's first invocation tries again.
 */
public final class SnapStartPreparation {
    private static final System.Logger LOG = System.getLogger(SnapStartPreparation.class.getName());

    private final FunctionStore store;
    private final FunctionResolver resolver;
    private final FunctionSnapshots snapshots;
    private final Worker worker;
    private final Executor executor;

    public SnapStartPreparation(FunctionStore store, FunctionResolver resolver, FunctionSnapshots snapshots, Worker worker,
            Executor executor) {
        this.store = store;
        this.resolver = resolver;
        this.snapshots = snapshots;
        this.worker = worker;
        this.executor = executor;
    }

    /** A function changed (published, updated, deleted): prepare the snapshots its versions need. */
    public void functionChanged(String functionName, boolean deleted) {
        if (!deleted) {
            executor.execute(() -> prepare(functionName));
        }
    }

    private void prepare(String functionName) {
        List<FunctionVersion> versions = store.transact(tx -> tx.versions(functionName));
        for (FunctionVersion version : versions) {
            if (version.isLatest() || !"PublishedVersions".equals(version.configuration().snapStartApplyOn())) {
                continue;
            }
            try {
                FunctionSnapshot snapshot = snapshots.of(resolver.resolve(
                        new FunctionRef(functionName, Optional.of(version.version()))));
                worker.prepareSnapStart(snapshot).whenComplete((ok, failure) -> {
                    if (failure != null) {
                        LOG.log(System.Logger.Level.WARNING, "SnapStart snapshot of " + snapshot.functionArn()
                                + " not taken: " + failure.getMessage(), failure);
                    }
                });
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "SnapStart snapshot of " + functionName + ":" + version.version()
                        + " not prepared: " + e.getMessage(), e);
            }
        }
    }
}
