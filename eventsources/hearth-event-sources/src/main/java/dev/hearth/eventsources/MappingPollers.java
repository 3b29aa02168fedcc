package dev.hearth.eventsources;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hearth.core.AccountContext;
import dev.hearth.core.FunctionRef;
import dev.hearth.core.LambdaErrorType;
import dev.hearth.core.LambdaException;
import dev.hearth.sqs.spi.MessageQueueException;
import dev.hearth.sqs.spi.MessageQueues;
import dev.hearth.sqs.spi.ReceiveRequest;
import dev.hearth.sqs.spi.ReceivedMessage;
import dev.hearth.worker.InvocationResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pollers of one enabled mapping. Each long-polls the mapping's queue (its visibility timeout
 * the queue's), gathers up to {@code BatchSize} messages within {@code MaximumBatchingWindowInSeconds},
 * invokes the function synchronously with Lambda's SQS event and then deletes the batch. A failed
 * invocation (a function error, a throttle, a function that cannot run) deletes nothing: the messages
 * return after the visibility timeout, and the queue's redrive policy moves them to its dead-letter
 * queue after {@code maxReceiveCount} receives. With {@code ReportBatchItemFailures} every message
 * but the reported ones is deleted; a malformed answer fails the whole batch, as on Lambda; in a FIFO
 * queue the messages of a group after its first reported failure count as failed too, so that the
 * group keeps its order. Messages that no pattern of the mapping's {@code FilterCriteria} matches
 * ({@link EventFilter}) are deleted without reaching the function, as on Lambda.
 *
 * <p>Scaling: one poller starts; a poller whose batch came back full starts another, up to the
 * mapping's {@link EventSourceMapping#maximumPollers()}; a poller that found the queue empty stops
 * while others run. Each poller runs at most one invocation at a time, so the mapping never has more
 * invocations running than pollers, and the function's reserved concurrency (enforced by the
 * invocation core) throttles the rest, which then back off.
 *
 * <p>Threading: pollers run on the injected executor, which must start a thread per task (virtual
 * threads). {@link #stop} ends them without waiting (a batch being processed is finished first);
 * {@link #close} also waits, boundedly.
 */
final class MappingPollers implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(MappingPollers.class);
    private static final Duration LONG_POLL = Duration.ofSeconds(20);
    private static final Duration THROTTLE_BACKOFF = Duration.ofSeconds(1);
    private static final Duration FAILURE_BACKOFF = Duration.ofSeconds(5);
    private static final Duration CLOSE_WAIT = Duration.ofSeconds(10);
    private static final int RECEIVE_LIMIT = 10;

    private final EventSourceMapping mapping;
    private final MessageQueues queues;
    private final MappingTarget target;
    private final AccountContext account;
    private final ExecutorService executor;
    private final Consumer<String> lastResult;
    private final FunctionRef function;
    private final boolean fifo;
    private final Optional<EventFilter> filter;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final AtomicInteger active = new AtomicInteger();
    private final Set<Future<?>> pollers = ConcurrentHashMap.newKeySet();
    /** The pollers' threads while they wait in a receive (guarded by itself), which {@link #stop} interrupts. */
    private final Set<Thread> receiving = new HashSet<>();

    MappingPollers(EventSourceMapping mapping, MessageQueues queues, MappingTarget target, AccountContext account,
            ExecutorService executor, Consumer<String> lastResult) {
        this.mapping = mapping;
        this.queues = queues;
        this.target = target;
        this.account = account;
        this.executor = executor;
        this.lastResult = lastResult;
        this.function = new FunctionRef(account, mapping.functionName(), mapping.qualifier());
        this.fifo = mapping.queueName().endsWith(".fifo");
        this.filter = EventFilter.of(mapping.filterCriteria());
    }

    void start() {
        active.incrementAndGet();
        pollers.add(executor.submit(this::poll));
    }

    /** How many pollers run now. */
    int pollers() {
        return active.get();
    }

    private boolean isStopped() {
        return stopped.getCount() == 0;
    }

    private void poll() {
        boolean retired = false;
        try {
            while (!isStopped()) {
                List<ReceivedMessage> batch = gather();
                if (batch.isEmpty()) {
                    if (retire()) {
                        retired = true;
                        return;
                    }
                    continue;
                }
                if (batch.size() >= mapping.batchSize()) {
                    grow();
                }
                process(batch);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOG.error("A poller of event source mapping {} failed", mapping.uuid(), e);
        } finally {
            if (!retired) {
                active.decrementAndGet();
            }
        }
    }

    /** Stops counting this poller when others run; false when it is the last one. */
    private boolean retire() {
        while (true) {
            int now = active.get();
            if (now <= 1) {
                return false;
            }
            if (active.compareAndSet(now, now - 1)) {
                return true;
            }
        }
    }

    private void grow() {
        while (true) {
            int now = active.get();
            if (now >= mapping.maximumPollers() || isStopped()) {
                return;
            }
            if (active.compareAndSet(now, now + 1)) {
                pollers.removeIf(Future::isDone);
                pollers.add(executor.submit(this::poll));
                return;
            }
        }
    }

    /**
     * Up to {@code BatchSize} messages: a long poll for the first, then, within the batching window,
     * more until the batch is full; empty when none arrived in a long poll.
     */
    private List<ReceivedMessage> gather() throws InterruptedException {
        List<ReceivedMessage> batch = new ArrayList<>();
        long deadline = 0;
        while (batch.size() < mapping.batchSize() && !isStopped()) {
            Duration wait;
            if (batch.isEmpty()) {
                wait = LONG_POLL;
            } else {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                wait = Duration.ofNanos(left);
            }
            List<ReceivedMessage> received;
            synchronized (receiving) {
                if (isStopped()) {
                    return batch;
                }
                receiving.add(Thread.currentThread());
            }
            try {
                received = queues.receive(mapping.queueName(), new ReceiveRequest(
                        Math.min(RECEIVE_LIMIT, mapping.batchSize() - batch.size()), Optional.empty(), Optional.of(wait)));
            } catch (MessageQueueException e) {
                lastResult.accept("PROBLEM: Error occurred while ReceiveMessage: " + e.getMessage());
                LOG.warn("Event source mapping {} cannot receive from {}: {}", mapping.uuid(), mapping.queueName(), e.getMessage());
                backOff(FAILURE_BACKOFF);
                return batch;
            } catch (InterruptedException e) {
                if (batch.isEmpty()) {
                    throw e;
                }
                return batch; // stopped while gathering: what was gathered is still processed
            } finally {
                synchronized (receiving) {
                    receiving.remove(Thread.currentThread());
                }
            }
            if (isStopped()) {
                Thread.interrupted(); // an interrupt of stop() that came after the receive returned
            }
            if (received.isEmpty() && batch.isEmpty()) {
                return batch;
            }
            if (batch.isEmpty()) {
                if (mapping.batchingWindowSeconds() == 0) {
                    batch.addAll(received);
                    if (mapping.batchSize() <= RECEIVE_LIMIT) {
                        break;
                    }
                    // batches over 10 always have a window (the API requires one)
                    continue;
                }
                deadline = System.nanoTime() + Duration.ofSeconds(mapping.batchingWindowSeconds()).toNanos();
            }
            batch.addAll(received);
        }
        return batch;
    }

    private void process(List<ReceivedMessage> received) throws InterruptedException {
        List<ReceivedMessage> batch = new ArrayList<>();
        List<ObjectNode> records = new ArrayList<>();
        List<ReceivedMessage> filteredOut = new ArrayList<>();
        for (ReceivedMessage message : received) {
            ObjectNode record = SqsEvent.record(message, mapping.queueArn(), account.region(), account.accountId());
            if (filter.isEmpty() || filter.get().matches(record)) {
                batch.add(message);
                records.add(record);
            } else {
                filteredOut.add(message);
            }
        }
        // as on Lambda, messages no filter matches are deleted without invoking the function
        delete(filteredOut);
        if (batch.isEmpty()) {
            lastResult.accept("OK");
            return;
        }
        byte[] event = SqsEvent.of(records);
        InvocationResult result;
        try {
            result = target.invoke(function, UUID.randomUUID().toString(), event);
        } catch (LambdaException e) {
            if (e.type() == LambdaErrorType.TooManyRequestsException) {
                lastResult.accept("PROBLEM: Function call throttled. Lambda will retry after the visibility timeout.");
                backOff(THROTTLE_BACKOFF);
            } else {
                lastResult.accept("PROBLEM: Function call failed: " + e.getMessage());
                LOG.warn("Event source mapping {} cannot invoke {}: {}: {}", mapping.uuid(), function.arn(), e.type(),
                        e.getMessage());
                backOff(FAILURE_BACKOFF);
            }
            return;
        }
        if (result.functionError().isPresent()) {
            lastResult.accept("PROBLEM: Function call failed");
            return;
        }
        List<ReceivedMessage> done = batch;
        if (mapping.reportBatchItemFailures()) {
            Set<String> ids = new HashSet<>();
            batch.forEach(m -> ids.add(m.messageId()));
            Optional<Set<String>> failed = SqsEvent.failedItems(result.payload(), ids);
            if (failed.isEmpty()) {
                lastResult.accept("PROBLEM: Function call failed: the batchItemFailures answer is malformed");
                return;
            }
            done = succeeded(batch, failed.get());
        }
        delete(done);
        lastResult.accept("OK");
    }

    /** The messages not reported as failed; in a FIFO queue a group's messages after its first failure fail too. */
    private List<ReceivedMessage> succeeded(List<ReceivedMessage> batch, Set<String> failed) {
        Set<String> blockedGroups = new HashSet<>();
        List<ReceivedMessage> done = new ArrayList<>();
        for (ReceivedMessage message : batch) {
            String group = message.groupId().orElse("");
            boolean failedHere = failed.contains(message.messageId()) || (fifo && blockedGroups.contains(group));
            if (failedHere) {
                if (fifo) {
                    blockedGroups.add(group);
                }
            } else {
                done.add(message);
            }
        }
        return done;
    }

    private void delete(List<ReceivedMessage> messages) {
        if (messages.isEmpty()) {
            return;
        }
        try {
            List<Optional<MessageQueueException>> answers = queues.deleteAll(mapping.queueName(),
                    messages.stream().map(ReceivedMessage::receiptHandle).toList());
            answers.stream().flatMap(Optional::stream).forEach(e -> LOG.warn(
                    "Event source mapping {} could not delete a processed message of {}: {}", mapping.uuid(), mapping.queueName(),
                    e.getMessage()));
        } catch (MessageQueueException e) {
            LOG.warn("Event source mapping {} could not delete {} processed messages of {}; they are delivered again: {}",
                    mapping.uuid(), messages.size(), mapping.queueName(), e.getMessage());
        }
    }

    private void backOff(Duration wait) throws InterruptedException {
        stopped.await(wait.toNanos(), TimeUnit.NANOSECONDS);
    }

    /**
     * Tells the pollers to stop without waiting for them: a long poll (or a back-off) ends at once; a
     * batch being processed is finished (its invocation is not interrupted), then its poller ends.
     */
    void stop() {
        synchronized (receiving) {
            stopped.countDown();
            receiving.forEach(Thread::interrupt);
        }
    }

    /**
     * Stops the pollers and waits up to 10 s for batches being processed; pollers still running then
     * are interrupted, and their batches return to the queue after the visibility timeout.
     */
    @Override
    public void close() {
        stop();
        long deadline = System.nanoTime() + CLOSE_WAIT.toNanos();
        for (Future<?> poller : List.copyOf(pollers)) {
            try {
                poller.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                LOG.warn("Pollers of event source mapping {} still running {} after close; interrupting them", mapping.uuid(),
                        CLOSE_WAIT);
                break;
            } catch (CancellationException | ExecutionException e) {
                // failed and logged by itself
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        pollers.forEach(poller -> poller.cancel(true));
    }
}
