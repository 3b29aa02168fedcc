package dev.hearth.frontend;

import dev.hearth.controlplane.FunctionPolicies;
import dev.hearth.controlplane.api.AddPermissionInput;
import dev.hearth.core.AccountContext;
import dev.hearth.core.FunctionNameMember;
import dev.hearth.core.FunctionRef;
import dev.hearth.http.ApiRequest;
import dev.hearth.http.ApiResponse;
import dev.hearth.http.AwsJson;
import dev.hearth.http.Route;
import java.util.List;

/**
 * Lambda's resource-policy operations of functions on their REST paths: AddPermission, RemovePermission
 * and GetPolicy, mapped to {@link FunctionPolicies}. Each takes the function as a name or ARN, with a
 * qualifier in it or in the {@code Qualifier} query parameter (the {@code NamespacedFunctionName} shape).
 */
public final class PolicyApi {
    private static final long REQUEST_LIMIT = 6L * 1024 * 1024;
    private static final String POLICY = "/2015-03-31/functions/{FunctionName}/policy";

    private final FunctionPolicies policies;
    private final AccountContext account;

    public PolicyApi(FunctionPolicies policies, AccountContext account) {
        this.policies = policies;
        this.account = account;
    }

    public List<Route> routes() {
        return List.of(
                new Route("POST", POLICY, "AddPermission", REQUEST_LIMIT, r -> ManagementApi.created(
                        policies.addPermission(ref(r), AwsJson.read(r.body(), AddPermissionInput.class)))),
                new Route("DELETE", POLICY + "/{StatementId}", "RemovePermission", REQUEST_LIMIT, r -> {
                    policies.removePermission(ref(r), r.path("StatementId"), r.query("RevisionId"));
                    return ApiResponse.noContent();
                }),
                new Route("GET", POLICY, "GetPolicy", REQUEST_LIMIT, r -> ManagementApi.ok(policies.getPolicy(ref(r)))));
    }

    private FunctionRef ref(ApiRequest request) {
        return FunctionRef.parse(request.path("FunctionName"), request.query("Qualifier"), account,
                FunctionNameMember.NAMESPACED_FUNCTION_NAME);
    }
}
