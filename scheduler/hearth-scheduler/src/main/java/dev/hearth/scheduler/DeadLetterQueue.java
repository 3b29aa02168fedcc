package dev.hearth.scheduler;

import java.util.Map;

/**
 * Where the fires a schedule could not deliver go, when its target has a {@code DeadLetterConfig}: an
 * SQS queue of Hearth's own.
 *
 * <p>Threading: called from the engine's one firing thread.
 */
@FunctionalInterface
public interface DeadLetterQueue {
    /**
     * Sends {@code body} with string message {@code attributes} to the queue {@code queueArn}.
     *
     * @throws RuntimeException when the queue does not exist or refuses the message (the engine logs it
     *     and counts the fire as dropped)
     */
    void send(String queueArn, String body, Map<String, String> attributes);
}
