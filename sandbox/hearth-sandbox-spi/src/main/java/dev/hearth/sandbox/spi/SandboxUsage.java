package dev.hearth.sandbox.spi;

/** Resource use of a sandbox so far: {@code maxMemoryBytes} is the peak of the whole sandbox (0 if unknown). */
public record SandboxUsage(long maxMemoryBytes) {}
