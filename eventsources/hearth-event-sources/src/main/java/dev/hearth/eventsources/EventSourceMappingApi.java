package dev.hearth.eventsources;

import dev.hearth.controlplane.ResolvedFunction;
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
import dev.hearth.sqs.spi.QueueDescription;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Lambda's event source mapping operations on their REST paths under {@code
 * /2015-03-31/event-source-mappings}, for queues of Hearth's own SQS-compatible service in the
 * caller's account and region.
 *
 * <p>Contracts, as Lambda answers them:
 * <ul>
 *   <li>Create (202, State {@code Creating}) needs {@code FunctionName} (a function, version or alias
 *       that exists: else 404 "Function not found: ARN") and an SQS {@code EventSourceArn} of a queue
 *       that exists ({@code InvalidParameterValueException} "Error occurred while ReceiveMessage. SQS
 *       Error Code: AWS.SimpleQueueService.NonExistentQueue. SQS Error Message: The specified queue
 *       does not exist or you do not have access to it."). One mapping per queue and function ARN
 *       (409 {@code ResourceConflictException} "An event source mapping with SQS arn (" ARN ") and
 *       function (" NAME ") already exists. Please update or delete the existing mapping with UUID
 *       UUID").
 *   <li>{@code BatchSize} 1–10,000 (default 10; at most 10 for FIFO queues), {@code
 *       MaximumBatchingWindowInSeconds} 0–300 and at least 1 when {@code BatchSize} is over 10, {@code
 *       ScalingConfig.MaximumConcurrency} 2–1000, {@code FunctionResponseTypes} of {@code
 *       ReportBatchItemFailures}: constraint violations are {@code ValidationException}, rule
 *       violations {@code InvalidParameterValueException}.
 *   <li>Get, Update (202, State {@code Updating}, {@code Enabling} or {@code Disabling}) and Delete
 *       (202, State {@code Deleting}) of an unknown UUID: 404 "The resource you requested does not
 *       exist.". Changes apply at once, so Get shows {@code Enabled} or {@code Disabled} right after,
 *       and no request ever meets a mapping in transition ({@code ResourceInUseException} never
 *       happens).
 *   <li>List: every mapping, or those of an {@code EventSourceArn} and/or {@code FunctionName};
 *       {@code MaxItems} 1–10,000, at most 100 a page, an opaque {@code Marker}/{@code NextMarker}.
 *   <li>{@code FilterCriteria}: each pattern must be a JSON object ({@code InvalidParameterValueException}
 *       "Invalid filter pattern definition." else); records no pattern matches are deleted unseen.
 * </ul>
 *
 * <p>Threading: thread-safe.
 */
public final class EventSourceMappingApi {
    private static final String PATH = "/2015-03-31/event-source-mappings";
    private static final long REQUEST_LIMIT = 6L * 1024 * 1024;
    private static final Pattern SQS_ARN = Pattern.compile("arn:aws[a-zA-Z-]*:sqs:([a-z0-9-]+):(\\d{12}):([A-Za-z0-9_-]{1,80}(?:\\.fifo)?)");
    private static final String REPORT_BATCH_ITEM_FAILURES = "ReportBatchItemFailures";
    private static final int MAX_PAGE = 100;
    static final String NO_QUEUE = "Error occurred while ReceiveMessage. SQS Error Code: AWS.SimpleQueueService.NonExistentQueue."
            + " SQS Error Message: The specified queue does not exist or you do not have access to it.";

    private final EventSourceMappings mappings;
    private final Function<FunctionRef, ResolvedFunction> resolver;
    private final AccountContext account;
    private final Clock clock;

    /** @param resolver resolves a function reference, throwing 404 {@code ResourceNotFoundException} when it does not exist */
    public EventSourceMappingApi(EventSourceMappings mappings, Function<FunctionRef, ResolvedFunction> resolver, Clock clock) {
        this.mappings = mappings;
        this.resolver = resolver;
        this.account = mappings.account();
        this.clock = clock;
    }

    public List<Route> routes() {
        return List.of(
                new Route("POST", PATH, "CreateEventSourceMapping", REQUEST_LIMIT, this::create),
                new Route("GET", PATH, "ListEventSourceMappings", REQUEST_LIMIT, this::list),
                new Route("GET", PATH + "/{UUID}", "GetEventSourceMapping", REQUEST_LIMIT, this::get),
                new Route("PUT", PATH + "/{UUID}", "UpdateEventSourceMapping", REQUEST_LIMIT, this::update),
                new Route("DELETE", PATH + "/{UUID}", "DeleteEventSourceMapping", REQUEST_LIMIT, this::delete));
    }

    private ApiResponse create(ApiRequest request) {
        EventSourceMappingJson.Input in = AwsJson.read(request.body(), EventSourceMappingJson.Input.class);
        checkConstraints(in);
        if (in.functionName() == null) {
            throw ConstraintViolations.singleMissing("functionName");
        }
        if (in.eventSourceArn() == null) {
            throw LambdaException.invalidParameter("Unrecognized event source, must be kinesis, dynamodb stream or sqs.");
        }
        FunctionRef function = existingFunction(in.functionName());
        QueueDescription queue = existingQueue(in.eventSourceArn());
        requireNoOther(in.eventSourceArn(), function, Optional.empty());
        EventSourceMapping mapping = new EventSourceMapping(UUID.randomUUID().toString(), in.eventSourceArn(),
                queue.name(), function.name(), function.qualifier(),
                in.batchSize() == null ? EventSourceMapping.DEFAULT_BATCH_SIZE : in.batchSize(),
                in.maximumBatchingWindowInSeconds() == null ? 0 : in.maximumBatchingWindowInSeconds(),
                in.enabled() == null || in.enabled(), reportsItemFailures(in.functionResponseTypes()),
                Optional.ofNullable(in.scalingConfig()).map(EventSourceMappingJson.ScalingConfig::maximumConcurrency),
                filterCriteria(in.filterCriteria()), now());
        checkRules(mapping, queue);
        mappings.put(mapping);
        return answer(202, mapping, "Creating");
    }

    private ApiResponse update(ApiRequest request) {
        EventSourceMapping existing = existing(request);
        EventSourceMappingJson.Input in = AwsJson.read(request.body(), EventSourceMappingJson.Input.class);
        checkConstraints(in);
        if (in.eventSourceArn() != null) {
            throw LambdaException.invalidParameter("EventSourceArn cannot be updated");
        }
        FunctionRef function = in.functionName() == null
                ? new FunctionRef(account, existing.functionName(), existing.qualifier())
                : existingFunction(in.functionName());
        QueueDescription queue = existingQueue(existing.queueArn());
        requireNoOther(existing.queueArn(), function, Optional.of(existing.uuid()));
        EventSourceMapping mapping = new EventSourceMapping(existing.uuid(), existing.queueArn(), existing.queueName(),
                function.name(), function.qualifier(),
                in.batchSize() == null ? existing.batchSize() : in.batchSize(),
                in.maximumBatchingWindowInSeconds() == null ? existing.batchingWindowSeconds() : in.maximumBatchingWindowInSeconds(),
                in.enabled() == null ? existing.enabled() : in.enabled(),
                in.functionResponseTypes() == null ? existing.reportBatchItemFailures() : reportsItemFailures(in.functionResponseTypes()),
                in.scalingConfig() == null ? existing.maximumConcurrency() : Optional.ofNullable(in.scalingConfig().maximumConcurrency()),
                in.filterCriteria() == null ? existing.filterCriteria() : filterCriteria(in.filterCriteria()), now());
        checkRules(mapping, queue);
        mappings.put(mapping);
        String state = existing.enabled() == mapping.enabled() ? "Updating" : mapping.enabled() ? "Enabling" : "Disabling";
        return answer(202, mapping, state);
    }

    private ApiResponse get(ApiRequest request) {
        EventSourceMapping mapping = existing(request);
        return answer(200, mapping, settledState(mapping));
    }

    private ApiResponse delete(ApiRequest request) {
        EventSourceMapping mapping = existing(request);
        String lastResult = mappings.lastProcessingResult(mapping.uuid());
        mappings.delete(mapping.uuid());
        return ApiResponse.json(202, AwsJson.write(output(mapping, "Deleting", lastResult)));
    }

    private ApiResponse list(ApiRequest request) {
        int maxItems = request.queryInt("MaxItems").orElse(MAX_PAGE);
        new ConstraintViolations().range("maxItems", maxItems, 1, 10_000).throwIfAny();
        Optional<String> source = request.query("EventSourceArn").filter(s -> !s.isEmpty());
        Optional<FunctionRef> function = request.query("FunctionName").filter(s -> !s.isEmpty())
                .map(name -> FunctionRef.parse(name, account, FunctionNameMember.NAMESPACED_FUNCTION_NAME));
        List<EventSourceMapping> matching = mappings.list().stream()
                .filter(m -> source.isEmpty() || m.queueArn().equals(source.get()))
                .filter(m -> function.isEmpty() || (m.functionName().equals(function.get().name())
                        && (function.get().qualifier().isEmpty() || function.get().qualifier().equals(m.qualifier()))))
                .toList();
        int from = 0;
        Optional<String> marker = request.query("Marker").filter(m -> !m.isEmpty());
        if (marker.isPresent()) {
            try {
                from = Integer.parseInt(marker.get());
            } catch (NumberFormatException e) {
                throw LambdaException.invalidParameter("Invalid marker: " + marker.get());
            }
        }
        int to = Math.min(matching.size(), from + Math.min(maxItems, MAX_PAGE));
        List<EventSourceMapping> page = from >= matching.size() ? List.of() : matching.subList(from, to);
        String next = to < matching.size() ? Integer.toString(to) : null;
        return ApiResponse.json(200, AwsJson.write(new EventSourceMappingJson.ListOutput(next,
                page.stream().map(m -> output(m, settledState(m), mappings.lastProcessingResult(m.uuid()))).toList())));
    }

    /** One mapping per queue and function ARN: 409 when another than {@code self} has them. */
    private void requireNoOther(String queueArn, FunctionRef function, Optional<String> self) {
        for (EventSourceMapping other : mappings.list()) {
            if (other.queueArn().equals(queueArn) && functionArn(other).equals(function.arn())
                    && !self.equals(Optional.of(other.uuid()))) {
                throw LambdaException.conflict("An event source mapping with SQS arn (\" " + queueArn + " \") and function (\" "
                        + function.name() + " \") already exists. Please update or delete the existing mapping with UUID "
                        + other.uuid());
            }
        }
    }

    private static void checkConstraints(EventSourceMappingJson.Input in) {
        ConstraintViolations violations = new ConstraintViolations();
        if (in.batchSize() != null) {
            violations.range("batchSize", in.batchSize(), 1, 10_000);
        }
        if (in.maximumBatchingWindowInSeconds() != null) {
            violations.range("maximumBatchingWindowInSeconds", in.maximumBatchingWindowInSeconds(), 0, 300);
        }
        if (in.scalingConfig() != null && in.scalingConfig().maximumConcurrency() != null) {
            violations.range("scalingConfig.maximumConcurrency", in.scalingConfig().maximumConcurrency(), 2, 1000);
        }
        if (in.functionResponseTypes() != null) {
            for (String type : in.functionResponseTypes()) {
                violations.enumValue("functionResponseTypes", type, List.of(REPORT_BATCH_ITEM_FAILURES));
            }
        }
        violations.throwIfAny();
    }

    private static void checkRules(EventSourceMapping mapping, QueueDescription queue) {
        if (mapping.batchSize() > 10 && mapping.batchingWindowSeconds() < 1) {
            throw LambdaException.invalidParameter(
                    "Maximum batch window in seconds must be greater than 0 if maximum batch size is greater than 10");
        }
        if (queue.settings().fifo() && mapping.batchSize() > 10) {
            throw LambdaException.invalidParameter("Batch size must be between 1 and 10 for FIFO queues.");
        }
    }

    private static boolean reportsItemFailures(List<String> types) {
        return types != null && types.contains(REPORT_BATCH_ITEM_FAILURES);
    }

    private static Optional<String> filterCriteria(EventSourceMappingJson.FilterCriteria criteria) {
        if (criteria == null || criteria.filters() == null || criteria.filters().isEmpty()) {
            return Optional.empty();
        }
        for (EventSourceMappingJson.Filter filter : criteria.filters()) {
            try {
                EventFilter.pattern(filter == null || filter.pattern() == null ? "" : filter.pattern());
            } catch (IllegalArgumentException e) {
                throw LambdaException.invalidParameter("Invalid filter pattern definition.");
            }
        }
        return Optional.of(new String(AwsJson.write(criteria), StandardCharsets.UTF_8));
    }

    /** The function a request names, which must exist (404 "Function not found: ARN" else). */
    private FunctionRef existingFunction(String name) {
        FunctionRef function = FunctionRef.parse(name, account, FunctionNameMember.NAMESPACED_FUNCTION_NAME);
        try {
            resolver.apply(function);
        } catch (LambdaException e) {
            if (e.type() == LambdaErrorType.ResourceNotFoundException) {
                throw LambdaException.notFound("Function not found: " + function.arn());
            }
            throw e;
        }
        return function;
    }

    /** The queue of an SQS ARN in this cell; {@code InvalidParameterValueException} else. */
    private QueueDescription existingQueue(String arn) {
        Matcher matcher = SQS_ARN.matcher(arn);
        if (!matcher.matches()) {
            if (arn.startsWith("arn:") && !arn.contains(":sqs:")) {
                throw LambdaException.invalidParameter("Hearth supports event source mappings of SQS queues only, not " + arn);
            }
            throw LambdaException.invalidParameter(NO_QUEUE);
        }
        if (!matcher.group(1).equals(account.region()) || !matcher.group(2).equals(account.accountId())) {
            throw LambdaException.invalidParameter(NO_QUEUE);
        }
        return mappings.queues().queue(matcher.group(3)).orElseThrow(() -> LambdaException.invalidParameter(NO_QUEUE));
    }

    private EventSourceMapping existing(ApiRequest request) {
        return mappings.find(request.path("UUID"))
                .orElseThrow(() -> LambdaException.notFound("The resource you requested does not exist."));
    }

    private String functionArn(EventSourceMapping mapping) {
        return new FunctionRef(account, mapping.functionName(), mapping.qualifier()).arn();
    }

    private static String settledState(EventSourceMapping mapping) {
        return mapping.enabled() ? "Enabled" : "Disabled";
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MILLIS);
    }

    private ApiResponse answer(int status, EventSourceMapping mapping, String state) {
        return ApiResponse.json(status, AwsJson.write(output(mapping, state, mappings.lastProcessingResult(mapping.uuid()))));
    }

    private EventSourceMappingJson.Output output(EventSourceMapping mapping, String state, String lastResult) {
        EventSourceMappingJson.FilterCriteria filters = mapping.filterCriteria()
                .map(json -> AwsJson.read(json.getBytes(StandardCharsets.UTF_8), EventSourceMappingJson.FilterCriteria.class))
                .orElse(null);
        return new EventSourceMappingJson.Output(mapping.uuid(), mapping.batchSize(), mapping.batchingWindowSeconds(),
                mapping.queueArn(), filters, functionArn(mapping), BigDecimal.valueOf(mapping.lastModified().toEpochMilli(), 3),
                lastResult, state, "USER_INITIATED",
                mapping.reportBatchItemFailures() ? List.of(REPORT_BATCH_ITEM_FAILURES) : List.of(),
                mapping.maximumConcurrency().map(EventSourceMappingJson.ScalingConfig::new).orElse(null),
                "arn:aws:lambda:" + account.region() + ":" + account.accountId() + ":event-source-mapping:" + mapping.uuid());
    }
}
