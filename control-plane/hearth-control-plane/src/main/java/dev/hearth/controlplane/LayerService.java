package dev.hearth.controlplane;

import static dev.hearth.core.LambdaException.invalidParameter;
import static dev.hearth.core.LambdaException.notFound;
import static dev.hearth.core.LambdaException.preconditionFailed;

import dev.hearth.controlplane.api.AddLayerVersionPermissionInput;
import dev.hearth.controlplane.api.AddLayerVersionPermissionOutput;
import dev.hearth.controlplane.api.LayerVersionContentInput;
import dev.hearth.controlplane.api.LayerVersionContentOutput;
import dev.hearth.controlplane.api.LayerVersionOutput;
import dev.hearth.controlplane.api.LayerVersionPolicyOutput;
import dev.hearth.controlplane.api.LayerVersionsListItem;
import dev.hearth.controlplane.api.LayersListItem;
import dev.hearth.controlplane.api.ListLayerVersionsOutput;
import dev.hearth.controlplane.api.ListLayersOutput;
import dev.hearth.controlplane.api.PublishLayerVersionInput;
import dev.hearth.controlplane.policy.PolicyDocument;
import dev.hearth.controlplane.policy.PolicyStatement;
import dev.hearth.core.AccountContext;
import dev.hearth.core.ConstraintViolations;
import dev.hearth.core.LambdaErrorType;
import dev.hearth.core.LambdaException;
import dev.hearth.packages.PackageStore;
import dev.hearth.packages.StoredPackage;
import dev.hearth.store.spi.CodeRef;
import dev.hearth.store.spi.FunctionLayer;
import dev.hearth.store.spi.FunctionStore;
import dev.hearth.store.spi.LayerPermission;
import dev.hearth.store.spi.LayerVersion;
import dev.hearth.store.spi.StoreTransaction;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Lambda's layer operations (PublishLayerVersion, GetLayerVersion(ByArn), ListLayers,
 * ListLayerVersions, DeleteLayerVersion, Add/RemoveLayerVersionPermission, GetLayerVersionPolicy) for
 * one account in one region, and the resolution of a function's {@code Layers} for {@link
 * FunctionService}. Layer versions are immutable and numbered from 1 per layer, a number never reused
 * after a deletion; their packages are kept in the shared {@link PackageStore} as function code is,
 * and a function version that uses a deleted layer version keeps its reference (and the package).
 *
 * <p>Another account's layer version (same region) may be used by a function, or read with
 * GetLayerVersion, when that account's layer-version policy grants the caller's account or {@code *};
 * the other account's layers are found through {@link #useDirectory}.
 *
 * <p>Threading: thread-safe; each operation is one store transaction. Failure: every error the caller
 * should see is a {@link LambdaException}; a package is stored before the transaction, so a rejected
 * request leaves at most an unreferenced package, garbage-collected later.
 */
