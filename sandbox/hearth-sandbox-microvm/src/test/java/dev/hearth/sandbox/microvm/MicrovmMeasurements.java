package dev.hearth.sandbox.microvm;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.hearth.sandbox.spi.ResourceLimits;
import dev.hearth.sandbox.spi.RuntimeApiAddress;
import dev.hearth.sandbox.spi.Sandbox;
import dev.hearth.sandbox.spi.SandboxSpec;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The numbers in README.md, as code. Not part of the normal test run (its name does not start with
 * {@code Test}); run on demand, one VM at a time:
 * {@code ./mvnw -B -q -f sandbox/hearth-sandbox-microvm/pom.xml test -Dtest=MicrovmMeasurements}
 * and read {@code target/surefire-reports/dev.hearth.sandbox.microvm.MicrovmMeasurements-output.txt}.
 */
final class MicrovmMeasurements {
    private static final int RUNS = 3;
    /** 50 kept-alive GETs through the guest's forwarder (127.0.0.1) and straight to QEMU's guestfwd. */
    private static final String ROUND_TRIPS = """
            import http.client, time
            out = []
            for host in ('127.0.0.1', '10.0.2.100'):
                c = http.client.HTTPConnection(host, 9001, timeout=20)
                ts = []
                for i in range(50):
                    t = time.monotonic()
                    c.request('GET', '/2018-06-01/runtime/invocation/next')
                    c.getresponse().read()
                    ts.append(time.monotonic() - t)
                ts.sort()
                out.append('%.1f/%.1f' % (ts[25] * 1000, ts[45] * 1000))
            print(' '.join(out))
            """;
    private static final String SNAPSHOTTED = """
            import http.client, time
            print('initialised', flush=True)
            while True:
                try:
                    c = http.client.HTTPConnection('127.0.0.1', 9001, timeout=5)
                    c.request('GET', '/2018-06-01/runtime/invocation/next')
                    print(c.getresponse().read().decode(), flush=True)
                    break
                except (OSError, http.client.HTTPException):
                    time.sleep(0.01)
            """;

    @TempDir
    Path dir;

    private int ids;

    @Test
    void measure() throws Exception {
        Path task = Files.createDirectories(dir.resolve("task"));
        try (UnixHttpStub api = UnixHttpStub.start(dir.resolve("api.sock"));
                MicrovmSandboxBackend backend = new MicrovmSandboxBackend(TestGuests.config())) {
            backend.guestImage();
            List<Long> shellBoots = new ArrayList<>();
            List<Long> pythonRuns = new ArrayList<>();
            for (int i = 0; i < RUNS; i++) {
                shellBoots.add(timeToExit(backend, spec(task, api, List.of("/bin/sh", "-c", "true"))));
                pythonRuns.add(timeToExit(backend, spec(task, api, List.of("/usr/bin/python3", "-c", "pass"))));
            }
            Sandbox trips = backend.launch(spec(task, api, List.of("/usr/bin/python3", "-c", ROUND_TRIPS)).spec());
            String tripTimes = new String(trips.output().readAllBytes(), UTF_8).strip();
            assertThat(trips.exit().get(60, TimeUnit.SECONDS).status()).as(tripTimes).isZero();

            List<Long> pings = pingRoundTrips(backend, spec(task, api, List.of("/bin/sh", "-c", "echo up; sleep 60")));

            MicrovmSandbox source = backend.launchForSnapshot(spec(task, api, List.of("/usr/bin/python3", "-c", SNAPSHOTTED)).spec());
            InputStream sourceOutput = source.output();
            assertThat(new String(sourceOutput.readNBytes("initialised\n".length()), UTF_8)).isEqualTo("initialised\n");
            long saveStart = System.nanoTime();
            MicrovmSnapshot snapshot = backend.snapshot(source, dir.resolve("snapshot"));
            long saveMillis = (System.nanoTime() - saveStart) / 1_000_000;
            List<Long> restores = new ArrayList<>();
            try {
                for (int i = 0; i < RUNS; i++) {
                    long start = System.nanoTime();
                    MicrovmSandbox clone = backend.restore(snapshot, spec(task, api, List.of("/bin/false")).spec());
                    byte[] first = clone.output().readNBytes(1);
                    restores.add((System.nanoTime() - start) / 1_000_000);
                    assertThat(first).hasSize(1);
                    clone.output().readAllBytes();
                    clone.exit().get(60, TimeUnit.SECONDS);
                }
            } finally {
                snapshot.delete();
            }
            System.out.println("microvm measurements (" + backend.accelerator().qemuName() + ", median of " + RUNS + ")");
            System.out.println("  launch to exit, /bin/sh -c true:       " + median(shellBoots) + " ms " + shellBoots);
            System.out.println("  launch to exit, python3 -c pass:       " + median(pythonRuns) + " ms " + pythonRuns);
            String[] viaForwarder = tripTimes.split(" ");
            System.out.println("  Runtime API GET kept-alive p50 / p90:  " + viaForwarder[0]
                    + " ms (python in the guest, 127.0.0.1:9001 through the guest's nc forwarder)");
            System.out.println("                        same, direct:    " + viaForwarder[1]
                    + " ms (10.0.2.100:9001, QEMU's guestfwd without the guest hop)");
            System.out.println("  virtio-serial ping p50 / p90:          " + pings.get(pings.size() / 2) + "/"
                    + pings.get(pings.size() * 9 / 10) + " us (host to guest shell and back, " + pings.size() + " pings)");
            System.out.println("  snapshot save:                         " + saveMillis + " ms");
            System.out.println("  restore to first result:               " + median(restores) + " ms " + restores);
        }
    }

