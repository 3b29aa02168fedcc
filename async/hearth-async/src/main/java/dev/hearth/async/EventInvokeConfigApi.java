package dev.hearth.async;

import dev.hearth.controlplane.FunctionResolver;
import dev.hearth.core.AccountContext;
import dev.hearth.core.FunctionRef;
import dev.hearth.core.LambdaErrorType;
import dev.hearth.core.LambdaException;
import dev.hearth.http.ApiRequest;
import dev.hearth.http.ApiResponse;
import dev.hearth.http.AwsJson;
import dev.hearth.http.Route;
import dev.hearth.store.spi.FunctionVersion;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Lambda's event invoke config operations on their REST paths:
 * Put ({@code PUT}), Update ({@code POST}), Get, Delete and List
 * ({@code GET …/event-invoke-config/list}) under
 * {@code /2019-09-25/functions/{FunctionName}/event-invoke-config}, with the {@code Qualifier} query
 * parameter ({@code $LATEST} when absent).
 *
 * <p>Validation follows Lambda: MaximumRetryAttempts 0–2, MaximumEventAgeInSeconds 60–21600, the
 * function and qualifier must exist. Destinations must be Lambda function ARNs of functions that
 * exist here; other destination types (SQS, SNS, EventBridge, S3) are refused with
 * {@code InvalidParameterValueException}, as Hearth delivers to functions only.
 *
 * <p>Threading: thread-safe.
 */
public final class EventInvokeConfigApi {
    private static final String PATH = "/2019-09-25/functions/{FunctionName}/event-invoke-config";
    private static final long REQUEST_LIMIT = 6L * 1024 * 1024;
    private static final int DEFAULT_MAX_ITEMS = 50;
    private static final Pattern FUNCTION_ARN = Pattern.compile("arn:aws[a-zA-Z-]*:lambda:[^:]+:\\d{12}:function:.+");

    private final EventInvokeConfigStore configs;
    private final FunctionResolver resolver;
    private final AccountContext account;
    private final Clock clock;

    public EventInvokeConfigApi(EventInvokeConfigStore configs, FunctionResolver resolver, AccountContext account, Clock clock) {
        this.configs = configs;
        this.resolver = resolver;
        this.account = account;
        this.clock = clock;
    }

    public List<Route> routes() {
        return List.of(
                new Route("PUT", PATH, "PutFunctionEventInvokeConfig", REQUEST_LIMIT, this::put),
                new Route("POST", PATH, "UpdateFunctionEventInvokeConfig", REQUEST_LIMIT, this::update),
                new Route("GET", PATH, "GetFunctionEventInvokeConfig", REQUEST_LIMIT, this::get),
                new Route("DELETE", PATH, "DeleteFunctionEventInvokeConfig", REQUEST_LIMIT, this::delete),
                new Route("GET", PATH + "/list", "ListFunctionEventInvokeConfigs", REQUEST_LIMIT, this::list));
    }

    private ApiResponse put(ApiRequest request) {
        Target target = target(request);
        EventInvokeConfigJson.Input in = AwsJson.read(request.body(), EventInvokeConfigJson.Input.class);
        EventInvokeConfig config = new EventInvokeConfig(target.name(), target.qualifier(),
                retryAttempts(in.maximumRetryAttempts()), eventAge(in.maximumEventAgeInSeconds()),
                destination(in.destinationConfig(), true), destination(in.destinationConfig(), false), now());
        configs.put(config);
        return ok(config);
    }

    private ApiResponse update(ApiRequest request) {
        Target target = target(request);
        EventInvokeConfig existing = configs.find(target.name(), target.qualifier())
                .orElseThrow(() -> noConfig(target));
        EventInvokeConfigJson.Input in = AwsJson.read(request.body(), EventInvokeConfigJson.Input.class);
        EventInvokeConfigJson.DestinationConfig destinations = in.destinationConfig();
        EventInvokeConfig config = new EventInvokeConfig(target.name(), target.qualifier(),
                in.maximumRetryAttempts() == null ? existing.maximumRetryAttempts() : retryAttempts(in.maximumRetryAttempts()),
                in.maximumEventAgeInSeconds() == null ? existing.maximumEventAgeInSeconds() : eventAge(in.maximumEventAgeInSeconds()),
                destinations == null || destinations.onSuccess() == null ? existing.onSuccess() : destination(destinations, true),
                destinations == null || destinations.onFailure() == null ? existing.onFailure() : destination(destinations, false),
                now());
        configs.put(config);
        return ok(config);
    }

    private ApiResponse get(ApiRequest request) {
        Target target = target(request);
        return ok(configs.find(target.name(), target.qualifier()).orElseThrow(() -> noConfig(target)));
    }

    private ApiResponse delete(ApiRequest request) {
        Target target = target(request);
        if (!configs.delete(target.name(), target.qualifier())) {
            throw noConfig(target);
        }
        return ApiResponse.noContent();
    }

