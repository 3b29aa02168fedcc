package dev.hearth.logs;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.hearth.core.AccountContext;
import dev.hearth.core.ConstraintViolations;
import dev.hearth.http.ApiRequest;
import dev.hearth.http.ApiResponse;
import dev.hearth.http.ApiService;
import dev.hearth.http.AwsJson;
import dev.hearth.http.Route;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The subset of Amazon CloudWatch Logs' API (AWS JSON 1.1 protocol: {@code POST /} with
 * {@code X-Amz-Target: Logs_20140328.<Operation>}, camelCase JSON bodies) that the AWS CLI's
 * {@code aws logs tail} (without {@code --follow} and with it), {@code filter-log-events},
 * {@code get-log-events}, {@code describe-log-streams} and {@code describe-log-groups} use, served from
 * a {@link SqliteLogStore}. Operations: FilterLogEvents, GetLogEvents, DescribeLogStreams,
 * DescribeLogGroups; any other target is an UnknownOperationException.
 *
 * <p>Errors are {@link dev.hearth.core.LambdaException}s whose body carries CloudWatch's
 * {@code __type} (ResourceNotFoundException, InvalidParameterException, SerializationException,
 * UnknownOperationException), which is where JSON 1.1 clients read the error code. Not supported:
 * cross-account parameters ({@code accountIdentifiers}, {@code includeLinkedAccounts}),
 * {@code logGroupNamePattern}, {@code unmask} (there is no masking), JSON and space-delimited filter
 * patterns (see {@link FilterPattern}). Thread-safe.
 */
public final class CloudWatchLogsApi {
    /** The {@code X-Amz-Target} prefix of CloudWatch Logs' operations, before the dot. */
    public static final String TARGET_SERVICE = "Logs_20140328";
    /** The target prefix of CloudWatch Logs' operations: {@code Logs_20140328.<Operation>}. */
    public static final String TARGET_PREFIX = TARGET_SERVICE + ".";
    /** CloudWatch Logs' content type. */
    public static final String CONTENT_TYPE = "application/x-amz-json-1.1";
    private static final long MAX_REQUEST_BYTES = 1024 * 1024;
    private static final ObjectMapper JSON = JsonMapper.builder()
            .defaultPropertyInclusion(JsonInclude.Value.construct(JsonInclude.Include.NON_NULL, JsonInclude.Include.NON_NULL))
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    private final SqliteLogStore store;
    private final AccountContext account;

    public CloudWatchLogsApi(SqliteLogStore store, AccountContext account) {
        this.store = store;
        this.account = account;
    }

    /**
     * The {@code logs} service: requests signed for {@code logs} or, unsigned, with an {@code
     * X-Amz-Target} of {@code Logs_20140328.*}, on one route, {@code POST /}, dispatching on the target.
     */
    public ApiService service() {
        return ApiService.json("logs", TARGET_SERVICE,
                List.of(new Route("POST", "/", "CloudWatchLogs", MAX_REQUEST_BYTES, this::handle)));
    }

