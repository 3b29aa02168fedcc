package dev.hearth.concurrency;

import dev.hearth.core.AccountContext;
import dev.hearth.core.ConstraintViolations;
import dev.hearth.core.FunctionRef;
import dev.hearth.core.LambdaErrorType;
import dev.hearth.core.LambdaException;
import dev.hearth.store.spi.Alias;
import dev.hearth.store.spi.FunctionStore;
import dev.hearth.store.spi.FunctionVersion;
import dev.hearth.store.spi.ProvisionedConcurrency;
import dev.hearth.store.spi.StoreTransaction;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.regex.Pattern;

/**
 * Lambda's PutProvisionedConcurrencyConfig, GetProvisionedConcurrencyConfig,
 * DeleteProvisionedConcurrencyConfig and ListProvisionedConcurrencyConfigs: validates a configuration
 * by Lambda's rules, keeps it in the {@link FunctionStore} (deleted with its function), and reports
 * its status from the worker's progress ({@link Progress}): {@code IN_PROGRESS} until every requested
 * sandbox is initialised, then {@code READY}; {@code FAILED} with the worker's reason when the latest
 * sandbox could not be started. The worker is told what to keep by {@link #targets()}.
 *
 * <p>Threading: thread-safe; changes are serialized on this object.
 */
public final class ProvisionedConcurrencyService {
    /** Lambda keeps at least this much of the account's concurrency unreserved. */
    static final int MIN_UNRESERVED = 100;
    /** Lambda's answer to Get and Delete on {@code $LATEST}. */
    static final String NOT_PUBLISHED = "The function resource provided must be an alias or a published version.";
    private static final Pattern VERSION_NUMBER = Pattern.compile("[0-9]+");

    /** How far the worker is with one function version: initialised sandboxes and the latest failure. */
    public record Readiness(int ready, Optional<String> failure) {
        public static final Readiness NONE = new Readiness(0, Optional.empty());
    }

    /** The worker's side, as this service sees it. */
    @FunctionalInterface
    public interface Progress {
        Readiness of(String functionName, String version);
    }

    /** A configuration with its status, as the API reports it. */
    public record Config(String functionName, String qualifier, int requested, int available, int allocated,
            Status status, Optional<String> statusReason, java.time.Instant lastModified) {}

    /** Lambda's ProvisionedConcurrencyStatusEnum. */
    public enum Status { IN_PROGRESS, READY, FAILED }

    /** What the worker must keep initialised: {@code count} sandboxes of a function version. */
    public record Target(String functionName, String version, int count) {}

    private final FunctionStore store;
    private final CounterService counter;
    private final AccountContext account;
    private final InstantSource clock;
    private final Progress progress;

    public ProvisionedConcurrencyService(FunctionStore store, CounterService counter, AccountContext account,
            InstantSource clock, Progress progress) {
        this.store = store;
        this.counter = counter;
        this.account = account;
        this.clock = clock;
        this.progress = progress;
    }

    /** PutProvisionedConcurrencyConfig. */
    public synchronized Config put(FunctionRef function, Integer requested) {
        String qualifier = qualifier(function, "Provisioned Concurrency Configs cannot be applied to unpublished function versions.");
        if (requested == null) {
            throw ConstraintViolations.singleMissing("provisionedConcurrentExecutions");
        }
        new ConstraintViolations().range("provisionedConcurrentExecutions", requested, 1, Integer.MAX_VALUE).throwIfAny();
        ProvisionedConcurrency saved = store.transact(tx -> {
            String version = resolve(tx, function.name(), qualifier);
            if (tx.version(function.name(), version).map(v -> "PublishedVersions".equals(v.configuration().snapStartApplyOn()))
                    .orElse(false)) {
                throw LambdaException.invalidParameter("Provisioned Concurrency is not supported for versions with SnapStart"
                        + " enabled (" + account.functionArn(function.name(), version) + ").");
            }
            requireNoOverlap(tx, function.name(), qualifier, version);
            int others = tx.provisionedConcurrencies(function.name()).stream()
                    .filter(c -> !c.qualifier().equals(qualifier)).mapToInt(ProvisionedConcurrency::requested).sum();
            requireWithinLimits(tx, function.name(), others + requested);
            ProvisionedConcurrency config = new ProvisionedConcurrency(function.name(), qualifier, requested, clock.instant());
            tx.putProvisionedConcurrency(config);
            return config;
        });
        return withStatus(saved, store.transact(tx -> resolve(tx, function.name(), qualifier)));
    }

