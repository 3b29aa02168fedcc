package dev.hearth.frontend;

import dev.hearth.controlplane.FunctionService;
import dev.hearth.controlplane.api.AliasInput;
import dev.hearth.controlplane.api.CreateFunctionInput;
import dev.hearth.controlplane.api.PublishVersionInput;
import dev.hearth.controlplane.api.TagsInput;
import dev.hearth.controlplane.api.UpdateFunctionCodeInput;
import dev.hearth.controlplane.api.UpdateFunctionConfigurationInput;
import dev.hearth.core.AccountContext;
import dev.hearth.core.FunctionNameMember;
import dev.hearth.core.FunctionRef;
import dev.hearth.http.ApiRequest;
import dev.hearth.http.ApiResponse;
import dev.hearth.http.AwsJson;
import dev.hearth.http.Route;
import java.util.List;
import java.util.function.IntSupplier;

/**
 * Lambda's function-management operations on their REST paths, mapping JSON to
 * {@link FunctionService} calls. Function names, partial ARNs and full ARNs are accepted wherever
 * Lambda accepts them; a {@code Qualifier} query parameter must agree with a qualifier in the ARN.
 */
public final class ManagementApi {
    /** CreateFunction and UpdateFunctionCode accept a base64 zip of up to 50 MB inside JSON. */
    public static final long CODE_REQUEST_LIMIT = 70_167_211L;
    private static final long REQUEST_LIMIT = 6L * 1024 * 1024;
    private static final String FUNCTIONS = "/2015-03-31/functions";
    private static final String FUNCTION = FUNCTIONS + "/{FunctionName}";

    private final FunctionService functions;
    private final CodeDownloads downloads;
    private final AccountContext account;
    private final IntSupplier concurrentExecutions;
    private final IntSupplier unreservedConcurrentExecutions;

    public ManagementApi(FunctionService functions, CodeDownloads downloads, IntSupplier concurrentExecutions,
            IntSupplier unreservedConcurrentExecutions) {
        this.functions = functions;
        this.downloads = downloads;
        this.account = functions.account();
        this.concurrentExecutions = concurrentExecutions;
        this.unreservedConcurrentExecutions = unreservedConcurrentExecutions;
    }

    public List<Route> routes() {
        return List.of(
                new Route("POST", FUNCTIONS, "CreateFunction", CODE_REQUEST_LIMIT, r -> created(
                        functions.createFunction(AwsJson.read(r.body(), CreateFunctionInput.class)))),
                new Route("GET", FUNCTIONS + "/", "ListFunctions", REQUEST_LIMIT, r -> ok(functions.listFunctions(
                        r.query("MasterRegion"), r.query("FunctionVersion"), r.query("Marker"), r.queryInt("MaxItems").orElse(null)))),
                new Route("GET", FUNCTION, "GetFunction", REQUEST_LIMIT, r -> ok(functions.getFunction(
                        namespacedRef(r), downloads::location))),
                new Route("DELETE", FUNCTION, "DeleteFunction", REQUEST_LIMIT, r -> {
                    functions.deleteFunction(namespacedRef(r));
                    return ApiResponse.noContent();
                }),
                new Route("GET", FUNCTION + "/configuration", "GetFunctionConfiguration", REQUEST_LIMIT,
                        r -> ok(functions.getFunctionConfiguration(namespacedRef(r)))),
                new Route("PUT", FUNCTION + "/configuration", "UpdateFunctionConfiguration", REQUEST_LIMIT,
                        r -> ok(functions.updateFunctionConfiguration(ref(r),
                                AwsJson.read(r.body(), UpdateFunctionConfigurationInput.class)))),
                new Route("PUT", FUNCTION + "/code", "UpdateFunctionCode", CODE_REQUEST_LIMIT,
                        r -> ok(functions.updateFunctionCode(ref(r), AwsJson.read(r.body(), UpdateFunctionCodeInput.class)))),
                new Route("POST", FUNCTION + "/versions", "PublishVersion", REQUEST_LIMIT,
                        r -> created(functions.publishVersion(ref(r), AwsJson.read(r.body(), PublishVersionInput.class)))),
                new Route("GET", FUNCTION + "/versions", "ListVersionsByFunction", REQUEST_LIMIT,
                        r -> ok(functions.listVersions(namespacedRef(r), r.query("Marker"), r.queryInt("MaxItems").orElse(null)))),
                new Route("POST", FUNCTION + "/aliases", "CreateAlias", REQUEST_LIMIT,
                        r -> created(functions.createAlias(ref(r), AwsJson.read(r.body(), AliasInput.class)))),
                new Route("GET", FUNCTION + "/aliases", "ListAliases", REQUEST_LIMIT,
                        r -> ok(functions.listAliases(ref(r), r.query("FunctionVersion"), r.query("Marker"),
                                r.queryInt("MaxItems").orElse(null)))),
                new Route("GET", FUNCTION + "/aliases/{Name}", "GetAlias", REQUEST_LIMIT,
                        r -> ok(functions.getAlias(ref(r), r.path("Name")))),
                new Route("PUT", FUNCTION + "/aliases/{Name}", "UpdateAlias", REQUEST_LIMIT,
                        r -> ok(functions.updateAlias(ref(r), r.path("Name"), AwsJson.read(r.body(), AliasInput.class)))),
                new Route("DELETE", FUNCTION + "/aliases/{Name}", "DeleteAlias", REQUEST_LIMIT, r -> {
                    functions.deleteAlias(ref(r), r.path("Name"));
                    return ApiResponse.noContent();
                }),
                new Route("GET", "/2017-03-31/tags/{ARN}", "ListTags", REQUEST_LIMIT,
                        r -> ok(new TagsInput(functions.listTags(r.path("ARN"))))),
                new Route("POST", "/2017-03-31/tags/{ARN}", "TagResource", REQUEST_LIMIT, r -> {
                    functions.tagResource(r.path("ARN"), AwsJson.read(r.body(), TagsInput.class).tags());
                    return ApiResponse.noContent();
                }),
                new Route("DELETE", "/2017-03-31/tags/{ARN}", "UntagResource", REQUEST_LIMIT, r -> {
                    functions.untagResource(r.path("ARN"), r.queryAll("tagKeys"));
                    return ApiResponse.noContent();
                }),
                new Route("GET", "/2016-08-19/account-settings/", "GetAccountSettings", REQUEST_LIMIT,
                        r -> ok(functions.accountSettings(concurrentExecutions.getAsInt(), unreservedConcurrentExecutions.getAsInt()))));
    }

    /**
     * The function reference of a request: the path's FunctionName with the Qualifier query parameter,
     * the {@code FunctionName} shape of most operations.
     */
    FunctionRef ref(ApiRequest request) {
        return FunctionRef.parse(request.path("FunctionName"), request.query("Qualifier"), account, FunctionNameMember.FUNCTION_NAME);
    }

    /** As {@link #ref}, for the operations whose FunctionName is the {@code NamespacedFunctionName} shape. */
    FunctionRef namespacedRef(ApiRequest request) {
        return FunctionRef.parse(request.path("FunctionName"), request.query("Qualifier"), account,
                FunctionNameMember.NAMESPACED_FUNCTION_NAME);
    }

    static ApiResponse ok(Object body) {
        return ApiResponse.json(200, AwsJson.write(body));
    }

    static ApiResponse created(Object body) {
        return ApiResponse.json(201, AwsJson.write(body));
    }
}
