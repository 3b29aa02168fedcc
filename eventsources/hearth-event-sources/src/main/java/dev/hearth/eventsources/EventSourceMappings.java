package dev.hearth.eventsources;

import dev.hearth.controlplane.FunctionChangeListener;
import dev.hearth.core.AccountContext;
import dev.hearth.sqs.spi.MessageQueues;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A cell's event source mappings at work: the stored mappings and, for each enabled one, its
 * {@link MappingPollers}. A change to a mapping is stored first, then its pollers are replaced (a
 * disabled or deleted mapping's pollers stop). A deleted function's mappings are deleted with it
 * (Hearth's choice: Lambda keeps them, failing, until they are deleted).
 *
 * <p>Ownership: the store, the queues, the target and the executor stay the caller's; {@link #close}
 * stops the pollers only, so close this before them.
 *
 * <p>Threading: thread-safe; changes of the mappings are serialised.
 */
public final class EventSourceMappings implements FunctionChangeListener, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EventSourceMappings.class);
    /** {@code LastProcessingResult} of a mapping that has not processed a batch yet. */
    static final String NO_RECORDS = "No records processed";

    private final EventSourceMappingStore store;
    private final MessageQueues queues;
    private final MappingTarget target;
    private final AccountContext account;
    private final ExecutorService executor;
    private final Map<String, MappingPollers> running = new ConcurrentHashMap<>();
    private final Map<String, String> lastResults = new ConcurrentHashMap<>();
    private boolean closed;

    private EventSourceMappings(EventSourceMappingStore store, MessageQueues queues, MappingTarget target,
            AccountContext account, ExecutorService executor) {
        this.store = store;
        this.queues = queues;
        this.target = target;
        this.account = account;
        this.executor = executor;
    }

    /**
     * Starts the pollers of every enabled stored mapping.
     *
     * @param executor starts a thread per task (virtual threads): runs the pollers and their invocations
     */
    public static EventSourceMappings start(EventSourceMappingStore store, MessageQueues queues, MappingTarget target,
            AccountContext account, ExecutorService executor) {
        EventSourceMappings mappings = new EventSourceMappings(store, queues, target, account, executor);
        for (EventSourceMapping mapping : store.list()) {
            mappings.restart(mapping);
        }
        return mappings;
    }

    public AccountContext account() {
        return account;
    }

    /** The queues of the cell, which mappings read. */
    MessageQueues queues() {
        return queues;
    }

    public Optional<EventSourceMapping> find(String uuid) {
        return store.find(uuid);
    }

    public List<EventSourceMapping> list() {
        return store.list();
    }

    /** Stores a new or changed mapping and (re)starts or stops its pollers to match. */
    public synchronized void put(EventSourceMapping mapping) {
        store.put(mapping);
        restart(mapping);
    }

    /** Deletes a mapping and stops its pollers; returns the deleted mapping. */
    public synchronized Optional<EventSourceMapping> delete(String uuid) {
        Optional<EventSourceMapping> mapping = store.find(uuid);
        if (mapping.isPresent()) {
            store.delete(uuid);
            stop(uuid, false);
            lastResults.remove(uuid);
        }
        return mapping;
    }

    /** {@code LastProcessingResult}: Lambda's words for the latest batch's outcome. */
    public String lastProcessingResult(String uuid) {
        return lastResults.getOrDefault(uuid, NO_RECORDS);
    }

    /** How many pollers the mapping runs now (0 when disabled). */
    public int pollers(String uuid) {
        MappingPollers pollers = running.get(uuid);
        return pollers == null ? 0 : pollers.pollers();
    }

    /** A deleted function loses its mappings; a failure is logged, as listeners must not throw. */
    @Override
    public void functionChanged(String functionName, boolean deleted) {
        if (!deleted) {
            return;
        }
        for (EventSourceMapping mapping : store.list()) {
            if (mapping.functionName().equals(functionName)) {
                try {
                    delete(mapping.uuid());
                    LOG.info("Deleted event source mapping {} of the deleted function {}", mapping.uuid(), functionName);
                } catch (RuntimeException e) {
                    LOG.error("Could not delete event source mapping {} of the deleted function {}", mapping.uuid(),
                            functionName, e);
                }
            }
        }
    }

    private void restart(EventSourceMapping mapping) {
        stop(mapping.uuid(), false);
        if (mapping.enabled() && !closed) {
            MappingPollers pollers = new MappingPollers(mapping, queues, target, account, executor,
                    result -> lastResults.put(mapping.uuid(), result));
            running.put(mapping.uuid(), pollers);
            pollers.start();
        }
    }

    /** Stops a mapping's pollers; waits (boundedly) for them only when {@code wait}. */
    private void stop(String uuid, boolean wait) {
        MappingPollers pollers = running.remove(uuid);
        if (pollers != null) {
            if (wait) {
                pollers.close();
            } else {
                pollers.stop();
            }
        }
    }

    /** Stops every mapping's pollers; batches they were processing return to their queues. */
    @Override
    public synchronized void close() {
        closed = true;
        List<String> uuids = List.copyOf(running.keySet());
        uuids.forEach(uuid -> running.get(uuid).stop());
        uuids.forEach(uuid -> stop(uuid, true));
    }
}
