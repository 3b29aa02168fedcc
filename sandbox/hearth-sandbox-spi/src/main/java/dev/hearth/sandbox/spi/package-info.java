/**
 * The sandbox SPI: what Hearth's worker asks of an isolation backend ({@code process},
 * {@code namespace}, {@code gvisor}, {@code microvm}). A backend launches one sandbox per execution
 * environment, shows the worker where files and the Runtime API appear inside it, reports its exit
 * and resource use, and kills it on demand. It knows nothing of functions, invocations or the
 * Runtime API protocol: those are the worker's.
 *
 * <p>This package depends on the JDK only. Every backend runs the contract test shipped in this
 * module's test-jar ({@code SandboxBackendContract}). The test-jar also holds a fake backend for
 * the fast tests of what sits above the SPI ({@code dev.hearth.sandbox.spi.testing.FakeSandboxBackend}:
 * scripted runtimes on virtual threads, no processes).
 */
package dev.hearth.sandbox.spi;
