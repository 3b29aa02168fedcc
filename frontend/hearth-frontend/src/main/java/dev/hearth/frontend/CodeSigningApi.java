package dev.hearth.frontend;

import dev.hearth.controlplane.CodeSigningConfigs;
import dev.hearth.controlplane.api.CreateCodeSigningConfigInput;
import dev.hearth.controlplane.api.FunctionCodeSigningConfig;
import dev.hearth.controlplane.api.UpdateCodeSigningConfigInput;
import dev.hearth.core.AccountContext;
import dev.hearth.core.FunctionNameMember;
import dev.hearth.core.FunctionRef;
import dev.hearth.http.ApiRequest;
import dev.hearth.http.ApiResponse;
import dev.hearth.http.AwsJson;
import dev.hearth.http.Route;
import java.util.List;

/**
 * Lambda's code signing operations on their REST paths, mapped to {@link CodeSigningConfigs}: the
 * configurations under {@code /2020-04-22/code-signing-configs} (the ARN is one percent-decoded path
 * segment) and a function's configuration under {@code /2020-06-30/functions/{FunctionName}/code-signing-config}.
 * Thread-safe.
 */
public final class CodeSigningApi {
    private static final long REQUEST_LIMIT = 6L * 1024 * 1024;
    private static final String CONFIGS = "/2020-04-22/code-signing-configs/";
    private static final String CONFIG = "/2020-04-22/code-signing-configs/{CodeSigningConfigArn}";
    private static final String FUNCTION_CONFIG = "/2020-06-30/functions/{FunctionName}/code-signing-config";

    private final CodeSigningConfigs configs;
    private final AccountContext account;

    public CodeSigningApi(CodeSigningConfigs configs, AccountContext account) {
        this.configs = configs;
        this.account = account;
    }

    public List<Route> routes() {
        return List.of(
                new Route("POST", CONFIGS, "CreateCodeSigningConfig", REQUEST_LIMIT, r -> ManagementApi.created(
                        configs.create(AwsJson.read(r.body(), CreateCodeSigningConfigInput.class)))),
                new Route("GET", CONFIGS, "ListCodeSigningConfigs", REQUEST_LIMIT, r -> ManagementApi.ok(
                        configs.list(r.query("Marker"), r.queryInt("MaxItems").orElse(null)))),
                new Route("GET", CONFIG, "GetCodeSigningConfig", REQUEST_LIMIT,
                        r -> ManagementApi.ok(configs.get(r.path("CodeSigningConfigArn")))),
                new Route("PUT", CONFIG, "UpdateCodeSigningConfig", REQUEST_LIMIT, r -> ManagementApi.ok(configs.update(
                        r.path("CodeSigningConfigArn"), AwsJson.read(r.body(), UpdateCodeSigningConfigInput.class)))),
                new Route("DELETE", CONFIG, "DeleteCodeSigningConfig", REQUEST_LIMIT, r -> {
                    configs.delete(r.path("CodeSigningConfigArn"));
                    return ApiResponse.noContent();
                }),
                new Route("GET", CONFIG + "/functions", "ListFunctionsByCodeSigningConfig", REQUEST_LIMIT,
                        r -> ManagementApi.ok(configs.functionsUsing(r.path("CodeSigningConfigArn"), r.query("Marker"),
                                r.queryInt("MaxItems").orElse(null)))),
                new Route("PUT", FUNCTION_CONFIG, "PutFunctionCodeSigningConfig", REQUEST_LIMIT, r -> ManagementApi.ok(
                        configs.putForFunction(ref(r), AwsJson.read(r.body(), FunctionCodeSigningConfig.class)))),
                new Route("GET", FUNCTION_CONFIG, "GetFunctionCodeSigningConfig", REQUEST_LIMIT,
                        r -> ManagementApi.ok(configs.getForFunction(ref(r)))),
                new Route("DELETE", FUNCTION_CONFIG, "DeleteFunctionCodeSigningConfig", REQUEST_LIMIT, r -> {
                    configs.deleteForFunction(ref(r));
                    return ApiResponse.noContent();
                }));
    }

    /** The function of a request's path: the {@code NamespacedFunctionName} shape these operations declare. */
    private FunctionRef ref(ApiRequest request) {
        return FunctionRef.parse(request.path("FunctionName"), account, FunctionNameMember.NAMESPACED_FUNCTION_NAME);
    }
}
