package dev.hearth.sandbox.gvisor;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Where the backend's sandbox cgroups live: the cgroup {@code parentName} inside Hearth's own
 * cgroup of each hierarchy (runsc, a child of Hearth, resolves a relative {@code cgroupsPath}
 * against the same cgroup), on a cgroup v1 (legacy or hybrid) or a cgroup v2 (unified) host.
 * Immutable and thread-safe; {@link #prepare()} and {@link #create} touch the cgroup file system.
 */
sealed interface CgroupPlacement {

    /** Cgroup v1: one parent directory in each of the memory, cpu and pids hierarchies. */
    record V1(Path memory, Path cpu, Path pids, String parentName) implements CgroupPlacement {
        @Override
        public String describe() {
            return "cgroup v1 (memory " + memory + ", cpu " + cpu + ", pids " + pids + ")";
        }

        /** Relative: runsc resolves it in each hierarchy against its own (Hearth's) cgroup. */
        @Override
        public String cgroupsPath(String containerId) {
            return parentName + "/" + containerId;
        }

        @Override
        public void prepare() throws IOException {
            for (Path parent : List.of(memory, cpu, pids)) {
                Files.createDirectories(parent);
            }
        }

        @Override
        public ContainerCgroup.V1 existing(String containerId) {
            return new ContainerCgroup.V1(memory.resolve(containerId), cpu.resolve(containerId), pids.resolve(containerId));
        }

        @Override
        public ContainerCgroup create(String containerId, CgroupLimits limits) throws IOException {
            ContainerCgroup.V1 group = existing(containerId);
            try {
                for (Path dir : group.directories()) {
                    Files.createDirectory(dir);
                }
                String bytes = Long.toString(limits.memoryBytes());
                CgroupFiles.write(group.memory().resolve("memory.limit_in_bytes"), bytes);
                if (Files.exists(group.memory().resolve("memory.memsw.limit_in_bytes"))) {
                    CgroupFiles.write(group.memory().resolve("memory.memsw.limit_in_bytes"), bytes);
                }
                CgroupFiles.write(group.cpu().resolve("cpu.cfs_period_us"), Long.toString(CgroupLimits.CPU_PERIOD_US));
                CgroupFiles.write(group.cpu().resolve("cpu.cfs_quota_us"), Long.toString(limits.cpuQuotaMicros()));
                CgroupFiles.write(group.pids().resolve("pids.max"), Long.toString(limits.pidsMax()));
                return group;
            } catch (IOException | RuntimeException e) {
                removeQuietly(group, e);
                throw e;
            }
        }
    }

    /**
     * Cgroup v2: one parent directory with the memory, cpu and pids controllers enabled for its
     * children. Not exercised on the development machines (they are cgroup v1).
     *
     * @param parent the parent directory under the cgroup2 mount
     * @param parentPath the same cgroup as a path from the hierarchy's root ({@code /a/b/hearth-gvisor})
     */
    record V2(Path parent, String parentPath) implements CgroupPlacement {
        @Override
        public String describe() {
            return "cgroup v2 (" + parent + ")";
        }

        @Override
        public String cgroupsPath(String containerId) {
            return parentPath + "/" + containerId;
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
        public ContainerCgroup.V2 existing(String containerId) {
            return new ContainerCgroup.V2(parent.resolve(containerId));
        }

        @Override
        public ContainerCgroup create(String containerId, CgroupLimits limits) throws IOException {
            ContainerCgroup.V2 group = existing(containerId);
            try {
                Files.createDirectory(group.dir());
                CgroupFiles.write(group.dir().resolve("memory.max"), Long.toString(limits.memoryBytes()));
                if (Files.exists(group.dir().resolve("memory.swap.max"))) {
                    CgroupFiles.write(group.dir().resolve("memory.swap.max"), "0");
                }
                CgroupFiles.write(group.dir().resolve("cpu.max"), limits.cpuQuotaMicros() + " " + CgroupLimits.CPU_PERIOD_US);
                CgroupFiles.write(group.dir().resolve("pids.max"), Long.toString(limits.pidsMax()));
                return group;
            } catch (IOException | RuntimeException e) {
                removeQuietly(group, e);
                throw e;
            }
        }
    }

    /** The controllers a v2 sandbox cgroup needs. */
    String CONTROLLERS = "+memory +cpu +pids";

    /** One line for the start-up log. */
    String describe();

    /** The {@code linux.cgroupsPath} of the OCI spec that makes runsc join {@link #create}'s cgroup. */
    String cgroupsPath(String containerId);

    /** Creates the parent cgroup(s) if missing. Idempotent. */
    void prepare() throws IOException;

    /** The cgroup {@link #create} makes for {@code containerId}, whether or not it exists. */
    ContainerCgroup existing(String containerId);

    /** Creates the cgroup of one sandbox with its limits set; nothing is left behind when it fails. */
    ContainerCgroup create(String containerId, CgroupLimits limits) throws IOException;

    private static void removeQuietly(ContainerCgroup group, Exception cause) {
        try {
            group.remove();
        } catch (IOException | RuntimeException e) {
            cause.addSuppressed(e);
        }
    }

    /**
     * Finds the placement from the cgroup mount and the contents of {@code /proc/self/cgroup}.
     *
     * @return empty when neither a v2 hierarchy with the memory controller nor v1 memory, cpu and
     *     pids hierarchies are mounted
     */
    static Optional<CgroupPlacement> detect(Path mountRoot, String selfCgroup, String parentName) {
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
            return Optional.of(new V1(memory.get(), cpu.get(), pids.get(), parentName));
        }
        return Optional.empty();
    }

    /** Reads {@code /proc/self/cgroup} and detects the placement under {@code /sys/fs/cgroup}. */
    static Optional<CgroupPlacement> detectHere(String parentName) {
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
    static Optional<String> ownPath(String selfCgroup, String controller) {
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
}
