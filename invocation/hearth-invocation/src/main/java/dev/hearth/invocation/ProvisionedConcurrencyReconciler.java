package dev.hearth.invocation;

import dev.hearth.concurrency.ProvisionedConcurrencyService;
import dev.hearth.concurrency.ProvisionedConcurrencyService.Target;
import dev.hearth.controlplane.FunctionResolver;
import dev.hearth.core.AccountContext;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the worker's provisioned sandboxes in line with the stored provisioned-concurrency
 * configurations: at start, whenever {@link #trigger()} is called (a configuration, function, alias or
 * version changed) and every {@code period} (which also catches an alias moved to another version).
 * Each target becomes {@link Worker#provision} of its version's current revision; a version no longer
 * targeted is released with a count of 0.
 *
 * <p>Threading: reconciliations run one at a time on the injected scheduler. Failure: a target that
 * cannot be applied is logged and retried on the next round; it never stops the others.
 */
public final class ProvisionedConcurrencyReconciler implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ProvisionedConcurrencyReconciler.class);

    private final ProvisionedConcurrencyService configs;
    private final AccountContext account;
    private final FunctionResolver resolver;
    private final FunctionRevisions revisions;
    private final Worker worker;
    private final ScheduledExecutorService scheduler;
    private final ScheduledFuture<?> periodic;
    /** What the worker was last told to keep, by "function:version"; only touched by reconcile(). */
    private final Map<String, FunctionRevision> provisioned = new HashMap<>();

    public ProvisionedConcurrencyReconciler(ProvisionedConcurrencyService configs, AccountContext account,
            FunctionResolver resolver, FunctionRevisions revisions, Worker worker, ScheduledExecutorService scheduler, Duration period) {
        this.configs = configs;
        this.account = account;
        this.resolver = resolver;
        this.revisions = revisions;
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
            LOG.error("provisioned concurrency could not be reconciled", e);
        }
    }

    /** One round: tells the worker every target, and releases what is no longer targeted. */
    synchronized void reconcile() {
        Map<String, FunctionRevision> now = new HashMap<>();
        for (Target target : configs.targets()) {
            String key = target.functionName() + ":" + target.version();
            try {
                FunctionRevision revision = revisions.of(resolver.resolve(
                        FunctionRef.of(account, target.functionName()).qualified(target.version())));
                worker.provision(revision, target.count());
                now.put(key, revision);
            } catch (RuntimeException e) {
                LOG.warn("provisioned concurrency of {} not applied: {}", key, e.getMessage(), e);
                Optional.ofNullable(provisioned.get(key)).ifPresent(previous -> now.put(key, previous));
            }
        }
        provisioned.forEach((key, revision) -> {
            if (!now.containsKey(key)) {
                worker.provision(revision, 0);
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
