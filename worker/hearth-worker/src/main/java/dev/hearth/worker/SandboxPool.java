package dev.hearth.worker;

import dev.hearth.worker.ExecutionEnvironment.Origin;
import dev.hearth.worker.keepalive.FunctionKey;
import dev.hearth.worker.keepalive.KeepAliveDecision;
import dev.hearth.worker.keepalive.KeepAlivePolicy;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;

/**
 * Lambda's Worker Manager for one worker: which execution environments exist, which are idle for
 * which exact {@code (function, version, revision)}, and the rules for claiming one. A claim takes an
 * idle provisioned environment of the exact key first, then the most recently used idle on-demand
 * one, or creates a new one (a cold start). Seeing a new revision of a function version retires the
 * environments of other revisions: idle ones at once, busy ones when their invocation ends.
 *
 * <p>It also keeps the books the worker's housekeeping acts on: the keep-alive policy's pending
 * pre-warms, the provisioned-concurrency targets, and the counters of {@link WorkerMetrics}.
 *
 * <p>Threading: one lock ({@link #lock}) guards the pool and the state of every environment in it;
 * critical sections are short and never call out to sandboxes' I/O or the log sink.
 */
final class SandboxPool {
    /** What a sandbox serves; never two of these in one sandbox. */
    record PoolKey(String functionArn, String version, String revisionId) {
        static PoolKey of(FunctionRevision f) {
            return new PoolKey(f.unqualifiedArn(), f.version(), f.revisionId());
        }

        FunctionKey functionKey() {
            return new FunctionKey(functionArn, version);
        }
    }

    /** The environment an invocation got, and whether it has to be launched first. */
    record Claim(ExecutionEnvironment environment, boolean cold) {}

    /** A sandbox the keep-alive policy wants initialised at {@code at} and kept for {@code keepAlive}. */
    record Prewarm(FunctionRevision function, Instant at, Duration keepAlive) {}

    /** Provisioned concurrency asked for one function version. */
    private record ProvisionTarget(FunctionRevision function, int count, Optional<String> failure) {}

    final ReentrantLock lock = new ReentrantLock();
    private final InstantSource clock;
    private final KeepAlivePolicy keepAlive;
    private final Map<String, ExecutionEnvironment> environments = new LinkedHashMap<>();
    private final Map<PoolKey, ArrayDeque<ExecutionEnvironment>> idle = new HashMap<>();
    private final Map<PoolKey, ArrayDeque<ExecutionEnvironment>> idleProvisioned = new HashMap<>();
    private final Map<FunctionKey, String> latestRevision = new HashMap<>();
    private final Map<PoolKey, Prewarm> prewarms = new HashMap<>();
    private final Map<FunctionKey, ProvisionTarget> provisioned = new HashMap<>();

    // metrics, guarded by lock
    private long coldStarts;
    private long warmStarts;
    private long prewarmsStarted;
    private long prewarmHits;
    private long idleReaped;
    private long evicted;
    private long idleMemoryMb;
    private double idleMbMillis;
    private Instant idleSince;

    SandboxPool(InstantSource clock, KeepAlivePolicy keepAlive) {
        this.clock = clock;
        this.keepAlive = keepAlive;
        this.idleSince = clock.instant();
    }

    /**
     * Claims a warm environment for {@code invocation}, or registers a new one made by {@code create}
     * (which the caller must then launch).
     */
    Claim claim(FunctionRevision function, Invocation invocation, Function<Invocation, ExecutionEnvironment> create) {
        lock.lock();
        try {
            noteRevision(function);
            PoolKey key = PoolKey.of(function);
            Optional<ExecutionEnvironment> warm = claimIdle(idleProvisioned, key, invocation)
                    .or(() -> claimIdle(idle, key, invocation));
            if (warm.isPresent()) {
                warmStarts++;
                return new Claim(warm.get(), false);
            }
            ExecutionEnvironment created = create.apply(invocation);
            environments.put(created.id, created);
            coldStarts++;
            return new Claim(created, true);
        } finally {
            lock.unlock();
        }
    }

