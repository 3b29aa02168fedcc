package dev.hearth.async;

import dev.hearth.controlplane.FunctionResolver;
import dev.hearth.core.AccountContext;
import dev.hearth.core.FunctionNameMember;
import dev.hearth.core.FunctionRef;
import dev.hearth.core.LambdaException;
import dev.hearth.queue.spi.DuplicateEventException;
import dev.hearth.queue.spi.EventQueue;
import dev.hearth.queue.spi.EventQueueException;
import dev.hearth.queue.spi.NewEvent;
import dev.hearth.store.spi.FunctionVersion;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.UUID;

/**
 * Sends invocation records to destination functions by enqueueing them as events of those
 * functions. The record's event id is derived from the source event and the condition, so a source
 * event that is redelivered after its record was enqueued does not enqueue a second record while the
 * first is still queued. Thread-safe.
 */
final class Destinations {
    private final EventQueue queue;
    private final FunctionResolver resolver;
    private final AccountContext account;
    private final Runnable wake;

    Destinations(EventQueue queue, FunctionResolver resolver, AccountContext account, Runnable wake) {
        this.queue = queue;
        this.resolver = resolver;
        this.account = account;
        this.wake = wake;
    }

    /**
     * Enqueues {@code record} for the function {@code destinationArn} names.
     *
     * @return why it could not be sent, or empty when it is durably queued
     */
    Optional<String> send(String destinationArn, String sourceEventId, RecordCondition condition, byte[] record) {
        try {
            FunctionRef ref = FunctionRef.parse(destinationArn, account, FunctionNameMember.NAMESPACED_FUNCTION_NAME);
            resolver.resolve(ref);
            if (record.length > NewEvent.MAX_PAYLOAD_BYTES) {
                return Optional.of("the invocation record has " + record.length + " bytes, more than the "
                        + NewEvent.MAX_PAYLOAD_BYTES + " an asynchronous invocation may carry");
            }
            String id = UUID.nameUUIDFromBytes((sourceEventId + "/" + condition.name()).getBytes(StandardCharsets.UTF_8))
                    .toString();
            queue.enqueue(new NewEvent(id, ref.name(), ref.qualifier().orElse(FunctionVersion.LATEST), record));
            wake.run();
            return Optional.empty();
        } catch (DuplicateEventException alreadySent) {
            return Optional.empty();
        } catch (LambdaException | EventQueueException e) {
            return Optional.of(e.getMessage());
        }
    }
}
