package dev.hearth.server;

import dev.hearth.sandbox.gvisor.GvisorSandboxBackend;
import dev.hearth.sandbox.gvisor.GvisorSandboxSettings;
import dev.hearth.sandbox.microvm.GuestContents;
import dev.hearth.sandbox.microvm.MicrovmConfig;
import dev.hearth.sandbox.microvm.MicrovmSandboxBackend;
import dev.hearth.sandbox.namespace.NamespaceSandboxBackend;
import dev.hearth.sandbox.namespace.NamespaceSandboxSettings;
import dev.hearth.sandbox.process.ProcessSandboxBackend;
import dev.hearth.sandbox.process.ProcessSandboxSettings;
import dev.hearth.sandbox.spi.HostSupport;
import dev.hearth.sandbox.spi.OutboundPolicy;
import dev.hearth.sandbox.spi.SandboxBackend;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The isolation backends this build of Hearth has, and the choice among them: the one named by
 * {@code --sandbox}, which must be usable here, or else the strongest usable one among those fit to
 * be a default. The choice, and what the host lacks for stronger ones, are logged at start-up; a
 * backend that cannot be used is a {@link StartupRefusal} naming what is missing and its fix.
 *
 * <p>{@code microvm} and {@code gvisor} are chosen only by name: where KVM does not work a microVM
 * runs under software emulation, seconds per cold start, and its probe itself costs a trial boot;
 * gVisor on its ptrace platform adds ~0.4 s to every cold start.
 *
 * <p>When Hearth runs as root, the {@code namespace} and {@code process} backends open the
 * function's files below the data directory as their unprivileged sandbox user (gVisor's and
 * QEMU's host processes open them as root); for those two the data directory must be
 * {@linkplain SandboxUserReach reachable} by that user, or Hearth refuses to start.
 */
final class SandboxBackends {
    private static final Logger LOG = LoggerFactory.getLogger(SandboxBackends.class);

    /** Environment variable naming the microvm backend's QEMU binary (default: {@code qemu-system-x86_64} on PATH). */
    static final String QEMU_VARIABLE = "HEARTH_QEMU";

    private static final ProcessSandboxSettings PROCESS = ProcessSandboxSettings.defaults();

    /**
     * A backend, made from the directory where it may keep built images and state.
     *
     * @param hostPathUser the unprivileged uid and gid that opens host paths below the data
     *     directory when Hearth runs as root, for backends where that is not root
     */
    private record Candidate(String name, boolean defaultCandidate, Function<Path, SandboxBackend> factory,
            Optional<SandboxUserReach.User> hostPathUser) {}

    private SandboxBackends() {}

    /** Strongest first. */
    private static List<Candidate> candidates(Map<String, String> environment, OutboundPolicy outbound) {
        String qemu = Optional.ofNullable(environment.get(QEMU_VARIABLE)).filter(s -> !s.isBlank()).orElse(null);
        return List.of(
                new Candidate("microvm", false, dir -> microvm(dir, qemu, outbound), Optional.empty()),
                new Candidate("gvisor", false, dir -> new GvisorSandboxBackend(
                        GvisorSandboxSettings.defaults(dir).withOutbound(outbound)),
                        Optional.empty()),
                new Candidate("namespace", true, dir -> new NamespaceSandboxBackend(
                        NamespaceSandboxSettings.defaults(dir).withOutbound(outbound)),
                        Optional.of(new SandboxUserReach.User(NamespaceSandboxSettings.NOBODY, NamespaceSandboxSettings.NOBODY))),
                new Candidate("process", true, dir -> new ProcessSandboxBackend(PROCESS),
                        Optional.of(new SandboxUserReach.User(PROCESS.unprivilegedUid(), PROCESS.unprivilegedGid()))));
    }

    static List<String> names() {
        return candidates(Map.of(), OutboundPolicy.DEFAULT).stream().map(Candidate::name).toList();
    }

