package dev.hearth.sandbox.process;

import dev.hearth.sandbox.spi.ResourceLimits;
import java.util.ArrayList;
import java.util.List;

/**
 * The argv that starts one sandbox: {@code setsid} (a session and process group of its own, so the
 * whole tree can be found and killed), {@code prlimit} (open files, file size, no core dumps), then,
 * when Hearth is root, {@code setpriv} (drop to the unprivileged user), then the runtime's command.
 * Each wrapper {@code exec}s the next, so the sandbox's first process keeps one pid throughout, and a
 * command that cannot be executed ends it with util-linux's status 127 (not found) or 126.
 */
final class LaunchCommand {

    /** Lambda's file descriptor quota. */
    static final int OPEN_FILES = 1024;

    private LaunchCommand() {}

    /** Requires the tools {@link UtilLinuxTools#missing} found nothing missing for. */
    static List<String> argv(
            UtilLinuxTools tools, SandboxIdentity identity, ResourceLimits limits, List<String> command) {
        List<String> argv = new ArrayList<>();
        argv.add(tools.setsid().orElseThrow().toString());
        argv.add(tools.prlimit().orElseThrow().toString());
        argv.add("--nofile=" + OPEN_FILES);
        // the closest a plain process gets to a /tmp size: no single file may grow beyond it
        argv.add("--fsize=" + (long) limits.ephemeralStorageMb() * 1024 * 1024);
        argv.add("--core=0");
        argv.add("--");
        switch (identity) {
            case SandboxIdentity.Unprivileged(int uid, int gid) -> {
                argv.add(tools.setpriv().orElseThrow().toString());
                argv.add("--reuid=" + uid);
                argv.add("--regid=" + gid);
                argv.add("--clear-groups");
                argv.add("--no-new-privs");
                argv.add("--");
            }
            case SandboxIdentity.HearthUser _ -> {
                // runs as Hearth's own user: nothing to drop
            }
        }
        argv.addAll(command);
        return argv;
    }
}