public final class LayerService {
    /** Lambda's limit of layers per function. */
    public static final int MAX_LAYERS_PER_FUNCTION = 5;
    private static final int DEFAULT_PAGE = 50;
    private static final String LAYER_NAME_PATTERN = "(arn:[a-zA-Z0-9-]+:lambda:[a-zA-Z0-9-]+:\\d{12}:layer:[a-zA-Z0-9-_]+)|[a-zA-Z0-9-_]+";
    private static final Pattern LAYER_NAME = Pattern.compile(LAYER_NAME_PATTERN);
    private static final Pattern LAYER_ARN = Pattern.compile("arn:([a-zA-Z0-9-]+):lambda:([a-zA-Z0-9-]+):(\\d{12}):layer:([a-zA-Z0-9-_]+)");
    /** The pattern Lambda quotes for a layer version ARN ({@code Arn} of GetLayerVersionByArn, a function's {@code Layers}). */
    static final String LAYER_VERSION_ARN_PATTERN = "(arn:(aws[a-zA-Z-]*)?:lambda:(eusc-)?[a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\\d{1}"
            + ":\\d{12}:layer:[a-zA-Z0-9-_]+:[0-9]+)|(arn:[a-zA-Z0-9-]+:lambda:::awslayer:[a-zA-Z0-9-_]+)";
    private static final Pattern LAYER_VERSION_ARN = Pattern.compile(LAYER_VERSION_ARN_PATTERN);
    private static final Pattern PARSED_VERSION_ARN =
            Pattern.compile("arn:([a-zA-Z0-9-]+):lambda:([a-z0-9-]+):(\\d{12}):layer:([a-zA-Z0-9-_]+):([0-9]+)");
    private static final Pattern STATEMENT_ID = Pattern.compile("([a-zA-Z0-9-_]+)");
    private static final Pattern ACTION = Pattern.compile("lambda:GetLayerVersion");
    private static final Pattern PRINCIPAL = Pattern.compile("\\d{12}|\\*|arn:(aws[a-zA-Z-]*):iam::\\d{12}:root");
    private static final Pattern ORGANIZATION_ID = Pattern.compile("o-[a-z0-9]{10,32}");
    /** The runtimes PublishLayerVersion accepts in {@code CompatibleRuntimes}, in the order Lambda lists them. */
    static final List<String> PUBLISHABLE_RUNTIMES = List.of("nodejs20.x", "python3.14", "provided.al2023", "python3.12",
            "python3.13", "nodejs24.x", "nodejs22.x", "java25", "python3.10", "python3.11", "java21", "ruby3.3", "ruby3.4",
            "ruby3.2", "python3.8", "python3.9", "java17", "nodejs16.x", "dotnet10", "dotnet8", "java11", "dotnet6",
            "nodejs18.x", "provided.al2", "java8.al2");
    /** The runtimes the list operations' {@code CompatibleRuntime} filter accepts, in the order Lambda lists them. */
    static final List<String> FILTER_RUNTIMES = List.of("ruby3.5", "ruby2.6", "dotnetcore1.0", "python3.7", "nodejs8.10", "nasa",
            "ruby2.7", "python2.7-greengrass", "dotnetcore2.0", "python3.8", "java21", "dotnet6", "dotnetcore2.1", "python3.9",
            "java11", "nodejs6.10", "provided", "dotnetcore3.1", "dotnet8", "java25", "java17", "nodejs", "nodejs4.3",
            "java8.al2", "go1.x", "dotnet10", "nodejs20.x", "go1.9", "byol", "nodejs10.x", "provided.al2023", "nodejs22.x",
            "python3.10", "java8", "nodejs12.x", "python3.11", "nodejs24.x", "nodejs8.x", "python3.12", "nodejs14.x",
            "nodejs8.9", "nodejs26.x", "python3.13", "python3.14", "nodejs16.x", "python3.15", "provided.al2",
            "nodejs4.3-edge", "nodejs18.x", "ruby3.2", "python3.4", "ruby3.3", "ruby3.4", "ruby2.5", "python3.6", "python2.7");
    private static final List<String> ARCHITECTURES = List.of("x86_64", "arm64");

    private final FunctionStore store;
    private final PackageStore packages;
    private final AccountContext account;
    private final ControlPlaneLimits limits;
    private final Clock clock;
    private volatile S3CodeReader s3Code;
    private volatile LayerDirectory directory = (accountId, region) -> Optional.empty();

    /**
     * The layers of other accounts, for cross-account use: the layer service of an account in a
     * region, if that account has one on this server.
     */
    @FunctionalInterface
    public interface LayerDirectory {
        Optional<LayerService> find(String accountId, String region);
    }

    public LayerService(FunctionStore store, PackageStore packages, AccountContext account, ControlPlaneLimits limits, Clock clock) {
        this.store = Objects.requireNonNull(store);
        this.packages = Objects.requireNonNull(packages);
        this.account = Objects.requireNonNull(account);
        this.limits = Objects.requireNonNull(limits);
        this.clock = Objects.requireNonNull(clock);
    }

    public AccountContext account() {
        return account;
    }

    /** Where {@code Content.S3Bucket}/{@code S3Key} are read from (as for function code). */
    public void useS3Code(S3CodeReader reader) {
        this.s3Code = Objects.requireNonNull(reader);
    }

    /** Where other accounts' layers are found (by default, nowhere: only this account's layers can be used). */
    public void useDirectory(LayerDirectory layers) {
        this.directory = Objects.requireNonNull(layers);
    }

    // ----- the layer API -----

