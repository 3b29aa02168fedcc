package dev.hearth.frontend;

import dev.hearth.concurrency.ProvisionedConcurrencyService;
import dev.hearth.concurrency.ProvisionedConcurrencyService.Target;
import dev.hearth.controlplane.FunctionResolver;
import dev.hearth.core.FunctionRef;
import dev.hearth.worker.FunctionRevision;
import dev.hearth.worker.Worker;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Keeps the worker's provisioned sandboxes in line with the stored provisioned-concurrency
 * configurations: at start, whenever {@link #trigger()} is called (a configuration, function, alias or
 * version changed) and every {@code period} (which also catches an alias moved to another version).
 * Each target becomes {@link Worker#provision} of its version's current snapshot; a version no longer
 * targeted is released with a count of 0.
 *
 * <p>Threading: reconciliations run one at a time on the injected scheduler. Failure: a target that
 * cannot be applied is logged and retried on the next round; it never stops the others.
 */
public final class ProvisionedConcurrencyReconciler implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(ProvisionedConcurrencyReconciler.class.getName());

    private final ProvisionedConcurrencyService configs;
    private final FunctionResolver resolver;
    private final FunctionRevisions snapshots;
    private final Worker worker;
    private final ScheduledExecutorService scheduler;
    private final ScheduledFuture<?> periodic;
    /** What the worker was last told to keep, by "function:version"; only touched by reconcile(). */
    private final Map<String, FunctionRevision> provisioned = new HashMap<>();

    public ProvisionedConcurrencyReconciler(ProvisionedConcurrencyService configs, FunctionResolver resolver,
            FunctionRevisions snapshots, Worker worker, ScheduledExecutorService scheduler, Duration period) {
        this.configs = configs;
        this.resolver = resolver;
        this.snapshots = snapshots;
        this.worker = worker;
        this.scheduler = scheduler;
        this.periodic = scheduler.scheduleWithFixedDelay(this::reconcileQuietly, 0, period.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Reconciles soon, on the scheduler. */
    public void trigger() {
        scheduler.execute(this::reconcileQuietly);
    }

    private void reconcileQuietly() {
        try {
            reconcile();
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "provisioned concurrency could not be reconciled", e);
        }
    }

    /** One round: tells the worker every target, and releases what is no longer targeted. */
    synchronized void reconcile() {
        Map<String, FunctionRevision> now = new HashMap<>();
        for (Target target : configs.targets()) {
            String key = target.functionName() + ":" + target.version();
            try {
                FunctionRevision snapshot = snapshots.of(resolver.resolve(
                        new FunctionRef(target.functionName(), Optional.of(target.version()))));
                worker.provision(snapshot, target.count());
                now.put(key, snapshot);
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "provisioned concurrency of " + key + " not applied: " + e.getMessage(), e);
                Optional.ofNullable(provisioned.get(key)).ifPresent(previous -> now.put(key, previous));
            }
        }
        provisioned.forEach((key, snapshot) -> {
            if (!now.containsKey(key)) {
                worker.provision(snapshot, 0);
            }
        });
        provisioned.clear();
        provisioned.putAll(now);
    }

    /** Stops the periodic rounds (the scheduler stays the caller's). */
    @Override
    public void close() {
        periodic.cancel(false);
    }
}
