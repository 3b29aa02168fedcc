package dev.hearth.runtimes;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The host's interpreters that Hearth's runtimes run on. All live under {@code /usr}, because
 * isolating sandbox backends expose {@code /usr} (read-only) and nothing else of the host; shims
 * under a home directory (pyenv, nvm) are never used. Immutable.
 *
 * @param python {@code python3} executable, when present
 * @param node {@code node} executable, when present
 * @param javaHome a JDK home (with {@code bin/java}), when present
 */
record HostInterpreters(Optional<Path> python, Optional<Path> node, Optional<Path> javaHome) {

    static final Path PYTHON = Path.of("/usr/bin/python3");
    static final Path NODE = Path.of("/usr/bin/node");
    static final Path FALLBACK_JAVA_HOME = Path.of("/usr/lib/jvm/temurin-25-jdk-amd64");

    /** Finds the interpreters on this host. */
    static HostInterpreters detect() {
        return new HostInterpreters(
                executable(PYTHON), executable(NODE), javaHome(Path.of(System.getProperty("java.home"))));
    }

    /** The running JVM's home when it is under {@code /usr}, else the Temurin 25 JDK, when either has {@code bin/java}. */
    static Optional<Path> javaHome(Path runningJavaHome) {
        Path running = runningJavaHome.toAbsolutePath().normalize();
        if (running.startsWith("/usr/") && Files.isExecutable(running.resolve("bin/java"))) {
            return Optional.of(running);
        }
        return Files.isExecutable(FALLBACK_JAVA_HOME.resolve("bin/java"))
                ? Optional.of(FALLBACK_JAVA_HOME)
                : Optional.empty();
    }

    private static Optional<Path> executable(Path path) {
        return Files.isExecutable(path) ? Optional.of(path) : Optional.empty();
    }
}
