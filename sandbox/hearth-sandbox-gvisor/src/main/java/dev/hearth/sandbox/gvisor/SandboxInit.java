package dev.hearth.sandbox.gvisor;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The first process of every sandbox: a {@code /bin/sh} script that starts the Runtime API
 * forwarder, waits until it listens, then replaces itself with the function's command.
 *
 * <ol>
 *   <li>socat listens on {@code 127.0.0.1:9001} inside the sandbox's own network stack and forwards
 *       each connection to the bind-mounted host socket {@link RootfsSkeleton#RUNTIME_API_SOCKET}
 *       (runsc's {@code --host-uds=open} lets the sandbox connect to it). Its own errors reach the
 *       sandbox's output, prefixed {@code hearth-runtime-api-forwarder}; the function's
 *       {@code LD_PRELOAD} and {@code LD_LIBRARY_PATH} are cleared for it.</li>
 *   <li>The script polls {@code /proc/net/tcp} with shell builtins only (no fork) until the listener
 *       is there, so the runtime never finds the port closed; it gives up (status 70) if socat ends.</li>
 *   <li>The process's environment is the spec's ({@link #environment}); the script removes what
 *       runsc ({@code HOME}) and dash ({@code PWD}) add unless the spec sets them, then
 *       {@code exec}s the command. A command that cannot be found ends with the shell's status 127
 *       and a message naming it. (A spec {@code PWD} is replaced by the working directory.)</li>
 * </ol>
 *
 * <p>The command keeps the script's pid, so its exit status (or {@code 128 + signal}) is the
 * sandbox's; when it exits, gVisor ends everything else in the sandbox, the forwarder included.
 * Stateless.
 */
final class SandboxInit {

    /** The port of the Runtime API inside every sandbox. */
    static final int RUNTIME_API_PORT = 9001;

    private static final String SCRIPT = """
            socat="$1"; keep="$2"; shift 2
            LD_PRELOAD= LD_LIBRARY_PATH= "$socat" -lp hearth-runtime-api-forwarder \\
                TCP4-LISTEN:%1$d,bind=127.0.0.1,reuseaddr,fork UNIX-CONNECT:%2$s </dev/null &
            forwarder=$!
            listening() {
                while read -r _ local _ state _; do
                    if [ "$local" = 0100007F:%3$04X ] && [ "$state" = 0A ]; then return 0; fi
                done </proc/net/tcp
                return 1
            }
            alive() {
                read -r _ _ status _ 2>/dev/null </proc/"$forwarder"/stat && [ "$status" != Z ]
            }
            until listening; do
                if ! alive; then
                    echo "hearth: the Runtime API forwarder (socat) ended before listening on 127.0.0.1:%1$d" >&2
                    exit 70
                fi
            done
            unset forwarder local state status
            case "$keep" in *H*) ;; *) unset HOME ;; esac
            case "$keep" in *P*) ;; *) unset PWD ;; esac
            unset keep socat
            exec "$@"
            """.formatted(RUNTIME_API_PORT, RootfsSkeleton.RUNTIME_API_SOCKET, RUNTIME_API_PORT);

    private SandboxInit() {}

    /**
     * The argv of the sandbox's first process.
     *
     * @param socat the host's socat (visible at the same path inside)
     * @param command the function's command, paths as seen inside
     * @param environment the function's complete environment (see {@link #environment})
     */
    static List<String> argv(Path socat, List<String> command, Map<String, String> environment) {
        String keep = (environment.containsKey("HOME") ? "H" : "") + (environment.containsKey("PWD") ? "P" : "");
        List<String> argv = new ArrayList<>(List.of(GvisorHostTools.SH.toString(), "-c", SCRIPT, "hearth-init",
                socat.toString(), keep.isEmpty() ? "-" : keep));
        argv.addAll(command);
        return argv;
    }

    /**
     * The OCI {@code process.env}: the function's environment as {@code NAME=VALUE}, sorted by name.
     *
     * @throws IllegalArgumentException when a variable name is empty or contains {@code =}, which no
     *     environment can hold
     */
    static List<String> environment(Map<String, String> environment) {
        List<String> entries = new ArrayList<>();
        for (Map.Entry<String, String> variable : new TreeMap<>(environment).entrySet()) {
            String name = variable.getKey();
            if (name.isEmpty() || name.contains("=")) {
                throw new IllegalArgumentException("environment variable name cannot be passed to a process: '" + name + "'");
            }
            entries.add(name + "=" + variable.getValue());
        }
        return entries;
    }
}
