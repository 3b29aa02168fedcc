package dev.hearth.server;

import dev.hearth.sandbox.gvisor.GvisorSandboxBackend;
import dev.hearth.sandbox.gvisor.GvisorSandboxSettings;
import dev.hearth.sandbox.microvm.GuestContents;
import dev.hearth.sandbox.microvm.MicrovmConfig;
import dev.hearth.sandbox.microvm.MicrovmSandboxBackend;
import dev.hearth.sandbox.namespace.NamespaceSandboxBackend;
import dev.hearth.sandbox.namespace.NamespaceSandboxSettings;
import dev.hearth.sandbox.process.ProcessSandboxBackend;
import dev.hearth.sandbox.spi.HostSupport;
import dev.hearth.sandbox.spi.SandboxBackend;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The isolation backends this build of Hearth has, and the choice among them: the one named by
 * {@code --sandbox}, which must be usable here, or else the strongest usable one among those fit to
 * be a default. The choice, and what the host lacks for stronger ones, are logged at start-up.
 *
 * <p>{@code microvm} and {@code gvisor} are chosen only by name: where KVM does not work a microVM
 * runs under software emulation, seconds per cold start, and its probe itself costs a trial boot;
 * gVisor on its ptrace platform adds ~0.4 s to every cold start.
 */
final class SandboxBackends {
    private static final Logger LOG = LoggerFactory.getLogger(SandboxBackends.class);

    /** A backend, made from the directory where it may keep built images and state. */
    private record Candidate(String name, boolean defaultCandidate, Function<Path, SandboxBackend> factory) {}

    /** Strongest first. */
    private static final List<Candidate> BACKENDS = List.of(
            new Candidate("microvm", false, SandboxBackends::microvm),
            new Candidate("gvisor", false, dir -> new GvisorSandboxBackend(GvisorSandboxSettings.defaults(dir))),
            new Candidate("namespace", true, dir -> new NamespaceSandboxBackend(NamespaceSandboxSettings.defaults(dir))),
            new Candidate("process", true, dir -> new ProcessSandboxBackend()));

    private SandboxBackends() {}

    static List<String> names() {
        return BACKENDS.stream().map(Candidate::name).toList();
    }

    /**
     * @param requested the backend's name, or empty for the strongest usable default
     * @param stateDir a directory the backend may use for images and state
     */
    static SandboxBackend choose(Optional<String> requested, Path stateDir) {
        if (requested.isPresent()) {
            Candidate candidate = BACKENDS.stream().filter(c -> c.name().equals(requested.get())).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException(
                            "unknown sandbox backend '" + requested.get() + "'; choose one of " + names()));
            SandboxBackend backend = candidate.factory().apply(stateDir.resolve(candidate.name()));
            HostSupport support = backend.probe();
            if (!support.usable()) {
                backend.close();
                throw new IllegalStateException("sandbox backend '" + requested.get() + "' cannot run on this host: "
                        + support.summary() + "; missing: " + String.join("; ", support.missing()));
            }
            LOG.info("Sandbox backend: {} ({})", backend.name(), support.summary());
            return backend;
        }
        for (Candidate candidate : BACKENDS) {
            if (!candidate.defaultCandidate()) {
                continue;
            }
            SandboxBackend backend = candidate.factory().apply(stateDir.resolve(candidate.name()));
            HostSupport support = backend.probe();
            if (support.usable()) {
                LOG.info("Sandbox backend: {} ({}), the strongest default this host supports", backend.name(), support.summary());
                return backend;
            }
            LOG.warn("Sandbox backend {} is not usable here: {}; missing: {}", candidate.name(), support.summary(),
                    String.join("; ", support.missing()));
            backend.close();
        }
        throw new IllegalStateException("no sandbox backend can run on this host; tried " + names());
    }

    private static SandboxBackend microvm(Path dir) {
        try {
            return new MicrovmSandboxBackend(MicrovmConfig.defaults(dir, GuestContents.python()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare the microvm backend's guest contents: " + e.getMessage(), e);
        }
    }
}
