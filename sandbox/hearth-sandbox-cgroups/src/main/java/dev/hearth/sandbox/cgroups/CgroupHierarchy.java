package dev.hearth.sandbox.cgroups;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Where a backend's sandbox cgroups live: a parent cgroup inside Hearth's own cgroup of each
 * hierarchy, on a cgroup v1 (legacy or hybrid) or a cgroup v2 (unified) host, with one child cgroup
 * per sandbox. A value; {@link #prepare()} and {@link #create} touch the cgroup file system, so
 * several backends (or threads) may use one safely as long as sandbox ids are unique.
 */
public sealed interface CgroupHierarchy {

    /**
     * Cgroup v1: one parent directory, of the same name, in each of the memory, cpu and pids
     * hierarchies, and in the freezer hierarchy when the host mounts one (sandboxes can then be
     * frozen).
     */
    record V1(Path memory, Path cpu, Path pids, Optional<Path> freezer) implements CgroupHierarchy {
        /** Without a freezer hierarchy. */
        public V1(Path memory, Path cpu, Path pids) {
            this(memory, cpu, pids, Optional.empty());
        }

        @Override
        public String describe() {
            return "cgroup v1 (memory " + memory + ", cpu " + cpu + ", pids " + pids
                    + freezer.map(dir -> ", freezer " + dir).orElse(", no freezer") + ")";
        }

        /** Relative: an OCI runtime resolves it in each hierarchy against its own (Hearth's) cgroup. */
        @Override
        public String cgroupsPath(String sandboxId) {
            return memory.getFileName() + "/" + sandboxId;
        }

        @Override
        public void prepare() throws IOException {
            for (Path parent : List.of(memory, cpu, pids)) {
                Files.createDirectories(parent);
            }
            if (freezer.isPresent()) {
                Files.createDirectories(freezer.get());
            }
        }

        @Override
        public SandboxCgroup.V1 sandbox(String sandboxId) {
            return new SandboxCgroup.V1(memory.resolve(sandboxId), cpu.resolve(sandboxId), pids.resolve(sandboxId),
                    freezer.map(dir -> dir.resolve(sandboxId)));
        }

        @Override
        public SandboxCgroup create(String sandboxId, CgroupLimits limits) throws IOException {
            SandboxCgroup.V1 group = sandbox(sandboxId);
            List<Path> made = new ArrayList<>();
            try {
                for (Path dir : group.directories()) {
                    made.add(Files.createDirectory(dir));
                }
                group.applyLimits(limits);
                return group;
            } catch (IOException | RuntimeException e) {
                CgroupHierarchy.removeQuietly(made, e);
                throw e;
            }
        }
    }

    /**
     * Cgroup v2: one parent directory with the memory, cpu and pids controllers enabled for its children.
     *
     * @param parent the parent directory under the cgroup2 mount
     * @param parentPath the same cgroup as a path from the hierarchy's root ({@code /a/b/hearth})
     */
    record V2(Path parent, String parentPath) implements CgroupHierarchy {
        @Override
        public String describe() {
            return "cgroup v2 (" + parent + ")";
        }

        /** Absolute, from the root of the unified hierarchy. */
        @Override
        public String cgroupsPath(String sandboxId) {
            return parentPath + "/" + sandboxId;
        }

        /**
         * Creates the parent and enables the controllers for its children. The kernel refuses
         * ({@code EBUSY}) when Hearth's own cgroup holds processes and is not the root: then run
         * Hearth in a delegated cgroup whose processes sit in a leaf (systemd {@code Delegate=yes}).
         */
        @Override
        public void prepare() throws IOException {
            Files.createDirectories(parent);
            CgroupFiles.write(parent.getParent().resolve("cgroup.subtree_control"), CONTROLLERS);
            CgroupFiles.write(parent.resolve("cgroup.subtree_control"), CONTROLLERS);
        }

        @Override
        public SandboxCgroup.V2 sandbox(String sandboxId) {
            return new SandboxCgroup.V2(parent.resolve(sandboxId));
        }

        @Override
        public SandboxCgroup create(String sandboxId, CgroupLimits limits) throws IOException {
            SandboxCgroup.V2 group = sandbox(sandboxId);
            List<Path> made = new ArrayList<>();
            try {
                made.add(Files.createDirectory(group.dir()));
                group.applyLimits(limits);
                return group;
            } catch (IOException | RuntimeException e) {
                CgroupHierarchy.removeQuietly(made, e);
                throw e;
            }
        }
    }

    /** The controllers a v2 sandbox cgroup needs. */
    String CONTROLLERS = "+memory +cpu +pids";

    /** One line for the start-up log. */
    String describe();

    /** The {@code linux.cgroupsPath} of an OCI runtime spec that names {@link #sandbox}'s cgroup. */
    String cgroupsPath(String sandboxId);

    /** Creates the parent cgroup(s) if missing. Idempotent. */
    void prepare() throws IOException;

    /** The cgroup a sandbox with this id has or would have (nothing is created). */
    SandboxCgroup sandbox(String sandboxId);

    /**
     * Creates the cgroup of one sandbox with its limits set: memory (no swap beyond it), pids, and
     * the CPU quota unless {@link CgroupLimits#cpuAfterInit()}. Nothing is left behind when it fails.
     *
     * @throws java.nio.file.FileAlreadyExistsException when a cgroup of that name exists already
     *     (left untouched)
     */
    SandboxCgroup create(String sandboxId, CgroupLimits limits) throws IOException;

    /**
     * The names of the child cgroups that exist now (in the memory hierarchy on v1).
     *
     * @throws IOException when the parent cannot be listed (it does not exist before {@link #prepare()})
     */
    default List<String> children() throws IOException {
        Path parent = sandbox("x").directories().getFirst().getParent();
        try (var entries = Files.list(parent)) {
            return entries.filter(Files::isDirectory).map(dir -> dir.getFileName().toString()).sorted().toList();
        }
    }

    /**
     * Creates a cgroup with no limits of its own yet (those of its parent apply), for a process
     * that joins it before its sandbox is known; {@link SandboxCgroup#applyLimits} sets them later.
     * Nothing is left behind when it fails.
     *
     * @throws java.nio.file.FileAlreadyExistsException when a cgroup of that name exists already
     */
    default SandboxCgroup createUnlimited(String name) throws IOException {
        SandboxCgroup group = sandbox(name);
        List<Path> made = new ArrayList<>();
        try {
            for (Path dir : group.directories()) {
                made.add(Files.createDirectory(dir));
            }
            return group;
        } catch (IOException | RuntimeException e) {
            removeQuietly(made, e);
            throw e;
        }
    }

    /**
     * Finds the hierarchy from the cgroup mount and the contents of {@code /proc/self/cgroup}.
     *
     * @param mountRoot where cgroups are mounted ({@code /sys/fs/cgroup})
     * @param selfCgroup the text of {@code /proc/self/cgroup}
     * @param parentName the name of the backend's parent cgroup inside Hearth's own
     * @return empty when neither a v2 hierarchy with the memory controller nor v1 memory, cpu and
     *     pids hierarchies are mounted
     */
    static Optional<CgroupHierarchy> detect(Path mountRoot, String selfCgroup, String parentName) {
        Path controllers = mountRoot.resolve("cgroup.controllers");
        if (Files.isRegularFile(controllers) && readOrEmpty(controllers).contains("memory")) {
            return ownPath(selfCgroup, "").map(own -> {
                String parentPath = (own.endsWith("/") ? own : own + "/") + parentName;
                return new V2(under(mountRoot, own).resolve(parentName), parentPath);
            });
        }
        Optional<Path> memory = v1Parent(mountRoot, selfCgroup, "memory", parentName);
        Optional<Path> cpu = v1Parent(mountRoot, selfCgroup, "cpu", parentName);
        Optional<Path> pids = v1Parent(mountRoot, selfCgroup, "pids", parentName);
        if (memory.isPresent() && cpu.isPresent() && pids.isPresent()) {
            return Optional.of(new V1(memory.get(), cpu.get(), pids.get(),
                    v1Parent(mountRoot, selfCgroup, "freezer", parentName)));
        }
        return Optional.empty();
    }

    /**
     * {@link #detect} for this process under {@code /sys/fs/cgroup}.
     *
     * @throws UncheckedIOException when {@code /proc/self/cgroup} cannot be read
     */
    static Optional<CgroupHierarchy> detectHere(String parentName) {
        Path self = Path.of("/proc/self/cgroup");
        try {
            return detect(Path.of("/sys/fs/cgroup"), Files.readString(self), parentName);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + self, e);
        }
    }

    private static Optional<Path> v1Parent(Path mountRoot, String selfCgroup, String controller, String parentName) {
        Path mount = mountRoot.resolve(controller);
        if (!Files.isDirectory(mount) || !Files.isRegularFile(mount.resolve("cgroup.procs"))) {
            return Optional.empty();
        }
        return ownPath(selfCgroup, controller).map(own -> under(mount, own).resolve(parentName));
    }

    /** The path of this process's cgroup in the hierarchy of {@code controller} ("" for v2's unified line). */
    private static Optional<String> ownPath(String selfCgroup, String controller) {
        for (String line : selfCgroup.lines().toList()) {
            String[] parts = line.split(":", 3);
            if (parts.length == 3 && List.of(parts[1].split(",")).contains(controller)) {
                return Optional.of(parts[2]);
            }
        }
        return Optional.empty();
    }

    private static Path under(Path mount, String cgroupPath) {
        String relative = cgroupPath.replaceFirst("^/+", "");
        return relative.isEmpty() ? mount : mount.resolve(relative);
    }

    /** A file's text, or "" when it cannot be read (a missing {@code cgroup.controllers} means no cgroup v2). */
    private static String readOrEmpty(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return "";
        }
    }

    /** Removes the directories a failed {@link #create} made, newest first; failures are added to {@code cause}. */
    private static void removeQuietly(List<Path> made, Exception cause) {
        for (Path dir : made.reversed()) {
            try {
                Files.deleteIfExists(dir);
            } catch (IOException | RuntimeException e) {
                cause.addSuppressed(e);
            }
        }
    }
}
