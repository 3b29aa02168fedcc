package dev.hearth.sandbox.gvisor;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.hearth.threads.HearthThreads;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Command lines of gVisor's {@code runsc}, and a bounded runner for the short ones. Every sandbox
 * runs on the ptrace platform (the KVM platform hangs on nested virtualisation such as these
 * Firecracker hosts), with gVisor's network stack holding only loopback ({@code --network=none}),
 * and may connect to host unix sockets bind-mounted into it ({@code --host-uds=open}). Immutable.
 *
 * @param runsc the runsc binary
 * @param root runsc's state directory ({@code --root}), private to the backend
 */
record RunscCommand(Path runsc, Path root) {

    /** The platform every sandbox uses. */
    static final String PLATFORM = "ptrace";

    private static final File DEV_NULL = new File("/dev/null");

    /** {@code runsc run}: creates, starts and waits for the container; exits with its status. */
    List<String> run(Path bundleDir, String containerId) {
        return run(bundleDir, containerId, false);
    }

    /**
     * {@code runsc run}; with {@code hostNetwork}, {@code --network=host}: gVisor's sockets are host
     * sockets of the network namespace runsc runs in ({@link GvisorNetwork}'s, with its rules).
     */
    List<String> run(Path bundleDir, String containerId, boolean hostNetwork) {
        List<String> argv = sandboxFlags();
        if (hostNetwork) {
            argv.set(argv.indexOf("--network=none"), "--network=host");
        }
        argv.addAll(List.of("run", "--bundle", bundleDir.toString(), containerId));
        return argv;
    }

    /** {@code runsc delete --force}: kills what is left of a container and removes its state. */
    List<String> delete(String containerId) {
        return List.of(runsc.toString(), "--root", root.toString(), "delete", "--force", containerId);
    }

    /** {@code runsc do /bin/true} under the sandbox flags: the probe that the platform works here. */
    List<String> doTrue() {
        List<String> argv = sandboxFlags();
        argv.addAll(List.of("do", "--quiet", "/bin/true"));
        return argv;
    }

    List<String> version() {
        return List.of(runsc.toString(), "--version");
    }

    /** runsc's state file of a container; present from create until delete. */
    Path stateFile(String containerId) {
        return root.resolve(containerId + "_sandbox:" + containerId + ".state");
    }

    /**
     * The lock file runsc keeps beside the state file; a runsc killed before it wrote the state (or
     * while deleting it) leaves it behind.
     */
    Path lockFile(String containerId) {
        return root.resolve(containerId + "_sandbox:" + containerId + ".lock");
    }

    private List<String> sandboxFlags() {
        return new ArrayList<>(List.of(runsc.toString(), "--root", root.toString(), "--platform=" + PLATFORM,
                "--network=none", "--host-uds=open"));
    }

    /** The status and combined output of a finished short command. */
    record Outcome(int status, String output) {}

    /**
     * Runs a short command with stdin from {@code /dev/null} and a minimal environment, and waits
     * for it at most {@code timeout}.
     *
     * @throws IOException when it cannot be started, or did not end in time (it is then killed)
     */
    static Outcome execute(List<String> argv, Duration timeout) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(argv)
                .redirectInput(ProcessBuilder.Redirect.from(DEV_NULL))
                .redirectErrorStream(true);
        builder.environment().clear();
        builder.environment().put("PATH", "/usr/sbin:/usr/bin:/sbin:/bin");
        Process process = builder.start();
        CompletableFuture<String> output = CompletableFuture.supplyAsync(() -> readAll(process.getInputStream()),
                command -> HearthThreads.startVirtual("runsc-output", command));
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new IOException(String.join(" ", argv) + " did not end within " + timeout);
            }
            return new Outcome(process.exitValue(), output.get(timeout.toMillis(), TimeUnit.MILLISECONDS));
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while running " + String.join(" ", argv), e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IOException("cannot read the output of " + String.join(" ", argv), e);
        }
    }

    private static String readAll(InputStream in) {
        try (in) {
            return new String(in.readAllBytes(), UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
