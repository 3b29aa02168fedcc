package dev.hearth.sandbox.microvm;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Which host files go into the guest's read-only system image (mounted at {@code /usr}): trees
 * under the host's {@code /usr}, minus excluded subtrees. The shared libraries of every ELF file
 * included are added by {@link GuestImageBuilder} (found with {@code ldd}).
 *
 * @param trees host paths under {@code /usr} (files, symlinks or directories)
 * @param excluded host subtrees left out
 */
public record GuestContents(List<Path> trees, List<Path> excluded) {
    public GuestContents {
        trees = List.copyOf(trees);
        excluded = List.copyOf(excluded);
        for (Path each : trees) {
            if (!each.isAbsolute() || !each.normalize().startsWith("/usr/")) {
                throw new IllegalArgumentException("guest contents must be under /usr: " + each);
            }
        }
    }

    /**
     * The host's {@code python3} with its standard library (without its test suite and GUI
     * modules): about 75 MB, which every Hearth python runtime needs.
     */
    public static GuestContents python() throws IOException {
        Path launcher = Path.of("/usr/bin/python3");
        if (!Files.exists(launcher)) {
            throw new IOException("no /usr/bin/python3 on this host: apt-get install python3");
        }
        Path interpreter = launcher.toRealPath();
        String version = interpreter.getFileName().toString(); // python3.11
        Path stdlib = Path.of("/usr/lib", version);
        List<Path> trees = new ArrayList<>(List.of(launcher, Path.of("/usr/bin", version), stdlib));
        List<Path> excluded = List.of(stdlib.resolve("test"), stdlib.resolve("idlelib"), stdlib.resolve("tkinter"),
                stdlib.resolve("turtledemo"), stdlib.resolve("lib2to3/tests"));
        return new GuestContents(trees, excluded);
    }

    /** These contents plus more host paths (e.g. {@code /usr/bin/node}). */
    public GuestContents with(Path... more) {
        List<Path> all = new ArrayList<>(trees);
        all.addAll(List.of(more));
        return new GuestContents(all, excluded);
    }
}
