package dev.hearth.sandbox.spi;

/**
 * How a sandbox looks from inside: where the code, the runtime files, {@code /tmp} and the layers'
 * {@code /opt} are, and the {@code host:port} that {@code AWS_LAMBDA_RUNTIME_API} must name. The
 * {@code process} backend shows host paths; isolating backends show Lambda's {@code /var/task},
 * {@code /var/runtime}, {@code /tmp} and {@code /opt}.
 *
 * @param optRoot where the function's layers appear, read-only: {@code /opt} on isolating backends;
 *     on the {@code process} backend (no mount namespace) the host directory holding the merged
 *     layers, which is why the runtimes' search paths ({@code PATH}, {@code LD_LIBRARY_PATH},
 *     {@code NODE_PATH}, python's {@code sys.path}, java's class path) are built from this value
 *     and never from a literal {@code /opt}
 */
public record SandboxView(String taskRoot, String runtimeRoot, String tmpDir, String runtimeApi, String optRoot) {

    /** Lambda's location of the layers. */
    public static final String LAMBDA_OPT = "/opt";

    /** A view whose layers are at Lambda's {@code /opt}. */
    public SandboxView(String taskRoot, String runtimeRoot, String tmpDir, String runtimeApi) {
        this(taskRoot, runtimeRoot, tmpDir, runtimeApi, LAMBDA_OPT);
    }
}