    /** Caller holds the lock: takes the most recently used idle environment of {@code key} in {@code byKey}. */
    private Optional<ExecutionEnvironment> claimIdle(Map<PoolKey, ArrayDeque<ExecutionEnvironment>> byKey, PoolKey key,
            Invocation invocation) {
        ArrayDeque<ExecutionEnvironment> warm = byKey.get(key);
        while (warm != null && !warm.isEmpty()) {
            ExecutionEnvironment env = warm.pollFirst();
            accrueIdleMemory();
            idleMemoryMb -= env.function.memoryMb();
            if (warm.isEmpty()) {
                byKey.remove(key);
            }
            boolean firstUse = env.origin == Origin.PREWARM && env.servedNothing();
            if (env.claim(invocation)) {
                if (firstUse) {
                    prewarmHits++;
                }
                return Optional.of(env);
            }
        }
        return Optional.empty();
    }

    /** Registers an environment launched without an invocation (the caller launches it). */
    ExecutionEnvironment register(FunctionRevision function, Function<FunctionRevision, ExecutionEnvironment> create) {
        lock.lock();
        try {
            noteRevision(function);
            ExecutionEnvironment created = create.apply(function);
            environments.put(created.id, created);
            if (created.origin == Origin.PREWARM) {
                prewarmsStarted++;
            }
            return created;
        } finally {
            lock.unlock();
        }
    }

    /** Caller holds the lock. A newer revision of a version retires the environments of the older ones. */
    private void noteRevision(FunctionRevision function) {
        FunctionKey fv = new FunctionKey(function.unqualifiedArn(), function.version());
        String previous = latestRevision.put(fv, function.revisionId());
        if (previous != null && !previous.equals(function.revisionId())) {
            for (ExecutionEnvironment env : List.copyOf(environments.values())) {
                if (env.key.functionKey().equals(fv) && !env.key.revisionId().equals(function.revisionId())) {
                    env.retire("newer revision");
                }
            }
            prewarms.keySet().removeIf(k -> k.functionKey().equals(fv));
        }
    }

    /** Caller holds the lock. Most recently used first. */
    void pushIdle(ExecutionEnvironment env) {
        (env.isProvisioned() ? idleProvisioned : idle).computeIfAbsent(env.key, k -> new ArrayDeque<>()).addFirst(env);
        accrueIdleMemory();
        idleMemoryMb += env.function.memoryMb();
    }

    /** Caller holds the lock. */
    void forgetIdle(ExecutionEnvironment env) {
        Map<PoolKey, ArrayDeque<ExecutionEnvironment>> byKey = env.isProvisioned() ? idleProvisioned : idle;
        ArrayDeque<ExecutionEnvironment> warm = byKey.get(env.key);
        if (warm != null && warm.remove(env)) {
            accrueIdleMemory();
            idleMemoryMb -= env.function.memoryMb();
            if (warm.isEmpty()) {
                byKey.remove(env.key);
            }
        }
    }

    /** Caller holds the lock: the idle-memory integral up to now. */
    private void accrueIdleMemory() {
        Instant now = clock.instant();
        if (now.isAfter(idleSince)) {
            idleMbMillis += (double) idleMemoryMb * Duration.between(idleSince, now).toMillis();
            idleSince = now;
        }
    }

    /** Caller holds the lock. */
    void remove(ExecutionEnvironment env) {
        forgetIdle(env);
        environments.remove(env.id, env);
    }

    /** Caller holds the lock: whether a newer revision of the environment's function version was seen. */
    boolean isOutdated(ExecutionEnvironment env) {
        String latest = latestRevision.get(env.key.functionKey());
        return latest != null && !latest.equals(env.key.revisionId());
    }

    /**
     * Caller holds the lock: the keep-alive policy's decision for an environment that just became idle
     * at {@code now}; a pre-warm decision is remembered for the housekeeping.
     */
    KeepAliveDecision keepAlive(ExecutionEnvironment env, Instant now) {
        KeepAliveDecision decision = keepAlive.onIdle(env.key.functionKey(), now);
        if (decision.prewarms()) {
            prewarms.put(env.key, new Prewarm(env.function, now.plus(decision.prewarmAfter()), decision.keepAlive()));
        }
        return decision;
    }

