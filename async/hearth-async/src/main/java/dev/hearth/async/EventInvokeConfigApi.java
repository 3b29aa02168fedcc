package dev.hearth.async;

import dev.hearth.controlplane.FunctionResolver;
import dev.hearth.core.AccountContext;
import dev.hearth.core.ConstraintViolations;
import dev.hearth.core.FunctionNameMember;
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
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;

/**
 * Lambda's event invoke config operations on their REST paths: Put ({@code PUT}), Update
 * ({@code POST}), Get, Delete and List ({@code GET …/event-invoke-config/list}) under
 * {@code /2019-09-25/functions/{FunctionName}/event-invoke-config}, with Lambda's answers.
 *
 * <p>Qualifiers: a config belongs to {@code $LATEST}, a version or an alias, named by the
 * {@code Qualifier} parameter or by the function name ({@code my-function:live}, or a qualified ARN;
 * both only when they agree). No qualifier means {@code $LATEST}: the unqualified function and
 * {@code $LATEST} are one config, and every answer names the qualified ARN
 * ({@code …:function:my-function:$LATEST}).
 *
 * <p>Contracts, as Lambda answers them:
 * <ul>
 *   <li>Put replaces the qualifier's whole config (a field not given is unset, so its default
 *       applies); Update changes only the fields given ({@code DestinationConfig} as a whole) and
 *       needs an existing config. Both need at least one field ({@code InvalidParameterValueException}
 *       "You must specify at least one of error handling or destination setting.") and a function and
 *       qualifier that exist (404 "The function doesn't exist.").
 *   <li>Get, Delete and Update of a config that does not exist (whether or not the function does):
 *       404 "The function ARN:QUALIFIER doesn't have an EventInvokeConfig".
 *   <li>List: the function's configs, {@code $LATEST} first, then versions by number, then aliases by
 *       name; {@code MaxItems} 1–50 (default 50) and an opaque {@code Marker}/{@code NextMarker}.
 *   <li>Constraint violations of request members are {@code ValidationException} with AWS's
 *       "N validation error(s) detected" message: MaximumRetryAttempts 0–2,
 *       MaximumEventAgeInSeconds 60–21600, MaxItems 1–50, a destination matching Lambda's ARN pattern.
 *   <li>Destinations ({@code DestinationRules}): Lambda functions of this account and region that
 *       exist, never the function itself. SQS, SNS, EventBridge and S3 destinations are refused, as
 *       Hearth delivers records to functions only.
 *   <li>{@code LastModified} is epoch seconds with milliseconds, as Lambda writes it.
 * </ul>
 *
 * <p>Threading: thread-safe.
 */
public final class EventInvokeConfigApi {
    private static final String PATH = "/2019-09-25/functions/{FunctionName}/event-invoke-config";
    private static final long REQUEST_LIMIT = 6L * 1024 * 1024;
    private static final int MAX_LIST_ITEMS = 50;

    private final EventInvokeConfigStore configs;
    private final FunctionResolver resolver;
    private final AccountContext account;
    private final DestinationRules destinationRules;
    private final Clock clock;

    public EventInvokeConfigApi(EventInvokeConfigStore configs, FunctionResolver resolver, AccountContext account, Clock clock) {
        this.configs = configs;
        this.resolver = resolver;
        this.account = account;
        this.destinationRules = new DestinationRules(resolver, account);
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
        EventInvokeConfigJson.Input in = input(request);
        FunctionRef target = target(request);
        requireExisting(target);
        DestinationRules.Destinations destinations = destinationRules.check(in.destinationConfig(), target.name());
        EventInvokeConfig config = new EventInvokeConfig(target.name(), qualifier(target),
                Optional.ofNullable(in.maximumRetryAttempts()), Optional.ofNullable(in.maximumEventAgeInSeconds()),
                destinations.onSuccess(), destinations.onFailure(), now());
        configs.put(config);
        return ok(config);
    }

    private ApiResponse update(ApiRequest request) {
        EventInvokeConfigJson.Input in = input(request);
        FunctionRef target = target(request);
        requireExisting(target);
        EventInvokeConfig existing = configs.find(target.name(), qualifier(target)).orElseThrow(() -> noConfig(target));
        Optional<String> onSuccess = existing.onSuccess();
        Optional<String> onFailure = existing.onFailure();
        if (in.destinationConfig() != null) {
            DestinationRules.Destinations destinations = destinationRules.check(in.destinationConfig(), target.name());
            onSuccess = destinations.onSuccess();
            onFailure = destinations.onFailure();
        }
        EventInvokeConfig config = new EventInvokeConfig(target.name(), qualifier(target),
                in.maximumRetryAttempts() == null ? existing.maximumRetryAttempts() : Optional.of(in.maximumRetryAttempts()),
                in.maximumEventAgeInSeconds() == null
                        ? existing.maximumEventAgeInSeconds() : Optional.of(in.maximumEventAgeInSeconds()),
                onSuccess, onFailure, now());
        configs.put(config);
        return ok(config);
    }

