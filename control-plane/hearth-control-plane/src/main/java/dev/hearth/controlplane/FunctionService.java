package dev.hearth.controlplane;

import static dev.hearth.controlplane.ConfigurationRules.required;
import static dev.hearth.core.LambdaException.conflict;
import static dev.hearth.core.LambdaException.invalidParameter;
import static dev.hearth.core.LambdaException.notFound;
import static dev.hearth.core.LambdaException.preconditionFailed;

import dev.hearth.controlplane.api.AccountSettingsOutput;
import dev.hearth.controlplane.api.AliasConfiguration;
import dev.hearth.controlplane.api.AliasInput;
import dev.hearth.controlplane.api.AliasRoutingConfiguration;
import dev.hearth.controlplane.api.Concurrency;
import dev.hearth.controlplane.api.CreateFunctionInput;
import dev.hearth.controlplane.api.Environment;
import dev.hearth.controlplane.api.EphemeralStorage;
import dev.hearth.controlplane.api.FunctionCodeInput;
import dev.hearth.controlplane.api.FunctionCodeLocation;
import dev.hearth.controlplane.api.FunctionConfigurationOutput;
import dev.hearth.controlplane.api.GetFunctionOutput;
import dev.hearth.controlplane.api.ListAliasesOutput;
import dev.hearth.controlplane.api.ListFunctionsOutput;
import dev.hearth.controlplane.api.ListVersionsOutput;
import dev.hearth.controlplane.api.LoggingConfig;
import dev.hearth.controlplane.api.PublishVersionInput;
import dev.hearth.controlplane.api.SnapStartResponse;
import dev.hearth.controlplane.api.TracingConfig;
import dev.hearth.controlplane.api.UpdateFunctionCodeInput;
import dev.hearth.controlplane.api.UpdateFunctionConfigurationInput;
import dev.hearth.core.AccountContext;
import dev.hearth.core.FunctionRef;
import dev.hearth.core.LambdaErrorType;
import dev.hearth.core.LambdaException;
import dev.hearth.packages.PackageStore;
import dev.hearth.packages.StoredPackage;
import dev.hearth.store.spi.Alias;
import dev.hearth.store.spi.CodeRef;
import dev.hearth.store.spi.FunctionConfiguration;
import dev.hearth.store.spi.FunctionRecord;
import dev.hearth.store.spi.FunctionStore;
import dev.hearth.store.spi.FunctionVersion;
import dev.hearth.store.spi.StoreTransaction;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Lambda's function-management operations with Lambda's semantics: validation before any change, one
 * store transaction per operation (a rejected request changes nothing), RevisionId preconditions,
 * immutable published versions whose numbers are never reused, aliases with weighted routing, tags.
 *
 * <p>Threading: thread-safe; operations on the same function are serialized by the store.
 * Failure: every error the caller should see is a {@link LambdaException}. Code packages are
 * validated and stored before the transaction; a package left unreferenced by a failed request is
 * removed by {@link #collectUnreferencedPackages()}.
 */
public final class FunctionService {
    private static final int DEFAULT_MEMORY = 128;
    private static final int DEFAULT_TIMEOUT = 3;
    private static final int DEFAULT_EPHEMERAL = 512;
    private static final int DEFAULT_PAGE = 50;
    private static final String SNAP_START_OFF = "None";

    private final FunctionStore store;
    private final PackageStore packages;
    private final AccountContext account;
    private final ConfigurationRules rules;
    private final Clock clock;
    private final ControlPlaneLimits limits;
    private final List<FunctionChangeListener> listeners = new CopyOnWriteArrayList<>();
    private volatile VersionStates versionStates = VersionStates.ALWAYS_ACTIVE;

    public FunctionService(FunctionStore store, PackageStore packages, AccountContext account,
            Predicate<String> knownRuntime, ControlPlaneLimits limits, Clock clock) {
        this.store = Objects.requireNonNull(store);
        this.packages = Objects.requireNonNull(packages);
        this.account = Objects.requireNonNull(account);
        this.rules = new ConfigurationRules(knownRuntime);
        this.limits = Objects.requireNonNull(limits);
        this.clock = Objects.requireNonNull(clock);
    }

    public AccountContext account() {
        return account;
    }

    public void addListener(FunctionChangeListener listener) {
        listeners.add(listener);
    }

    /** Where the {@code State} of reported versions comes from (default: always {@code Active}). */
    public void useVersionStates(VersionStates states) {
        this.versionStates = Objects.requireNonNull(states);
    }

    // ----- functions -----

    public FunctionConfigurationOutput createFunction(CreateFunctionInput in) {
        String name = FunctionRef.parse(required(in.functionName(), "functionName"), account).name();
        if (in.packageType() != null && !in.packageType().equals("Zip")) {
            throw ConfigurationRules.unsupportedCodeLocation();
        }
        FunctionConfiguration configuration = rules.snapStartCompatible(new FunctionConfiguration(
                rules.runtime(in.runtime()),
                rules.handler(in.handler()),
                rules.role(in.role()),
                rules.description(Objects.requireNonNullElse(in.description(), "")),
                rules.memorySize(Objects.requireNonNullElse(in.memorySize(), DEFAULT_MEMORY)),
                rules.timeout(Objects.requireNonNullElse(in.timeout(), DEFAULT_TIMEOUT)),
                rules.ephemeralStorage(in.ephemeralStorage() == null || in.ephemeralStorage().size() == null
                        ? DEFAULT_EPHEMERAL : in.ephemeralStorage().size()),
                rules.environment(in.environment() == null || in.environment().variables() == null
                        ? Map.of() : in.environment().variables()),
                rules.architectures(Objects.requireNonNullElse(in.architectures(), List.of("x86_64"))),
                rules.snapStart(in.snapStart() == null || in.snapStart().applyOn() == null
                        ? SNAP_START_OFF : in.snapStart().applyOn())));
        Map<String, String> tags = rules.tags(Objects.requireNonNullElse(in.tags(), Map.of()));
        CodeRef code = storeCode(required(in.code(), "code"));
        Instant now = clock.instant();
        FunctionVersion created = store.transact(tx -> {
            if (tx.function(name).isPresent()) {
                throw conflict("Function already exist: " + name);
            }
            checkCodeStorage(tx, code.size());
            FunctionVersion latest = new FunctionVersion(name, FunctionVersion.LATEST, configuration, code, now, newRevision());
            tx.insertFunction(new FunctionRecord(name, now, 0, tags), latest);
            return Boolean.TRUE.equals(in.publish()) ? publish(tx, latest, null) : latest;
        });
        changed(name, false);
        return output(created, created.isLatest() ? Optional.empty() : Optional.of(created.version()));
    }

    public GetFunctionOutput getFunction(FunctionRef ref, Function<FunctionVersion, String> codeLocation) {
        return store.transact(tx -> {
            FunctionVersion v = resolveVersion(tx, ref);
            OptionalInt reserved = tx.reservedConcurrency(ref.name());
            return new GetFunctionOutput(output(v, ref.qualifier()),
                    new FunctionCodeLocation("S3", codeLocation.apply(v)), tx.tags(ref.name()),
                    reserved.isPresent() ? new Concurrency(reserved.getAsInt()) : null);
        });
    }

    public FunctionConfigurationOutput getFunctionConfiguration(FunctionRef ref) {
        return store.transact(tx -> output(resolveVersion(tx, ref), ref.qualifier()));
    }

    /** ListFunctions: {@code $LATEST} of each function, or every version when {@code allVersions}. */
    public ListFunctionsOutput listFunctions(Optional<String> marker, Integer maxItems, boolean allVersions) {
        int limit = ConfigurationRules.maxItems(maxItems, DEFAULT_PAGE);
        return store.transact(tx -> {
            List<FunctionVersion> page = tx.latestVersions(marker, limit + 1);
            boolean more = page.size() > limit;
            List<FunctionVersion> shown = more ? page.subList(0, limit) : page;
            List<FunctionConfigurationOutput> out = new ArrayList<>();
            for (FunctionVersion latest : shown) {
                if (allVersions) {
                    tx.versions(latest.functionName()).forEach(v -> out.add(output(v, Optional.of(v.version()))));
                } else {
                    out.add(output(latest, Optional.empty()));
                }
            }
            return new ListFunctionsOutput(out, more ? shown.getLast().functionName() : null);
        });
    }

    public FunctionConfigurationOutput updateFunctionCode(FunctionRef ref, UpdateFunctionCodeInput in) {
        noQualifier(ref);
        if (in.architectures() != null) {
            rules.architectures(in.architectures());
        }
        CodeRef code = storeCode(new FunctionCodeInput(in.zipFile(), in.s3Bucket(), in.s3Key(), in.s3ObjectVersion(), in.imageUri()));
        boolean dryRun = Boolean.TRUE.equals(in.dryRun());
        FunctionVersion result = store.transact(tx -> {
            FunctionVersion latest = latest(tx, ref.name());
            checkRevision(in.revisionId(), latest.revisionId());
            FunctionConfiguration configuration = in.architectures() == null ? latest.configuration()
                    : withArchitectures(latest.configuration(), in.architectures());
            FunctionVersion updated = latest.with(configuration, code, clock.instant(), newRevision());
            if (dryRun) {
                return updated;
            }
            checkCodeStorage(tx, code.size());
            tx.putVersion(updated);
            return Boolean.TRUE.equals(in.publish()) ? publish(tx, updated, null) : updated;
        });
        if (!dryRun) {
            changed(ref.name(), false);
        }
        return output(result, result.isLatest() ? Optional.empty() : Optional.of(result.version()));
    }

    public FunctionConfigurationOutput updateFunctionConfiguration(FunctionRef ref, UpdateFunctionConfigurationInput in) {
        noQualifier(ref);
        FunctionVersion result = store.transact(tx -> {
            FunctionVersion latest = latest(tx, ref.name());
            checkRevision(in.revisionId(), latest.revisionId());
            FunctionConfiguration c = latest.configuration();
            FunctionConfiguration updated = rules.snapStartCompatible(new FunctionConfiguration(
                    in.runtime() == null ? c.runtime() : rules.runtime(in.runtime()),
                    in.handler() == null ? c.handler() : rules.handler(in.handler()),
                    in.role() == null ? c.role() : rules.role(in.role()),
                    in.description() == null ? c.description() : rules.description(in.description()),
                    in.memorySize() == null ? c.memorySize() : rules.memorySize(in.memorySize()),
                    in.timeout() == null ? c.timeout() : rules.timeout(in.timeout()),
                    in.ephemeralStorage() == null || in.ephemeralStorage().size() == null ? c.ephemeralStorageSize()
                            : rules.ephemeralStorage(in.ephemeralStorage().size()),
                    in.environment() == null ? c.environment()
                            : rules.environment(Objects.requireNonNullElse(in.environment().variables(), Map.of())),
                    c.architectures(),
                    in.snapStart() == null || in.snapStart().applyOn() == null ? c.snapStartApplyOn()
                            : rules.snapStart(in.snapStart().applyOn())));
            FunctionVersion v = latest.with(updated, latest.code(), clock.instant(), newRevision());
            tx.putVersion(v);
            return v;
        });
        changed(ref.name(), false);
        return output(result, Optional.empty());
    }

    /** DeleteFunction: the whole function, or one published version when a qualifier is given. */
    public void deleteFunction(FunctionRef ref) {
        store.transact(tx -> {
            latest(tx, ref.name());
            if (ref.qualifier().isEmpty()) {
                tx.deleteFunction(ref.name());
                return null;
            }
            String version = ref.qualifier().get();
            if (version.equals(FunctionVersion.LATEST)) {
                throw invalidParameter("$LATEST version cannot be deleted without deleting the function.");
            }
            if (tx.alias(ref.name(), version).isPresent()) {
                throw invalidParameter("Deletion of aliases is not supported by DeleteFunction. Use DeleteAlias instead.");
            }
            if (tx.version(ref.name(), version).isEmpty()) {
                throw notFound("Function not found: " + account.functionArn(ref.name(), version));
            }
            List<String> users = tx.aliases(ref.name()).stream()
                    .filter(a -> a.functionVersion().equals(version) || a.additionalVersionWeights().containsKey(version))
                    .map(Alias::name).toList();
            if (!users.isEmpty()) {
                throw conflict("Unable to delete version because the following aliases reference it: " + users);
            }
            tx.deleteVersion(ref.name(), version);
            return null;
        });
        changed(ref.name(), ref.qualifier().isEmpty());
    }

    // ----- versions -----

    public FunctionConfigurationOutput publishVersion(FunctionRef ref, PublishVersionInput in) {
        noQualifier(ref);
        FunctionVersion published = store.transact(tx -> {
            FunctionVersion latest = latest(tx, ref.name());
            if (in.codeSha256() != null && !in.codeSha256().equals(latest.code().sha256())) {
                throw invalidParameter("CodeSHA256 (" + in.codeSha256() + ") is different from current CodeSHA256 in $LATEST ("
                        + latest.code().sha256() + "). Please try again with the current CodeSHA256.");
            }
            checkRevision(in.revisionId(), latest.revisionId());
            return publish(tx, latest, in.description());
        });
        changed(ref.name(), false);
        return output(published, Optional.of(published.version()));
    }

    public ListVersionsOutput listVersions(FunctionRef ref, Optional<String> marker, Integer maxItems) {
        noQualifier(ref);
        int limit = ConfigurationRules.maxItems(maxItems, DEFAULT_PAGE);
        return store.transact(tx -> {
            latest(tx, ref.name());
            List<FunctionVersion> all = tx.versions(ref.name());
            int start = 0;
            if (marker.isPresent()) {
                start = indexAfter(all.stream().map(FunctionVersion::version).toList(), marker.get());
            }
            List<FunctionVersion> page = all.subList(start, Math.min(all.size(), start + limit));
            boolean more = start + limit < all.size();
            return new ListVersionsOutput(page.stream().map(v -> output(v, Optional.of(v.version()))).toList(),
                    more ? page.getLast().version() : null);
        });
    }

    // ----- aliases -----

    public AliasConfiguration createAlias(FunctionRef ref, AliasInput in) {
        noQualifier(ref);
        String name = ConfigurationRules.aliasName(in.name());
        String version = ConfigurationRules.version(in.functionVersion(), "functionVersion");
        Alias created = store.transact(tx -> {
            latest(tx, ref.name());
            if (tx.alias(ref.name(), name).isPresent()) {
                throw conflict("Alias already exists: " + account.functionArn(ref.name(), name));
            }
            Map<String, Double> weights = routing(tx, ref.name(), version, in.routingConfig());
            requireVersion(tx, ref.name(), version);
            Alias alias = new Alias(ref.name(), name, version, Objects.requireNonNullElse(in.description(), ""), weights, newRevision());
            tx.putAlias(alias);
            return alias;
        });
        changed(ref.name(), false);
        return output(created);
    }

    public AliasConfiguration getAlias(FunctionRef ref, String aliasName) {
        noQualifier(ref);
        return store.transact(tx -> output(alias(tx, ref.name(), aliasName)));
    }

    public AliasConfiguration updateAlias(FunctionRef ref, String aliasName, AliasInput in) {
        noQualifier(ref);
        Alias updated = store.transact(tx -> {
            Alias current = alias(tx, ref.name(), aliasName);
            checkRevision(in.revisionId(), current.revisionId());
            String version = in.functionVersion() == null ? current.functionVersion()
                    : ConfigurationRules.version(in.functionVersion(), "functionVersion");
            requireVersion(tx, ref.name(), version);
            Map<String, Double> weights = in.routingConfig() == null ? current.additionalVersionWeights()
                    : routing(tx, ref.name(), version, in.routingConfig());
            if (in.routingConfig() == null && weights.containsKey(version)) {
                weights = Map.of();
            }
            Alias alias = new Alias(ref.name(), aliasName, version,
                    in.description() == null ? current.description() : in.description(), weights, newRevision());
            tx.putAlias(alias);
            return alias;
        });
        changed(ref.name(), false);
        return output(updated);
    }

    public void deleteAlias(FunctionRef ref, String aliasName) {
        noQualifier(ref);
        store.transact(tx -> {
            latest(tx, ref.name());
            tx.deleteAlias(ref.name(), aliasName);
            return null;
        });
        changed(ref.name(), false);
    }

    public ListAliasesOutput listAliases(FunctionRef ref, Optional<String> functionVersion, Optional<String> marker, Integer maxItems) {
        noQualifier(ref);
        int limit = ConfigurationRules.maxItems(maxItems, DEFAULT_PAGE);
        return store.transact(tx -> {
            latest(tx, ref.name());
            List<Alias> all = tx.aliases(ref.name()).stream()
                    .filter(a -> functionVersion.isEmpty() || a.functionVersion().equals(functionVersion.get()))
                    .toList();
            int start = marker.map(m -> indexAfter(all.stream().map(Alias::name).toList(), m)).orElse(0);
            List<Alias> page = all.subList(start, Math.min(all.size(), start + limit));
            boolean more = start + limit < all.size();
            return new ListAliasesOutput(page.stream().map(this::output).toList(), more ? page.getLast().name() : null);
        });
    }

    // ----- tags -----

    public Map<String, String> listTags(String resourceArn) {
        String name = taggedFunction(resourceArn);
        return store.transact(tx -> {
            latest(tx, name);
            return tx.tags(name);
        });
    }

    public void tagResource(String resourceArn, Map<String, String> tags) {
        String name = taggedFunction(resourceArn);
        required(tags, "tags");
        store.transact(tx -> {
            FunctionRecord f = tx.function(name).orElseThrow(() -> functionNotFound(name, Optional.empty()));
            Map<String, String> merged = new HashMap<>(f.tags());
            merged.putAll(tags);
            tx.updateFunction(f.withTags(rules.tags(merged)));
            return null;
        });
    }

    public void untagResource(String resourceArn, Collection<String> keys) {
        String name = taggedFunction(resourceArn);
        store.transact(tx -> {
            FunctionRecord f = tx.function(name).orElseThrow(() -> functionNotFound(name, Optional.empty()));
            Map<String, String> remaining = new HashMap<>(f.tags());
            keys.forEach(remaining::remove);
            tx.updateFunction(f.withTags(remaining));
            return null;
        });
    }

    // ----- account -----

    public AccountSettingsOutput accountSettings(int concurrentExecutions, int unreservedConcurrentExecutions) {
        var usage = store.transact(StoreTransaction::accountUsage);
        return new AccountSettingsOutput(
                new AccountSettingsOutput.AccountLimit(limits.totalCodeSize(), limits.maxUnzippedBytes(), limits.maxZippedBytes(),
                        concurrentExecutions, unreservedConcurrentExecutions),
                new AccountSettingsOutput.AccountUsageOutput(usage.totalCodeSize(), usage.functionCount()));
    }

    /** Deletes stored packages that no version references any more. Call when no request is storing code. */
    public void collectUnreferencedPackages() {
        packages.retainOnly(store.transact(StoreTransaction::referencedCode));
    }

    // ----- internals -----

    private CodeRef storeCode(FunctionCodeInput code) {
        if (code.s3Bucket() != null || code.s3Key() != null || code.imageUri() != null) {
            throw ConfigurationRules.unsupportedCodeLocation();
        }
        if (code.zipFile() == null) {
            throw invalidParameter("Please provide a source for function code: Code.ZipFile (--zip-file fileb://function.zip).");
        }
        StoredPackage stored = packages.put(code.zipFile());
        return new CodeRef(stored.codeSha256(), stored.codeSize());
    }

    private void checkCodeStorage(StoreTransaction tx, long adding) {
        if (tx.accountUsage().totalCodeSize() + adding > limits.totalCodeSize()) {
            throw new LambdaException(LambdaErrorType.CodeStorageExceededException,
                    "Code storage limit exceeded.");
        }
    }

    private FunctionVersion publish(StoreTransaction tx, FunctionVersion latest, String description) {
        FunctionRecord function = tx.function(latest.functionName()).orElseThrow();
        FunctionConfiguration configuration = description == null ? latest.configuration()
                : withDescription(latest.configuration(), rules.description(description));
        if (function.lastPublishedVersion() > 0) {
            Optional<FunctionVersion> previous = tx.version(latest.functionName(), Long.toString(function.lastPublishedVersion()));
            if (previous.isPresent() && previous.get().code().equals(latest.code())
                    && previous.get().configuration().equals(configuration)) {
                return previous.get();
            }
        }
        long number = function.lastPublishedVersion() + 1;
        Instant now = clock.instant();
        FunctionVersion version = new FunctionVersion(latest.functionName(), Long.toString(number), configuration,
                latest.code(), now, newRevision());
        tx.putVersion(version);
        tx.putVersion(latest.withRevision(newRevision()));
        tx.updateFunction(function.withLastPublishedVersion(number));
        return version;
    }

    private Map<String, Double> routing(StoreTransaction tx, String function, String primary, AliasRoutingConfiguration routing) {
        if (routing == null || routing.additionalVersionWeights() == null || routing.additionalVersionWeights().isEmpty()) {
            return Map.of();
        }
        Map<String, Double> weights = routing.additionalVersionWeights();
        if (weights.size() > 1) {
            throw invalidParameter("Number of items in AdditionalVersionWeights must be at most 1.");
        }
        Map.Entry<String, Double> entry = weights.entrySet().iterator().next();
        String other = ConfigurationRules.version(entry.getKey(), "routingConfig.additionalVersionWeights.key");
        double weight = entry.getValue() == null ? -1 : entry.getValue();
        if (weight < 0.0 || weight > 1.0) {
            throw invalidParameter("1 validation error detected: Value '" + entry.getValue()
                    + "' at 'routingConfig.additionalVersionWeights' failed to satisfy constraint: Map value must satisfy constraint: "
                    + "[Member must have value less than or equal to 1.0, Member must have value greater than or equal to 0.0]");
        }
        if (other.equals(primary)) {
            throw invalidParameter("Invalid function version " + other + ". Function version " + other
                    + " is already included in routing configuration.");
        }
        if (primary.equals(FunctionVersion.LATEST) || other.equals(FunctionVersion.LATEST)) {
            throw invalidParameter("$LATEST is not supported for an alias pointing to more than 1 version");
        }
        requireVersion(tx, function, other);
        return Map.of(other, weight);
    }

    private void requireVersion(StoreTransaction tx, String function, String version) {
        if (tx.version(function, version).isEmpty()) {
            throw notFound("Function not found: " + account.functionArn(function, version));
        }
    }

    private FunctionVersion resolveVersion(StoreTransaction tx, FunctionRef ref) {
        String qualifier = ref.qualifier().orElse(FunctionVersion.LATEST);
        Optional<FunctionVersion> version = tx.version(ref.name(), qualifier);
        if (version.isEmpty()) {
            Optional<Alias> alias = tx.alias(ref.name(), qualifier);
            if (alias.isPresent()) {
                version = tx.version(ref.name(), alias.get().functionVersion());
            }
        }
        return version.orElseThrow(() -> functionNotFound(ref.name(), ref.qualifier()));
    }

    private FunctionVersion latest(StoreTransaction tx, String name) {
        return tx.version(name, FunctionVersion.LATEST).orElseThrow(() -> functionNotFound(name, Optional.empty()));
    }

    private Alias alias(StoreTransaction tx, String function, String aliasName) {
        latest(tx, function);
        return tx.alias(function, aliasName).orElseThrow(
                () -> notFound("Alias not found: " + account.functionArn(function, aliasName)));
    }

    LambdaException functionNotFound(String name, Optional<String> qualifier) {
        return notFound("Function not found: "
                + qualifier.map(q -> account.functionArn(name, q)).orElseGet(() -> account.functionArn(name)));
    }

    private String taggedFunction(String resourceArn) {
        FunctionRef ref = FunctionRef.parse(resourceArn, account);
        if (!resourceArn.startsWith("arn:")) {
            throw invalidParameter("Tags can be set only on a function's full ARN: " + resourceArn);
        }
        if (ref.qualifier().isPresent()) {
            throw invalidParameter("Tags are not supported on versions or aliases; use the unqualified function ARN.");
        }
        return ref.name();
    }

    private static void noQualifier(FunctionRef ref) {
        if (ref.qualifier().isPresent()) {
            throw invalidParameter("This operation does not take a qualifier: use the unqualified function name or ARN.");
        }
    }

    private static void checkRevision(String expected, String actual) {
        if (expected != null && !expected.equals(actual)) {
            throw preconditionFailed("The Revision Id provided does not match the latest Revision Id. "
                    + "Call the GetFunction/GetAlias API to retrieve the latest Revision Id");
        }
    }

    private static int indexAfter(List<String> keys, String marker) {
        int index = keys.indexOf(marker);
        if (index < 0) {
            throw invalidParameter("Invalid marker: " + marker);
        }
        return index + 1;
    }

    private static FunctionConfiguration withDescription(FunctionConfiguration c, String description) {
        return new FunctionConfiguration(c.runtime(), c.handler(), c.role(), description, c.memorySize(), c.timeout(),
                c.ephemeralStorageSize(), c.environment(), c.architectures(), c.snapStartApplyOn());
    }

    private static FunctionConfiguration withArchitectures(FunctionConfiguration c, List<String> architectures) {
        return new FunctionConfiguration(c.runtime(), c.handler(), c.role(), c.description(), c.memorySize(), c.timeout(),
                c.ephemeralStorageSize(), c.environment(), architectures, c.snapStartApplyOn());
    }

    private static String newRevision() {
        return UUID.randomUUID().toString();
    }

    FunctionConfigurationOutput output(FunctionVersion v, Optional<String> qualifier) {
        FunctionConfiguration c = v.configuration();
        String arn = qualifier.map(q -> account.functionArn(v.functionName(), q))
                .orElseGet(() -> account.functionArn(v.functionName()));
        boolean snapStartOn = "PublishedVersions".equals(c.snapStartApplyOn());
        VersionState state = versionStates.stateOf(v);
        return new FunctionConfigurationOutput(
                v.functionName(), arn, c.runtime(), c.role(), c.handler(), v.code().size(), c.description(),
                c.timeout(), c.memorySize(), LambdaTimestamps.format(v.lastModified()), v.code().sha256(), v.version(),
                new Environment(c.environment()), new TracingConfig("PassThrough"), v.revisionId(), state.state(),
                state.reasonCode(), state.reason(), "Successful",
                "Zip", c.architectures(), new EphemeralStorage(c.ephemeralStorageSize()),
                new SnapStartResponse(c.snapStartApplyOn(), snapStartOn && !v.isLatest() ? "On" : "Off"),
                new LoggingConfig("Text", "/aws/lambda/" + v.functionName()));
    }

    private AliasConfiguration output(Alias a) {
        return new AliasConfiguration(account.functionArn(a.functionName(), a.name()), a.name(), a.functionVersion(),
                a.description(),
                a.additionalVersionWeights().isEmpty() ? null : new AliasRoutingConfiguration(a.additionalVersionWeights()),
                a.revisionId());
    }

    private void changed(String functionName, boolean deleted) {
        for (FunctionChangeListener listener : listeners) {
            listener.functionChanged(functionName, deleted);
        }
    }
}
