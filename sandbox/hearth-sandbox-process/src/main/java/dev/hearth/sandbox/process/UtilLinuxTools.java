package dev.hearth.sandbox.process;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The util-linux programs the backend wraps every sandbox in, found once on Hearth's {@code PATH}
 * (and the usual system directories): {@code setsid}, {@code prlimit}, {@code setpriv}.
 */
record UtilLinuxTools(Optional<Path> setsid, Optional<Path> prlimit, Optional<Path> setpriv) {

    static UtilLinuxTools find() {
        Set<Path> dirs = new LinkedHashSet<>();
        String path = System.getenv("PATH");
        if (path != null) {
            for (String dir : path.split(":")) {
                if (!dir.isEmpty()) {
                    dirs.add(Path.of(dir));
                }
            }
        }
        for (String dir : List.of("/usr/bin", "/bin", "/usr/sbin", "/sbin")) {
            dirs.add(Path.of(dir));
        }
        return new UtilLinuxTools(find("setsid", dirs), find("prlimit", dirs), find("setpriv", dirs));
    }

    private static Optional<Path> find(String name, Set<Path> dirs) {
        return dirs.stream().map(dir -> dir.resolve(name)).filter(Files::isExecutable).findFirst();
    }

    /** What is missing for sandboxes of {@code identity}, each naming the fix; empty when complete. */
    List<String> missing(SandboxIdentity identity) {
        List<String> missing = new ArrayList<>();
        if (setsid.isEmpty()) {
            missing.add("setsid: apt-get install util-linux");
        }
        if (prlimit.isEmpty()) {
            missing.add("prlimit: apt-get install util-linux");
        }
        boolean needsSetpriv = switch (identity) {
            case SandboxIdentity.Unprivileged _ -> true;
            case SandboxIdentity.HearthUser _ -> false;
        };
        if (needsSetpriv && setpriv.isEmpty()) {
            missing.add("setpriv (to run sandboxes as an unprivileged user while Hearth is root): apt-get install util-linux");
        }
        return missing;
    }
}
