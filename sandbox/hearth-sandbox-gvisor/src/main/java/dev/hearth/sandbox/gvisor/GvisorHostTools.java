package dev.hearth.sandbox.gvisor;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The host programs the backend needs, found in the usual system directories (never on Hearth's
 * {@code PATH}, which a user could point elsewhere). socat and sh run <em>inside</em> the
 * sandbox from the host's {@code /usr}, which every sandbox sees read-only. Immutable.
 *
 * @param runsc gVisor's OCI runtime
 * @param socat forwards {@code 127.0.0.1:9001} inside the sandbox to the Runtime API socket
 */
record GvisorHostTools(Optional<Path> runsc, Optional<Path> socat) {

    /** The shell that runs the sandbox's init script, inside the sandbox. */
    static final Path SH = Path.of("/bin/sh");

    private static final List<Path> DIRECTORIES =
            List.of(Path.of("/usr/sbin"), Path.of("/usr/bin"), Path.of("/sbin"), Path.of("/bin"));

    static GvisorHostTools find() {
        return new GvisorHostTools(find("runsc"), find("socat"));
    }

    private static Optional<Path> find(String name) {
        return DIRECTORIES.stream().map(dir -> dir.resolve(name)).filter(Files::isExecutable).findFirst();
    }

    /** What is missing, each naming the Debian package that provides it. */
    List<String> missing() {
        List<String> missing = new ArrayList<>();
        if (runsc.isEmpty()) {
            missing.add("runsc: apt-get install runsc");
        }
        if (socat.isEmpty()) {
            missing.add("socat (Runtime API forwarder inside the sandbox): apt-get install socat");
        }
        if (!Files.isExecutable(SH)) {
            missing.add("/bin/sh: apt-get install dash");
        }
        return missing;
    }
}
