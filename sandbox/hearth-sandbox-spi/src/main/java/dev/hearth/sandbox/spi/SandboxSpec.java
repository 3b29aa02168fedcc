package dev.hearth.sandbox.spi;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Everything a backend needs to launch one sandbox.
 *
 * @param sandboxId unique id, lower-case letters, digits and hyphens, at most 64 characters; backends
 *     use it to name cgroups, sockets and VM files
 * @param command argv of the runtime process, with paths as seen inside the sandbox ({@link SandboxView})
 * @param environment the complete environment of the runtime process (nothing is inherited from Hearth)
 * @param taskRoot host directory with the function's extracted code; exposed read-only
 * @param runtimeRoot host directory with the runtime's bootstrap files; exposed read-only
 * @param scratchDir host directory private to this sandbox (the backend may create files in it)
 * @param runtimeApi the host-side Runtime API listener for this sandbox
 * @param limits resource limits derived from the function's configuration
 * @param networkAccess whether the sandbox may reach networks beyond its Runtime API
 * @param optRoot host directory exposed read-only at {@link SandboxView#optRoot()} ({@code /opt}): the
 *     function's layers merged into one tree, owned by the worker, shared by many sandboxes and kept
 *     until every sandbox launched (or restored) with it has exited; backends must not write to it
 *     nor copy it per sandbox. Empty: {@code /opt} is an empty directory
 */
public record SandboxSpec(
        String sandboxId,
        List<String> command,
        Map<String, String> environment,
        Path taskRoot,
        Path runtimeRoot,
        Path scratchDir,
        RuntimeApiAddress runtimeApi,
        ResourceLimits limits,
        boolean networkAccess,
        Optional<Path> optRoot) {

    private static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9-]{0,63}");

    public SandboxSpec {
        Objects.requireNonNull(sandboxId, "sandboxId");
        if (!ID.matcher(sandboxId).matches()) {
            throw new IllegalArgumentException("bad sandbox id: " + sandboxId);
        }
        command = List.copyOf(command);
        if (command.isEmpty()) {
            throw new IllegalArgumentException("empty command");
        }
        environment = Map.copyOf(environment);
        Objects.requireNonNull(taskRoot, "taskRoot");
        Objects.requireNonNull(runtimeRoot, "runtimeRoot");
        Objects.requireNonNull(scratchDir, "scratchDir");
        Objects.requireNonNull(runtimeApi, "runtimeApi");
        Objects.requireNonNull(limits, "limits");
        Objects.requireNonNull(optRoot, "optRoot");
    }

    /** A spec without layers: {@code /opt} is empty. */
    public SandboxSpec(String sandboxId, List<String> command, Map<String, String> environment, Path taskRoot,
            Path runtimeRoot, Path scratchDir, RuntimeApiAddress runtimeApi, ResourceLimits limits,
            boolean networkAccess) {
        this(sandboxId, command, environment, taskRoot, runtimeRoot, scratchDir, runtimeApi, limits, networkAccess,
                Optional.empty());
    }
}
