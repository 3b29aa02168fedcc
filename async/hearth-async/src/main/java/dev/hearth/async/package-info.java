/**
 * Asynchronous ({@code Event}) invocation, Lambda's internal queue and pollers: the {@link
 * dev.hearth.invocation.InvocationService} accepts events durably (committed before the 202), the
 * {@link dev.hearth.async.PollerPool} leases them and runs them on the synchronous invoke path
 * through the same service ({@link dev.hearth.invocation.EventInvoker}), {@link
 * dev.hearth.async.RetryPolicy} decides between completing, retrying and giving up by Lambda's rules,
 * given-up events go to an {@code OnFailure} destination or the dead letters, and successful ones to
 * an {@code OnSuccess} destination.
 *
 * <p>Per-function settings (Lambda's event invoke configs) live in {@link
 * dev.hearth.async.EventInvokeConfigStore} and are managed through {@link
 * dev.hearth.async.EventInvokeConfigApi}; dead letters are listed, inspected, redriven and deleted
 * through {@link dev.hearth.async.DeadLetterApi}. {@link dev.hearth.async.AsyncInvocationService}
 * wires the parts together for a server.
 */
package dev.hearth.async;