    private ApiResponse list(ApiRequest request) {
        FunctionRef ref = FunctionRef.parse(request.path("FunctionName"), account);
        resolver.resolve(ref.unqualified());
        int maxItems = request.queryInt("MaxItems").orElse(DEFAULT_MAX_ITEMS);
        if (maxItems < 1 || maxItems > 50) {
            throw LambdaException.invalidParameter("1 validation error detected: Value '" + maxItems
                    + "' at 'maxItems' failed to satisfy constraint: Member must have value between 1 and 50");
        }
        Optional<String> marker = request.query("Marker");
        List<EventInvokeConfig> all = configs.list(ref.name()).stream()
                .filter(c -> marker.isEmpty() || c.qualifier().compareTo(marker.get()) > 0)
                .toList();
        List<EventInvokeConfig> page = all.subList(0, Math.min(maxItems, all.size()));
        String next = all.size() > page.size() ? page.getLast().qualifier() : null;
        return ApiResponse.json(200, AwsJson.write(new EventInvokeConfigJson.ListOutput(
                page.stream().map(this::output).toList(), next)));
    }

    private Target target(ApiRequest request) {
        FunctionRef ref = FunctionRef.parse(request.path("FunctionName"), account).withQualifier(request.query("Qualifier"));
        resolver.resolve(ref);
        return new Target(ref.name(), ref.qualifier().orElse(FunctionVersion.LATEST));
    }

    private static Optional<Integer> retryAttempts(Integer value) {
        if (value != null && value < 0) {
            throw outOfRange(value, "maximumRetryAttempts", "greater than or equal to 0");
        }
        if (value != null && value > EventInvokeConfig.MAX_RETRY_ATTEMPTS) {
            throw outOfRange(value, "maximumRetryAttempts", "less than or equal to " + EventInvokeConfig.MAX_RETRY_ATTEMPTS);
        }
        return Optional.ofNullable(value);
    }

    private static Optional<Integer> eventAge(Integer value) {
        if (value != null && value < EventInvokeConfig.MIN_EVENT_AGE_SECONDS) {
            throw outOfRange(value, "maximumEventAgeInSeconds",
                    "greater than or equal to " + EventInvokeConfig.MIN_EVENT_AGE_SECONDS);
        }
        if (value != null && value > EventInvokeConfig.MAX_EVENT_AGE_SECONDS) {
            throw outOfRange(value, "maximumEventAgeInSeconds",
                    "less than or equal to " + EventInvokeConfig.MAX_EVENT_AGE_SECONDS);
        }
        return Optional.ofNullable(value);
    }

    private static LambdaException outOfRange(int value, String field, String constraint) {
        return LambdaException.invalidParameter("1 validation error detected: Value '" + value + "' at '" + field
                + "' failed to satisfy constraint: Member must have value " + constraint);
    }

    private Optional<String> destination(EventInvokeConfigJson.DestinationConfig config, boolean onSuccess) {
        if (config == null) {
            return Optional.empty();
        }
        EventInvokeConfigJson.OnDestination side = onSuccess ? config.onSuccess() : config.onFailure();
        if (side == null || side.destination() == null || side.destination().isEmpty()) {
            return Optional.empty();
        }
        String arn = side.destination();
        if (!FUNCTION_ARN.matcher(arn).matches()) {
            throw LambdaException.invalidParameter("The destination " + arn + " is not supported: Hearth supports"
                    + " Lambda function destinations only (arn:aws:lambda:" + account.region() + ":" + account.accountId()
                    + ":function:NAME); SQS queues, SNS topics, EventBridge buses and S3 buckets are not available.");
        }
        try {
            resolver.resolve(FunctionRef.parse(arn, account));
        } catch (LambdaException e) {
            if (e.type() == LambdaErrorType.ResourceNotFoundException) {
                throw LambdaException.invalidParameter("The destination function " + arn + " does not exist.");
            }
            throw e;
        }
        return Optional.of(arn);
    }

    private Instant now() {
        return clock.instant();
    }

    private ApiResponse ok(EventInvokeConfig config) {
        return ApiResponse.json(200, AwsJson.write(output(config)));
    }

    private EventInvokeConfigJson.Output output(EventInvokeConfig config) {
        Instant modified = config.lastModified();
        BigDecimal seconds = BigDecimal.valueOf(modified.getEpochSecond())
                .add(BigDecimal.valueOf(modified.getNano() / 1_000, 6)).stripTrailingZeros();
        if (seconds.scale() < 0) {
            seconds = seconds.setScale(0);
        }
        return new EventInvokeConfigJson.Output(seconds, account.functionArn(config.functionName(), config.qualifier()),
                config.maximumRetryAttempts().orElse(null), config.maximumEventAgeInSeconds().orElse(null),
                new EventInvokeConfigJson.DestinationConfig(
                        new EventInvokeConfigJson.OnDestination(config.onSuccess().orElse(null)),
                        new EventInvokeConfigJson.OnDestination(config.onFailure().orElse(null))));
    }

    private LambdaException noConfig(Target target) {
        return LambdaException.notFound("The function " + account.functionArn(target.name(), target.qualifier())
                + " doesn't have an EventInvokeConfig");
    }

    private record Target(String name, String qualifier) {}
}
