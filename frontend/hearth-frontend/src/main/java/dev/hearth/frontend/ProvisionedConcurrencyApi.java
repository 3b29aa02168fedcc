package dev.hearth.frontend;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.hearth.concurrency.ProvisionedConcurrencyService.Config;
import dev.hearth.concurrency.ProvisionedConcurrencyService;
import dev.hearth.controlplane.LambdaTimestamps;
import dev.hearth.core.AccountContext;
import dev.hearth.core.ConstraintViolations;
import dev.hearth.core.FunctionNameMember;
import dev.hearth.core.FunctionRef;
import dev.hearth.http.ApiRequest;
import dev.hearth.http.ApiResponse;
import dev.hearth.http.AwsJson;
import dev.hearth.http.Route;
import java.util.List;

/**
 * Lambda's provisioned-concurrency operations on their REST paths
 * ({@code /2019-09-30/functions/{FunctionName}/provisioned-concurrency}): Put (202), Get, Delete (204)
 * with {@code ?Qualifier=}, and List with {@code ?List=ALL} ({@code Marker}/{@code MaxItems}), mapped
 * to {@link ProvisionedConcurrencyService}. Every change asks the reconciler to bring the worker in
 * line at once. Thread-safe.
 */
public final class ProvisionedConcurrencyApi {
    private static final String PATH = "/2019-09-30/functions/{FunctionName}/provisioned-concurrency";
    private static final long REQUEST_LIMIT = 6L * 1024 * 1024;
    private static final int MAX_ITEMS = 50;

    /** PutProvisionedConcurrencyConfig's request body. */
    record PutInput(Integer provisionedConcurrentExecutions) {}

    /** One configuration as Put, Get and List report it ({@code FunctionArn} only in List). */
    record ConfigOutput(String functionArn, Integer requestedProvisionedConcurrentExecutions,
            Integer availableProvisionedConcurrentExecutions, Integer allocatedProvisionedConcurrentExecutions,
            String status, String statusReason, String lastModified) {}

    record ListOutput(@JsonProperty("ProvisionedConcurrencyConfigs") List<ConfigOutput> provisionedConcurrencyConfigs,
            String nextMarker) {}

    private final ProvisionedConcurrencyService service;
    private final AccountContext account;
    private final Runnable changed;

    /** @param changed called after every put and delete (the reconciler's trigger) */
    public ProvisionedConcurrencyApi(ProvisionedConcurrencyService service, AccountContext account, Runnable changed) {
        this.service = service;
        this.account = account;
        this.changed = changed;
    }

    public List<Route> routes() {
        return List.of(
                new Route("PUT", PATH, "PutProvisionedConcurrencyConfig", REQUEST_LIMIT, r -> {
                    PutInput in = AwsJson.read(r.body(), PutInput.class);
                    Config config = service.put(ref(r), in.provisionedConcurrentExecutions());
                    changed.run();
                    return ApiResponse.json(202, AwsJson.write(output(config, false)));
                }),
                new Route("GET", PATH, "GetProvisionedConcurrencyConfig", REQUEST_LIMIT, r -> r.query("List").isPresent()
                        ? list(r) : ManagementApi.ok(output(service.get(ref(r)), false))),
                new Route("DELETE", PATH, "DeleteProvisionedConcurrencyConfig", REQUEST_LIMIT, r -> {
                    service.delete(ref(r));
                    changed.run();
                    return ApiResponse.noContent();
                }));
    }

    private ApiResponse list(ApiRequest r) {
        new ConstraintViolations().enumValue("list", r.query("List").orElseThrow(), List.of("ALL")).throwIfAny();
        int maxItems = r.queryInt("MaxItems").orElse(MAX_ITEMS);
        new ConstraintViolations().range("maxItems", maxItems, 1, MAX_ITEMS).throwIfAny();
        FunctionRef function = FunctionRef.parse(r.path("FunctionName"), account, FunctionNameMember.FUNCTION_NAME);
        List<Config> all = service.list(function);
        int from = r.query("Marker").map(marker -> {
            for (int i = 0; i < all.size(); i++) {
                if (all.get(i).qualifier().compareTo(marker) > 0) {
                    return i;
                }
            }
            return all.size();
        }).orElse(0);
        int to = Math.min(all.size(), from + maxItems);
        List<ConfigOutput> page = all.subList(from, to).stream().map(c -> output(c, true)).toList();
        String next = to < all.size() ? all.get(to - 1).qualifier() : null;
        return ManagementApi.ok(new ListOutput(page, next));
    }

    private ConfigOutput output(Config config, boolean withArn) {
        return new ConfigOutput(withArn ? account.functionArn(config.functionName(), config.qualifier()) : null,
                config.requested(), config.available(), config.allocated(), config.status().name(),
                config.statusReason().orElse(null), LambdaTimestamps.format(config.lastModified()));
    }

    private FunctionRef ref(ApiRequest request) {
        return FunctionRef.parse(request.path("FunctionName"), request.query("Qualifier"), account, FunctionNameMember.FUNCTION_NAME);
    }
}
