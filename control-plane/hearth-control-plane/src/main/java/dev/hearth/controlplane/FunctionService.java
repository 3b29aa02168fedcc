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
import dev.hearth.controlplane.api.Layer;
import dev.hearth.controlplane.api.ListAliasesOutput;
import dev.hearth.controlplane.api.ListFunctionsOutput;
import dev.hearth.controlplane.api.ListVersionsOutput;
import dev.hearth.controlplane.api.LoggingConfig;
import dev.hearth.controlplane.api.PublishVersionInput;
import dev.hearth.controlplane.api.RuntimeVersionConfig;
import dev.hearth.controlplane.api.SnapStartResponse;
import dev.hearth.controlplane.api.TracingConfig;
import dev.hearth.controlplane.api.UpdateFunctionCodeInput;
import dev.hearth.controlplane.api.UpdateFunctionConfigurationInput;
import dev.hearth.core.AccountContext;
import dev.hearth.core.ConstraintViolations;
import dev.hearth.core.FunctionNameMember;
import dev.hearth.core.FunctionRef;
import dev.hearth.core.LambdaErrorType;
import dev.hearth.core.LambdaException;
import dev.hearth.packages.PackageStore;
import dev.hearth.packages.StoredPackage;
import dev.hearth.store.spi.Alias;
import dev.hearth.store.spi.CodeRef;
import dev.hearth.store.spi.FunctionConfiguration;
import dev.hearth.store.spi.FunctionLayer;
import dev.hearth.store.spi.FunctionRecord;
import dev.hearth.store.spi.FunctionStore;
import dev.hearth.store.spi.FunctionVersion;
import dev.hearth.store.spi.StoreTransaction;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.OptionalInt;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * Lambda's function-management operations with Lambda's semantics: validation before any change, one
 * store transaction per operation (a rejected request changes nothing), RevisionId preconditions,
 * immutable published versions whose numbers are never reused, aliases with weighted routing, tags.
 *
 * <p>Threading: thread-safe; operations on the same function are serialized by the store.
 * Failure: every error the caller should see is a {@link LambdaException}. Code packages are
 * validated and stored before the transaction; a package left unreferenced by a failed request is
 * removed when the package store keeps only what is referenced ({@link #referencedCode()}).
 */
public final class FunctionService {
    private static final int DEFAULT_MEMORY = 128;
    private static final int DEFAULT_TIMEOUT = 3;
    private static final int DEFAULT_EPHEMERAL = 512;
    private static final int DEFAULT_PAGE = 50;
    private static final String SNAP_START_OFF = "None";
    private static final Pattern MASTER_REGION = Pattern.compile("ALL|[a-z]{2}(-gov)?-[a-z]+-\\d{1}");
    /** Lambda's pattern for a taggable resource, as its ValidationException quotes it. */
    private static final Pattern TAGGABLE_RESOURCE = Pattern.compile("arn:(aws[a-zA-Z-]*):lambda:(eusc-)?[a-z]{2}((-gov)|(-iso([a-z]?)))?"
            + "-[a-z]+-\\d{1}:\\d{12}:(function:[a-zA-Z0-9-_]+(:(\\$LATEST|[a-zA-Z0-9-_]+))?|layer:([a-zA-Z0-9-_]+)"
            + "|code-signing-config:csc-[a-z0-9]{17}|event-source-mapping:[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}"
            + "-[0-9a-fA-F]{12}|capacity-provider:[a-zA-Z0-9-_]+)");
    /** Lambda's {@code TracingConfig.Mode} when a function sets none. */
    private static final String TRACING_DEFAULT = "PassThrough";

    private final FunctionStore store;
    private final PackageStore packages;
    private final AccountContext account;
    private final ConfigurationRules rules;
    private final Clock clock;
    private final ControlPlaneLimits limits;
    private final List<FunctionChangeListener> listeners = new CopyOnWriteArrayList<>();
    private volatile VersionStates versionStates = VersionStates.ALWAYS_ACTIVE;
    private volatile S3CodeReader s3Code;
    private final LayerService layers;
    private final CodeSigningConfigs codeSigning;

    public FunctionService(FunctionStore store, PackageStore packages, AccountContext account,
            Predicate<String> knownRuntime, ControlPlaneLimits limits, Clock clock) {
        this.store = Objects.requireNonNull(store);
        this.packages = Objects.requireNonNull(packages);
        this.account = Objects.requireNonNull(account);
        this.rules = new ConfigurationRules(knownRuntime);
        this.limits = Objects.requireNonNull(limits);
        this.clock = Objects.requireNonNull(clock);
        this.layers = new LayerService(store, packages, account, limits, clock);
        this.codeSigning = new CodeSigningConfigs(store, account, rules, clock);
    }

    /** This account and region's code signing configurations, which CreateFunction and UpdateFunctionCode obey. */
    public CodeSigningConfigs codeSigningConfigs() {
        return codeSigning;
    }

    public AccountContext account() {
        return account;
    }

    public void addListener(FunctionChangeListener listener) {
        listeners.add(listener);
    }

    /**
     * Where {@code Code.S3Bucket}/{@code S3Key}/{@code S3ObjectVersion} are read from; until this is
     * called, S3 code is refused with an InvalidParameterValueException saying how to configure a store.
     */
    public void useS3Code(S3CodeReader reader) {
        this.s3Code = Objects.requireNonNull(reader);
        layers.useS3Code(reader);
    }

    /** This account and region's layers, which functions' {@code Layers} name. */
    public LayerService layers() {
        return layers;
    }

    /** Where the {@code State} of reported versions comes from (default: always {@code Active}). */
    public void useVersionStates(VersionStates states) {
        this.versionStates = Objects.requireNonNull(states);
    }

    // ----- functions -----

    /**
     * CreateFunction. The answer is Lambda's for a function being created: {@code State: Pending},
     * {@code StateReason} "The function is being created.", {@code StateReasonCode: Creating}; the
     * function is ready at once, so every later read says {@code Active} (and, as on Lambda, carries a
     * RevisionId other than the answer's). With {@code Publish}, the answer describes version 1 (its
     * {@code FunctionArn} unqualified, as Lambda answers it).
     */
    public FunctionConfigurationOutput createFunction(CreateFunctionInput in) {
        ConstraintViolations violations = new ConstraintViolations();
        if (in.functionName() == null) {
            violations.missing("functionName");
        } else {
            FunctionNameMember.CREATE_FUNCTION_NAME.check(in.functionName(), violations);
        }
        if (in.role() == null) {
            violations.missing("role");
        }
        if (in.code() == null) {
            violations.missing("code");
        }
        // in the order of the request's members in Lambda's model
        ConfigurationRules.role(in.role(), violations);
        ConfigurationRules.handler(in.handler(), violations);
        ConfigurationRules.description(in.description(), violations);
        ConfigurationRules.timeout(in.timeout(), violations);
        ConfigurationRules.memorySize(in.memorySize(), violations);
        ConfigurationRules.packageType(in.packageType(), violations);
        ConfigurationRules.environmentNames(variables(in.environment()), violations);
        String tracingMode = ConfigurationRules.tracingMode(in.tracingConfig(), violations);
        LayerService.layerArns(in.layers(), violations);
        ConfigurationRules.architectures(in.architectures(), violations);
        ConfigurationRules.ephemeralStorage(ephemeralSize(in.ephemeralStorage(), violations), violations);
        ConfigurationRules.snapStart(in.snapStart() == null ? null : in.snapStart().applyOn(), violations);
        CodeSigningConfigs.arn(in.codeSigningConfigArn(), violations);
        violations.throwIfAny();
        String name = FunctionRef.parse(in.functionName(), account, FunctionNameMember.CREATE_FUNCTION_NAME).name();
        if (in.packageType() != null && !in.packageType().equals("Zip")) {
            throw ConfigurationRules.unsupportedCodeLocation();
        }
        FunctionConfiguration configuration = rules.snapStartCompatible(new FunctionConfiguration(
                rules.runtime(in.runtime()),
                ConfigurationRules.handlerPresent(in.handler()),
                in.role(),
                Objects.requireNonNullElse(in.description(), ""),
                ConfigurationRules.memoryLimit(Objects.requireNonNullElse(in.memorySize(), DEFAULT_MEMORY)),
                Objects.requireNonNullElse(in.timeout(), DEFAULT_TIMEOUT),
                in.ephemeralStorage() == null ? DEFAULT_EPHEMERAL : in.ephemeralStorage().size(),
                rules.environment(Objects.requireNonNullElse(variables(in.environment()), Map.of())),
                Objects.requireNonNullElse(in.architectures(), List.of("x86_64")),
                in.snapStart() == null || in.snapStart().applyOn() == null ? SNAP_START_OFF : in.snapStart().applyOn(),
                Objects.requireNonNullElse(tracingMode, TRACING_DEFAULT)));
        Map<String, String> tags = rules.tags(Objects.requireNonNullElse(in.tags(), Map.of()));
        List<FunctionLayer> functionLayers = in.layers() == null ? List.of() : layers.functionLayers(in.layers());
        CodeSigningConfigs.DeploymentCheck signing = codeSigning.deploymentOfNewFunction(name,
                Optional.ofNullable(in.codeSigningConfigArn()));
        CodeRef code = storeCode(in.code(), signing);
        layers.checkCombinedSize(code, functionLayers);
        Instant now = clock.instant();
        FunctionVersion created = store.transact(tx -> {
            if (tx.function(name).isPresent()) {
                throw conflict("Function already exist: " + name);
            }
            checkCodeStorage(tx, code.size());
            FunctionVersion latest = new FunctionVersion(name, FunctionVersion.LATEST, configuration.withLayers(functionLayers),
                    code, now, newRevision());
            tx.insertFunction(new FunctionRecord(name, now, 0, tags), latest);
            codeSigning.associate(tx, signing);
            return Boolean.TRUE.equals(in.publish()) ? publish(tx, latest, null) : latest;
        });
        changed(name, false);
        return output(created, Optional.empty(), Answer.CREATED);
    }

    public GetFunctionOutput getFunction(FunctionRef ref, Function<FunctionVersion, String> codeLocation) {
        return store.transact(tx -> {
            FunctionVersion v = resolveVersion(tx, ref);
            OptionalInt reserved = tx.reservedConcurrency(ref.name());
            Map<String, String> tags = tx.tags(ref.name());
            return new GetFunctionOutput(output(v, ref.qualifier(), Answer.CURRENT),
                    new FunctionCodeLocation("S3", codeLocation.apply(v)), tags.isEmpty() ? null : tags,
                    reserved.isPresent() ? new Concurrency(reserved.getAsInt()) : null);
        });
    }

    public FunctionConfigurationOutput getFunctionConfiguration(FunctionRef ref) {
        return store.transact(tx -> output(resolveVersion(tx, ref), ref.qualifier(), Answer.CURRENT));
    }

    /**
     * ListFunctions: {@code $LATEST} of each function, or every version with {@code FunctionVersion=ALL}
     * (the only value Lambda accepts). {@code MasterRegion} lists the Lambda@Edge replicas of functions
     * of that region, and Hearth has none: the list is empty. Entries carry no state, as Lambda's.
     */
    public ListFunctionsOutput listFunctions(Optional<String> masterRegion, Optional<String> functionVersion,
            Optional<String> marker, Integer maxItems) {
        ConstraintViolations violations = new ConstraintViolations();
        masterRegion.ifPresent(region -> violations.pattern("masterRegion", region, MASTER_REGION));
        functionVersion.ifPresent(v -> violations.enumValue("functionVersion", v, List.of("ALL")));
        if (maxItems != null) {
            violations.range("maxItems", maxItems, 1, 10_000);
        }
        violations.throwIfAny();
        if (masterRegion.isPresent()) {
            if (functionVersion.isEmpty()) {
                throw invalidParameter("FunctionVersion must be ALL when MasterRegion is specified.");
            }
            return new ListFunctionsOutput(List.of(), null);
        }
        boolean allVersions = functionVersion.isPresent();
        int limit = ConfigurationRules.maxItems(maxItems, DEFAULT_PAGE);
        return store.transact(tx -> {
            List<FunctionVersion> page = tx.latestVersions(marker, limit + 1);
            boolean more = page.size() > limit;
            List<FunctionVersion> shown = more ? page.subList(0, limit) : page;
            List<FunctionConfigurationOutput> out = new ArrayList<>();
            for (FunctionVersion latest : shown) {
                if (allVersions) {
                    tx.versions(latest.functionName()).forEach(v -> out.add(output(v, Optional.of(v.version()), Answer.LISTED)));
                } else {
                    out.add(output(latest, Optional.empty(), Answer.LISTED));
                }
            }
            return new ListFunctionsOutput(out, more ? shown.getLast().functionName() : null);
        });
    }

    /**
     * UpdateFunctionCode; answered as Lambda answers an update in progress ({@code LastUpdateStatus:
     * InProgress}), and every later read says {@code Successful}. With {@code Publish}, the answer
     * describes the new version, being created ({@code State: Pending}).
     */
    public FunctionConfigurationOutput updateFunctionCode(FunctionRef ref, UpdateFunctionCodeInput in) {
        ConstraintViolations violations = new ConstraintViolations();
        ConfigurationRules.architectures(in.architectures(), violations);
        violations.throwIfAny();
        noQualifier(ref);
        CodeRef code = storeCode(new FunctionCodeInput(in.zipFile(), in.s3Bucket(), in.s3Key(), in.s3ObjectVersion(), in.imageUri()),
                codeSigning.deploymentTo(ref.name()));
        boolean dryRun = Boolean.TRUE.equals(in.dryRun());
        FunctionVersion result = store.transact(tx -> {
            FunctionVersion latest = latest(tx, ref.name());
            checkRevision(in.revisionId(), latest.revisionId());
            FunctionConfiguration configuration = in.architectures() == null ? latest.configuration()
                    : withArchitectures(latest.configuration(), in.architectures());
            FunctionVersion updated = latest.with(configuration, code, clock.instant(), newRevision());
            layers.checkCombinedSize(code, configuration.layers());
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
        return result.isLatest() ? output(result, Optional.empty(), Answer.UPDATED)
                : output(result, Optional.of(result.version()), Answer.CREATED);
    }

    /**
     * UpdateFunctionConfiguration; answered as Lambda answers an update in progress ({@code
     * LastUpdateStatus: InProgress}, reason code {@code Creating}), and every later read says
     * {@code Successful}.
     */
    public FunctionConfigurationOutput updateFunctionConfiguration(FunctionRef ref, UpdateFunctionConfigurationInput in) {
        ConstraintViolations violations = new ConstraintViolations();
        ConfigurationRules.role(in.role(), violations);
        ConfigurationRules.handler(in.handler(), violations);
        ConfigurationRules.description(in.description(), violations);
        ConfigurationRules.timeout(in.timeout(), violations);
        ConfigurationRules.memorySize(in.memorySize(), violations);
        ConfigurationRules.environmentNames(variables(in.environment()), violations);
        String tracingMode = ConfigurationRules.tracingMode(in.tracingConfig(), violations);
        LayerService.layerArns(in.layers(), violations);
        ConfigurationRules.ephemeralStorage(ephemeralSize(in.ephemeralStorage(), violations), violations);
        ConfigurationRules.snapStart(in.snapStart() == null ? null : in.snapStart().applyOn(), violations);
        violations.throwIfAny();
        noQualifier(ref);
        if (in.runtime() != null) {
            rules.runtime(in.runtime());
        }
        if (in.memorySize() != null) {
            ConfigurationRules.memoryLimit(in.memorySize());
        }
        Map<String, String> environment = in.environment() == null ? null
                : rules.environment(Objects.requireNonNullElse(in.environment().variables(), Map.of()));
        List<FunctionLayer> newLayers = in.layers() == null ? null : layers.functionLayers(in.layers());
        FunctionVersion result = store.transact(tx -> {
            FunctionVersion latest = latest(tx, ref.name());
            checkRevision(in.revisionId(), latest.revisionId());
            FunctionConfiguration c = latest.configuration();
            FunctionConfiguration updated = rules.snapStartCompatible(new FunctionConfiguration(
                    Objects.requireNonNullElse(in.runtime(), c.runtime()),
                    Objects.requireNonNullElse(in.handler(), c.handler()),
                    Objects.requireNonNullElse(in.role(), c.role()),
                    Objects.requireNonNullElse(in.description(), c.description()),
                    Objects.requireNonNullElse(in.memorySize(), c.memorySize()),
                    Objects.requireNonNullElse(in.timeout(), c.timeout()),
                    in.ephemeralStorage() == null ? c.ephemeralStorageSize() : in.ephemeralStorage().size(),
                    Objects.requireNonNullElse(environment, c.environment()),
                    c.architectures(),
                    in.snapStart() == null || in.snapStart().applyOn() == null ? c.snapStartApplyOn() : in.snapStart().applyOn(),
                    Objects.requireNonNullElse(tracingMode, c.tracingMode()),
                    Objects.requireNonNullElse(newLayers, c.layers())));
            if (newLayers != null) {
                layers.checkCombinedSize(latest.code(), newLayers);
            }
            FunctionVersion v = latest.with(updated, latest.code(), clock.instant(), newRevision());
            tx.putVersion(v);
            return v;
        });
        changed(ref.name(), false);
        return output(result, Optional.empty(), Answer.UPDATED);
    }

    /**
     * DeleteFunction: the whole function, or one published version when a qualifier is given (a
     * version that does not exist is no error, as on Lambda).
     */
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
                return null; // as on Lambda: deleting a version that does not exist succeeds
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

    /**
     * PublishVersion: a new version from {@code $LATEST}, unless {@code $LATEST} has not changed since
     * the last version was published, in which case that version is the answer (whatever {@code
     * Description} asks for), as Lambda does. Preconditions: {@code RevisionId}, then {@code
     * CodeSha256}, both of {@code $LATEST}.
     */
    public FunctionConfigurationOutput publishVersion(FunctionRef ref, PublishVersionInput in) {
        ConstraintViolations violations = new ConstraintViolations();
        ConfigurationRules.description(in.description(), violations);
        violations.throwIfAny();
        noQualifier(ref);
        FunctionVersion published = store.transact(tx -> {
            FunctionVersion latest = latest(tx, ref.name());
            checkRevision(in.revisionId(), latest.revisionId());
            if (in.codeSha256() != null && !in.codeSha256().equals(latest.code().sha256())) {
                throw invalidParameter("CodeSHA256 (" + in.codeSha256() + ") is different from current CodeSHA256 in $LATEST ("
                        + latest.code().sha256() + "). Please try again with the CodeSHA256 in $LATEST.");
            }
            return publish(tx, latest, in.description());
        });
        changed(ref.name(), false);
        return output(published, Optional.of(published.version()), Answer.CURRENT);
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
            return new ListVersionsOutput(page.stream().map(v -> output(v, Optional.of(v.version()), Answer.LISTED)).toList(),
                    more ? page.getLast().version() : null);
        });
    }

    // ----- aliases -----

    /**
     * CreateAlias, with Lambda's checks of a weighted routing configuration: at most one additional
     * version, weights from 0.0 to 1.0, published versions only, not the alias's own version, both
     * existing and with the same execution role.
     */
    public AliasConfiguration createAlias(FunctionRef ref, AliasInput in) {
        ConstraintViolations violations = new ConstraintViolations();
        ConfigurationRules.aliasName(in.name(), violations);
        if (in.functionVersion() == null) {
            violations.missing("functionVersion");
        }
        ConfigurationRules.version(in.functionVersion(), "functionVersion", violations);
        ConfigurationRules.description(in.description(), violations);
        ConfigurationRules.additionalVersionWeights(weights(in.routingConfig()), violations);
        violations.throwIfAny();
        noQualifier(ref);
        String name = in.name();
        String version = in.functionVersion();
        Alias created = store.transact(tx -> {
            if (tx.function(ref.name()).isEmpty()) {
                throw functionNotFound(ref.name(), Optional.of(version));
            }
            if (tx.alias(ref.name(), name).isPresent()) {
                throw conflict("Alias already exists: " + account.functionArn(ref.name(), name));
            }
            Map<String, Double> routing = routing(tx, ref.name(), version, weights(in.routingConfig()));
            Alias alias = new Alias(ref.name(), name, version, Objects.requireNonNullElse(in.description(), ""), routing, newRevision());
            tx.putAlias(alias);
            return alias;
        });
        changed(ref.name(), false);
        return output(created);
    }

    public AliasConfiguration getAlias(FunctionRef ref, String aliasName) {
        aliasPath(aliasName);
        noQualifier(ref);
        return store.transact(tx -> output(tx.alias(ref.name(), aliasName).orElseThrow(
                () -> notFound("Cannot find alias arn: " + account.functionArn(ref.name(), aliasName)))));
    }

    /**
     * UpdateAlias: what is given changes, the rest stays; moving the alias to the version its routing
     * configuration names, without a new routing configuration, is refused as Lambda refuses it.
     */
    public AliasConfiguration updateAlias(FunctionRef ref, String aliasName, AliasInput in) {
        ConstraintViolations violations = new ConstraintViolations();
        ConfigurationRules.aliasName(aliasName, violations);
        ConfigurationRules.version(in.functionVersion(), "functionVersion", violations);
        ConfigurationRules.description(in.description(), violations);
        ConfigurationRules.additionalVersionWeights(weights(in.routingConfig()), violations);
        violations.throwIfAny();
        noQualifier(ref);
        Alias updated = store.transact(tx -> {
            latest(tx, ref.name());
            Alias current = tx.alias(ref.name(), aliasName).orElseThrow(
                    () -> notFound("Alias not found: " + account.functionArn(ref.name(), aliasName)));
            checkRevision(in.revisionId(), current.revisionId());
            String version = Objects.requireNonNullElse(in.functionVersion(), current.functionVersion());
            Map<String, Double> routing = routing(tx, ref.name(), version,
                    in.routingConfig() == null ? current.additionalVersionWeights() : weights(in.routingConfig()));
            Alias alias = new Alias(ref.name(), aliasName, version,
                    Objects.requireNonNullElse(in.description(), current.description()), routing, newRevision());
            tx.putAlias(alias);
            return alias;
        });
        changed(ref.name(), false);
        return output(updated);
    }

    /** DeleteAlias: removes the alias; one that does not exist is no error (Lambda's model has no 404 here). */
    public void deleteAlias(FunctionRef ref, String aliasName) {
        aliasPath(aliasName);
        noQualifier(ref);
        store.transact(tx -> {
            if (tx.function(ref.name()).isPresent()) {
                tx.deleteAlias(ref.name(), aliasName);
            }
            return null;
        });
        changed(ref.name(), false);
    }

    public ListAliasesOutput listAliases(FunctionRef ref, Optional<String> functionVersion, Optional<String> marker, Integer maxItems) {
        ConstraintViolations violations = new ConstraintViolations();
        ConfigurationRules.version(functionVersion.orElse(null), "functionVersion", violations);
        violations.throwIfAny();
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
        if (tags.isEmpty()) {
            throw invalidParameter("An error occurred and the request cannot be processed.");
        }
        store.transact(tx -> {
            FunctionRecord f = tx.function(name).orElseThrow(() -> functionNotFound(name, Optional.empty()));
            Map<String, String> merged = new HashMap<>(f.tags());
            merged.putAll(tags);
            tx.updateFunction(f.withTags(rules.tags(merged)));
            return null;
        });
    }

    /** UntagResource; {@code keys} is the request's {@code tagKeys}, at least one (Lambda requires the member). */
    public void untagResource(String resourceArn, Collection<String> keys) {
        String name = taggedFunction(resourceArn);
        if (keys.isEmpty()) {
            throw ConstraintViolations.singleMissing("tagKeys");
        }
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

    /**
     * CodeSha256 of every package a version of this control plane's functions refers to; where several
     * control planes (accounts, regions) share one package store, the union of theirs is what to keep.
     */
    public Set<String> referencedCode() {
        return store.transact(StoreTransaction::referencedCode);
    }

    // ----- internals -----

    /**
     * Stores the package of a CreateFunction or UpdateFunctionCode: the inline zip, or the S3 object
     * read through {@link #useS3Code}, once the function's code signing configuration ({@code signing})
     * has let it pass. Runs before the metadata transaction, so a failed read, a refused signature or
     * an invalid zip stores nothing.
     */
    private CodeRef storeCode(FunctionCodeInput code, CodeSigningConfigs.DeploymentCheck signing) {
        if (code.imageUri() != null) {
            throw ConfigurationRules.unsupportedCodeLocation();
        }
        StoredPackage stored;
        if (code.s3Bucket() != null || code.s3Key() != null || code.s3ObjectVersion() != null) {
            if (code.zipFile() != null) {
                throw invalidParameter("Please do not provide other FunctionCode parameters when providing a ZipFile.");
            }
            stored = CodeFromS3.store(s3Code, packages, code.s3Bucket(), code.s3Key(), code.s3ObjectVersion(), signing::verify);
        } else if (code.zipFile() == null) {
            throw invalidParameter("Please provide a source for function code: Code.ZipFile (--zip-file fileb://function.zip).");
        } else {
            signing.verify();
            stored = packages.put(code.zipFile());
        }
        return new CodeRef(stored.codeSha256(), stored.codeSize());
    }

    private void checkCodeStorage(StoreTransaction tx, long adding) {
        if (tx.accountUsage().totalCodeSize() + adding > limits.totalCodeSize()) {
            throw new LambdaException(LambdaErrorType.CodeStorageExceededException,
                    "Code storage limit exceeded.");
        }
    }

    /**
     * Publishes {@code latest} as the next version, or answers the last published version when
     * {@code $LATEST} has not changed since it was published: a publish leaves {@code $LATEST} with a
     * RevisionId derived from the new version's ({@link #revisionAfterPublishing}), which any change of
     * {@code $LATEST} replaces.
     */
    private FunctionVersion publish(StoreTransaction tx, FunctionVersion latest, String description) {
        FunctionRecord function = tx.function(latest.functionName()).orElseThrow();
        if (function.lastPublishedVersion() > 0) {
            Optional<FunctionVersion> previous = tx.version(latest.functionName(), Long.toString(function.lastPublishedVersion()));
            if (previous.isPresent() && latest.revisionId().equals(revisionAfterPublishing(previous.get()))) {
                return previous.get();
            }
        }
        FunctionConfiguration configuration = description == null ? latest.configuration()
                : withDescription(latest.configuration(), description);
        long number = function.lastPublishedVersion() + 1;
        Instant now = clock.instant();
        FunctionVersion version = new FunctionVersion(latest.functionName(), Long.toString(number), configuration,
                latest.code(), now, newRevision());
        tx.putVersion(version);
        tx.putVersion(latest.withRevision(revisionAfterPublishing(version)));
        tx.updateFunction(function.withLastPublishedVersion(number));
        return version;
    }

    /** The RevisionId of {@code $LATEST} right after {@code published} was published from it. */
    private static String revisionAfterPublishing(FunctionVersion published) {
        return UUID.nameUUIDFromBytes(("published:" + published.version() + ":" + published.revisionId())
                .getBytes(StandardCharsets.UTF_8)).toString();
    }

    /**
     * Lambda's semantic checks of an alias pointing at {@code primary} with {@code weights} (whose
     * constraints are already checked), in Lambda's order: the primary version exists; at most one
     * additional version; not the primary itself; {@code $LATEST} not in a routing; the additional
     * version exists; both have the same execution role. An empty map is no routing.
     */
    private Map<String, Double> routing(StoreTransaction tx, String function, String primary, Map<String, Double> weights) {
        FunctionVersion primaryVersion = requireVersion(tx, function, primary);
        if (weights == null || weights.isEmpty()) {
            return Map.of();
        }
        if (weights.size() > 1) {
            throw invalidParameter("Number of items in AdditionalVersionWeights cannot be greater than 1");
        }
        Map.Entry<String, Double> entry = weights.entrySet().iterator().next();
        String other = entry.getKey();
        if (other.equals(primary)) {
            throw invalidParameter("Invalid function version " + other + ". Function version " + other
                    + " is already included in routing configuration.");
        }
        if (primary.equals(FunctionVersion.LATEST)) {
            throw invalidParameter("$LATEST is not supported for an alias pointing to more than 1 version");
        }
        FunctionVersion otherVersion = requireVersion(tx, function, other);
        if (!otherVersion.configuration().role().equals(primaryVersion.configuration().role())) {
            throw invalidParameter("Specified versions must be associated with the same execution role");
        }
        return Map.of(other, entry.getValue());
    }

    private FunctionVersion requireVersion(StoreTransaction tx, String function, String version) {
        return tx.version(function, version).orElseThrow(
                () -> notFound("Function not found: " + account.functionArn(function, version)));
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

    LambdaException functionNotFound(String name, Optional<String> qualifier) {
        return notFound("Function not found: "
                + qualifier.map(q -> account.functionArn(name, q)).orElseGet(() -> account.functionArn(name)));
    }

    /**
     * The function a tagging request's {@code Resource} names: a full ARN of Lambda's taggable
     * resources (a {@code ValidationException} otherwise), of an unqualified function.
     */
    private String taggedFunction(String resourceArn) {
        if (resourceArn.length() > 256 || !TAGGABLE_RESOURCE.matcher(resourceArn).matches()) {
            throw ConstraintViolations.single(resourceArn, "resource",
                    "Member must satisfy regular expression pattern: " + TAGGABLE_RESOURCE.pattern());
        }
        if (!resourceArn.contains(":function:")) {
            throw notFound("The resource you requested does not exist.");
        }
        FunctionRef ref = FunctionRef.parse(resourceArn, account, FunctionNameMember.NAMESPACED_FUNCTION_NAME);
        if (ref.qualifier().isPresent()) {
            throw invalidParameter("Tags on function aliases and versions are not supported. Please specify a function ARN.");
        }
        return ref.name();
    }

    /** For operations on a function itself, not on one of its versions or aliases. */
    static void noQualifier(FunctionRef ref) {
        if (ref.qualifier().isPresent()) {
            throw invalidParameter("This operation is permitted on Lambda functions only. Aliases and versions do not support"
                    + " this operation. Please specify either a function name or an unqualified function ARN.");
        }
    }

    /** An alias name in a request's path. */
    private static void aliasPath(String aliasName) {
        ConstraintViolations violations = new ConstraintViolations();
        ConfigurationRules.aliasName(aliasName, violations);
        violations.throwIfAny();
    }

    private static Map<String, String> variables(Environment environment) {
        return environment == null ? null : environment.variables();
    }

    private static Integer ephemeralSize(EphemeralStorage storage, ConstraintViolations violations) {
        if (storage != null && storage.size() == null) {
            violations.missing("ephemeralStorage.size");
        }
        return storage == null ? null : storage.size();
    }

    private static Map<String, Double> weights(AliasRoutingConfiguration routing) {
        return routing == null ? null : routing.additionalVersionWeights();
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
                c.ephemeralStorageSize(), c.environment(), c.architectures(), c.snapStartApplyOn(), c.tracingMode(), c.layers());
    }

    private static FunctionConfiguration withArchitectures(FunctionConfiguration c, List<String> architectures) {
        return new FunctionConfiguration(c.runtime(), c.handler(), c.role(), c.description(), c.memorySize(), c.timeout(),
                c.ephemeralStorageSize(), c.environment(), architectures, c.snapStartApplyOn(), c.tracingMode(), c.layers());
    }

    private static String newRevision() {
        return UUID.randomUUID().toString();
    }

    /** What an answer says of a version, as Lambda's answers differ by operation. */
    private enum Answer {
        /** CreateFunction's (and a publish by Create or UpdateFunctionCode): being created. */
        CREATED,
        /** UpdateFunctionCode's and UpdateFunctionConfiguration's: the update in progress. */
        UPDATED,
        /** A read of one version (Get*, PublishVersion): its current state. */
        CURRENT,
        /** An entry of ListFunctions or ListVersionsByFunction: no state, no runtime version. */
        LISTED
    }

    private FunctionConfigurationOutput output(FunctionVersion v, Optional<String> qualifier, Answer answer) {
        FunctionConfiguration c = v.configuration();
        String arn = qualifier.map(q -> account.functionArn(v.functionName(), q))
                .orElseGet(() -> account.functionArn(v.functionName()));
        boolean snapStartOn = "PublishedVersions".equals(c.snapStartApplyOn());
        VersionState state = switch (answer) {
            case CREATED -> VersionState.pending("The function is being created.");
            case UPDATED, CURRENT -> versionStates.stateOf(v);
            case LISTED -> null;
        };
        String lastUpdateStatus = switch (answer) {
            case CREATED, LISTED -> null;
            case UPDATED -> "InProgress";
            case CURRENT -> "Successful";
        };
        boolean updating = answer == Answer.UPDATED;
        // the answer to a change names the revision the change is made at; once ready, the version has another
        String revision = answer == Answer.CREATED || updating ? newRevision() : v.revisionId();
        return new FunctionConfigurationOutput(
                v.functionName(), arn, c.runtime(), c.role(), c.handler(), v.code().size(), c.description(),
                c.timeout(), c.memorySize(), LambdaTimestamps.format(v.lastModified()), v.code().sha256(), v.version(),
                c.environment().isEmpty() ? null : new Environment(c.environment()), new TracingConfig(c.tracingMode()), revision,
                state == null ? null : state.state(), state == null ? null : state.reasonCode(), state == null ? null : state.reason(),
                lastUpdateStatus, updating ? "The function is being created." : null, updating ? "Creating" : null,
                "Zip", c.architectures(), new EphemeralStorage(c.ephemeralStorageSize()),
                new SnapStartResponse(c.snapStartApplyOn(), snapStartOn && !v.isLatest() ? "On" : "Off"),
                new LoggingConfig("Text", "/aws/lambda/" + v.functionName()),
                answer == Answer.LISTED ? null : runtimeVersion(c.runtime()),
                c.layers().isEmpty() ? null : c.layers().stream().map(l -> new Layer(l.arn(), l.code().size())).toList());
    }

    /** Lambda's {@code RuntimeVersionConfig}: an ARN per runtime of this region, stable across calls. */
    private RuntimeVersionConfig runtimeVersion(String runtime) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(("hearth-runtime:" + runtime).getBytes(StandardCharsets.UTF_8));
            return new RuntimeVersionConfig("arn:aws:lambda:" + account.region() + "::runtime:" + HexFormat.of().formatHex(digest));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
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
