package dev.hearth.worker;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;

/**
 * Lambda's Worker Manager for one worker: which execution environments exist, which are idle for
 * which exact {@code (function, version, revision)}, and the rules for claiming one. A claim takes the
 * most recently used idle environment of the exact key, or creates a new one (a cold start). Seeing a
 * new revision of a function version retires the environments of other revisions: idle ones at
 * once, busy ones when their invocation ends.
 *
 * <p>Threading: one lock ({@link #lock}) guards the pool and the state of every environment in it;
 * critical sections are short and never call out to sandboxes' I/O or the log sink.
 */
final class SandboxPool {
    /** What a sandbox serves; never two of these in one sandbox. */
    record PoolKey(String functionName, String version, String revisionId) {
        static PoolKey of(FunctionSnapshot f) {
            return new PoolKey(f.functionName(), f.version(), f.revisionId());
        }
    }

    private record FunctionVersion(String functionName, String version) {}

    /** The environment an invocation got, and whether it has to be launched first. */
    record Claim(ExecutionEnvironment environment, boolean cold) {}

    final ReentrantLock lock = new ReentrantLock();
    private final Map<String, ExecutionEnvironment> environments = new LinkedHashMap<>();
    private final Map<PoolKey, ArrayDeque<ExecutionEnvironment>> idle = new HashMap<>();
    private final Map<FunctionVersion, String> latestRevision = new HashMap<>();

    /**
     * Claims a warm environment for {@code invocation}, or registers a new one made by {@code create}
     * (which the caller must then launch).
     */
    Claim claim(FunctionSnapshot function, Invocation invocation, Function<Invocation, ExecutionEnvironment> create) {
        lock.lock();
        try {
            FunctionVersion fv = new FunctionVersion(function.functionName(), function.version());
            String previous = latestRevision.put(fv, function.revisionId());
            if (previous != null && !previous.equals(function.revisionId())) {
                for (ExecutionEnvironment env : List.copyOf(environments.values())) {
                    if (env.key.functionName().equals(fv.functionName()) && env.key.version().equals(fv.version())
                            && !env.key.revisionId().equals(function.revisionId())) {
                        env.retire("newer revision");
                    }
                }
            }
            ArrayDeque<ExecutionEnvironment> warm = idle.get(PoolKey.of(function));
            while (warm != null && !warm.isEmpty()) {
                ExecutionEnvironment env = warm.pollFirst();
                if (env.claim(invocation)) {
                    return new Claim(env, false);
                }
            }
            ExecutionEnvironment created = create.apply(invocation);
            environments.put(created.id, created);
            return new Claim(created, true);
        } finally {
            lock.unlock();
        }
    }

    /** Caller holds the lock. Most recently used first. */
    void pushIdle(ExecutionEnvironment env) {
        idle.computeIfAbsent(env.key, k -> new ArrayDeque<>()).addFirst(env);
    }

    /** Caller holds the lock. */
    void forgetIdle(ExecutionEnvironment env) {
        ArrayDeque<ExecutionEnvironment> warm = idle.get(env.key);
        if (warm != null) {
            warm.remove(env);
            if (warm.isEmpty()) {
                idle.remove(env.key);
            }
        }
    }

    /** Caller holds the lock. */
    void remove(ExecutionEnvironment env) {
        forgetIdle(env);
        environments.remove(env.id, env);
    }

    /** Caller holds the lock: whether a newer revision of the environment's function version was seen. */
    boolean isOutdated(ExecutionEnvironment env) {
        String latest = latestRevision.get(new FunctionVersion(env.key.functionName(), env.key.version()));
        return latest != null && !latest.equals(env.key.revisionId());
    }

    /** Shuts down environments idle since {@code cutoff} or earlier; returns how many. */
    int reapIdleSince(Instant cutoff) {
        lock.lock();
        try {
            int reaped = 0;
            for (ExecutionEnvironment env : List.copyOf(environments.values())) {
                if (env.reapIfIdleSince(cutoff)) {
                    reaped++;
                }
            }
            return reaped;
        } finally {
            lock.unlock();
        }
    }

    /** Retires every environment of {@code functionName} (all versions) and forgets its revisions. */
    void retire(String functionName) {
        lock.lock();
        try {
            for (ExecutionEnvironment env : List.copyOf(environments.values())) {
                if (env.key.functionName().equals(functionName)) {
                    env.retire("function retired");
                }
            }
            latestRevision.keySet().removeIf(fv -> fv.functionName().equals(functionName));
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
}