    /**
     * PublishLayerVersion: validates and stores the package, then adds the layer's next version.
     *
     * @param codeLocation the download link of a package, by CodeSha256
     */
    public LayerVersionOutput publishLayerVersion(String layerName, PublishLayerVersionInput in, Function<String, String> codeLocation) {
        ConstraintViolations violations = new ConstraintViolations();
        layerName(layerName, violations);
        if (in.description() != null) {
            violations.maxLength("description", in.description(), 256);
        }
        if (in.content() == null) {
            violations.missing("content");
        }
        runtimes(in.compatibleRuntimes(), violations);
        if (in.licenseInfo() != null) {
            violations.maxLength("licenseInfo", in.licenseInfo(), 512);
        }
        architectures(in.compatibleArchitectures(), violations);
        violations.throwIfAny();
        String name = ownLayer(layerName);
        CodeRef code = storeContent(in.content());
        LayerVersion published = store.transact(tx -> {
            if (tx.accountUsage().totalCodeSize() + code.size() > limits.totalCodeSize()) {
                throw new LambdaException(LambdaErrorType.CodeStorageExceededException, "Code storage limit exceeded.");
            }
            LayerVersion version = new LayerVersion(name, tx.nextLayerVersion(name),
                    Objects.requireNonNullElse(in.description(), ""), clock.instant(), in.compatibleRuntimes(),
                    in.compatibleArchitectures(), in.licenseInfo(), code, newRevision());
            tx.insertLayerVersion(version);
            return version;
        });
        return output(published, account.accountId(), codeLocation);
    }

    /** GetLayerVersion: this account's layer version, or another account's that its policy lets the caller read. */
    public LayerVersionOutput getLayerVersion(String layerName, long versionNumber, Function<String, String> codeLocation) {
        ConstraintViolations violations = new ConstraintViolations();
        layerName(layerName, violations);
        violations.throwIfAny();
        versionFromOne(versionNumber);
        LayerRef ref = layerRef(layerName);
        return output(readable(ref, versionNumber).orElseThrow(LayerService::resourceNotFound), ref.accountId(), codeLocation);
    }

    /** GetLayerVersionByArn. */
    public LayerVersionOutput getLayerVersionByArn(String arn, Function<String, String> codeLocation) {
        if (arn == null) {
            throw ConstraintViolations.singleMissing("arn");
        }
        ConstraintViolations violations = new ConstraintViolations();
        violations.maxLength("arn", arn, 140).minLength("arn", arn, 1);
        violations.pattern("arn", arn, LAYER_VERSION_ARN);
        violations.throwIfAny();
        Matcher m = PARSED_VERSION_ARN.matcher(arn);
        if (!m.matches()) {
            throw resourceNotFound(); // a Lambda-managed awslayer: Hearth has none
        }
        LayerRef ref = new LayerRef(m.group(3), m.group(2), m.group(4));
        return output(readable(ref, Long.parseLong(m.group(5))).orElseThrow(LayerService::resourceNotFound), ref.accountId(),
                codeLocation);
    }

    /** ListLayers: each layer with its newest version matching the filters (layers with none are left out). */
    public ListLayersOutput listLayers(Optional<String> compatibleRuntime, Optional<String> marker, Integer maxItems,
            Optional<String> compatibleArchitecture) {
        ConstraintViolations violations = new ConstraintViolations();
        compatibleRuntime.ifPresent(r -> violations.enumValue("compatibleRuntime", r, FILTER_RUNTIMES));
        if (maxItems != null) {
            violations.range("maxItems", maxItems, 1, 50);
        }
        compatibleArchitecture.ifPresent(a -> violations.enumValue("compatibleArchitecture", a, ARCHITECTURES));
        violations.throwIfAny();
        int limit = maxItems == null ? DEFAULT_PAGE : maxItems;
        return store.transact(tx -> {
            List<LayersListItem> items = new ArrayList<>();
            for (String name : tx.layerNames()) {
                if (marker.isPresent() && name.compareTo(marker.get()) <= 0) {
                    continue;
                }
                Optional<LayerVersion> latest = tx.layerVersions(name).stream()
                        .filter(v -> matches(v, compatibleRuntime, compatibleArchitecture)).findFirst();
                latest.ifPresent(v -> items.add(new LayersListItem(name, layerArn(name), listItem(v))));
            }
            boolean more = items.size() > limit;
            List<LayersListItem> page = more ? items.subList(0, limit) : items;
            return new ListLayersOutput(more ? page.getLast().layerName() : null, List.copyOf(page));
        });
    }

