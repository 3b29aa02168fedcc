package dev.hearth.async;

import dev.hearth.controlplane.FunctionResolver;
import dev.hearth.controlplane.ResolvedFunction;
import dev.hearth.invocation.EventInvoker;
import dev.hearth.core.AccountContext;
import dev.hearth.core.FunctionRef;
import dev.hearth.core.LambdaErrorType;
import dev.hearth.core.LambdaException;
import dev.hearth.queue.spi.EventQueue;
import dev.hearth.queue.spi.Lease;
import dev.hearth.queue.spi.LeaseToken;
import dev.hearth.queue.spi.QueuedEvent;
import dev.hearth.queue.spi.RetryCause;
import dev.hearth.store.spi.FunctionVersion;
import dev.hearth.worker.InvocationResult;
import java.time.Clock;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one leased event: checks its age, resolves its function again, invokes it, and completes,
 * releases or gives up on it as {@link RetryPolicy} decides, sending invocation records to the
 * configured destinations. An event whose function no longer exists is dead-lettered with reason
 * {@code FunctionNotFound}; an event given up on without an OnFailure destination (or whose
 * destination cannot take it) is dead-lettered too, so no event is dropped.
 *
 * <p>Threading: {@link #process} is called from many threads at once; it never throws, logging
 * failures of its own (the lease then expires and the event is delivered again).
 */
final class EventProcessor {
    private static final Logger LOG = LoggerFactory.getLogger(EventProcessor.class);
    static final String FUNCTION_NOT_FOUND = "FunctionNotFound";

    private final EventQueue queue;
    private final EventInvokeConfigStore configs;
    private final FunctionResolver resolver;
    private final EventInvoker invoker;
    private final AccountContext account;
    private final RetryPolicy policy;
    private final Destinations destinations;
    private final AsyncCounters counters;
    private final Clock clock;

    EventProcessor(EventQueue queue, EventInvokeConfigStore configs, FunctionResolver resolver, EventInvoker invoker,
            AccountContext account, RetryPolicy policy, Destinations destinations, AsyncCounters counters, Clock clock) {
        this.queue = queue;
        this.configs = configs;
        this.resolver = resolver;
        this.invoker = invoker;
        this.account = account;
        this.policy = policy;
        this.destinations = destinations;
        this.counters = counters;
        this.clock = clock;
    }

    void process(Lease lease) {
        counters.inFlight.incrementAndGet();
        try {
            run(lease);
        } catch (RuntimeException e) {
            LOG.error("Processing event {} of {} failed; it is delivered again when its lease expires",
                    lease.event().id(), lease.event().functionName(), e);
        } finally {
            counters.inFlight.decrementAndGet();
        }
    }

    private void run(Lease lease) {
        QueuedEvent event = lease.event();
        EventInvokeConfig config = configs.effective(event.functionName(), event.qualifier());
        Optional<Disposition.GiveUp> expired = policy.tooOld(event, config, clock.instant());
        if (expired.isPresent()) {
            giveUp(lease, config, expired.get().condition(), qualifiedArn(event), event.attempts(), Optional.empty());
            return;
        }
        ResolvedFunction function;
        try {
            function = resolver.resolve(reference(event));
        } catch (LambdaException e) {
            if (e.type() == LambdaErrorType.ResourceNotFoundException) {
                LOG.warn("Event {} is dead-lettered: its function is gone ({})", event.id(), e.getMessage());
                deadLetter(lease.token(), FUNCTION_NOT_FOUND + ": " + e.getMessage());
                return;
            }
            throw e;
        }
        AttemptOutcome outcome = attempt(function, event);
        Disposition disposition = policy.decide(event, config, outcome);
        switch (disposition) {
            case Disposition.Complete complete -> succeed(lease, config, function, complete.result());
            case Disposition.Retry retry -> retry(lease.token(), retry);
            case Disposition.GiveUp giveUp -> giveUp(lease, config, giveUp.condition(), function.versionArn(),
                    event.attempts() + (outcome instanceof AttemptOutcome.FunctionFailed ? 1 : 0), lastResult(outcome));
        }
    }

    private AttemptOutcome attempt(ResolvedFunction function, QueuedEvent event) {
        try {
            InvocationResult result = invoker.invokeEvent(function, event.id(), event.payload());
            return result.functionError().isPresent()
                    ? new AttemptOutcome.FunctionFailed(result)
                    : new AttemptOutcome.Succeeded(result);
        } catch (LambdaException e) {
            if (e.type() == LambdaErrorType.TooManyRequestsException) {
                return new AttemptOutcome.Throttled(e);
            }
            LOG.warn("Event {} of {} could not run, retrying: {}: {}", event.id(), event.functionName(), e.type(),
                    e.getMessage());
            return new AttemptOutcome.SystemFailed(e.type() + ": " + e.getMessage());
        }
    }

    private void succeed(Lease lease, EventInvokeConfig config, ResolvedFunction function, InvocationResult result) {
        counters.succeeded.incrementAndGet();
        QueuedEvent event = lease.event();
        if (config.onSuccess().isPresent()) {
            byte[] record = InvocationRecord.build(clock.instant(), event.id(), function.versionArn(),
                    RecordCondition.Success, event.attempts() + 1, event.payload(), Optional.of(result));
            Optional<String> failure = destinations.send(config.onSuccess().get(), event.id(), RecordCondition.Success, record);
            if (failure.isPresent()) {
                LOG.warn("Event {} succeeded but its OnSuccess destination {} could not take the record: {}",
                        event.id(), config.onSuccess().get(), failure.get());
            } else {
                counters.sentToDestinations.incrementAndGet();
            }
        }
        if (!queue.complete(lease.token())) {
            LOG.warn("Event {} succeeded after its lease expired; it may run again", event.id());
        }
    }

    private void retry(LeaseToken token, Disposition.Retry retry) {
        switch (retry.cause()) {
            case FUNCTION_ERROR -> counters.functionErrorRetries.incrementAndGet();
            case SYSTEM -> counters.systemRetries.incrementAndGet();
        }
        if (!queue.release(token, retry.delay(), retry.cause(), retry.error())) {
            LOG.warn("Event {} could not be released for a retry: its lease expired and it is delivered again",
                    token.eventId());
        }
    }

    private void giveUp(Lease lease, EventInvokeConfig config, RecordCondition condition, String functionArn,
            int invokeCount, Optional<InvocationResult> lastResult) {
        QueuedEvent event = lease.event();
        if (config.onFailure().isEmpty()) {
            LOG.info("Event {} of {} is dead-lettered: {}", event.id(), event.functionName(), condition);
            deadLetter(lease.token(), condition.name());
            return;
        }
        String destination = config.onFailure().get();
        byte[] record = InvocationRecord.build(clock.instant(), event.id(), functionArn, condition,
                Math.max(invokeCount, 1), event.payload(), lastResult);
        Optional<String> failure = destinations.send(destination, event.id(), condition, record);
        if (failure.isPresent()) {
            LOG.warn("Event {} ({}) is dead-lettered: its OnFailure destination {} could not take the record: {}",
                    event.id(), condition, destination, failure.get());
            deadLetter(lease.token(), condition.name() + "; OnFailure destination " + destination + " failed: " + failure.get());
            return;
        }
        counters.sentToDestinations.incrementAndGet();
        if (!queue.complete(lease.token())) {
            LOG.warn("Event {} was sent to its OnFailure destination after its lease expired; it may run again", event.id());
        }
    }

    private void deadLetter(LeaseToken token, String reason) {
        if (queue.moveToDeadLetters(token, reason)) {
            counters.deadLettered.incrementAndGet();
        } else {
            LOG.warn("Event {} could not be dead-lettered: its lease expired and it is delivered again", token.eventId());
        }
    }

    private static Optional<InvocationResult> lastResult(AttemptOutcome outcome) {
        return switch (outcome) {
            case AttemptOutcome.Succeeded s -> Optional.of(s.result());
            case AttemptOutcome.FunctionFailed f -> Optional.of(f.result());
            case AttemptOutcome.Throttled ignored -> Optional.empty();
            case AttemptOutcome.SystemFailed ignored -> Optional.empty();
        };
    }

    private String qualifiedArn(QueuedEvent event) {
        return account.functionArn(event.functionName(), event.qualifier());
    }

    /**
     * The reference an event was invoked with, in this service's account and region; {@code $LATEST}
     * stands for the unqualified name.
     */
    private FunctionRef reference(QueuedEvent event) {
        return new FunctionRef(account, event.functionName(), FunctionVersion.LATEST.equals(event.qualifier())
                ? Optional.empty() : Optional.of(event.qualifier()));
    }
}
