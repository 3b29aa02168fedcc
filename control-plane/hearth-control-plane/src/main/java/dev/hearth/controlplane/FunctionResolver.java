package dev.hearth.controlplane;

import dev.hearth.core.AccountContext;
import dev.hearth.core.FunctionRef;
import dev.hearth.core.LambdaException;
import dev.hearth.store.spi.Alias;
import dev.hearth.store.spi.FunctionStore;
import dev.hearth.store.spi.FunctionVersion;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.random.RandomGenerator;
import java.util.stream.Collectors;

/**
 * Resolves the function reference of an Invoke to the version that runs, from an in-memory copy of
 * each function's versions and aliases, so that warm invocations never touch the store.
 *
 * <p>An alias with RoutingConfig sends each invocation to its additional version with the configured
 * probability and to its primary version otherwise. The copy of a function is dropped when the
 * control plane reports a change to it ({@link FunctionChangeListener}); a copy read while a change
 * was committing is used once and not kept, so a stale copy never outlives the change.
 *
 * <p>Threading: thread-safe and lock-free on the hot path.
 */
public final class FunctionResolver implements FunctionChangeListener {
    private final FunctionStore store;
    private final AccountContext account;
    private final RandomGenerator random;
    private final Map<String, CachedFunction> cache = new ConcurrentHashMap<>();
    private final AtomicLong changes = new AtomicLong();

    public FunctionResolver(FunctionStore store, AccountContext account, RandomGenerator random) {
        this.store = store;
        this.account = account;
        this.random = random;
    }

    /**
     * The version an invocation of {@code ref} runs.
     *
     * @throws LambdaException ResourceNotFoundException when the function, version or alias does not exist
     */
    public ResolvedFunction resolve(FunctionRef ref) {
        if (!ref.account().equals(account)) {
            throw LambdaException.notFound("Function not found: " + ref.arn());
        }
        CachedFunction function = cached(ref.name());
        String qualifier = ref.qualifier().orElse(FunctionVersion.LATEST);
        FunctionVersion version = function.versions().get(qualifier);
        if (version == null) {
            Alias alias = function.aliases().get(qualifier);
            if (alias == null) {
                throw notFound(ref.name(), Optional.of(qualifier));
            }
            version = function.versions().get(route(alias));
            if (version == null) {
                throw notFound(ref.name(), Optional.of(qualifier));
            }
        }
        return new ResolvedFunction(ref, version, account.functionArn(version.functionName(), version.version()));
    }

    private String route(Alias alias) {
        for (Map.Entry<String, Double> weight : alias.additionalVersionWeights().entrySet()) {
            if (random.nextDouble() < weight.getValue()) {
                return weight.getKey();
            }
        }
        return alias.functionVersion();
    }

    private CachedFunction cached(String functionName) {
        CachedFunction cached = cache.get(functionName);
        if (cached != null) {
            return cached;
        }
        long before = changes.get();
        CachedFunction loaded = store.transact(tx -> {
            var versions = tx.versions(functionName);
            if (versions.isEmpty()) {
                throw notFound(functionName, Optional.empty());
            }
            return new CachedFunction(
                    versions.stream().collect(Collectors.toUnmodifiableMap(FunctionVersion::version, Function.identity())),
                    tx.aliases(functionName).stream().collect(Collectors.toUnmodifiableMap(Alias::name, Function.identity())));
        });
        if (changes.get() == before) {
            cache.putIfAbsent(functionName, loaded);
            if (changes.get() != before) {
                cache.remove(functionName, loaded);
            }
        }
        return loaded;
    }

    @Override
    public void functionChanged(String functionName, boolean deleted) {
        changes.incrementAndGet();
        cache.remove(functionName);
    }

    private LambdaException notFound(String name, Optional<String> qualifier) {
        return LambdaException.notFound("Function not found: "
                + qualifier.map(q -> account.functionArn(name, q)).orElseGet(() -> account.functionArn(name)));
    }

    private record CachedFunction(Map<String, FunctionVersion> versions, Map<String, Alias> aliases) {}
}