    /** ListLayerVersions: newest first; an unknown layer has none. */
    public ListLayerVersionsOutput listLayerVersions(String layerName, Optional<String> compatibleRuntime, Optional<String> marker,
            Integer maxItems, Optional<String> compatibleArchitecture) {
        ConstraintViolations violations = new ConstraintViolations();
        compatibleRuntime.ifPresent(r -> violations.enumValue("compatibleRuntime", r, FILTER_RUNTIMES));
        layerName(layerName, violations);
        if (maxItems != null) {
            violations.range("maxItems", maxItems, 1, 50);
        }
        compatibleArchitecture.ifPresent(a -> violations.enumValue("compatibleArchitecture", a, ARCHITECTURES));
        violations.throwIfAny();
        String name = ownLayer(layerName);
        int limit = maxItems == null ? DEFAULT_PAGE : maxItems;
        long after = marker.map(LayerService::markerVersion).orElse(Long.MAX_VALUE);
        return store.transact(tx -> {
            List<LayerVersion> matching = tx.layerVersions(name).stream()
                    .filter(v -> v.version() < after && matches(v, compatibleRuntime, compatibleArchitecture)).toList();
            boolean more = matching.size() > limit;
            List<LayerVersion> page = more ? matching.subList(0, limit) : matching;
            return new ListLayerVersionsOutput(more ? Long.toString(page.getLast().version()) : null,
                    page.stream().map(this::listItem).toList());
        });
    }

    /** DeleteLayerVersion: succeeds whether or not the version exists, as on Lambda; functions using it keep it. */
    public void deleteLayerVersion(String layerName, long versionNumber) {
        ConstraintViolations violations = new ConstraintViolations();
        layerName(layerName, violations);
        violations.throwIfAny();
        versionFromOne(versionNumber);
        String name = ownLayer(layerName);
        store.transact(tx -> {
            tx.deleteLayerVersion(name, versionNumber);
            return null;
        });
    }

    /** AddLayerVersionPermission: grants {@code lambda:GetLayerVersion} on one version to an account or to everyone. */
    public AddLayerVersionPermissionOutput addLayerVersionPermission(String layerName, long versionNumber,
            AddLayerVersionPermissionInput in, Optional<String> revisionId) {
        ConstraintViolations violations = new ConstraintViolations();
        layerName(layerName, violations);
        statementId(in.statementId(), violations);
        if (in.action() == null) {
            violations.missing("action");
        } else {
            violations.maxLength("action", in.action(), 22).pattern("action", in.action(), ACTION);
        }
        if (in.principal() == null) {
            violations.missing("principal");
        } else {
            violations.pattern("principal", in.principal(), PRINCIPAL);
        }
        if (in.organizationId() != null) {
            violations.maxLength("organizationId", in.organizationId(), 34).pattern("organizationId", in.organizationId(), ORGANIZATION_ID);
        }
        violations.throwIfAny();
        versionFromOne(versionNumber);
        String name = ownLayer(layerName);
        return store.transact(tx -> {
            LayerVersion version = existing(tx, name, versionNumber);
            String arn = layerVersionArn(name, versionNumber);
            LayerPermission permission = new LayerPermission(name, versionNumber, in.statementId(), in.action(), in.principal(),
                    in.organizationId());
            PolicyStatement statement = LayerPolicyDocument.statement(permission, arn);
            // Lambda's checks of the statement id and the policy's size, before the revision's
            LayerPolicyDocument.of(tx.layerPermissions(name, versionNumber), arn).with(statement);
            checkRevision(revisionId, version);
            String revision = newRevision();
            tx.insertLayerPermission(permission, revision);
            return new AddLayerVersionPermissionOutput(PolicyDocument.json(statement), revision);
        });
    }

