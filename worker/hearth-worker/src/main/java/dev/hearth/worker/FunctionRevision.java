package dev.hearth.worker;

import dev.hearth.core.AccountContext;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The configuration of one function version at one revision, as the worker needs it to run it.
 * Sandboxes are never shared between different {@code (functionName, version, revisionId)}.
 *
 * @param account the account and region the function belongs to (its sandboxes' {@code AWS_REGION},
 *     its logs' owner)
 * @param functionName the function's name
 * @param version {@code $LATEST} or a version number
 * @param functionArn the unqualified or version-qualified ARN of the function
 * @param revisionId changes on every code or configuration update; a new one retires older sandboxes
 * @param runtime runtime identifier, e.g. {@code python3.12}, {@code nodejs20.x}, {@code provided.al2023}
 * @param handler the handler setting ({@code _HANDLER})
 * @param memoryMb MemorySize
 * @param timeoutSeconds Timeout
 * @param ephemeralStorageMb EphemeralStorage size of {@code /tmp}
 * @param environment the function's own environment variables
 * @param taskRoot host directory with the extracted code
 * @param codeSha256 CodeSha256 of the package (informational)
 * @param snapStart whether SnapStart applies: sandboxes of this version start from a snapshot taken
 *     after one Init, where the backend can take snapshots (a published version of a function with
 *     {@code SnapStart: {ApplyOn: PublishedVersions}})
 * @param tracingMode the function's {@code TracingConfig.Mode}: how each invocation's trace header is
 *     sampled
 * @param layers host directories holding each of the function's layers' extracted contents, in the
 *     function's {@code Layers} order (later layers override earlier files); the worker shows their
 *     merge read-only at {@code /opt} in every sandbox of this revision. The worker only reads them:
 *     whoever builds the revision owns the directories and must keep them until the revision's
 *     sandboxes are retired. Empty: {@code /opt} is empty
 */
public record FunctionRevision(
        AccountContext account,
        String functionName,
        String version,
        String functionArn,
        String revisionId,
        String runtime,
        String handler,
        int memoryMb,
        int timeoutSeconds,
        int ephemeralStorageMb,
        Map<String, String> environment,
        Path taskRoot,
        String codeSha256,
        boolean snapStart,
        TracingMode tracingMode,
        List<Path> layers) {

    public FunctionRevision {
        Objects.requireNonNull(account, "account");
        Objects.requireNonNull(functionName, "functionName");
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(functionArn, "functionArn");
        Objects.requireNonNull(revisionId, "revisionId");
        Objects.requireNonNull(runtime, "runtime");
        Objects.requireNonNull(handler, "handler");
        Objects.requireNonNull(taskRoot, "taskRoot");
        Objects.requireNonNull(codeSha256, "codeSha256");
        Objects.requireNonNull(tracingMode, "tracingMode");
        environment = Map.copyOf(environment);
        layers = List.copyOf(layers);
        if (memoryMb <= 0 || timeoutSeconds <= 0 || ephemeralStorageMb <= 0) {
            throw new IllegalArgumentException("memory, timeout and ephemeral storage must be positive: "
                    + memoryMb + " MB, " + timeoutSeconds + " s, " + ephemeralStorageMb + " MB");
        }
    }

    /**
     * The function's unqualified ARN: what tells apart functions of one name in different accounts
     * or regions, so the worker keys sandboxes, keep-alive and scaling by it.
     */
    public String unqualifiedArn() {
        return account.functionArn(functionName);
    }
}