    /** Answers one CloudWatch Logs request; throws LambdaException for every error the client should see. */
    public ApiResponse handle(ApiRequest request) {
        String target = request.header("X-Amz-Target").orElse("");
        String operation = target.startsWith(TARGET_PREFIX) ? target.substring(TARGET_PREFIX.length()) : "";
        Object response = switch (operation) {
            case "FilterLogEvents" -> filterLogEvents(read(request, FilterLogEventsRequest.class));
            case "GetLogEvents" -> getLogEvents(read(request, GetLogEventsRequest.class));
            case "DescribeLogStreams" -> describeLogStreams(read(request, DescribeLogStreamsRequest.class));
            case "DescribeLogGroups" -> describeLogGroups(read(request, DescribeLogGroupsRequest.class));
            default -> throw LogsErrors.unknownOperation(target.isEmpty() ? "(no X-Amz-Target header)" : target);
        };
        try {
            return new ApiResponse(200, Map.of(), JSON.writeValueAsBytes(response), CONTENT_TYPE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // ---- FilterLogEvents

    record FilterLogEventsRequest(String logGroupName, String logGroupIdentifier, List<String> logStreamNames,
            String logStreamNamePrefix, Long startTime, Long endTime, String filterPattern, String nextToken, Integer limit) {}

    record FilteredLogEvent(String logStreamName, long timestamp, String message, long ingestionTime, String eventId) {}

    record SearchedLogStream(String logStreamName, boolean searchedCompletely) {}

    record FilterLogEventsResponse(List<FilteredLogEvent> events, List<SearchedLogStream> searchedLogStreams, String nextToken) {}

    private FilterLogEventsResponse filterLogEvents(FilterLogEventsRequest request) {
        String group = groupName(request.logGroupName(), request.logGroupIdentifier());
        List<String> streams = request.logStreamNames() == null ? List.of() : request.logStreamNames();
        if (!streams.isEmpty() && request.logStreamNamePrefix() != null) {
            throw LogsErrors.invalidParameter("logStreamNames and logStreamNamePrefix are mutually exclusive; specify at most one of them.");
        }
        long start = request.startTime() == null ? Long.MIN_VALUE : request.startTime();
        // CloudWatch returns events up to and including endTime here
        long end = request.endTime() == null || request.endTime() == Long.MAX_VALUE ? Long.MAX_VALUE : request.endTime() + 1;
        EventQuery query = new EventQuery(group, streams, Optional.ofNullable(request.logStreamNamePrefix()), start, end,
                FilterPattern.parse(request.filterPattern() == null ? "" : request.filterPattern()),
                limit(request.limit(), 10_000, 10_000), Optional.ofNullable(request.nextToken()));
        Page<LogEvent> page = store.events(query);
        List<FilteredLogEvent> events = page.items().stream()
                .map(e -> new FilteredLogEvent(e.logStream(), e.timestamp(), e.message(), e.ingestionTime(), e.eventId()))
                .toList();
        return new FilterLogEventsResponse(events, List.of(), page.nextToken().orElse(null));
    }

    // ---- GetLogEvents

    record GetLogEventsRequest(String logGroupName, String logGroupIdentifier, String logStreamName, Long startTime, Long endTime,
            String nextToken, Integer limit, Boolean startFromHead) {}

    record OutputLogEvent(long timestamp, String message, long ingestionTime) {}

    record GetLogEventsResponse(List<OutputLogEvent> events, String nextForwardToken, String nextBackwardToken) {}

    private GetLogEventsResponse getLogEvents(GetLogEventsRequest request) {
        String group = groupName(request.logGroupName(), request.logGroupIdentifier());
        if (request.logStreamName() == null || request.logStreamName().isEmpty()) {
            throw LogsErrors.constraints(new ConstraintViolations().missing("logStreamName"));
        }
        StreamEvents page = store.streamEvents(group, request.logStreamName(),
                request.startTime() == null ? Long.MIN_VALUE : request.startTime(),
                request.endTime() == null ? Long.MAX_VALUE : request.endTime(),
                limit(request.limit(), 10_000, 10_000), Boolean.TRUE.equals(request.startFromHead()),
                Optional.ofNullable(request.nextToken()));
        List<OutputLogEvent> events = page.events().stream()
                .map(e -> new OutputLogEvent(e.timestamp(), e.message(), e.ingestionTime()))
                .toList();
        return new GetLogEventsResponse(events, page.nextForwardToken(), page.nextBackwardToken());
    }

    // ---- DescribeLogStreams

    record DescribeLogStreamsRequest(String logGroupName, String logGroupIdentifier, String logStreamNamePrefix, String orderBy,
            Boolean descending, String nextToken, Integer limit) {}

    record LogStreamDescription(String logStreamName, long creationTime, long firstEventTimestamp, long lastEventTimestamp,
            long lastIngestionTime, String arn, long storedBytes) {}

    record DescribeLogStreamsResponse(List<LogStreamDescription> logStreams, String nextToken) {}

    private DescribeLogStreamsResponse describeLogStreams(DescribeLogStreamsRequest request) {
        String group = groupName(request.logGroupName(), request.logGroupIdentifier());
        LogStreamOrder order = switch (request.orderBy() == null ? "LogStreamName" : request.orderBy()) {
            case "LogStreamName" -> LogStreamOrder.LogStreamName;
            case "LastEventTime" -> LogStreamOrder.LastEventTime;
            default -> throw LogsErrors.constraints(new ConstraintViolations()
                    .enumValue("orderBy", request.orderBy(), List.of("LogStreamName", "LastEventTime")));
        };
        if (order == LogStreamOrder.LastEventTime && request.logStreamNamePrefix() != null) {
            throw LogsErrors.invalidParameter("Cannot order by LastEventTime with a logStreamNamePrefix.");
        }
        Page<LogStreamInfo> page = store.logStreams(group, Optional.ofNullable(request.logStreamNamePrefix()), order,
                Boolean.TRUE.equals(request.descending()), limit(request.limit(), 50, 50), Optional.ofNullable(request.nextToken()));
        List<LogStreamDescription> streams = page.items().stream()
                .map(s -> new LogStreamDescription(s.name(), s.creationTime(), s.firstEventTimestamp(), s.lastEventTimestamp(),
                        s.lastIngestionTime(), groupArn(group) + ":log-stream:" + s.name(), 0))
                .toList();
        return new DescribeLogStreamsResponse(streams, page.nextToken().orElse(null));
    }

    // ---- DescribeLogGroups

    record DescribeLogGroupsRequest(String logGroupNamePrefix, String logGroupNamePattern, String nextToken, Integer limit) {}

    record LogGroupDescription(String logGroupName, long creationTime, int metricFilterCount, String arn, long storedBytes,
            String logGroupClass, String logGroupArn) {}

    record DescribeLogGroupsResponse(List<LogGroupDescription> logGroups, String nextToken) {}

    private DescribeLogGroupsResponse describeLogGroups(DescribeLogGroupsRequest request) {
        if (request.logGroupNamePattern() != null) {
            throw LogsErrors.invalidParameter("logGroupNamePattern is not supported by Hearth; use logGroupNamePrefix.");
        }
        Page<LogGroupInfo> page = store.logGroups(Optional.ofNullable(request.logGroupNamePrefix()), limit(request.limit(), 50, 50),
                Optional.ofNullable(request.nextToken()));
        List<LogGroupDescription> groups = page.items().stream()
                .map(g -> new LogGroupDescription(g.name(), g.creationTime(), 0, groupArn(g.name()) + ":*", g.storedBytes(),
                        "STANDARD", groupArn(g.name())))
                .toList();
        return new DescribeLogGroupsResponse(groups, page.nextToken().orElse(null));
    }

    // ---- shared

    /** {@code arn:aws:logs:REGION:ACCOUNT:log-group:NAME}. */
    private String groupArn(String group) {
        return "arn:aws:logs:" + account.region() + ":" + account.accountId() + ":log-group:" + group;
    }

    /** The group named by {@code logGroupName} or {@code logGroupIdentifier} (a name or an ARN). */
    private static String groupName(String name, String identifier) {
        if (name != null && identifier != null) {
            throw LogsErrors.invalidParameter("LogGroup name and LogGroup ARN are mutually exclusive parameters.");
        }
        if (name != null) {
            return name;
        }
        if (identifier == null) {
            throw LogsErrors.invalidParameter("Should provide either a log group name or a log group identifier.");
        }
        if (!identifier.startsWith("arn:")) {
            return identifier;
        }
        int at = identifier.indexOf(":log-group:");
        if (at < 0) {
            throw LogsErrors.invalidParameter("Invalid log group ARN: " + identifier);
        }
        String group = identifier.substring(at + ":log-group:".length());
        return group.endsWith(":*") ? group.substring(0, group.length() - 2) : group;
    }

    private static int limit(Integer requested, int max, int fallback) {
        if (requested == null) {
            return fallback;
        }
        if (requested < 1 || requested > max) {
            throw LogsErrors.constraints(new ConstraintViolations()
                    .add(requested, "limit", "Member must have value between 1 and " + max));
        }
        return requested;
    }

    private static <T> T read(ApiRequest request, Class<T> type) {
        try {
            byte[] body = request.body();
            return JSON.readValue(body.length == 0 ? "{}".getBytes(StandardCharsets.UTF_8) : body, type);
        } catch (JacksonException e) {
            throw LogsErrors.serialization("Could not parse the request body: " + AwsJson.describe(e));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
