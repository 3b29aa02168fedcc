package dev.hearth.sandbox.spi;

/**
 * How a sandbox ended.
 *
 * @param status the runtime process's exit status ({@code 128 + signal} when killed by a signal)
 * @param outOfMemory whether the backend knows it was killed for exceeding its memory limit
 * @param killed whether it ended because {@link Sandbox#kill()} was called
 */
public record SandboxExit(int status, boolean outOfMemory, boolean killed) {}
