package dev.hearth.sandbox.gvisor;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.hearth.sandbox.cgroups.CgroupLimits;
import dev.hearth.sandbox.spi.ResourceLimits;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The OCI bundle of one sandbox: a directory holding the runtime spec ({@code config.json}) that
 * runsc runs. The spec describes:
 * <ul>
 *   <li>root: the shared {@link RootfsSkeleton}, read-only; the host's {@code /usr} (and the other
 *       {@link RootfsSkeleton.Layout#hostBinds()}) bound read-only; {@code /proc}; gVisor provides
 *       its own {@code /dev} (null, zero, random, urandom, tty, pts, shm);</li>
 *   <li>{@code /var/task} and {@code /var/runtime}: the task and runtime roots, bound read-only;
 *       {@code /opt}: the merged layers, bound read-only (an empty directory of the skeleton
 *       without layers);</li>
 *   <li>{@code /tmp}: a private tmpfs of {@code ephemeralStorageMb} (mode 1777). gVisor keeps tmpfs
 *       in its own memory, so files in {@code /tmp} count against the sandbox's memory cgroup;</li>
 *   <li>the Runtime API socket bound at {@link RootfsSkeleton#RUNTIME_API_SOCKET};</li>
 *   <li>process: {@link SandboxInit}'s argv and environment, cwd {@code /var/task}, the sandbox uid/gid with no
 *       supplementary groups, no capabilities at all, {@code noNewPrivileges}, rlimits
 *       {@code NOFILE} 1024, {@code CORE} 0 and {@code NPROC} = {@code maxProcesses} (enforced by
 *       gVisor per sandbox: fork fails with EAGAIN);</li>
 *   <li>namespaces pid, network, ipc, uts, mount (runsc starts with {@code --network=none}: only
 *       loopback; with {@code hostNetwork} no network namespace: runsc runs with
 *       {@code --network=host} in {@link GvisorNetwork}'s namespace), hostname {@code hearth}; {@code cgroupsPath} of the backend's pre-made cgroup;
 *       {@code linux.resources} repeat the limits so that gVisor reports {@code memoryMb} as the
 *       machine's memory and sizes itself (runsc does not rewrite a pre-made cgroup).</li>
 * </ul>
 * Stateless.
 */
final class OciBundle {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final List<String> READ_ONLY_BIND = List.of("rbind", "ro", "nosuid", "nodev");

    private OciBundle() {}

    /** Everything one bundle is made of. */
    record Contents(
            RootfsSkeleton.Layout rootfs, Path taskRoot, Path runtimeRoot, Path runtimeApiSocket,
            List<String> argv, List<String> env, int uid, int gid, ResourceLimits limits, String cgroupsPath,
            Optional<Path> optRoot, boolean hostNetwork) {
        Contents {
            argv = List.copyOf(argv);
            env = List.copyOf(env);
            Objects.requireNonNull(optRoot, "optRoot");
        }

        /** Contents of a sandbox with loopback only. */
        Contents(RootfsSkeleton.Layout rootfs, Path taskRoot, Path runtimeRoot, Path runtimeApiSocket, List<String> argv,
                List<String> env, int uid, int gid, ResourceLimits limits, String cgroupsPath, Optional<Path> optRoot) {
            this(rootfs, taskRoot, runtimeRoot, runtimeApiSocket, argv, env, uid, gid, limits, cgroupsPath, optRoot, false);
        }
    }

    /**
     * Writes {@code config.json} into {@code bundleDir} (created if missing) and returns the directory.
     * The spec holds the function's environment, so the directory is its owner's only (0700) and the
     * file 0600: runsc, run as that owner, reads it; no sandbox user or other local user can.
     */
    static Path write(Path bundleDir, Contents contents) throws IOException {
        Files.createDirectories(bundleDir);
        Files.setPosixFilePermissions(bundleDir, PosixFilePermissions.fromString("rwx------"));
        Path config = bundleDir.resolve("config.json");
        Files.deleteIfExists(config);
        Files.createFile(config, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        JSON.writeValue(config.toFile(), spec(contents));
        return bundleDir;
    }

    /** The OCI runtime spec as JSON-ready maps and lists. */
    static Map<String, Object> spec(Contents contents) {
        ResourceLimits limits = contents.limits();
        Map<String, Object> spec = new LinkedHashMap<>();
        spec.put("ociVersion", "1.0.2");
        Map<String, Object> process = new LinkedHashMap<>();
        process.put("terminal", false);
        process.put("user", Map.of("uid", contents.uid(), "gid", contents.gid(), "additionalGids", List.of()));
        process.put("args", contents.argv());
        process.put("env", contents.env());
        process.put("cwd", "/var/task");
        List<String> none = List.of();
        process.put("capabilities", Map.of("bounding", none, "effective", none, "inheritable", none,
                "permitted", none, "ambient", none));
        process.put("noNewPrivileges", true);
        process.put("rlimits", List.of(
                rlimit("RLIMIT_NOFILE", 1024),
                rlimit("RLIMIT_CORE", 0),
                rlimit("RLIMIT_NPROC", limits.maxProcesses())));
        spec.put("process", process);
        spec.put("root", Map.of("path", contents.rootfs().root().toString(), "readonly", true));
        spec.put("hostname", "hearth");
        spec.put("mounts", mounts(contents));
        Map<String, Object> linux = new LinkedHashMap<>();
        // with the host network, runsc uses the namespace it runs in (GvisorNetwork's), so the spec names none
        linux.put("namespaces", contents.hostNetwork()
                ? List.of(Map.of("type", "pid"), Map.of("type", "ipc"), Map.of("type", "uts"), Map.of("type", "mount"))
                : List.of(Map.of("type", "pid"), Map.of("type", "network"), Map.of("type", "ipc"), Map.of("type", "uts"),
                        Map.of("type", "mount")));
        linux.put("cgroupsPath", contents.cgroupsPath());
        linux.put("resources", Map.of(
                "memory", Map.of("limit", limits.memoryMb() * 1024L * 1024L),
                "cpu", Map.of("quota", CgroupLimits.cpuQuotaMicros(limits.vcpus()), "period", CgroupLimits.CPU_PERIOD_US),
                "pids", Map.of("limit", limits.maxProcesses())));
        spec.put("linux", linux);
        return spec;
    }

    private static List<Map<String, Object>> mounts(Contents contents) {
        List<Map<String, Object>> mounts = new ArrayList<>();
        mounts.add(mount("/proc", "proc", "proc", List.of("nosuid", "noexec", "nodev")));
        mounts.add(mount("/tmp", "tmpfs", "tmpfs", List.of("nosuid", "nodev", "mode=1777",
                "size=" + contents.limits().ephemeralStorageMb() + "m")));
        for (RootfsSkeleton.Bind bind : contents.rootfs().hostBinds()) {
            mounts.add(mount(bind.destination(), "bind", bind.source().toString(), READ_ONLY_BIND));
        }
        mounts.add(mount("/var/task", "bind", contents.taskRoot().toString(), READ_ONLY_BIND));
        mounts.add(mount("/var/runtime", "bind", contents.runtimeRoot().toString(), READ_ONLY_BIND));
        contents.optRoot().ifPresent(opt -> mounts.add(mount("/opt", "bind", opt.toString(), READ_ONLY_BIND)));
        mounts.add(mount(RootfsSkeleton.RUNTIME_API_SOCKET, "bind", contents.runtimeApiSocket().toString(),
                List.of("bind", "nosuid", "nodev")));
        return mounts;
    }

    private static Map<String, Object> mount(String destination, String type, String source, List<String> options) {
        Map<String, Object> mount = new LinkedHashMap<>();
        mount.put("destination", destination);
        mount.put("type", type);
        mount.put("source", source);
        mount.put("options", options);
        return mount;
    }

    private static Map<String, Object> rlimit(String type, long value) {
        return Map.of("type", type, "hard", value, "soft", value);
    }
}
