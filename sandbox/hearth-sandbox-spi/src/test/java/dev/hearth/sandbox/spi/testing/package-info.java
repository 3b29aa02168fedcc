/**
 * Test doubles of the sandbox SPI, shipped in this module's test-jar: {@link
 * dev.hearth.sandbox.spi.testing.FakeSandboxBackend}, a backend whose sandboxes are scripted
 * runtimes on virtual threads (no processes), for fast tests of the worker's pool, keep-alive,
 * capacity and provisioned-concurrency logic.
 */
package dev.hearth.sandbox.spi.testing;