    /** Lambda answers a missing config alike whether or not the function exists. */
    private ApiResponse get(ApiRequest request) {
        FunctionRef target = target(request);
        return ok(configs.find(target.name(), qualifier(target)).orElseThrow(() -> noConfig(target)));
    }

    private ApiResponse delete(ApiRequest request) {
        FunctionRef target = target(request);
        if (!configs.delete(target.name(), qualifier(target))) {
            throw noConfig(target);
        }
        return ApiResponse.noContent();
    }

    private ApiResponse list(ApiRequest request) {
        FunctionRef function = FunctionRef.parse(request.path("FunctionName"), account, FunctionNameMember.NAMESPACED_FUNCTION_NAME)
                .unqualified();
        int maxItems = request.queryInt("MaxItems").orElse(MAX_LIST_ITEMS);
        new ConstraintViolations().range("maxItems", maxItems, 1, MAX_LIST_ITEMS).throwIfAny();
        requireExisting(function);
        Optional<String> marker = request.query("Marker").filter(m -> !m.isEmpty());
        List<EventInvokeConfig> rest = configs.list(function.name()).stream()
                .filter(c -> marker.isEmpty() || EventInvokeConfigStore.QUALIFIER_ORDER.compare(c.qualifier(), marker.get()) > 0)
                .toList();
        List<EventInvokeConfig> page = rest.subList(0, Math.min(maxItems, rest.size()));
        String next = rest.size() > page.size() ? page.getLast().qualifier() : null;
        return ApiResponse.json(200, AwsJson.write(new EventInvokeConfigJson.ListOutput(
                page.stream().map(this::output).toList(), next)));
    }

    /**
     * The body of Put or Update, its members within their constraints and at least one given.
     *
     * @throws LambdaException {@code ValidationException} for members out of their constraints;
     *     {@code InvalidParameterValueException} when none is given
     */
    private static EventInvokeConfigJson.Input input(ApiRequest request) {
        EventInvokeConfigJson.Input in = AwsJson.read(request.body(), EventInvokeConfigJson.Input.class);
        ConstraintViolations violations = new ConstraintViolations();
        if (in.maximumRetryAttempts() != null) {
            violations.range("maximumRetryAttempts", in.maximumRetryAttempts(), 0, EventInvokeConfig.MAX_RETRY_ATTEMPTS);
        }
        if (in.maximumEventAgeInSeconds() != null) {
            violations.range("maximumEventAgeInSeconds", in.maximumEventAgeInSeconds(),
                    EventInvokeConfig.MIN_EVENT_AGE_SECONDS, EventInvokeConfig.MAX_EVENT_AGE_SECONDS);
        }
        DestinationRules.checkPatterns(violations, in.destinationConfig());
        violations.throwIfAny();
        if (in.maximumRetryAttempts() == null && in.maximumEventAgeInSeconds() == null && in.destinationConfig() == null) {
            throw LambdaException.invalidParameter("You must specify at least one of error handling or destination setting.");
        }
        return in;
    }

    /** The function and qualifier a request names, by its function name and its Qualifier parameter. */
    private FunctionRef target(ApiRequest request) {
        return FunctionRef.parse(request.path("FunctionName"), request.query("Qualifier"), account,
                FunctionNameMember.NAMESPACED_FUNCTION_NAME);
    }

    private static String qualifier(FunctionRef target) {
        return target.qualifier().orElse(FunctionVersion.LATEST);
    }

    /** @throws LambdaException 404 "The function doesn't exist." when the function, version or alias does not */
    private void requireExisting(FunctionRef function) {
        try {
            resolver.resolve(function);
        } catch (LambdaException e) {
            if (e.type() == LambdaErrorType.ResourceNotFoundException) {
                throw LambdaException.notFound("The function doesn't exist.");
            }
            throw e;
        }
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MILLIS);
    }

    private ApiResponse ok(EventInvokeConfig config) {
        return ApiResponse.json(200, AwsJson.write(output(config)));
    }

    private EventInvokeConfigJson.Output output(EventInvokeConfig config) {
        BigDecimal lastModified = BigDecimal.valueOf(config.lastModified().toEpochMilli(), 3);
        return new EventInvokeConfigJson.Output(lastModified, account.functionArn(config.functionName(), config.qualifier()),
                config.maximumRetryAttempts().orElse(null), config.maximumEventAgeInSeconds().orElse(null),
                new EventInvokeConfigJson.DestinationConfig(
                        new EventInvokeConfigJson.OnDestination(config.onSuccess().orElse(null)),
                        new EventInvokeConfigJson.OnDestination(config.onFailure().orElse(null))));
    }

    private LambdaException noConfig(FunctionRef target) {
        return LambdaException.notFound("The function " + account.functionArn(target.name(), qualifier(target))
                + " doesn't have an EventInvokeConfig");
    }
}
