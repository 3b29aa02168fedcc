package dev.hearth.worker;

import dev.hearth.sandbox.spi.SandboxView;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Lambda's environment variables for one sandbox. Precedence, lowest first: Lambda's defaults
 * ({@code PATH}, {@code LANG}, {@code TZ}, {@code LD_LIBRARY_PATH}), the runtime's own variables, the
 * function's variables, and finally Lambda's reserved variables, which a function cannot override.
 */
final class LambdaVariables {
    /** Variables Lambda reserves: a function's own value for these is ignored. */
    static final Set<String> RESERVED = Set.of(
            "_HANDLER", "_X_AMZN_TRACE_ID", "AWS_DEFAULT_REGION", "AWS_REGION", "AWS_EXECUTION_ENV",
            "AWS_LAMBDA_FUNCTION_NAME", "AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "AWS_LAMBDA_FUNCTION_VERSION",
            "AWS_LAMBDA_INITIALIZATION_TYPE", "AWS_LAMBDA_LOG_GROUP_NAME", "AWS_LAMBDA_LOG_STREAM_NAME",
            "AWS_ACCESS_KEY", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN",
            "AWS_LAMBDA_RUNTIME_API", "LAMBDA_TASK_ROOT", "LAMBDA_RUNTIME_DIR", "AWS_ENDPOINT_URL");

    private LambdaVariables() {}

    static Map<String, String> of(FunctionRevision function, SandboxView view, Map<String, String> runtimeVariables,
            String region, String logGroup, String logStream, InitializationType initializationType,
            SandboxCredentials credentials) {
        Map<String, String> env = new LinkedHashMap<>();
        // Lambda's defaults, with the layers' directories under the sandbox's view of /opt
        env.put("PATH", "/usr/local/bin:/usr/bin/:/bin:" + view.optRoot() + "/bin");
        env.put("LANG", "en_US.UTF-8");
        env.put("TZ", ":UTC");
        env.put("LD_LIBRARY_PATH", String.join(":", view.runtimeRoot(), view.runtimeRoot() + "/lib",
                view.taskRoot(), view.taskRoot() + "/lib", view.optRoot() + "/lib"));
        if (!view.tmpDir().equals("/tmp")) {
            env.put("TMPDIR", view.tmpDir());
        }
        env.putAll(runtimeVariables);
        function.environment().forEach((key, value) -> {
            if (!RESERVED.contains(key)) {
                env.put(key, value);
            }
        });
        env.put("_HANDLER", function.handler());
        env.put("LAMBDA_TASK_ROOT", view.taskRoot());
        env.put("LAMBDA_RUNTIME_DIR", view.runtimeRoot());
        env.put("AWS_LAMBDA_RUNTIME_API", view.runtimeApi());
        env.put("AWS_LAMBDA_FUNCTION_NAME", function.functionName());
        env.put("AWS_LAMBDA_FUNCTION_VERSION", function.version());
        env.put("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", Integer.toString(function.memoryMb()));
        env.put("AWS_LAMBDA_LOG_GROUP_NAME", logGroup);
        env.put("AWS_LAMBDA_LOG_STREAM_NAME", logStream);
        env.put("AWS_LAMBDA_INITIALIZATION_TYPE", initializationType.variableValue());
        env.put("AWS_REGION", region);
        env.put("AWS_DEFAULT_REGION", region);
        // Hearth's AWS APIs, reached through the Runtime API's address with the sandbox's own credentials
        env.put("AWS_ENDPOINT_URL", "http://" + view.runtimeApi());
        env.put("AWS_ACCESS_KEY_ID", credentials.accessKeyId());
        env.put("AWS_SECRET_ACCESS_KEY", credentials.secretAccessKey());
        env.put("AWS_SESSION_TOKEN", credentials.sessionToken());
        // Lambda leaves AWS_EXECUTION_ENV unset for the OS-only runtimes (provided.*)
        if (!function.runtime().startsWith("provided")) {
            env.put("AWS_EXECUTION_ENV", "AWS_Lambda_" + function.runtime());
        }
        return env;
    }
}
