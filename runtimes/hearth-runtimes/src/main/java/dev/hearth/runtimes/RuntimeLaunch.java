package dev.hearth.runtimes;

import java.util.List;
import java.util.Map;

/**
 * How to start one runtime inside a sandbox: its argv and the environment variables the runtime
 * itself needs, on top of Lambda's standard variables that the worker sets ({@code _HANDLER},
 * {@code LAMBDA_TASK_ROOT}, {@code AWS_LAMBDA_RUNTIME_API}, ...). Paths are as seen inside the
 * sandbox. Immutable.
 *
 * @param command argv, never empty; the first element is an absolute path
 * @param environment variables to add to the sandbox's environment
 */
public record RuntimeLaunch(List<String> command, Map<String, String> environment) {
    public RuntimeLaunch {
        command = List.copyOf(command);
        if (command.isEmpty()) {
            throw new IllegalArgumentException("empty command");
        }
        environment = Map.copyOf(environment);
    }
}
