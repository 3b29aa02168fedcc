package dev.hearth.sandbox.namespace;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The host programs the backend runs, found in the usual system directories (never on Hearth's
 * {@code PATH}, which a user could point elsewhere). Immutable.
 *
 * @param bwrap bubblewrap: builds the namespaces and the file system view
 * @param setpriv util-linux: drops from root to the sandbox user before bubblewrap runs
 * @param perl runs {@link RuntimeApiLauncher} inside the sandbox (from the host's {@code /usr}, which the sandbox sees)
 * @param python3 runs libseccomp's python binding once, to compile the seccomp filter
 * @param slirp4netns gives sandboxes with network access their outbound network
 * @param nsenter util-linux: runs {@code nft} in a sandbox's network namespace
 * @param nft nftables: installs the outbound policy's rules there ({@link SandboxNetwork})
 */
record HostTools(Optional<Path> bwrap, Optional<Path> setpriv, Optional<Path> perl, Optional<Path> python3,
        Optional<Path> slirp4netns, Optional<Path> nsenter, Optional<Path> nft) {

    /** {@code /bin/sh} of the host (and of the sandbox: {@code /usr} is shared), runs the launch scripts. */
    static final Path SH = Path.of("/bin/sh");

    private static final List<Path> DIRECTORIES = List.of(Path.of("/usr/bin"), Path.of("/usr/sbin"), Path.of("/bin"));

    static HostTools find() {
        return new HostTools(find("bwrap"), find("setpriv"), find("perl"), find("python3"), find("slirp4netns"),
                find("nsenter"), find("nft"));
    }

    private static Optional<Path> find(String name) {
        return DIRECTORIES.stream().map(dir -> dir.resolve(name)).filter(Files::isExecutable).findFirst();
    }

    /** What is missing, each naming the Debian package that provides it. */
    List<String> missing(boolean hearthIsRoot) {
        List<String> missing = new ArrayList<>();
        if (bwrap.isEmpty()) {
            missing.add("bubblewrap: apt-get install bubblewrap");
        }
        if (hearthIsRoot && setpriv.isEmpty()) {
            missing.add("setpriv: apt-get install util-linux");
        }
        if (perl.isEmpty() || !perl.get().startsWith("/usr")) {
            missing.add("perl in /usr (Runtime API forwarder inside sandboxes): apt-get install perl-base");
        }
        if (python3.isEmpty()) {
            missing.add("python3 (compiles the seccomp filter): apt-get install python3 python3-seccomp");
        }
        if (slirp4netns.isEmpty()) {
            missing.add("slirp4netns (outbound network of functions): apt-get install slirp4netns");
        }
        if (nsenter.isEmpty()) {
            missing.add("nsenter (sets the outbound rules of functions): apt-get install util-linux");
        }
        if (nft.isEmpty()) {
            missing.add("nft (outbound rules of functions: no host address, no private range): apt-get install nftables");
        }
        if (!Files.isExecutable(SH)) {
            missing.add("/bin/sh: apt-get install dash");
        }
        return missing;
    }
}