    /** RemoveLayerVersionPermission. */
    public void removeLayerVersionPermission(String layerName, long versionNumber, String statementId, Optional<String> revisionId) {
        ConstraintViolations violations = new ConstraintViolations();
        layerName(layerName, violations);
        statementId(statementId, violations);
        violations.throwIfAny();
        versionFromOne(versionNumber);
        String name = ownLayer(layerName);
        store.transact(tx -> {
            LayerVersion version = existing(tx, name, versionNumber);
            checkRevision(revisionId, version);
            if (tx.layerPermissions(name, versionNumber).stream().noneMatch(p -> p.statementId().equals(statementId))) {
                throw notFound("Statement " + statementId + " is not found in resource policy.");
            }
            tx.deleteLayerPermission(name, versionNumber, statementId, newRevision());
            return null;
        });
    }

    /** GetLayerVersionPolicy. */
    public LayerVersionPolicyOutput getLayerVersionPolicy(String layerName, long versionNumber) {
        ConstraintViolations violations = new ConstraintViolations();
        layerName(layerName, violations);
        violations.throwIfAny();
        versionFromOne(versionNumber);
        String name = ownLayer(layerName);
        return store.transact(tx -> {
            LayerVersion version = existing(tx, name, versionNumber);
            List<LayerPermission> permissions = tx.layerPermissions(name, versionNumber);
            if (permissions.isEmpty()) {
                throw notFound("No policy is associated with the given resource.");
            }
            return new LayerVersionPolicyOutput(LayerPolicyDocument.of(permissions, layerVersionArn(name, versionNumber)).json(),
                    version.policyRevisionId());
        });
    }

    // ----- a function's Layers -----

    /** The constraint of CreateFunction's and UpdateFunctionConfiguration's {@code Layers} member. */
    static void layerArns(List<String> arns, ConstraintViolations violations) {
        if (arns == null) {
            return;
        }
        for (String arn : arns) {
            if (arn == null || arn.isEmpty() || arn.length() > 2048 || !LAYER_VERSION_ARN.matcher(arn).matches()) {
                violations.add(arns.toString(), "layers", "Member must satisfy constraint: [Member must have length less than or"
                        + " equal to 2048, Member must have length greater than or equal to 1, Member must satisfy regular"
                        + " expression pattern: " + LAYER_VERSION_ARN_PATTERN + ", Member must not be null]");
                return;
            }
        }
    }

    /**
     * The layers a function names (ARNs already of the right form), in its order, checked as Lambda
     * checks them: at most five; each in the function's region; this account's existing, or another
     * account's that its policy lets this account use; no two versions of one layer. Runs in
     * transactions of its own (so that no store's lock is held while another account's is taken).
     */
    List<FunctionLayer> functionLayers(List<String> arns) {
        if (arns.size() > MAX_LAYERS_PER_FUNCTION) {
            throw invalidParameter("Cannot reference more than 5 layers.");
        }
        List<FunctionLayer> layers = new ArrayList<>();
        Map<String, String> seen = new HashMap<>();
        for (String arn : arns) {
            Matcher m = PARSED_VERSION_ARN.matcher(arn);
            if (!m.matches()) {
                throw invalidParameter("Layer version " + arn + " does not exist.");
            }
            LayerRef ref = new LayerRef(m.group(3), m.group(2), m.group(4));
            long number = Long.parseLong(m.group(5));
            LayerVersion version;
            if (ref.accountId().equals(account.accountId())) {
                if (!ref.region().equals(account.region())) {
                    throw invalidParameter("Layers are not in the same region as the function. Layers are expected to be in region "
                            + account.region() + ".");
                }
                version = store.transact(tx -> tx.layerVersion(ref.name(), number))
                        .orElseThrow(() -> invalidParameter("Layer version " + arn + " does not exist."));
            } else {
                version = sharedVersion(ref, number).orElseThrow(() -> notAuthorized(arn));
            }
            String layer = arn.substring(0, arn.lastIndexOf(':'));
            String earlier = seen.putIfAbsent(layer, arn);
            if (earlier != null) {
                throw invalidParameter("Two different versions of the same layer are not allowed to be referenced in the same"
                        + " function. " + earlier + " and " + arn + " are versions of the same layer.");
            }
            layers.add(new FunctionLayer(arn, version.code()));
        }
        return List.copyOf(layers);
    }