    /** GetProvisionedConcurrencyConfig. */
    public Config get(FunctionRef function) {
        String qualifier = qualifier(function, NOT_PUBLISHED);
        return store.transact(tx -> {
            requireFunction(tx, function.name(), qualifier);
            ProvisionedConcurrency config = tx.provisionedConcurrency(function.name(), qualifier)
                    .orElseThrow(ProvisionedConcurrencyService::notConfigured);
            return withStatus(config, resolve(tx, function.name(), qualifier));
        });
    }

    /** DeleteProvisionedConcurrencyConfig. */
    public synchronized void delete(FunctionRef function) {
        String qualifier = qualifier(function, NOT_PUBLISHED);
        store.transact(tx -> {
            requireFunction(tx, function.name(), qualifier);
            // as Lambda: deleting a configuration that is not there succeeds
            tx.deleteProvisionedConcurrency(function.name(), qualifier);
            return null;
        });
    }

    /** ListProvisionedConcurrencyConfigs: every configuration of the function, by qualifier. */
    public List<Config> list(FunctionRef function) {
        if (function.qualifier().isPresent()) {
            throw LambdaException.invalidParameter("List the provisioned concurrency configs of the function as a whole:"
                    + " use the unqualified function name or ARN.");
        }
        return store.transact(tx -> {
            requireFunction(tx, function.name());
            List<Config> configs = new ArrayList<>();
            for (ProvisionedConcurrency config : tx.provisionedConcurrencies(function.name())) {
                resolveIfPresent(tx, function.name(), config.qualifier())
                        .ifPresent(version -> configs.add(withStatus(config, version)));
            }
            return configs;
        });
    }

    /**
     * Every configuration resolved to the version it provisions now (an alias to its version),
     * summed per version. Configurations whose version or alias no longer exists are dropped from the
     * store.
     */
    public synchronized List<Target> targets() {
        return store.transact(tx -> {
            Map<String, Target> byVersion = new java.util.LinkedHashMap<>();
            for (ProvisionedConcurrency config : tx.allProvisionedConcurrencies()) {
                Optional<String> version = resolveIfPresent(tx, config.functionName(), config.qualifier());
                if (version.isEmpty()) {
                    tx.deleteProvisionedConcurrency(config.functionName(), config.qualifier());
                    continue;
                }
                byVersion.merge(config.functionName() + ":" + version.get(),
                        new Target(config.functionName(), version.get(), config.requested()),
                        (a, b) -> new Target(a.functionName(), a.version(), a.count() + b.count()));
            }
            return List.copyOf(byVersion.values());
        });
    }

    private Config withStatus(ProvisionedConcurrency config, String version) {
        Readiness readiness = progress.of(config.functionName(), version);
        int ready = Math.min(readiness.ready(), config.requested());
        Status status;
        if (ready >= config.requested()) {
            status = Status.READY;
        } else if (readiness.failure().isPresent()) {
            status = Status.FAILED;
        } else {
            status = Status.IN_PROGRESS;
        }
        return new Config(config.functionName(), config.qualifier(), config.requested(), ready, ready, status,
                status == Status.FAILED ? readiness.failure() : Optional.empty(), config.lastModified());
    }

    /**
     * The qualifier Put, Get and Delete act on: required (the model's {@code Qualifier} is), and not
     * {@code $LATEST}, which Lambda refuses with {@code latestRefused} (Put's words differ from Get's
     * and Delete's).
     */
    private static String qualifier(FunctionRef function, String latestRefused) {
        String qualifier = function.qualifier().orElseThrow(() -> ConstraintViolations.singleMissing("qualifier"));
        if (qualifier.equals(FunctionVersion.LATEST)) {
            throw LambdaException.invalidParameter(latestRefused);
        }
        return qualifier;
    }

