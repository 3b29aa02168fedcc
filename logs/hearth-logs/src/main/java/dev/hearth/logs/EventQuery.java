package dev.hearth.logs;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Which events of one log group to read, in (timestamp, event id) order across its streams.
 *
 * @param logStreams only these streams; empty for all
 * @param logStreamNamePrefix only streams whose name starts with this
 * @param startTime earliest timestamp, inclusive (milliseconds since the epoch)
 * @param endTime latest timestamp, exclusive
 * @param limit most events in the page (a page also stops at about 1 MB of messages, and after
 *     scanning {@link SqliteLogStore#SCAN_BUDGET} events, so a page may be short or empty and still
 *     have a next token)
 * @param nextToken the token of the previous page of the same query
 */
public record EventQuery(
        String logGroup,
        List<String> logStreams,
        Optional<String> logStreamNamePrefix,
        long startTime,
        long endTime,
        FilterPattern filter,
        int limit,
        Optional<String> nextToken) {

    public EventQuery {
        Objects.requireNonNull(logGroup, "logGroup");
        logStreams = List.copyOf(logStreams);
        Objects.requireNonNull(logStreamNamePrefix, "logStreamNamePrefix");
        Objects.requireNonNull(filter, "filter");
        Objects.requireNonNull(nextToken, "nextToken");
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1: " + limit);
        }
    }

    /** Every event of the group, {@code limit} at a time. */
    public static EventQuery all(String logGroup, int limit) {
        return new EventQuery(logGroup, List.of(), Optional.empty(), Long.MIN_VALUE, Long.MAX_VALUE, FilterPattern.ALL,
                limit, Optional.empty());
    }

    public EventQuery withFilter(FilterPattern pattern) {
        return new EventQuery(logGroup, logStreams, logStreamNamePrefix, startTime, endTime, pattern, limit, nextToken);
    }

    public EventQuery withStreams(List<String> streams) {
        return new EventQuery(logGroup, streams, logStreamNamePrefix, startTime, endTime, filter, limit, nextToken);
    }

    public EventQuery withTimeRange(long start, long end) {
        return new EventQuery(logGroup, logStreams, logStreamNamePrefix, start, end, filter, limit, nextToken);
    }

    public EventQuery withNextToken(Optional<String> token) {
        return new EventQuery(logGroup, logStreams, logStreamNamePrefix, startTime, endTime, filter, limit, token);
    }
}