    /**
     * Lambda's limit on a function's code and layers unzipped together (the package store's unzipped
     * limit, 250 MB by default).
     */
    void checkCombinedSize(CodeRef functionCode, List<FunctionLayer> layers) {
        if (layers.isEmpty()) {
            return;
        }
        long total = unzippedSize(functionCode);
        for (FunctionLayer layer : layers) {
            total += unzippedSize(layer.code());
        }
        long max = packages.limits().maxUnzippedBytes();
        if (total > max) {
            throw invalidParameter("Function code combined with layers exceeds the maximum allowed size of " + max
                    + " bytes. The actual size is " + total + " bytes.");
        }
    }

    /**
     * This account's layer version, when its policy lets {@code callerAccountId} use it (another
     * account asking through its own layer service).
     */
    public Optional<LayerVersion> versionSharedWith(String callerAccountId, String layerName, long versionNumber) {
        return store.transact(tx -> tx.layerVersion(layerName, versionNumber)
                .filter(v -> LayerPolicyDocument.grants(tx.layerPermissions(layerName, versionNumber),
                        layerVersionArn(layerName, versionNumber), callerAccountId)));
    }

    // ----- internals -----

    /** A layer named by a request: its owner's account and region, and its name. */
    private record LayerRef(String accountId, String region, String name) {}

    private LayerRef layerRef(String layerName) {
        Matcher m = LAYER_ARN.matcher(layerName);
        return m.matches() ? new LayerRef(m.group(3), m.group(2), m.group(4)) : new LayerRef(account.accountId(), account.region(), layerName);
    }

    /**
     * The name of a layer of this account that a request names (by name or ARN); another account's or
     * region's layer cannot be changed or listed from here.
     */
    private String ownLayer(String layerName) {
        LayerRef ref = layerRef(layerName);
        if (!ref.accountId().equals(account.accountId()) || !ref.region().equals(account.region())) {
            throw new LambdaException(LambdaErrorType.AccessDeniedException, "User: arn:aws:iam::" + account.accountId()
                    + ":root is not authorized to perform this operation on resource: " + layerName);
        }
        return ref.name();
    }

    /** A layer version the caller may read: this account's, or another's shared with it. */
    private Optional<LayerVersion> readable(LayerRef ref, long number) {
        if (ref.accountId().equals(account.accountId()) && ref.region().equals(account.region())) {
            return store.transact(tx -> tx.layerVersion(ref.name(), number));
        }
        return sharedVersion(ref, number);
    }

    private Optional<LayerVersion> sharedVersion(LayerRef ref, long number) {
        if (!ref.region().equals(account.region())) {
            return Optional.empty();
        }
        return directory.find(ref.accountId(), ref.region()).flatMap(owner -> owner.versionSharedWith(account.accountId(), ref.name(), number));
    }

    private LambdaException notAuthorized(String layerVersionArn) {
        return new LambdaException(LambdaErrorType.AccessDeniedException, "User: arn:aws:iam::" + account.accountId()
                + ":root is not authorized to perform: lambda:GetLayerVersion on resource: " + layerVersionArn
                + " because no resource-based policy allows the lambda:GetLayerVersion action");
    }

    private CodeRef storeContent(LayerVersionContentInput content) {
        StoredPackage stored;
        if (content.s3Bucket() != null || content.s3Key() != null || content.s3ObjectVersion() != null) {
            if (content.zipFile() != null) {
                throw invalidParameter("Please do not provide other LayerVersionContentInput parameters when providing a ZipFile.");
            }
            stored = CodeFromS3.store(s3Code, packages, content.s3Bucket(), content.s3Key(), content.s3ObjectVersion(), () -> {});
        } else if (content.zipFile() == null) {
            throw invalidParameter("Please provide a source for the layer content: Content.ZipFile (--zip-file fileb://layer.zip)"
                    + " or Content.S3Bucket and Content.S3Key.");
        } else {
            stored = packages.put(content.zipFile());
        }
        return new CodeRef(stored.codeSha256(), stored.codeSize());
    }

    private long unzippedSize(CodeRef code) {
        return packages.find(code.sha256()).map(StoredPackage::unzippedSize).orElseThrow(() -> new LambdaException(
                LambdaErrorType.ServiceException, "The package " + code.sha256() + " is missing from the package store.", Map.of()));
    }

    private LayerVersion existing(StoreTransaction tx, String name, long number) {
        return tx.layerVersion(name, number)
                .orElseThrow(() -> notFound("Layer version " + layerVersionArn(name, number) + " does not exist."));
    }

