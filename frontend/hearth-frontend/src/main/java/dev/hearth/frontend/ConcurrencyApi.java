package dev.hearth.frontend;

import dev.hearth.concurrency.ReservedConcurrencyService;
import dev.hearth.controlplane.api.Concurrency;
import dev.hearth.core.AccountContext;
import dev.hearth.core.FunctionNameMember;
import dev.hearth.core.FunctionRef;
import dev.hearth.http.ApiRequest;
import dev.hearth.http.ApiResponse;
import dev.hearth.http.AwsJson;
import dev.hearth.http.Route;
import java.util.List;
import java.util.OptionalInt;

/**
 * Lambda's reserved-concurrency operations on their REST paths: PutFunctionConcurrency,
 * GetFunctionConcurrency (answering {@code {}} when none is set) and DeleteFunctionConcurrency (204),
 * mapped to {@link ReservedConcurrencyService}. Thread-safe.
 */
public final class ConcurrencyApi {
    private static final long REQUEST_LIMIT = 6L * 1024 * 1024;

    private final ReservedConcurrencyService reservations;
    private final AccountContext account;

    public ConcurrencyApi(ReservedConcurrencyService reservations, AccountContext account) {
        this.reservations = reservations;
        this.account = account;
    }

    public List<Route> routes() {
        return List.of(
                new Route("PUT", "/2017-10-31/functions/{FunctionName}/concurrency", "PutFunctionConcurrency", REQUEST_LIMIT,
                        r -> ManagementApi.ok(new Concurrency(reservations.put(ref(r),
                                AwsJson.read(r.body(), Concurrency.class).reservedConcurrentExecutions())))),
                new Route("GET", "/2019-09-30/functions/{FunctionName}/concurrency", "GetFunctionConcurrency", REQUEST_LIMIT,
                        r -> ManagementApi.ok(concurrency(reservations.get(ref(r))))),
                new Route("DELETE", "/2017-10-31/functions/{FunctionName}/concurrency", "DeleteFunctionConcurrency",
                        REQUEST_LIMIT, r -> {
                            reservations.delete(ref(r));
                            return ApiResponse.noContent();
                        }));
    }

    private FunctionRef ref(ApiRequest request) {
        return FunctionRef.parse(request.path("FunctionName"), account, FunctionNameMember.FUNCTION_NAME);
    }

    private static Concurrency concurrency(OptionalInt reserved) {
        return new Concurrency(reserved.isPresent() ? reserved.getAsInt() : null);
    }
}
