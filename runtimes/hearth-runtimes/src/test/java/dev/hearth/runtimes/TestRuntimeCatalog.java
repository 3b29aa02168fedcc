package dev.hearth.runtimes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hearth.core.LambdaErrorType;
import dev.hearth.core.LambdaException;
import dev.hearth.sandbox.spi.SandboxView;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

final class TestRuntimeCatalog {

    private static final SandboxView ISOLATED =
            new SandboxView("/var/task", "/var/runtime", "/tmp", "127.0.0.1:9001");

    @TempDir
    Path cache;

    @Test
    void knowsLambdasRuntimeIdentifiers() {
        RuntimeCatalog catalog = RuntimeCatalog.open(cache);
        for (String id : List.of("nodejs20.x", "nodejs22.x", "nodejs24.x", "python3.9", "python3.10", "python3.11",
                "python3.12", "python3.13", "python3.14", "java8.al2", "java11", "java17", "java21", "java25",
                "dotnet8", "dotnet10", "ruby3.2", "ruby3.3", "ruby3.4", "provided", "provided.al2", "provided.al2023")) {
            assertThat(catalog.isKnown(id)).as(id).isTrue();
        }
        for (String id : new String[] {"python2.7", "go1.x", "nodejs", "java", "Python3.12", "", null}) {
            assertThat(catalog.isKnown(id)).as(String.valueOf(id)).isFalse();
        }
    }

    @Test
    void explainsWhatThisHostCannotRun() {
        RuntimeCatalog catalog = RuntimeCatalog.open(cache);
        assertThat(catalog.unsupportedReason("python3.14")).isEmpty();
        assertThat(catalog.unsupportedReason("nodejs22.x")).isEmpty();
        assertThat(catalog.unsupportedReason("java21")).isEmpty();
        assertThat(catalog.unsupportedReason("provided.al2")).isEmpty();
        assertThat(catalog.unsupportedReason("ruby3.3")).contains("ruby3.3: Hearth has no ruby runtime yet");
        assertThat(catalog.unsupportedReason("dotnet8")).contains("dotnet8: Hearth has no .NET runtime yet");
        assertThat(catalog.unsupportedReason("go1.x")).contains("go1.x: not a Lambda runtime identifier");
    }

    @Test
    void explainsMissingInterpreters() {
        RuntimeCatalog catalog = RuntimeCatalog.open(cache,
                new HostInterpreters(Optional.empty(), Optional.empty(), Optional.empty()));
        assertThat(catalog.unsupportedReason("python3.12")).contains(
                "python3.12: /usr/bin/python3 is missing (apt-get install python3)");
        assertThat(catalog.unsupportedReason("nodejs20.x")).contains(
                "nodejs20.x: /usr/bin/node is missing (apt-get install nodejs)");
        assertThat(catalog.unsupportedReason("java21")).hasValueSatisfying(reason -> assertThat(reason).startsWith("java21: no JDK under /usr"));
        assertThatThrownBy(() -> catalog.launch("python3.12", "app.handler", ISOLATED))
                .isInstanceOfSatisfying(LambdaException.class,
                        e -> assertThat(e.type()).isEqualTo(LambdaErrorType.InvalidRuntimeException))
                .hasMessageContaining("apt-get install python3");
    }