    /**
     * Round trips over the virtio-serial control port (host "ping", guest init's shell loop echoes
     * "pong"), in microseconds, sorted: the alternative Runtime API channel, measured in the same
     * run as the user-mode network one.
     */
    private static List<Long> pingRoundTrips(MicrovmSandboxBackend backend, SandboxSpecs spec) throws Exception {
        MicrovmSandbox sandbox = (MicrovmSandbox) backend.launch(spec.spec());
        try {
            // the command runs once the init's control loop does
            assertThat(new String(sandbox.output().readNBytes(3), UTF_8)).isEqualTo("up\n");
            List<Long> micros = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                long start = System.nanoTime();
                sandbox.ping(Duration.ofSeconds(10));
                micros.add((System.nanoTime() - start) / 1_000);
            }
            return micros.stream().sorted().toList();
        } finally {
            sandbox.kill();
            sandbox.exit().get(60, TimeUnit.SECONDS);
        }
    }

    private static long timeToExit(MicrovmSandboxBackend backend, SandboxSpecs spec) throws Exception {
        long start = System.nanoTime();
        Sandbox sandbox = backend.launch(spec.spec());
        sandbox.output().readAllBytes();
        assertThat(sandbox.exit().get(60, TimeUnit.SECONDS).status()).isZero();
        return (System.nanoTime() - start) / 1_000_000;
    }

    private SandboxSpecs spec(Path task, UnixHttpStub api, List<String> command) throws Exception {
        String id = "measure-" + ++ids;
        return new SandboxSpecs(id, command, task, Files.createDirectories(dir.resolve(id)), api.path(), 512);
    }

    private static long median(List<Long> values) {
        return values.stream().sorted().toList().get(values.size() / 2);
    }

    /** The parts of a spec that vary here. */
    private record SandboxSpecs(String id, List<String> command, Path task, Path scratch, Path api, int memoryMb) {
        SandboxSpec spec() {
            return new SandboxSpec(id, command, Map.of("PATH", "/usr/bin:/bin"), task, task, scratch,
                    new RuntimeApiAddress.UnixSocket(api), ResourceLimits.forMemory(memoryMb, 64), false);
        }
    }
}
