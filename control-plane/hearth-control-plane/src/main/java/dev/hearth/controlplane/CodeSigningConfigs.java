package dev.hearth.controlplane;

import static dev.hearth.core.LambdaException.conflict;
import static dev.hearth.core.LambdaException.notFound;

import dev.hearth.controlplane.api.AllowedPublishers;
import dev.hearth.controlplane.api.CodeSigningConfigOutput;
import dev.hearth.controlplane.api.CodeSigningConfigResponse;
import dev.hearth.controlplane.api.CodeSigningPolicies;
import dev.hearth.controlplane.api.CreateCodeSigningConfigInput;
import dev.hearth.controlplane.api.FunctionCodeSigningConfig;
import dev.hearth.controlplane.api.ListCodeSigningConfigsOutput;
import dev.hearth.controlplane.api.ListFunctionsByCodeSigningConfigOutput;
import dev.hearth.controlplane.api.UpdateCodeSigningConfigInput;
import dev.hearth.core.AccountContext;
import dev.hearth.core.ConstraintViolations;
import dev.hearth.core.FunctionRef;
import dev.hearth.core.LambdaErrorType;
import dev.hearth.core.LambdaException;
import dev.hearth.store.spi.CodeSigningConfig;
import dev.hearth.store.spi.FunctionStore;
import dev.hearth.store.spi.StoreTransaction;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lambda's code signing configurations of one account and region: Create/Get/Update/Delete/List
 * CodeSigningConfig(s), Put/Get/DeleteFunctionCodeSigningConfig and ListFunctionsByCodeSigningConfig,
 * validated as Lambda's model declares them and kept in the function store (one transaction per
 * operation), and the check every deployment of a package to a function with a configuration passes
 * ({@link #deploymentTo}).
 *
 * <p>Hearth has no AWS Signer and verifies no signature: a package deployed to a function whose
 * configuration says {@code UntrustedArtifactOnDeployment: Enforce} is refused with {@code
 * CodeVerificationFailedException}, one whose configuration says {@code Warn} is accepted and a
 * warning naming the function and the configuration is logged.
 *
 * <p>Threading: thread-safe. Failure: every error the caller should see is a {@link LambdaException}.
 */
public final class CodeSigningConfigs {
    private static final Logger LOG = LoggerFactory.getLogger(CodeSigningConfigs.class);
    private static final int DEFAULT_PAGE = 50;
    /** The model's {@code CodeSigningConfigArn} pattern, as Lambda quotes it. */
    private static final Pattern CONFIG_ARN = Pattern.compile("arn:(aws[a-zA-Z-]*)?:lambda:[a-z]{2}((-gov)|(-iso(b?)))?-[a-z]+-\\d{1}"
            + ":\\d{12}:code-signing-config:csc-[a-z0-9]{17}");
    /** The model's {@code Arn} pattern of a signing profile version. */
    private static final Pattern SIGNING_PROFILE_VERSION_ARN = Pattern.compile(
            "arn:(aws[a-zA-Z0-9-]*):([a-zA-Z0-9\\-])+:([a-z]{2}(-gov)?-[a-z]+-\\d{1})?:(\\d{12})?:(.*)");
    private static final List<String> POLICIES = List.of("Warn", "Enforce");
    private static final String DEFAULT_POLICY = "Warn";
    private static final SecureRandom IDS = new SecureRandom();

    private final FunctionStore store;
    private final AccountContext account;
    private final ConfigurationRules rules;
    private final Clock clock;

    CodeSigningConfigs(FunctionStore store, AccountContext account, ConfigurationRules rules, Clock clock) {
        this.store = Objects.requireNonNull(store);
        this.account = Objects.requireNonNull(account);
        this.rules = Objects.requireNonNull(rules);
        this.clock = Objects.requireNonNull(clock);
    }

    // ----- configurations -----

    /** CreateCodeSigningConfig: a new configuration with a new id; the policy defaults to {@code Warn}. */
    public CodeSigningConfigResponse create(CreateCodeSigningConfigInput in) {
        ConstraintViolations violations = new ConstraintViolations();
        description(in.description(), violations);
        if (in.allowedPublishers() == null) {
            violations.missing("allowedPublishers");
        } else {
            allowedPublishers(in.allowedPublishers(), violations);
        }
        policies(in.codeSigningPolicies(), violations);
        violations.throwIfAny();
        Map<String, String> tags = rules.tags(Objects.requireNonNullElse(in.tags(), Map.of()));
        String policy = in.codeSigningPolicies() == null || in.codeSigningPolicies().untrustedArtifactOnDeployment() == null
                ? DEFAULT_POLICY : in.codeSigningPolicies().untrustedArtifactOnDeployment();
        CodeSigningConfig created = store.transact(tx -> {
            String id;
            do {
                id = newId();
            } while (tx.codeSigningConfig(id).isPresent());
            CodeSigningConfig config = new CodeSigningConfig(id, Objects.requireNonNullElse(in.description(), ""),
                    in.allowedPublishers().signingProfileVersionArns(), policy, tags, clock.instant());
            tx.putCodeSigningConfig(config);
            return config;
        });
        return new CodeSigningConfigResponse(output(created));
    }

    public CodeSigningConfigResponse get(String configArn) {
        String id = configId(configArn);
        return store.transact(tx -> new CodeSigningConfigResponse(output(existing(tx, id, configArn))));
    }

    /** UpdateCodeSigningConfig: what is given changes, the rest stays; LastModified moves. */
    public CodeSigningConfigResponse update(String configArn, UpdateCodeSigningConfigInput in) {
        ConstraintViolations violations = new ConstraintViolations();
        arn(configArn, violations);
        description(in.description(), violations);
        if (in.allowedPublishers() != null) {
            allowedPublishers(in.allowedPublishers(), violations);
        }
        policies(in.codeSigningPolicies(), violations);
        violations.throwIfAny();
        String id = configId(configArn);
        CodeSigningConfig updated = store.transact(tx -> {
            CodeSigningConfig current = existing(tx, id, configArn);
            String policy = in.codeSigningPolicies() == null || in.codeSigningPolicies().untrustedArtifactOnDeployment() == null
                    ? current.untrustedArtifactOnDeployment() : in.codeSigningPolicies().untrustedArtifactOnDeployment();
            CodeSigningConfig config = new CodeSigningConfig(id,
                    Objects.requireNonNullElse(in.description(), current.description()),
                    in.allowedPublishers() == null ? current.signingProfileVersionArns()
                            : in.allowedPublishers().signingProfileVersionArns(),
                    policy, current.tags(), clock.instant());
            tx.putCodeSigningConfig(config);
            return config;
        });
        return new CodeSigningConfigResponse(output(updated));
    }

    /** DeleteCodeSigningConfig; refused while a function uses the configuration. */
    public void delete(String configArn) {
        String id = configId(configArn);
        store.transact(tx -> {
            existing(tx, id, configArn);
            if (!tx.functionsByCodeSigningConfig(id, Optional.empty(), 1).isEmpty()) {
                throw conflict("The code signing configuration " + configArn
                        + " cannot be deleted because it is used by one or more functions.");
            }
            tx.deleteCodeSigningConfig(id);
            return null;
        });
    }

    /** ListCodeSigningConfigs, ordered by id; the marker is the last id of the previous page. */
    public ListCodeSigningConfigsOutput list(Optional<String> marker, Integer maxItems) {
        int limit = ConfigurationRules.maxItems(maxItems, DEFAULT_PAGE);
        return store.transact(tx -> {
            List<CodeSigningConfig> page = tx.codeSigningConfigs(marker, limit + 1);
            boolean more = page.size() > limit;
            List<CodeSigningConfig> shown = more ? page.subList(0, limit) : page;
            return new ListCodeSigningConfigsOutput(more ? shown.getLast().id() : null,
                    shown.stream().map(this::output).toList());
        });
    }

    /** ListFunctionsByCodeSigningConfig: the unqualified ARNs of the functions using it, by name. */
    public ListFunctionsByCodeSigningConfigOutput functionsUsing(String configArn, Optional<String> marker, Integer maxItems) {
        String id = configId(configArn);
        int limit = ConfigurationRules.maxItems(maxItems, DEFAULT_PAGE);
        return store.transact(tx -> {
            existing(tx, id, configArn);
            List<String> page = tx.functionsByCodeSigningConfig(id, marker, limit + 1);
            boolean more = page.size() > limit;
            List<String> shown = more ? page.subList(0, limit) : page;
            return new ListFunctionsByCodeSigningConfigOutput(more ? shown.getLast() : null,
                    shown.stream().map(account::functionArn).toList());
        });
    }

    // ----- a function's configuration -----

    /** PutFunctionCodeSigningConfig: the configuration must exist (checked first, as Lambda does), then the function. */
    public FunctionCodeSigningConfig putForFunction(FunctionRef ref, FunctionCodeSigningConfig in) {
        if (in.codeSigningConfigArn() == null) {
            throw ConstraintViolations.singleMissing("codeSigningConfigArn");
        }
        ConstraintViolations violations = new ConstraintViolations();
        arn(in.codeSigningConfigArn(), violations);
        violations.throwIfAny();
        FunctionService.noQualifier(ref);
        String configArn = in.codeSigningConfigArn();
        store.transact(tx -> {
            String id = usable(tx, configArn);
            requireFunction(tx, ref.name());
            tx.putFunctionCodeSigningConfig(ref.name(), id);
            return null;
        });
        return new FunctionCodeSigningConfig(configArn, ref.name());
    }

    /** GetFunctionCodeSigningConfig; a function without a configuration answers neither member. */
    public FunctionCodeSigningConfig getForFunction(FunctionRef ref) {
        FunctionService.noQualifier(ref);
        return store.transact(tx -> {
            requireFunction(tx, ref.name());
            return tx.functionCodeSigningConfig(ref.name())
                    .map(id -> new FunctionCodeSigningConfig(arnOf(id), ref.name()))
                    .orElseGet(() -> new FunctionCodeSigningConfig(null, null));
        });
    }

    /** DeleteFunctionCodeSigningConfig; a function without a configuration is no error. */
    public void deleteForFunction(FunctionRef ref) {
        FunctionService.noQualifier(ref);
        store.transact(tx -> {
            requireFunction(tx, ref.name());
            tx.deleteFunctionCodeSigningConfig(ref.name());
            return null;
        });
    }

    // ----- deployments -----

    /**
     * What deploying a package to the existing function {@code functionName} must pass: its code
     * signing configuration, if it has one (none when the function does not exist: the operation
     * answers that itself).
     */
    DeploymentCheck deploymentTo(String functionName) {
        return store.transact(tx -> new DeploymentCheck(functionName,
                tx.functionCodeSigningConfig(functionName).flatMap(tx::codeSigningConfig).map(this::signing)));
    }

    /**
     * What deploying the package of CreateFunction must pass: the configuration its {@code
     * CodeSigningConfigArn} names (already checked against the pattern), which must exist.
     */
    DeploymentCheck deploymentOfNewFunction(String functionName, Optional<String> configArn) {
        if (configArn.isEmpty()) {
            return new DeploymentCheck(functionName, Optional.empty());
        }
        return store.transact(tx -> new DeploymentCheck(functionName,
                Optional.of(signing(tx.codeSigningConfig(usable(tx, configArn.get())).orElseThrow()))));
    }

    /**
     * Makes the function created in {@code tx} use the configuration {@code check} names, which must
     * still exist.
     */
    void associate(StoreTransaction tx, DeploymentCheck check) {
        if (check.signing().isPresent()) {
            String arn = check.signing().get().configArn();
            tx.putFunctionCodeSigningConfig(check.functionName(), usable(tx, arn));
        }
    }

    /** Adds a violation when a request's {@code CodeSigningConfigArn} breaks the model's length or pattern. */
    static void arn(String configArn, ConstraintViolations violations) {
        if (configArn != null) {
            violations.maxLength("codeSigningConfigArn", configArn, 200).pattern("codeSigningConfigArn", configArn, CONFIG_ARN);
        }
    }

    /** A function's code signing, as a deployment sees it. */
    record Signing(String configArn, String untrustedArtifactOnDeployment) {}

    /**
     * The check a package deployed to {@code functionName} passes before it is stored: Hearth cannot
     * verify a signature, so with a configuration that enforces, every package fails it; with one
     * that warns, every package passes with a warning; without a configuration, every package passes.
     */
    record DeploymentCheck(String functionName, Optional<Signing> signing) {
        /**
         * @throws LambdaException {@code CodeVerificationFailedException} when the function's
         *     configuration enforces signatures
         */
        void verify() {
            if (signing.isEmpty()) {
                return;
            }
            Signing s = signing.get();
            switch (s.untrustedArtifactOnDeployment()) {
                case "Enforce" -> throw new LambdaException(LambdaErrorType.CodeVerificationFailedException,
                        "Lambda cannot deploy the function. The function or layer might be signed using a signature that the"
                                + " client is not configured to accept. Check the provided signature for " + functionName + ".");
                default -> LOG.warn("Function {}: code signing configuration {} (UntrustedArtifactOnDeployment: {}) accepted a"
                        + " package whose signature Hearth does not verify", functionName, s.configArn(), s.untrustedArtifactOnDeployment());
            }
        }
    }

    // ----- internals -----

    private Signing signing(CodeSigningConfig config) {
        return new Signing(arnOf(config.id()), config.untrustedArtifactOnDeployment());
    }

    /** The id of the configuration {@code configArn} names, or CodeSigningConfigNotFoundException. */
    private String usable(StoreTransaction tx, String configArn) {
        Optional<String> id = idIn(configArn);
        if (id.isEmpty() || tx.codeSigningConfig(id.get()).isEmpty()) {
            throw new LambdaException(LambdaErrorType.CodeSigningConfigNotFoundException,
                    "The code signing configuration cannot be found. Check that the provided configuration is not deleted: "
                            + configArn + ".");
        }
        return id.get();
    }

    private CodeSigningConfig existing(StoreTransaction tx, String id, String configArn) {
        return tx.codeSigningConfig(id).orElseThrow(() -> notFoundConfig(configArn));
    }

    /** The id of a path's configuration ARN (validated), which must be of this account and region. */
    private String configId(String configArn) {
        ConstraintViolations violations = new ConstraintViolations();
        arn(configArn, violations);
        violations.throwIfAny();
        return idIn(configArn).orElseThrow(() -> notFoundConfig(configArn));
    }

    /** The id in a valid configuration ARN when the ARN is of this account and region. */
    private Optional<String> idIn(String configArn) {
        String prefix = "arn:aws:lambda:" + account.region() + ":" + account.accountId() + ":code-signing-config:";
        return configArn.startsWith(prefix) ? Optional.of(configArn.substring(prefix.length())) : Optional.empty();
    }

    private LambdaException notFoundConfig(String configArn) {
        return notFound("The Lambda code signing configuration " + configArn + " can not be found.");
    }

    private void requireFunction(StoreTransaction tx, String name) {
        if (tx.function(name).isEmpty()) {
            throw notFound("Function not found: " + account.functionArn(name));
        }
    }

    private String arnOf(String id) {
        return "arn:aws:lambda:" + account.region() + ":" + account.accountId() + ":code-signing-config:" + id;
    }

    private CodeSigningConfigOutput output(CodeSigningConfig c) {
        return new CodeSigningConfigOutput(c.id(), arnOf(c.id()), c.description(),
                new AllowedPublishers(c.signingProfileVersionArns()), new CodeSigningPolicies(c.untrustedArtifactOnDeployment()),
                LambdaTimestamps.format(c.lastModified()));
    }

    private static String newId() {
        byte[] bytes = new byte[9];
        IDS.nextBytes(bytes);
        return "csc-" + HexFormat.of().formatHex(bytes).substring(0, 17);
    }

    private static void description(String description, ConstraintViolations violations) {
        if (description != null) {
            violations.maxLength("description", description, 256);
        }
    }

    private static void allowedPublishers(AllowedPublishers publishers, ConstraintViolations violations) {
        String member = "allowedPublishers.signingProfileVersionArns";
        List<String> arns = publishers.signingProfileVersionArns();
        if (arns == null) {
            violations.missing(member);
            return;
        }
        if (arns.isEmpty()) {
            violations.add(arns, member, "Member must have length greater than or equal to 1");
        } else if (arns.size() > 20) {
            violations.add(arns, member, "Member must have length less than or equal to 20");
        }
        if (arns.stream().anyMatch(arn -> arn == null || !SIGNING_PROFILE_VERSION_ARN.matcher(arn).matches())) {
            violations.add(arns, member, "Member must satisfy constraint: [Member must satisfy regular expression pattern: "
                    + SIGNING_PROFILE_VERSION_ARN.pattern() + "]");
        }
    }

    private static void policies(CodeSigningPolicies policies, ConstraintViolations violations) {
        if (policies != null && policies.untrustedArtifactOnDeployment() != null) {
            violations.enumValue("codeSigningPolicies.untrustedArtifactOnDeployment", policies.untrustedArtifactOnDeployment(),
                    POLICIES);
        }
    }
}
