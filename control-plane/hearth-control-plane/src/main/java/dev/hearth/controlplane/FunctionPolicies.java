package dev.hearth.controlplane;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hearth.controlplane.api.AddPermissionInput;
import dev.hearth.controlplane.api.AddPermissionOutput;
import dev.hearth.controlplane.api.GetPolicyOutput;
import dev.hearth.controlplane.policy.PolicyConditions;
import dev.hearth.controlplane.policy.PolicyDocument;
import dev.hearth.controlplane.policy.PolicyPrincipal;
import dev.hearth.controlplane.policy.PolicyRequest;
import dev.hearth.controlplane.policy.PolicyStatement;
import dev.hearth.core.AccountContext;
import dev.hearth.core.ConstraintViolations;
import dev.hearth.core.FunctionRef;
import dev.hearth.core.LambdaErrorType;
import dev.hearth.core.LambdaException;
import dev.hearth.store.spi.FunctionPolicy;
import dev.hearth.store.spi.FunctionStore;
import dev.hearth.store.spi.FunctionVersion;
import dev.hearth.store.spi.StoreTransaction;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * The resource-based policies of one account's functions (AddPermission, RemovePermission,
 * GetPolicy) and their enforcement ({@link #authorize}): a policy belongs to the function (no
 * qualifier), a published version or an alias, is stored in the function store with a RevisionId of
 * its own, and goes with what it belongs to.
 *
 * <p>RevisionId: a change of a policy gives it a new RevisionId, which GetPolicy answers; AddPermission
 * and RemovePermission with a {@code RevisionId} are refused ({@code PreconditionFailedException}) unless
 * it is the policy's, or, before the first statement, the function's ({@code $LATEST}), version's or
 * alias's RevisionId.
 *
 * <p>Threading: thread-safe; every operation is one store transaction.
 */
public final class FunctionPolicies {
    /** AddPermission's {@code StatementId} pattern, as Lambda quotes it. */
    private static final Pattern STATEMENT_ID = Pattern.compile("([a-zA-Z0-9-_]+)");
    /** RemovePermission's (the {@code NamespacedStatementId} shape). */
    private static final Pattern NAMESPACED_STATEMENT_ID = Pattern.compile("([a-zA-Z0-9-_.]+)");
    private static final Pattern ACTION = Pattern.compile("(lambda:[*]|lambda:[a-zA-Z]+|[*])");
    private static final Pattern PRINCIPAL = Pattern.compile("[^\\s]+");
    private static final Pattern SOURCE_ARN = Pattern.compile(
            "arn:(aws[a-zA-Z0-9-]*):([a-zA-Z0-9\\-])+:([a-z]{2}(-gov)?-[a-z]+-\\d{1})?:(\\d{12})?:(.*)");
    private static final Pattern SOURCE_ACCOUNT = Pattern.compile("\\d{12}");
    private static final Pattern EVENT_SOURCE_TOKEN = Pattern.compile("[a-zA-Z0-9._\\-]+");
    private static final Pattern ORG_ID = Pattern.compile("o-[a-z0-9]{10,32}");
    private static final Pattern VERSION_NUMBER = Pattern.compile("\\d+");
    private static final List<String> URL_AUTH_TYPES = List.of("NONE", "AWS_IAM");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final FunctionStore store;
    private final AccountContext account;

    public FunctionPolicies(FunctionStore store, AccountContext account) {
        this.store = Objects.requireNonNull(store, "store");
        this.account = Objects.requireNonNull(account, "account");
    }

    /**
     * AddPermission: adds a statement to the policy of the function or of its version or alias.
     *
     * @throws LambdaException ValidationException for members outside their constraints;
     *     InvalidParameterValueException for {@code $LATEST} or a principal Lambda cannot read;
     *     ResourceNotFoundException for a function, version or alias that does not exist;
     *     PreconditionFailedException for another RevisionId; ResourceConflictException for a Sid in use;
     *     PolicyLengthExceededException past 20 KB
     */
    public AddPermissionOutput addPermission(FunctionRef ref, AddPermissionInput in) {
        validate(in);
        if (ref.qualifier().filter(FunctionVersion.LATEST::equals).isPresent()) {
            throw LambdaException.invalidParameter("We currently do not support adding policies for $LATEST.");
        }
        return store.transact(tx -> {
            String subjectRevision = subjectRevision(tx, ref)
                    .orElseThrow(() -> LambdaException.notFound("Function not found: " + account.functionArn(ref.name())));
            Optional<Stored> stored = stored(tx, ref);
            String current = stored.map(Stored::revisionId).orElse(subjectRevision);
            if (in.revisionId() != null && !in.revisionId().equals(current)) {
                throw LambdaException.preconditionFailed("The Revision Id provided does not match the latest Revision Id. "
                        + "Call the GetPolicy API to retrieve the latest Revision Id");
            }
            PolicyStatement statement = new PolicyStatement(in.statementId(), PolicyPrincipal.parse(in.principal()),
                    in.action(), ref.arn(), new PolicyConditions(Optional.ofNullable(in.sourceArn()),
                            Optional.ofNullable(in.sourceAccount()), Optional.ofNullable(in.principalOrgID()),
                            Optional.ofNullable(in.eventSourceToken()), Optional.ofNullable(in.functionUrlAuthType()),
                            Boolean.TRUE.equals(in.invokedViaFunctionUrl())));
            PolicyDocument document = stored.map(Stored::document).orElse(PolicyDocument.EMPTY).with(statement);
            store(tx, ref, document);
            return new AddPermissionOutput(PolicyDocument.json(statement));
        });
    }

    /**
     * RemovePermission: removes statement {@code statementId}; the policy goes when its last statement does.
     *
     * @throws LambdaException ResourceNotFoundException (no function, version, alias, policy or
     *     statement), PreconditionFailedException for another RevisionId
     */
    public void removePermission(FunctionRef ref, String statementId, Optional<String> revisionId) {
        new ConstraintViolations().minLength("statementId", statementId, 1).maxLength("statementId", statementId, 100)
                .pattern("statementId", statementId, NAMESPACED_STATEMENT_ID).throwIfAny();
        store.transact(tx -> {
            subjectRevision(tx, ref).orElseThrow(
                    () -> LambdaException.notFound("No policy found for: " + account.functionArn(ref.name())));
            Stored stored = stored(tx, ref).orElseThrow(
                    () -> LambdaException.notFound("No policy is associated with the given resource."));
            if (stored.document().statement(statementId).isEmpty()) {
                throw LambdaException.notFound("Statement " + statementId + " is not found in resource policy.");
            }
            if (revisionId.isPresent() && !revisionId.get().equals(stored.revisionId())) {
                throw LambdaException.preconditionFailed("The Revision Id provided does not match the latest Revision Id. "
                        + "Call the GetFunction/GetAlias API to retrieve the latest Revision Id");
            }
            PolicyDocument rest = stored.document().without(statementId);
            if (rest.isEmpty()) {
                tx.deletePolicy(ref.name(), key(ref));
            } else {
                store(tx, ref, rest);
            }
            return null;
        });
    }

    /**
     * GetPolicy.
     *
     * @throws LambdaException ResourceNotFoundException "The resource you requested does not exist."
     *     when the function, version or alias has no policy (or does not exist)
     */
    public GetPolicyOutput getPolicy(FunctionRef ref) {
        Stored stored = store.transact(tx -> stored(tx, ref))
                .orElseThrow(() -> LambdaException.notFound("The resource you requested does not exist."));
        return new GetPolicyOutput(stored.document().json(), stored.revisionId());
    }

    /**
     * Lets a caller of another account through only when the policy of {@code ref} (the function's for
     * an unqualified reference or {@code $LATEST}, else the version's or alias's) has a statement
     * allowing {@code callerAccount} the {@code action} as a direct call ({@link PolicyRequest#direct}).
     *
     * @throws LambdaException AccessDeniedException in Lambda's words otherwise (also when the
     *     function does not exist: a caller of another account learns nothing of it)
     */
    public void authorize(String callerAccount, String action, FunctionRef ref) {
        boolean allowed = store.transact(tx -> stored(tx, ref))
                .map(stored -> stored.document().allows(PolicyRequest.direct(callerAccount, action)))
                .orElse(false);
        if (!allowed) {
            throw denied(callerAccount, action, ref.arn());
        }
    }

    /**
     * Whether the policy of {@code url}'s function or alias lets {@code callerAccount} invoke it through
     * the URL, by Lambda's rule since October 2025: a statement must allow {@code lambda:InvokeFunctionUrl}
     * and one {@code lambda:InvokeFunction}, both evaluated with the URL's {@code lambda:FunctionUrlAuthType}
     * and {@code lambda:InvokedViaFunctionUrl} = true ({@link PolicyRequest#viaFunctionUrl}).
     *
     * @param callerAccount the signing account, or {@link PolicyRequest#ANONYMOUS} for an unsigned caller
     */
    public boolean allowsUrlInvocation(String callerAccount, FunctionUrl url) {
        return store.transact(tx -> stored(tx, url.ref()))
                .map(stored -> stored.document().allows(PolicyRequest.viaFunctionUrl(callerAccount, "lambda:InvokeFunctionUrl",
                        url.authType()))
                        && stored.document().allows(PolicyRequest.viaFunctionUrl(callerAccount, "lambda:InvokeFunction",
                                url.authType())))
                .orElse(false);
    }

    /**
     * Lambda's refusal of a caller of another account: "User: arn:aws:iam::CALLER:root is not authorized
     * to perform: ACTION on resource: ARN because no resource-based policy allows the ACTION action".
     */
    public static LambdaException denied(String callerAccount, String action, String resourceArn) {
        return new LambdaException(LambdaErrorType.AccessDeniedException, "User: " + PolicyPrincipal.rootOf(callerAccount)
                + " is not authorized to perform: " + action + " on resource: " + resourceArn
                + " because no resource-based policy allows the " + action + " action");
    }

    /**
     * The IAM action of a Lambda API operation on a function: {@code lambda:InvokeFunction} for Invoke,
     * InvokeAsync and InvokeWithResponseStream, {@code lambda:OPERATION} for the others.
     */
    public static String actionOf(String operation) {
        return switch (operation) {
            case "Invoke", "InvokeFunction", "InvokeAsync", "InvokeWithResponseStream" -> "lambda:InvokeFunction";
            default -> "lambda:" + operation;
        };
    }

    private static void validate(AddPermissionInput in) {
        ConstraintViolations violations = new ConstraintViolations();
        if (in.statementId() == null) {
            violations.missing("statementId");
        } else {
            violations.minLength("statementId", in.statementId(), 1).maxLength("statementId", in.statementId(), 100)
                    .pattern("statementId", in.statementId(), STATEMENT_ID);
        }
        if (in.action() == null) {
            violations.missing("action");
        } else {
            violations.pattern("action", in.action(), ACTION);
        }
        if (in.principal() == null) {
            violations.missing("principal");
        } else {
            violations.pattern("principal", in.principal(), PRINCIPAL);
        }
        if (in.sourceArn() != null) {
            violations.pattern("sourceArn", in.sourceArn(), SOURCE_ARN);
        }
        if (in.sourceAccount() != null) {
            violations.maxLength("sourceAccount", in.sourceAccount(), 12).pattern("sourceAccount", in.sourceAccount(), SOURCE_ACCOUNT);
        }
        if (in.eventSourceToken() != null) {
            violations.maxLength("eventSourceToken", in.eventSourceToken(), 256)
                    .pattern("eventSourceToken", in.eventSourceToken(), EVENT_SOURCE_TOKEN);
        }
        if (in.principalOrgID() != null) {
            violations.minLength("principalOrgID", in.principalOrgID(), 12).maxLength("principalOrgID", in.principalOrgID(), 34)
                    .pattern("principalOrgID", in.principalOrgID(), ORG_ID);
        }
        if (in.functionUrlAuthType() != null) {
            violations.enumValue("functionUrlAuthType", in.functionUrlAuthType(), URL_AUTH_TYPES);
        }
        violations.throwIfAny();
    }

    /**
     * The RevisionId of what {@code ref} names ({@code $LATEST}, a version or an alias); empty when the
     * function does not exist.
     *
     * @throws LambdaException ResourceNotFoundException when the function exists but the version or alias does not
     */
    private Optional<String> subjectRevision(StoreTransaction tx, FunctionRef ref) {
        Optional<FunctionVersion> latest = tx.version(ref.name(), FunctionVersion.LATEST);
        if (latest.isEmpty()) {
            return Optional.empty();
        }
        String qualifier = key(ref);
        if (qualifier.equals(FunctionVersion.LATEST)) {
            return Optional.of(latest.get().revisionId());
        }
        if (VERSION_NUMBER.matcher(qualifier).matches()) {
            return Optional.of(tx.version(ref.name(), qualifier).orElseThrow(
                    () -> LambdaException.notFound("Function not found: " + ref.arn())).revisionId());
        }
        return Optional.of(tx.alias(ref.name(), qualifier).orElseThrow(
                () -> LambdaException.notFound("Cannot find alias arn: " + ref.arn())).revisionId());
    }

    /** The stored key of {@code ref}'s policy: its qualifier, {@code $LATEST} when it has none. */
    private static String key(FunctionRef ref) {
        return ref.qualifier().orElse(FunctionVersion.LATEST);
    }

    private record Stored(PolicyDocument document, String revisionId) {}

    private static Optional<Stored> stored(StoreTransaction tx, FunctionRef ref) {
        return tx.policy(ref.name(), key(ref)).map(policy -> {
            try {
                Map<?, ?> json = JSON.readValue(policy.document(), Map.class);
                return new Stored(PolicyDocument.parse((String) json.get("Policy")), (String) json.get("RevisionId"));
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("a stored policy is not JSON: " + e.getMessage(), e);
            }
        });
    }

    private static void store(StoreTransaction tx, FunctionRef ref, PolicyDocument document) {
        try {
            String json = JSON.writeValueAsString(Map.of("Policy", document.json(), "RevisionId", UUID.randomUUID().toString()));
            tx.putPolicy(new FunctionPolicy(ref.name(), key(ref), json));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a policy could not be stored: " + e.getMessage(), e);
        }
    }
}
