package dev.hearth.logs;

import java.util.List;

/**
 * A page of one stream's events in ascending (timestamp, event id) order, with CloudWatch Logs'
 * GetLogEvents tokens: the forward token continues after the last event, the backward token before
 * the first. At either end of the stream a read returns no events and the token it was given.
 */
public record StreamEvents(List<LogEvent> events, String nextForwardToken, String nextBackwardToken) {
    public StreamEvents {
        events = List.copyOf(events);
    }
}
