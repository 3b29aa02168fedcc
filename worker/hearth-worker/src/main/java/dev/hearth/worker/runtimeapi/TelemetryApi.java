package dev.hearth.worker.runtimeapi;

import java.util.Optional;

/**
 * Lambda's Telemetry API ({@code PUT /2022-07-01/telemetry}) and the Logs API it replaced
 * ({@code PUT /2020-08-15/logs}) of one sandbox, and the other end of Hearth's telemetry relay: the
 * in-sandbox process that long-polls for batches and posts each to the subscribed extension's
 * listener (see {@code dev.hearth.runtimes.ExtensionsLauncher}).
 *
 * <p>Threading: called concurrently from the virtual threads serving requests; {@link #awaitBatch}
 * blocks and must return once the sandbox shuts down.
 */
public interface TelemetryApi {
    /** A sandbox without telemetry: every subscription is refused, the relay is sent away. */
    TelemetryApi NONE = new TelemetryApi() {
        @Override
        public ExtensionAnswer subscribe(String identifier, String body, boolean logsApi) {
            return ExtensionAnswer.unknownIdentifier(identifier);
        }

        @Override
        public Optional<Batch> awaitBatch() {
            return Optional.empty();
        }
    };

    /**
     * A subscription of extension {@code identifier} ({@code Lambda-Extension-Identifier}); {@code
     * body} as sent; {@code logsApi} for the older Logs API.
     */
    ExtensionAnswer subscribe(String identifier, String body, boolean logsApi);

    /** The next batch to deliver, when one is due; empty once the sandbox shuts down. */
    Optional<Batch> awaitBatch() throws InterruptedException;

    /**
     * One delivery: a JSON array of events for the listener at {@code port} and {@code path} of the
     * sandbox's {@code sandbox.localdomain}.
     */
    record Batch(int port, String path, String json) {}
}
