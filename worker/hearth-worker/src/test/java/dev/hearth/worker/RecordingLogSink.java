package dev.hearth.worker;

import dev.hearth.core.AccountContext;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A {@link LogSink} that keeps every event in memory, for assertions. */
final class RecordingLogSink implements LogSink {
    record Event(AccountContext account, String logGroup, String logStream, Instant timestamp, String message) {}

    private final List<Event> events = new CopyOnWriteArrayList<>();

    @Override
    public void append(AccountContext account, String logGroup, String logStream, Instant timestamp, String message) {
        events.add(new Event(account, logGroup, logStream, timestamp, message));
    }

    List<Event> events() {
        return List.copyOf(events);
    }

    List<String> messages(String logGroup) {
        return events.stream().filter(e -> e.logGroup().equals(logGroup)).map(Event::message).toList();
    }
}
