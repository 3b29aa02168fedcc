/**
 * The {@code process} sandbox backend: each sandbox a child process in its own session, wrapped by
 * util-linux ({@code setsid}, {@code prlimit}, {@code setpriv}) and watched by a memory watchdog.
 * No isolation: for development only. The entry point is
 * {@link dev.hearth.sandbox.process.ProcessSandboxBackend}.
 */
package dev.hearth.sandbox.process;
