/**
 * Lambda's REST API (Lambda's Frontend): the adapters from Lambda's paths and JSON shapes to the
 * control plane (functions, versions, aliases, tags, account settings, concurrency and provisioned
 * concurrency) and to the {@link dev.hearth.invocation.InvocationService} (Invoke), plus Hearth's own
 * code-download links and metrics scrape. The HTTP plumbing they run on is {@code dev.hearth.http}.
 */
package dev.hearth.frontend;