    private static void checkRevision(Optional<String> expected, LayerVersion version) {
        if (expected.isPresent() && !expected.get().equals(version.policyRevisionId())) {
            throw preconditionFailed("The Revision Id provided does not match the latest Revision Id. Call the GetLayerPolicy API"
                    + " to retrieve the latest Revision Id");
        }
    }

    private static boolean matches(LayerVersion v, Optional<String> runtime, Optional<String> architecture) {
        return runtime.map(r -> v.compatibleRuntimes() != null && v.compatibleRuntimes().contains(r)).orElse(true)
                && architecture.map(a -> v.compatibleArchitectures() != null && v.compatibleArchitectures().contains(a)).orElse(true);
    }

    private static void layerName(String layerName, ConstraintViolations violations) {
        violations.maxLength("layerName", layerName, 140).minLength("layerName", layerName, 1)
                .pattern("layerName", layerName, LAYER_NAME, LAYER_NAME_PATTERN);
    }

    private static void statementId(String statementId, ConstraintViolations violations) {
        if (statementId == null) {
            violations.missing("statementId");
            return;
        }
        violations.maxLength("statementId", statementId, 100).minLength("statementId", statementId, 1)
                .pattern("statementId", statementId, STATEMENT_ID);
    }

    private static void runtimes(List<String> runtimes, ConstraintViolations violations) {
        if (runtimes == null) {
            return;
        }
        if (runtimes.size() > 15) {
            violations.add(String.join(", ", runtimes), "compatibleRuntimes", "Member must have length less than or equal to 15");
        } else if (!PUBLISHABLE_RUNTIMES.containsAll(runtimes)) {
            violations.add("[" + String.join(", ", runtimes) + "]", "compatibleRuntimes",
                    "Member must satisfy enum value set: [" + String.join(", ", PUBLISHABLE_RUNTIMES) + "]");
        }
    }

    private static void architectures(List<String> architectures, ConstraintViolations violations) {
        if (architectures == null) {
            return;
        }
        if (architectures.size() > 2) {
            violations.add("[" + String.join(", ", architectures) + "]", "compatibleArchitectures",
                    "Member must have length less than or equal to 2");
        } else if (!ARCHITECTURES.containsAll(architectures)) {
            violations.add("[" + String.join(", ", architectures) + "]", "compatibleArchitectures",
                    "Member must satisfy constraint: [Member must satisfy enum value set: [x86_64, arm64], Member must not be null]");
        }
    }

    private static void versionFromOne(long versionNumber) {
        if (versionNumber < 1) {
            throw invalidParameter("Layer Version Cannot be less than 1");
        }
    }

    private static long markerVersion(String marker) {
        try {
            return Long.parseLong(marker);
        } catch (NumberFormatException e) {
            throw invalidParameter("Invalid marker: " + marker);
        }
    }

    private static LambdaException resourceNotFound() {
        return notFound("The resource you requested does not exist.");
    }

    private String layerArn(String name) {
        return "arn:aws:lambda:" + account.region() + ":" + account.accountId() + ":layer:" + name;
    }

    private String layerVersionArn(String name, long version) {
        return layerArn(name) + ":" + version;
    }

    private LayerVersionOutput output(LayerVersion v, String ownerAccountId, Function<String, String> codeLocation) {
        String arn = "arn:aws:lambda:" + account.region() + ":" + ownerAccountId + ":layer:" + v.layerName();
        return new LayerVersionOutput(new LayerVersionContentOutput(codeLocation.apply(v.code().sha256()), v.code().sha256(),
                v.code().size()), arn, arn + ":" + v.version(), v.description(), LambdaTimestamps.format(v.createdDate()), v.version(),
                v.compatibleRuntimes(), v.licenseInfo(), v.compatibleArchitectures());
    }

    private LayerVersionsListItem listItem(LayerVersion v) {
        return new LayerVersionsListItem(layerVersionArn(v.layerName(), v.version()), v.version(), v.description(),
                LambdaTimestamps.format(v.createdDate()), v.compatibleRuntimes(), v.licenseInfo(), v.compatibleArchitectures());
    }

    private static String newRevision() {
        return UUID.randomUUID().toString();
    }
}
