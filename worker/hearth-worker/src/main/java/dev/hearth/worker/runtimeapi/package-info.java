/**
 * Lambda's Runtime API ({@code /2018-06-01/runtime/...}) served over HTTP by one Jetty server with one
 * connector per sandbox. This package knows the protocol (paths, headers, status codes, error bodies)
 * and nothing of pools or sandboxes: each connector is bound to a {@link
 * dev.hearth.worker.runtimeapi.RuntimeApiSession} that decides what the runtime is allowed to do.
 * The same connector serves the sandbox's Extensions API ({@code /2020-01-01/extension/...}), its
 * Telemetry and Logs APIs and Hearth's telemetry relay ({@link
 * dev.hearth.worker.runtimeapi.ExtensionsApi}, {@link dev.hearth.worker.runtimeapi.TelemetryApi}).
 */
package dev.hearth.worker.runtimeapi;