    /**
     * Chooses with this process's environment ({@value #QEMU_VARIABLE}).
     *
     * @param requested the backend's name, or empty for the strongest usable default
     * @param stateDir a directory directly below the data directory, where the backend may keep
     *     images and state (one folder per backend)
     * @param outbound where sandboxes may connect (private ranges allowed besides the internet)
     * @throws StartupRefusal for an unknown backend, one that cannot run on this host, or a data
     *     directory its sandbox user cannot reach
     */
    static SandboxBackend choose(Optional<String> requested, Path stateDir, OutboundPolicy outbound) {
        return choose(requested, stateDir, System.getenv(), SandboxUserReach.hearthRunsAsRoot(), outbound);
    }

    static SandboxBackend choose(Optional<String> requested, Path stateDir, Map<String, String> environment, boolean root) {
        return choose(requested, stateDir, environment, root, OutboundPolicy.DEFAULT);
    }

    /**
     * @param outbound where sandboxes with network access may connect, for the backends that
     *     enforce it (namespace; the process backend isolates nothing)
     */
    static SandboxBackend choose(Optional<String> requested, Path stateDir, Map<String, String> environment, boolean root,
            OutboundPolicy outbound) {
        List<Candidate> candidates = candidates(environment, outbound);
        Path dataDir = stateDir.toAbsolutePath().getParent();
        if (requested.isPresent()) {
            Candidate candidate = candidates.stream().filter(c -> c.name().equals(requested.get())).findFirst()
                    .orElseThrow(() -> new StartupRefusal("unknown sandbox backend '" + requested.get() + "'; choose one of "
                            + String.join(", ", names()) + " (--sandbox or HEARTH_SANDBOX)"));
            SandboxBackend backend = candidate.factory().apply(stateDir.resolve(candidate.name()));
            HostSupport support = backend.probe();
            if (!support.usable()) {
                backend.close();
                throw new StartupRefusal("the " + candidate.name() + " sandbox backend cannot run on this host; missing: "
                        + String.join("; ", support.missing()));
            }
            requireReach(candidate, backend, dataDir, root);
            LOG.info("Sandbox backend: {} ({})", backend.name(), support.summary());
            return backend;
        }
        List<String> tried = new ArrayList<>();
        for (Candidate candidate : candidates) {
            if (!candidate.defaultCandidate()) {
                continue;
            }
            SandboxBackend backend = candidate.factory().apply(stateDir.resolve(candidate.name()));
            HostSupport support = backend.probe();
            if (support.usable()) {
                requireReach(candidate, backend, dataDir, root);
                LOG.info("Sandbox backend: {} ({}), the strongest default this host supports", backend.name(), support.summary());
                return backend;
            }
            LOG.warn("Sandbox backend {} is not usable here: {}; missing: {}", candidate.name(), support.summary(),
                    String.join("; ", support.missing()));
            tried.add(candidate.name() + " lacks " + String.join(", ", support.missing()));
            backend.close();
        }
        throw new StartupRefusal("no sandbox backend can run on this host: " + String.join("; ", tried));
    }

    private static void requireReach(Candidate candidate, SandboxBackend backend, Path dataDir, boolean root) {
        if (!root || candidate.hostPathUser().isEmpty()) {
            return;
        }
        try {
            SandboxUserReach.require(dataDir, candidate.hostPathUser().get(), candidate.name());
        } catch (StartupRefusal e) {
            backend.close();
            throw e;
        }
    }

    private static SandboxBackend microvm(Path dir, String qemuBinary, OutboundPolicy outbound) {
        GuestContents contents;
        try {
            contents = GuestContents.python();
        } catch (IOException e) {
            throw new StartupRefusal("the microvm sandbox backend cannot run on this host; missing: " + e.getMessage(), e);
        }
        MicrovmConfig defaults = MicrovmConfig.defaults(dir, contents).withOutbound(outbound);
        return new MicrovmSandboxBackend(qemuBinary == null ? defaults : new MicrovmConfig(defaults.cacheDir(),
                defaults.memoryDir(), defaults.contents(), defaults.accelerator(), qemuBinary, outbound));
    }
}