    @Test
    void extractsEachRuntimesFilesReadableByAnyUser() throws Exception {
        RuntimeCatalog catalog = RuntimeCatalog.open(cache);
        assertThat(catalog.runtimeRoot("python3.11").resolve("bootstrap.py")).isRegularFile();
        assertThat(catalog.runtimeRoot("nodejs20.x").resolve("bootstrap.mjs")).isRegularFile();
        Path java = catalog.runtimeRoot("java21");
        assertThat(java.resolve("jni/libaws-lambda-jni.so")).isRegularFile();
        try (Stream<Path> jars = Files.list(java.resolve("lib"))) {
            assertThat(jars.map(p -> p.getFileName().toString()))
                    .anyMatch(name -> name.startsWith("aws-lambda-java-runtime-interface-client-"))
                    .anyMatch(name -> name.startsWith("aws-lambda-java-core-"));
        }
        assertThat(catalog.runtimeRoot("provided")).isEmptyDirectory();
        assertThat(catalog.runtimeRoot("java11")).isEqualTo(catalog.runtimeRoot("java25"));
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(catalog.runtimeRoot("python3.9"))))
                .isEqualTo("rwxr-xr-x");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(
                catalog.runtimeRoot("python3.9").resolve("bootstrap.py")))).isEqualTo("rw-r--r--");
    }

    @Test
    void extractionIsIdempotentAndSafeWhenConcurrent() throws Exception {
        List<Callable<Path>> opens = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            opens.add(() -> RuntimeCatalog.open(cache).runtimeRoot("python3.12"));
        }
        List<Path> roots = new ArrayList<>();
        try (ExecutorService executor = Executors.newFixedThreadPool(6)) {
            for (Future<Path> root : executor.invokeAll(opens)) {
                roots.add(root.get());
            }
        }
        assertThat(roots).containsOnly(roots.getFirst());
        assertThat(RuntimeCatalog.open(cache).runtimeRoot("python3.12")).isEqualTo(roots.getFirst());
        try (Stream<Path> entries = Files.list(cache)) {
            assertThat(entries).as("no temporary copies left behind").hasSize(1);
        }
        assertThat(Files.readString(roots.getFirst().resolve("bootstrap.py"))).contains("def main():");
    }

    /** The host python's {@code sys.implementation.cache_tag}, e.g. {@code cpython-311}. */
    private static final class PythonCacheTag {
        static final String OF_HOST = read();

        private static String read() {
            try {
                Process p = new ProcessBuilder("/usr/bin/python3", "-c", "import sys; print(sys.implementation.cache_tag)").start();
                return new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).strip();
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
    }

    @Test
    void launchesPythonAndNodeWithPathsAsSeenInsideTheSandbox() {
        RuntimeCatalog catalog = RuntimeCatalog.open(cache);
        RuntimeLaunch python = catalog.launch("python3.13", "app.handler", ISOLATED);
        // the bootstrap runs precompiled, from the bytecode the host's python wrote beside its source
        String tag = "bootstrap." + PythonCacheTag.OF_HOST + ".pyc";
        assertThat(python.command()).containsExactly("/usr/bin/python3", "/var/runtime/" + tag, "/opt", "3.13");
        assertThat(catalog.runtimeRoot("python3.13").resolve(tag)).isRegularFile();
        assertThat(python.environment()).containsEntry("PYTHONUNBUFFERED", "1");
        RuntimeLaunch node = catalog.launch("nodejs24.x", "index.handler", ISOLATED);
        assertThat(node.command()).startsWith("/usr/bin/node").endsWith("/var/runtime/bootstrap.mjs");
        assertThat(node.environment().get("NODE_PATH")).isEqualTo("/opt/nodejs/node24/node_modules:/opt/nodejs/node_modules:"
                + "/var/runtime/node_modules:/var/runtime:/var/task");
    }

    @Test
    void launchesJavaWithTheRuntimeClientAndTheHandler() {
        RuntimeCatalog catalog = RuntimeCatalog.open(cache);
        RuntimeLaunch java = catalog.launch("java21", "example.Handler::handleRequest", ISOLATED);
        assertThat(java.command().getFirst()).startsWith("/usr/").endsWith("/bin/java");
        assertThat(java.command()).contains("-XX:+TieredCompilation", "-XX:TieredStopAtLevel=1",
                "-cp", "/var/runtime/lib/*:/var/task:/var/task/lib/*:/opt/java/lib/*",
                "-D" + RuntimeCatalog.RIC_JNI_PROPERTY + "=/var/runtime/jni/libaws-lambda-jni.so");
        assertThat(java.command()).endsWith(RuntimeCatalog.RIC_MAIN_CLASS, "example.Handler::handleRequest");
    }

    @Test
    void launchesTheProvidedBootstrapFromTheTaskRoot() {
        RuntimeCatalog catalog = RuntimeCatalog.open(cache);
        assertThat(catalog.launch("provided", "ignored", ISOLATED).command()).containsExactly("/var/task/bootstrap");
    }

    @Test
    void refusesUnsupportedAndUnknownRuntimes() {
        RuntimeCatalog catalog = RuntimeCatalog.open(cache);
        for (String id : List.of("ruby3.4", "dotnet8", "python2.7")) {
            assertThatThrownBy(() -> catalog.launch(id, "x.y", ISOLATED))
                    .isInstanceOfSatisfying(LambdaException.class,
                            e -> assertThat(e.type()).isEqualTo(LambdaErrorType.InvalidRuntimeException))
                    .hasMessageContaining(id);
            assertThatThrownBy(() -> catalog.runtimeRoot(id)).isInstanceOf(LambdaException.class);
        }
    }

    @Test
    void prefersTheRunningJdkOnlyUnderUsr() {
        assertThat(HostInterpreters.javaHome(Path.of("/opt/some-jdk"))).contains(HostInterpreters.FALLBACK_JAVA_HOME);
        assertThat(HostInterpreters.javaHome(HostInterpreters.FALLBACK_JAVA_HOME)).contains(HostInterpreters.FALLBACK_JAVA_HOME);
    }
}
