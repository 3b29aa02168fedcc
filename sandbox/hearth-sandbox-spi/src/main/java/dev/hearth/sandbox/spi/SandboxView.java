package dev.hearth.sandbox.spi;

/**
 * How a sandbox looks from inside: where the code, the runtime files and {@code /tmp} are, and the
 * {@code host:port} that {@code AWS_LAMBDA_RUNTIME_API} must name. The {@code process} backend shows
 * host paths; isolating backends show Lambda's {@code /var/task}, {@code /var/runtime} and
 * {@code /tmp}.
 */
public record SandboxView(String taskRoot, String runtimeRoot, String tmpDir, String runtimeApi) {}