    /** The version a qualifier names (itself, or an alias's version); ResourceNotFoundException otherwise. */
    private String resolve(StoreTransaction tx, String functionName, String qualifier) {
        requireFunction(tx, functionName, qualifier);
        return resolveIfPresent(tx, functionName, qualifier).orElseThrow(() -> qualifierNotFound(functionName, qualifier));
    }

    /**
     * Lambda's 404 for a version or alias that does not exist (whether or not its function does): it
     * names the qualified ARN, as a function not found for a version number, as an alias otherwise.
     */
    private LambdaException qualifierNotFound(String functionName, String qualifier) {
        String arn = account.functionArn(functionName, qualifier);
        return LambdaException.notFound(VERSION_NUMBER.matcher(qualifier).matches()
                ? "Function not found: " + arn : "Cannot find alias arn: " + arn);
    }

    private static Optional<String> resolveIfPresent(StoreTransaction tx, String functionName, String qualifier) {
        if (tx.version(functionName, qualifier).isPresent()) {
            return Optional.of(qualifier);
        }
        return tx.aliases(functionName).stream().filter(a -> a.name().equals(qualifier)).findFirst()
                .map(Alias::functionVersion);
    }

    /** An alias and the version it points to cannot both be provisioned (Lambda's rule). */
    private static void requireNoOverlap(StoreTransaction tx, String functionName, String qualifier, String version) {
        for (ProvisionedConcurrency other : tx.provisionedConcurrencies(functionName)) {
            if (other.qualifier().equals(qualifier)) {
                continue;
            }
            Optional<String> otherVersion = resolveIfPresent(tx, functionName, other.qualifier());
            if (otherVersion.isPresent() && otherVersion.get().equals(version)) {
                boolean thisIsAlias = !qualifier.equals(version);
                throw LambdaException.conflict(thisIsAlias
                        ? "Alias can't be used for Provisioned Concurrency configuration on an already Provisioned version"
                        : "Version is pointed by an alias (" + other.qualifier() + ") which already has Provisioned Concurrency");
            }
        }
    }

    private void requireWithinLimits(StoreTransaction tx, String functionName, int total) {
        OptionalInt reserved = tx.reservedConcurrency(functionName);
        if (reserved.isPresent()) {
            if (total > reserved.getAsInt()) {
                throw LambdaException.invalidParameter("Requested Provisioned Concurrency should not be greater than the"
                        + " reservedConcurrentExecution for function (" + reserved.getAsInt() + ").");
            }
            return;
        }
        int provisionedUnreserved = 0;
        Map<String, Integer> reservations = tx.reservedConcurrencies();
        for (ProvisionedConcurrency config : tx.allProvisionedConcurrencies()) {
            if (!config.functionName().equals(functionName) && !reservations.containsKey(config.functionName())) {
                provisionedUnreserved += config.requested();
            }
        }
        int unreserved = counter.unreservedConcurrentExecutions();
        if (provisionedUnreserved + total > unreserved - MIN_UNRESERVED) {
            throw LambdaException.invalidParameter("Specified ConcurrentExecutions for function decreases account's"
                    + " UnreservedConcurrentExecution below its minimum value of [" + MIN_UNRESERVED + "].");
        }
    }

    private void requireFunction(StoreTransaction tx, String name) {
        if (tx.function(name).isEmpty()) {
            throw LambdaException.notFound("Function not found: " + account.functionArn(name));
        }
    }

    /** Put, Get and Delete of a function that does not exist answer for the qualified ARN, as Lambda's do. */
    private void requireFunction(StoreTransaction tx, String name, String qualifier) {
        if (tx.function(name).isEmpty()) {
            throw qualifierNotFound(name, qualifier);
        }
    }

    private static LambdaException notConfigured() {
        return new LambdaException(LambdaErrorType.ProvisionedConcurrencyConfigNotFoundException,
                "No Provisioned Concurrency Config found for this function");
    }
}
