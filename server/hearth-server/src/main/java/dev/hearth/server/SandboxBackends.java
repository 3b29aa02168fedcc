package dev.hearth.server;

import dev.hearth.sandbox.process.ProcessSandboxBackend;
import dev.hearth.sandbox.spi.HostSupport;
import dev.hearth.sandbox.spi.SandboxBackend;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The isolation backends this build of Hearth has, strongest first, and the choice among them: the
 * one named by {@code --sandbox}, which must be usable here, or else the strongest usable one. The
 * choice and what the host lacks for stronger ones are logged at start-up.
 */
final class SandboxBackends {
    private static final Logger LOG = LoggerFactory.getLogger(SandboxBackends.class);

    /** Strongest first. */
    private static final Map<String, Supplier<SandboxBackend>> BACKENDS = new LinkedHashMap<>();

    static {
        BACKENDS.put("process", ProcessSandboxBackend::new);
    }

    private SandboxBackends() {}

    static List<String> names() {
        return List.copyOf(BACKENDS.keySet());
    }

    static SandboxBackend choose(Optional<String> requested) {
        if (requested.isPresent()) {
            Supplier<SandboxBackend> factory = BACKENDS.get(requested.get());
            if (factory == null) {
                throw new IllegalArgumentException("unknown sandbox backend '" + requested.get() + "'; choose one of " + names());
            }
            SandboxBackend backend = factory.get();
            HostSupport support = backend.probe();
            if (!support.usable()) {
                backend.close();
                throw new IllegalStateException("sandbox backend '" + requested.get() + "' cannot run on this host: "
                        + support.summary() + "; missing: " + String.join("; ", support.missing()));
            }
            LOG.info("Sandbox backend: {} ({})", backend.name(), support.summary());
            return backend;
        }
        for (Map.Entry<String, Supplier<SandboxBackend>> entry : BACKENDS.entrySet()) {
            SandboxBackend backend = entry.getValue().get();
            HostSupport support = backend.probe();
            if (support.usable()) {
                LOG.info("Sandbox backend: {} ({}), the strongest this host supports", backend.name(), support.summary());
                return backend;
            }
            LOG.warn("Sandbox backend {} is not usable here: {}; missing: {}", entry.getKey(), support.summary(),
                    String.join("; ", support.missing()));
            backend.close();
        }
        throw new IllegalStateException("no sandbox backend can run on this host; tried " + names());
    }
}
