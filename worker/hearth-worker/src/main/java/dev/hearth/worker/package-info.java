/**
 * Hearth's worker: Lambda's Worker Manager and Worker in one component. {@link dev.hearth.worker.Worker}
 * takes a function version at one revision ({@link dev.hearth.worker.FunctionRevision}) and an event,
 * finds a warm sandbox of exactly that function version and revision (or launches one, a cold start), hands the event to the runtime over the
 * Runtime API, and returns the result with Lambda's platform log lines and error payloads.
 *
 * <p>Public types are the entry point and its value types; the pool, the per-sandbox state machine
 * and log capture are package-private.
 */
package dev.hearth.worker;
