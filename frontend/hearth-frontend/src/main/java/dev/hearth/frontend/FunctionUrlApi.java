package dev.hearth.frontend;

import dev.hearth.controlplane.FunctionUrls;
import dev.hearth.controlplane.api.FunctionUrlConfigInput;
import dev.hearth.core.AccountContext;
import dev.hearth.core.FunctionNameMember;
import dev.hearth.core.FunctionRef;
import dev.hearth.http.ApiRequest;
import dev.hearth.http.ApiResponse;
import dev.hearth.http.AwsJson;
import dev.hearth.http.Route;
import java.util.List;

/**
 * Lambda's function URL configuration operations on their REST paths (2021-10-31): Create, Get,
 * Update, Delete and ListFunctionUrlConfigs, mapped to {@link FunctionUrls}. The function is a name or
 * ARN (the {@code FunctionName} shape), with an alias as qualifier in it or in the {@code Qualifier}
 * query parameter.
 */
public final class FunctionUrlApi {
    private static final long REQUEST_LIMIT = 6L * 1024 * 1024;
    private static final String URL = "/2021-10-31/functions/{FunctionName}/url";

    private final FunctionUrls urls;
    private final AccountContext account;

    public FunctionUrlApi(FunctionUrls urls, AccountContext account) {
        this.urls = urls;
        this.account = account;
    }

    public List<Route> routes() {
        return List.of(
                new Route("POST", URL, "CreateFunctionUrlConfig", REQUEST_LIMIT, r -> ManagementApi.created(
                        urls.create(ref(r), AwsJson.read(r.body(), FunctionUrlConfigInput.class)))),
                new Route("GET", URL, "GetFunctionUrlConfig", REQUEST_LIMIT, r -> ManagementApi.ok(urls.get(ref(r)))),
                new Route("PUT", URL, "UpdateFunctionUrlConfig", REQUEST_LIMIT, r -> ManagementApi.ok(
                        urls.update(ref(r), AwsJson.read(r.body(), FunctionUrlConfigInput.class)))),
                new Route("DELETE", URL, "DeleteFunctionUrlConfig", REQUEST_LIMIT, r -> {
                    urls.delete(ref(r));
                    return ApiResponse.noContent();
                }),
                new Route("GET", "/2021-10-31/functions/{FunctionName}/urls", "ListFunctionUrlConfigs", REQUEST_LIMIT,
                        r -> ManagementApi.ok(urls.list(FunctionRef.parse(r.path("FunctionName"), account,
                                FunctionNameMember.FUNCTION_NAME), r.query("Marker"), r.queryInt("MaxItems")))));
    }

    private FunctionRef ref(ApiRequest request) {
        // the URL qualifier's own pattern (no version numbers) is FunctionUrls' to check
        FunctionRef ref = FunctionRef.parse(request.path("FunctionName"), account, FunctionNameMember.FUNCTION_NAME);
        return ref.withQualifier(request.query("Qualifier"));
    }
}
