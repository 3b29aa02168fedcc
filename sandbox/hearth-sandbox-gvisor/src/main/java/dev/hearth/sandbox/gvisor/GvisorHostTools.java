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
 * @param network the tools of sandboxes with network access ({@link GvisorNetwork})
 */
record GvisorHostTools(Optional<Path> runsc, Optional<Path> socat, NetworkTools network) {

    /**
     * util-linux's unshare (a network namespace for runsc) and nsenter, nftables' nft (the outbound
     * rules in it) and slirp4netns (its outbound network).
     */
    record NetworkTools(Optional<Path> unshare, Optional<Path> nsenter, Optional<Path> nft, Optional<Path> slirp4netns) {
        static final NetworkTools NONE = new NetworkTools(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());
    }

    /** Tools without the network ones. */
    GvisorHostTools(Optional<Path> runsc, Optional<Path> socat) {
        this(runsc, socat, NetworkTools.NONE);
    }

    /** The shell that runs the sandbox's init script, inside the sandbox. */
    static final Path SH = Path.of("/bin/sh");

    private static final List<Path> DIRECTORIES =
            List.of(Path.of("/usr/sbin"), Path.of("/usr/bin"), Path.of("/sbin"), Path.of("/bin"));

    static GvisorHostTools find() {
        return new GvisorHostTools(find("runsc"), find("socat"),
                new NetworkTools(find("unshare"), find("nsenter"), find("nft"), find("slirp4netns")));
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
        if (network.unshare().isEmpty() || network.nsenter().isEmpty()) {
            missing.add("unshare and nsenter (a network namespace for sandboxes): apt-get install util-linux");
        }
        if (network.nft().isEmpty()) {
            missing.add("nft (outbound rules of functions: no host address, no private range): apt-get install nftables");
        }
        if (network.slirp4netns().isEmpty()) {
            missing.add("slirp4netns (outbound network of functions): apt-get install slirp4netns");
        }
        if (!Files.isExecutable(SH)) {
            missing.add("/bin/sh: apt-get install dash");
        }
        return missing;
    }
}
