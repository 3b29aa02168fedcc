package dev.hearth.runtimes;

import dev.hearth.core.LambdaErrorType;
import dev.hearth.core.LambdaException;
import dev.hearth.sandbox.spi.SandboxView;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Lambda's runtime identifiers and how Hearth runs each one on this host.
 *
 * <p>Which interpreter runs which identifier:
 * <ul>
 *   <li>{@code python3.9} ... {@code python3.14}: the host's {@code /usr/bin/python3} (Debian 12 has
 *       3.11) with Hearth's standard-library-only {@code bootstrap.py}. Every python identifier runs
 *       on that one interpreter, so code relying on a newer language version than the host's fails
 *       as it would on that version.
 *   <li>{@code nodejs20.x}, {@code nodejs22.x}, {@code nodejs24.x}: the host's {@code /usr/bin/node}
 *       (Debian's is v20) with Hearth's dependency-free {@code bootstrap.mjs}; same caveat.
 *   <li>{@code java8.al2}, {@code java11}, {@code java17}, {@code java21}, {@code java25}: the JDK
 *       Hearth runs on when it lives under {@code /usr}, else {@code /usr/lib/jvm/temurin-25-jdk-amd64},
 *       with AWS's official runtime interface client. Older bytecode runs unchanged; APIs removed
 *       from the JDK since (JAXB, Nashorn) must come with the function.
 *   <li>{@code provided}, {@code provided.al2}, {@code provided.al2023}: the package's own
 *       executable {@code bootstrap} at the task root.
 *   <li>{@code dotnet*}, {@code ruby*}: known, but not runnable yet ({@link #unsupportedReason}).
 * </ul>
 *
 * <p>Threading: immutable after {@link #open}; every method may be called from any thread.
 * Ownership: the catalog owns nothing that needs closing; the extracted files stay in the cache
 * directory for the next start.
 */
public final class RuntimeCatalog {

    static final String RIC_MAIN_CLASS = "com.amazonaws.services.lambda.runtime.api.client.AWSLambda";
    static final String RIC_JNI_PROPERTY =
            "com.amazonaws.services.lambda.runtime.api.client.runtimeapi.NativeClient.JNI";

    private final Path root;
    private final HostInterpreters interpreters;
    /** The python bootstrap's file: compiled bytecode where the host's python could compile it, else the source. */
    private final String pythonBootstrap;

    private RuntimeCatalog(Path root, HostInterpreters interpreters) {
        this.root = root;
        this.interpreters = interpreters;
        this.pythonBootstrap = interpreters.python()
                .flatMap(python -> PythonBootstrapCache.compiled(python, root.resolve(directoryName(RuntimeFamily.PYTHON))))
                .orElse("bootstrap.py");
    }

    /**
     * Extracts the bootstrap files under {@code cacheDir} (idempotent; safe when several threads or
     * JVMs do it at once) and finds the host's interpreters.
     *
     * @throws java.io.UncheckedIOException when the files cannot be extracted
     */
    public static RuntimeCatalog open(Path cacheDir) {
        return open(cacheDir, HostInterpreters.detect());
    }

    static RuntimeCatalog open(Path cacheDir, HostInterpreters interpreters) {
        Objects.requireNonNull(cacheDir, "cacheDir");
        return new RuntimeCatalog(BootstrapFiles.extract(cacheDir.toAbsolutePath()), interpreters);
    }

    /** Whether Lambda's CreateFunction accepts {@code runtimeId} as a runtime for .zip packages. */
    public boolean isKnown(String runtimeId) {
        return KnownRuntimes.familyOf(runtimeId).isPresent();
    }

    /**
     * Empty when this host can run {@code runtimeId}; otherwise one sentence saying why not, starting
     * with the identifier.
     */
    public Optional<String> unsupportedReason(String runtimeId) {
        Optional<RuntimeFamily> family = KnownRuntimes.familyOf(runtimeId);
        if (family.isEmpty()) {
            return Optional.of(runtimeId + ": not a Lambda runtime identifier");
        }
        return switch (family.get()) {
            case PYTHON -> interpreters.python().isPresent()
                    ? Optional.empty()
                    : Optional.of(runtimeId + ": " + HostInterpreters.PYTHON + " is missing (apt-get install python3)");
            case NODEJS -> interpreters.node().isPresent()
                    ? Optional.empty()
                    : Optional.of(runtimeId + ": " + HostInterpreters.NODE + " is missing (apt-get install nodejs)");
            case JAVA -> javaUnsupportedReason(runtimeId);
            case DOTNET -> Optional.of(runtimeId + ": Hearth has no .NET runtime yet");
            case RUBY -> Optional.of(runtimeId + ": Hearth has no ruby runtime yet");
            case PROVIDED -> Optional.empty();
        };
    }

    private Optional<String> javaUnsupportedReason(String runtimeId) {
        if (interpreters.javaHome().isEmpty()) {
            return Optional.of(runtimeId + ": no JDK under /usr (expected " + HostInterpreters.FALLBACK_JAVA_HOME + ")");
        }
        if (!Files.isRegularFile(root.resolve(BootstrapFiles.JAVA_JNI_LIBRARY))) {
            return Optional.of(runtimeId + ": the Java runtime interface client has no native library for "
                    + System.getProperty("os.name") + " " + System.getProperty("os.arch"));
        }
        return Optional.empty();
    }

    /**
     * The host directory holding {@code runtimeId}'s bootstrap files, to be exposed read-only to the
     * sandbox (what {@code SandboxSpec.runtimeRoot} gets). It is empty for {@code provided*}.
     *
     * @throws LambdaException {@code InvalidRuntimeException} when the runtime is unknown or
     *     unsupported on this host
     */
    public Path runtimeRoot(String runtimeId) {
        return root.resolve(directoryName(supportedFamily(runtimeId)));
    }

    /**
     * The command and runtime-specific environment that start {@code runtimeId}'s bootstrap inside a
     * sandbox laid out as {@code view} describes. The layers' search paths are Lambda's, under
     * {@link SandboxView#optRoot()}: python's {@code sys.path} gets {@code python/lib/pythonX.Y/site-packages}
     * and {@code python} after the task root (the bootstrap is told the root and the identifier's
     * version); node's {@code NODE_PATH} is {@code nodejs/nodeNN/node_modules:nodejs/node_modules}
     * then the runtime's and the task root; java's class path ends with {@code java/lib/*}.
     *
     * @param handler the function's handler setting (also passed as {@code _HANDLER} by the worker)
     * @throws LambdaException {@code InvalidRuntimeException} when the runtime is unknown or
     *     unsupported on this host
     */
    public RuntimeLaunch launch(String runtimeId, String handler, SandboxView view) {
        Objects.requireNonNull(view, "view");
        String runtimeDir = view.runtimeRoot();
        String taskRoot = view.taskRoot();
        return switch (supportedFamily(runtimeId)) {
            case PYTHON -> new RuntimeLaunch(
                    List.of(interpreters.python().orElseThrow().toString(), runtimeDir + "/" + pythonBootstrap, view.optRoot(),
                            pythonVersion(runtimeId)),
                    Map.of("PYTHONUNBUFFERED", "1", "PYTHONDONTWRITEBYTECODE", "1"));
            case NODEJS -> new RuntimeLaunch(
                    List.of(interpreters.node().orElseThrow().toString(),
                            "--expose-gc", "--max-http-header-size=81920", runtimeDir + "/bootstrap.mjs"),
                    Map.of("NODE_PATH", String.join(":", view.optRoot() + "/nodejs/" + nodeDirectory(runtimeId) + "/node_modules",
                            view.optRoot() + "/nodejs/node_modules", runtimeDir + "/node_modules", runtimeDir, taskRoot)));
            case JAVA -> new RuntimeLaunch(javaCommand(runtimeDir, taskRoot, view.optRoot(), handler), Map.of());
            case PROVIDED -> new RuntimeLaunch(List.of(taskRoot + "/bootstrap"), Map.of());
            case DOTNET, RUBY -> throw new IllegalStateException("unsupported family passed the check: " + runtimeId);
        };
    }

    /** {@code 3.12} of {@code python3.12}: the version in Lambda's {@code /opt/python/lib/python3.12/site-packages}. */
    static String pythonVersion(String runtimeId) {
        return runtimeId.substring("python".length());
    }

    /** {@code node22} of {@code nodejs22.x}: the directory of Lambda's {@code /opt/nodejs/node22/node_modules}. */
    static String nodeDirectory(String runtimeId) {
        int dot = runtimeId.indexOf('.');
        return "node" + runtimeId.substring("nodejs".length(), dot < 0 ? runtimeId.length() : dot);
    }

    private List<String> javaCommand(String runtimeDir, String taskRoot, String optRoot, String handler) {
        List<String> command = new ArrayList<>();
        command.add(interpreters.javaHome().orElseThrow().resolve("bin/java").toString());
        command.addAll(List.of(
                "-XX:+TieredCompilation",
                "-XX:TieredStopAtLevel=1",
                "-XX:+UseSerialGC",
                // Lambda gives the heap 85% of the function's memory; the sandbox's memory limit is that memory
                "-XX:MaxRAMPercentage=85",
                "-Xshare:auto",
                "--enable-native-access=ALL-UNNAMED",
                "-D" + RIC_JNI_PROPERTY + "=" + runtimeDir + "/jni/libaws-lambda-jni.so",
                "-cp",
                runtimeDir + "/lib/*:" + taskRoot + ":" + taskRoot + "/lib/*:" + optRoot + "/java/lib/*",
                RIC_MAIN_CLASS,
                Objects.requireNonNull(handler, "handler")));
        return command;
    }

    private RuntimeFamily supportedFamily(String runtimeId) {
        Optional<String> reason = unsupportedReason(runtimeId);
        if (reason.isPresent()) {
            throw new LambdaException(LambdaErrorType.InvalidRuntimeException,
                    "The runtime " + runtimeId + " is not supported on this host: " + reason.get());
        }
        return KnownRuntimes.familyOf(runtimeId).orElseThrow();
    }

    private static String directoryName(RuntimeFamily family) {
        return switch (family) {
            case PYTHON -> "python";
            case NODEJS -> "nodejs";
            case JAVA -> "java";
            case PROVIDED -> "provided";
            case DOTNET -> "dotnet";
            case RUBY -> "ruby";
        };
    }
}
