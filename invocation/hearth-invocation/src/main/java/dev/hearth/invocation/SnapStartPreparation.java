package dev.hearth.invocation;

import dev.hearth.controlplane.FunctionResolver;
import dev.hearth.controlplane.VersionState;
import dev.hearth.controlplane.VersionStates;
import dev.hearth.core.AccountContext;
import dev.hearth.core.FunctionRef;
import dev.hearth.store.spi.FunctionStore;
import dev.hearth.store.spi.FunctionVersion;
import dev.hearth.worker.FunctionRevision;
import dev.hearth.worker.Worker;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes the SnapStart snapshot of a published version when it appears, as Lambda does at
 * PublishVersion, so that its first invocation already restores. Told of every function change; for
 * each published version with {@code SnapStart: {ApplyOn: PublishedVersions}} it asks
 * {@link Worker#prepareSnapStart} (idempotent: a snapshot is taken once per version revision, and not
 * at all on backends without snapshots).
 *
 * <p>It is also where the control plane learns a version's {@code State} ({@link VersionStates}), as
 * Lambda reports it: {@code Pending} (reason code {@code Creating}) from the publish until the
 * snapshot is taken, then {@code Active}; {@code Failed} (reason code {@code InternalError}, with the
 * cause) when it could not be taken; on backends that take no snapshots versions stay
 * {@code Active}. As on Lambda, an invoke of a {@code Pending} version is refused with
 * {@code SnapStartNotReadyException} ({@link InvokeApi}). Versions this instance never prepared (e.g.
 * published before a restart: snapshots live as long as the server) are {@code Active}; their first
 * invocation takes the revision.
 *
 * <p>Threading: {@link #functionChanged} marks the versions to prepare {@code Pending} before it
 * returns (so the PublishVersion response already says so) and runs the work on the injected
 * executor; {@link #stateOf} never blocks. Failure: a snapshot that cannot be taken is logged and
 * reported as {@code Failed}; the version's next invocation tries again.
 */
public final class SnapStartPreparation implements VersionStates {
    private static final Logger LOG = LoggerFactory.getLogger(SnapStartPreparation.class);

    private final FunctionStore store;
    private final AccountContext account;
    private final FunctionResolver resolver;
    private final FunctionRevisions revisions;
    private final Worker worker;
    private final Executor executor;
    /** States of the versions this instance prepared, by {@link #key}; absent means Active. */
    private final Map<String, VersionState> states = new ConcurrentHashMap<>();

    public SnapStartPreparation(FunctionStore store, AccountContext account, FunctionResolver resolver,
            FunctionRevisions revisions, Worker worker, Executor executor) {
        this.store = store;
        this.account = account;
        this.resolver = resolver;
        this.revisions = revisions;
        this.worker = worker;
        this.executor = executor;
    }

    /** A function changed (published, updated, deleted): prepare the snapshots its versions need. */
    public void functionChanged(String functionName, boolean deleted) {
        if (deleted) {
            states.keySet().removeIf(key -> key.startsWith(functionName + "\0"));
            return;
        }
        if (!worker.takesSnapStartSnapshots()) {
            return; // SnapStart versions start on demand: nothing to prepare, never Pending
        }
        List<FunctionVersion> versions = store.transact(tx -> tx.versions(functionName)).stream()
                .filter(version -> !version.isLatest()
                        && "PublishedVersions".equals(version.configuration().snapStartApplyOn()))
                .toList();
        List<FunctionVersion> toPrepare = versions.stream()
                .filter(this::startPreparing)
                .toList();
        if (!toPrepare.isEmpty()) {
            executor.execute(() -> toPrepare.forEach(this::prepare));
        }
    }

    /** Marks a version Pending unless it is being or has been prepared; a Failed one is tried again. */
    private boolean startPreparing(FunctionVersion version) {
        VersionState pending = VersionState.pending("Hearth is taking the SnapStart snapshot of this version.");
        VersionState prior = states.merge(key(version), pending,
                (old, fresh) -> old.isFailed() ? fresh : old);
        return prior == pending;
    }

    @Override
    public VersionState stateOf(FunctionVersion version) {
        return states.getOrDefault(key(version), VersionState.ACTIVE);
    }

    private void prepare(FunctionVersion version) {
        String key = key(version);
        try {
            FunctionRevision revision = revisions.of(resolver.resolve(
                    FunctionRef.of(account, version.functionName()).qualified(version.version())));
            worker.prepareSnapStart(revision).whenComplete((ok, failure) -> {
                if (failure == null) {
                    states.replace(key, VersionState.ACTIVE);
                } else {
                    LOG.warn("SnapStart snapshot of {} not taken: {}", revision.functionArn(), failure.getMessage(), failure);
                    states.replace(key, VersionState.failed("The SnapStart snapshot could not be taken: "
                            + failure.getMessage()));
                }
            });
        } catch (RuntimeException e) {
            LOG.warn("SnapStart snapshot of {}:{} not prepared: {}", version.functionName(), version.version(),
                    e.getMessage(), e);
            states.replace(key, VersionState.failed("The SnapStart snapshot could not be prepared: " + e.getMessage()));
        }
    }

    private static String key(FunctionVersion version) {
        return version.functionName() + "\0" + version.version() + "\0" + version.revisionId();
    }
}
