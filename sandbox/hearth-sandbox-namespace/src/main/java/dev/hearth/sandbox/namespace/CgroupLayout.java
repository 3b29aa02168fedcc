package dev.hearth.sandbox.namespace;

import dev.hearth.sandbox.spi.ResourceLimits;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Where the backend's sandbox cgroups live: the cgroup {@code parentName} inside Hearth's own
 * cgroup of each hierarchy, on a cgroup v1 (legacy or hybrid) or a cgroup v2 (unified) host.
 * Immutable and thread-safe; {@link #prepare()} and {@link #create} touch the cgroup file system.
 */
sealed interface CgroupLayout {

    /** Cgroup v1: one parent directory in each of the memory, cpu and pids hierarchies. */
    record V1(Path memory, Path cpu, Path pids) implements CgroupLayout {
        @Override
        public String describe() {
            return "cgroup v1 (memory " + memory + ", cpu " + cpu + ", pids " + pids + ")";
        }

        @Override
        public void prepare() throws IOException {
            for (Path parent : List.of(memory, cpu, pids)) {
                Files.createDirectories(parent);
            }
        }

        @Override
        public SandboxCgroup.V1 of(String sandboxId) {
            return new SandboxCgroup.V1(memory.resolve(sandboxId), cpu.resolve(sandboxId), pids.resolve(sandboxId));
        }

        @Override
        public SandboxCgroup create(String sandboxId, ResourceLimits limits) throws IOException {
            SandboxCgroup.V1 group = of(sandboxId);
            try {
                for (Path dir : List.of(group.memory(), group.cpu(), group.pids())) {
                    Files.createDirectory(dir);
                }
                long bytes = limits.memoryMb() * 1024L * 1024L;
                CgroupFiles.write(group.memory().resolve("memory.limit_in_bytes"), Long.toString(bytes));
                if (Files.exists(group.memory().resolve("memory.memsw.limit_in_bytes"))) {
                    // no swapping past the limit either
                    CgroupFiles.write(group.memory().resolve("memory.memsw.limit_in_bytes"), Long.toString(bytes));
                }
                CgroupFiles.write(group.cpu().resolve("cpu.cfs_period_us"), Long.toString(CPU_PERIOD_US));
                CgroupFiles.write(group.cpu().resolve("cpu.cfs_quota_us"), Long.toString(cpuQuotaMicros(limits)));
                CgroupFiles.write(group.pids().resolve("pids.max"), Integer.toString(limits.maxProcesses()));
                return group;
            } catch (FileAlreadyExistsException e) {
                throw e;
            } catch (IOException | RuntimeException e) {
                group.remove();
                throw e;
            }
        }
    }

    /** Cgroup v2: one parent directory with the memory, cpu and pids controllers enabled for its children. */
    record V2(Path parent) implements CgroupLayout {
        @Override
        public String describe() {
            return "cgroup v2 (" + parent + ")";
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
        public SandboxCgroup.V2 of(String sandboxId) {
            return new SandboxCgroup.V2(parent.resolve(sandboxId));
        }

        @Override
        public SandboxCgroup create(String sandboxId, ResourceLimits limits) throws IOException {
            SandboxCgroup.V2 group = of(sandboxId);
            try {
                Files.createDirectory(group.dir());
                CgroupFiles.write(group.dir().resolve("memory.max"), Long.toString(limits.memoryMb() * 1024L * 1024L));
                if (Files.exists(group.dir().resolve("memory.swap.max"))) {
                    CgroupFiles.write(group.dir().resolve("memory.swap.max"), "0");
                }
                CgroupFiles.write(group.dir().resolve("cpu.max"), cpuQuotaMicros(limits) + " " + CPU_PERIOD_US);
                CgroupFiles.write(group.dir().resolve("pids.max"), Integer.toString(limits.maxProcesses()));
                return group;
            } catch (FileAlreadyExistsException e) {
                throw e;
            } catch (IOException | RuntimeException e) {
                group.remove();
                throw e;
            }
        }
    }

    /** CFS period for the CPU quota (the kernel's default, 100 ms). */
    long CPU_PERIOD_US = 100_000;
    /** The controllers a v2 sandbox cgroup needs. */
    String CONTROLLERS = "+memory +cpu +pids";

    /** One line for the start-up log. */
    String describe();

    /** Creates the parent cgroup(s) if missing. Idempotent. */
    void prepare() throws IOException;

    /** The cgroup a sandbox with this id has or would have (nothing is created). */
    SandboxCgroup of(String sandboxId);

    /**
     * Creates the cgroup of one sandbox with its limits set: memory ({@code memoryMb}, no swap),
     * CPU quota ({@code vcpus} × period) and {@code pids.max} ({@code maxProcesses}). Nothing is
     * left behind when it fails.
     */
    SandboxCgroup create(String sandboxId, ResourceLimits limits) throws IOException;

    /** The CPU quota per {@link #CPU_PERIOD_US} for {@code limits.vcpus()}, at least the kernel's 1 ms minimum. */
    static long cpuQuotaMicros(ResourceLimits limits) {
        return Math.max(1000, Math.round(limits.vcpus() * CPU_PERIOD_US));
    }

    /**
     * Finds the layout from the cgroup mount and the contents of {@code /proc/self/cgroup}.
     *
     * @param mountRoot where cgroups are mounted ({@code /sys/fs/cgroup})
     * @param selfCgroup the text of {@code /proc/self/cgroup}
     * @return empty when neither a v2 hierarchy with the memory controller nor v1 memory, cpu and
     *     pids hierarchies are mounted
     */
    static Optional<CgroupLayout> detect(Path mountRoot, String selfCgroup, String parentName) {
        Path controllers = mountRoot.resolve("cgroup.controllers");
        if (Files.isRegularFile(controllers) && readControllers(controllers).contains("memory")) {
            return ownPath(selfCgroup, "").map(own -> new V2(under(mountRoot, own).resolve(parentName)));
        }
        Optional<Path> memory = v1Parent(mountRoot, selfCgroup, "memory", parentName);
        Optional<Path> cpu = v1Parent(mountRoot, selfCgroup, "cpu", parentName);
        Optional<Path> pids = v1Parent(mountRoot, selfCgroup, "pids", parentName);
        if (memory.isPresent() && cpu.isPresent() && pids.isPresent()) {
            return Optional.of(new V1(memory.get(), cpu.get(), pids.get()));
        }
        return Optional.empty();
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

    private static String readControllers(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return "";
        }
    }
}
