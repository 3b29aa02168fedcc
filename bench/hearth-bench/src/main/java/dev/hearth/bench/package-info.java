/**
 * Benchmarks of Hearth's invoke path, run on demand (never by the build): warm no-op invokes through
 * the Invoke API side by side with a bare Jetty echo server driven by the same client, and cold
 * starts side by side with starting the bare interpreter with Hearth's bootstrap. Entry points:
 * {@link dev.hearth.bench.InvokeBenchmark} (one backend, warm and cold) and
 * {@link dev.hearth.bench.ColdStartBackends} (cold starts, every sandbox backend in one run).
 */
package dev.hearth.bench;