    /**
     * Shuts down idle on-demand environments, least recently used first, until their MemorySize adds
     * up to {@code megabytes}; returns the sum shut down. Provisioned ones are never evicted.
     */
    long evictIdle(long megabytes) {
        lock.lock();
        try {
            List<ExecutionEnvironment> candidates = new ArrayList<>();
            idle.values().forEach(candidates::addAll);
            candidates.sort(java.util.Comparator.comparing(env -> env.idleSince().orElse(Instant.MAX)));
            long freed = 0;
            for (ExecutionEnvironment env : candidates) {
                if (freed >= megabytes) {
                    break;
                }
                env.shutDown("evicted to make room");
                freed += env.function.memoryMb();
                evicted++;
            }
            return freed;
        } finally {
            lock.unlock();
        }
    }

    /** Shuts down environments idle past their keep-alive at {@code now}; returns how many. */
    int reapExpired(Instant now) {
        lock.lock();
        try {
            int reaped = 0;
            for (ExecutionEnvironment env : List.copyOf(environments.values())) {
                Optional<Instant> idleSince = env.idleSince();
                if (env.reapIfExpired(now)) {
                    reaped++;
                    keepAlive.afterExpiry(env.key.functionKey(), idleSince.orElse(now)).filter(KeepAliveDecision::prewarms)
                            .ifPresent(d -> prewarms.put(env.key, new Prewarm(env.function,
                                    idleSince.orElse(now).plus(d.prewarmAfter()), d.keepAlive())));
                }
            }
            idleReaped += reaped;
            return reaped;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Shuts down environments that have been initialising without an invocation for longer than
     * {@code limit}; returns how many.
     */
    int timeOutWarming(Duration limit) {
        lock.lock();
        try {
            int timedOut = 0;
            for (ExecutionEnvironment env : List.copyOf(environments.values())) {
                if (env.timeOutWarming(limit)) {
                    timedOut++;
                }
            }
            return timedOut;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Removes and returns the pre-warms due at {@code now} whose version has no live environment
     * (an invocation meanwhile made one, or it was retired: nothing to pre-warm).
     */
    List<Prewarm> takeDuePrewarms(Instant now) {
        lock.lock();
        try {
            List<Prewarm> due = new ArrayList<>();
            for (Iterator<Map.Entry<PoolKey, Prewarm>> it = prewarms.entrySet().iterator(); it.hasNext(); ) {
                Map.Entry<PoolKey, Prewarm> entry = it.next();
                if (entry.getValue().at().isAfter(now)) {
                    continue;
                }
                it.remove();
                boolean live = environments.values().stream()
                        .anyMatch(env -> env.key.equals(entry.getKey()) && env.isLive() && !env.isProvisioned());
                if (!live && !isOutdatedKey(entry.getKey())) {
                    due.add(entry.getValue());
                }
            }
            return due;
        } finally {
            lock.unlock();
        }
    }

    /** Whether {@code key} is the latest revision seen of a version that still exists. */
    boolean isCurrent(PoolKey key) {
        lock.lock();
        try {
            return !isOutdatedKey(key);
        } finally {
            lock.unlock();
        }
    }

    private boolean isOutdatedKey(PoolKey key) {
        String latest = latestRevision.get(key.functionKey());
        return latest == null || !latest.equals(key.revisionId());
    }

    // ---- provisioned concurrency -------------------------------------------------------------

    /**
     * Sets the provisioned concurrency of {@code function}'s version (0 removes it) and shuts down
     * provisioned environments beyond it (idle ones first) or of other revisions.
     */
    void setProvisioned(FunctionRevision function, int count) {
        lock.lock();
        try {
            noteRevision(function);
            FunctionKey fv = new FunctionKey(function.unqualifiedArn(), function.version());
            if (count == 0) {
                provisioned.remove(fv);
            } else {
                ProvisionTarget previous = provisioned.get(fv);
                Optional<String> failure = previous != null && previous.function().revisionId().equals(function.revisionId())
                        ? previous.failure() : Optional.empty();
                provisioned.put(fv, new ProvisionTarget(function, count, failure));
            }
            List<ExecutionEnvironment> mine = provisionedOf(fv);
            mine.sort((a, b) -> Boolean.compare(b.idleSince().isPresent(), a.idleSince().isPresent()));
            for (int i = 0; i < mine.size() - count; i++) {
                mine.get(i).retire("provisioned concurrency lowered");
            }
        } finally {
            lock.unlock();
        }
    }

    /** The provisioned environments the targets lack: the revision to launch, one entry per missing environment. */
    List<FunctionRevision> missingProvisioned() {
        lock.lock();
        try {
            List<FunctionRevision> missing = new ArrayList<>();
            provisioned.forEach((fv, target) -> {
                long live = provisionedOf(fv).stream()
                        .filter(env -> env.key.revisionId().equals(target.function().revisionId())).count();
                for (long i = live; i < target.count(); i++) {
                    missing.add(target.function());
                }
            });
            return missing;
        } finally {
            lock.unlock();
        }
    }

    /** Records why a provisioned environment failed, or clears it ({@code null}) once one became ready. */
    void provisionedOutcome(FunctionRevision function, Optional<String> failure) {
        lock.lock();
        try {
            FunctionKey fv = new FunctionKey(function.unqualifiedArn(), function.version());
            provisioned.computeIfPresent(fv, (k, target) -> target.function().revisionId().equals(function.revisionId())
                    ? new ProvisionTarget(target.function(), target.count(), failure) : target);
        } finally {
            lock.unlock();
        }
    }

    ProvisionedCapacity provisionedCapacity(FunctionKey fv) {
        lock.lock();
        try {
            ProvisionTarget target = provisioned.get(fv);
            if (target == null) {
                return ProvisionedCapacity.NONE;
            }
            int ready = (int) provisionedOf(fv).stream()
                    .filter(env -> env.key.revisionId().equals(target.function().revisionId()) && env.isInitialised())
                    .count();
            return new ProvisionedCapacity(target.count(), ready, target.failure());
        } finally {
            lock.unlock();
        }
    }

    /** Caller holds the lock: live provisioned environments of a version, any revision. */
    private List<ExecutionEnvironment> provisionedOf(FunctionKey fv) {
        List<ExecutionEnvironment> mine = new ArrayList<>();
        for (ExecutionEnvironment env : environments.values()) {
            if (env.isProvisioned() && env.isLive() && env.key.functionKey().equals(fv)) {
                mine.add(env);
            }
        }
        return mine;
    }

    // ---- whole pool ----------------------------------------------------------------------------

    /** Retires every environment of the function {@code functionArn} (unqualified; all versions) and forgets it. */
    void retire(String functionArn) {
        lock.lock();
        try {
            for (ExecutionEnvironment env : List.copyOf(environments.values())) {
                if (env.key.functionArn().equals(functionArn)) {
                    env.retire("function retired");
                }
            }
            List<FunctionKey> gone = latestRevision.keySet().stream()
                    .filter(fv -> fv.functionArn().equals(functionArn)).toList();
            gone.forEach(latestRevision::remove);
            gone.forEach(keepAlive::forget);
            provisioned.keySet().removeIf(fv -> fv.functionArn().equals(functionArn));
            prewarms.keySet().removeIf(k -> k.functionArn().equals(functionArn));
        } finally {
            lock.unlock();
        }
    }

    /** Shuts every environment down; returns them so the caller can wait for their exits. */
    List<ExecutionEnvironment> shutDownAll() {
        lock.lock();
        try {
            List<ExecutionEnvironment> all = List.copyOf(environments.values());
            all.forEach(env -> env.shutDown("worker closing"));
            provisioned.clear();
            prewarms.clear();
            return all;
        } finally {
            lock.unlock();
        }
    }

    List<SandboxInfo> infos() {
        lock.lock();
        try {
            List<SandboxInfo> infos = new ArrayList<>(environments.size());
            environments.values().forEach(env -> infos.add(env.info()));
            return infos;
        } finally {
            lock.unlock();
        }
    }

    WorkerMetrics metrics() {
        lock.lock();
        try {
            accrueIdleMemory();
            int idleCount = idle.values().stream().mapToInt(ArrayDeque::size).sum()
                    + idleProvisioned.values().stream().mapToInt(ArrayDeque::size).sum();
            return new WorkerMetrics(environments.size(), idleCount, idleMemoryMb, coldStarts, warmStarts,
                    prewarmsStarted, prewarmHits, idleReaped, evicted, idleMbMillis / 60_000.0, prewarms.size(),
                    keepAlive.stats());
        } finally {
            lock.unlock();
        }
    }
}
