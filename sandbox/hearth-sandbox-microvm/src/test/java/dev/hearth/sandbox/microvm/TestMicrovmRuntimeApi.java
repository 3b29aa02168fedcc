package dev.hearth.sandbox.microvm;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.hearth.sandbox.spi.ResourceLimits;
import dev.hearth.sandbox.spi.RuntimeApiAddress;
import dev.hearth.sandbox.spi.Sandbox;
import dev.hearth.sandbox.spi.SandboxExit;
import dev.hearth.sandbox.spi.SandboxSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Boots a guest, runs python in it, and exchanges HTTP with a host listener over the Runtime API
 * transport; the function runs as Lambda's unprivileged {@code sbx_user1051} (uid 993, gid 990).
 */
final class TestMicrovmRuntimeApi {
    private static final String CLIENT = """
            import http.client, os, time
            api = os.environ['AWS_LAMBDA_RUNTIME_API']
            host, port = api.split(':')
            for i in range(2):
                c = http.client.HTTPConnection(host, int(port), timeout=20)
                c.request('GET', '/2018-06-01/runtime/invocation/next')
                print('new connection', i, c.getresponse().read().decode(), flush=True)
            keep = http.client.HTTPConnection(host, int(port), timeout=20)
            for i in range(3):
                keep.request('POST', '/2018-06-01/runtime/invocation/%d/response' % i, body=b'{"ok":true}')
                print('keep-alive', i, keep.getresponse().read().decode(), flush=True)
            print('task', sorted(os.listdir('/var/task')), 'cwd', os.getcwd())
            import pwd
            print('user', os.getuid(), os.getgid(), os.getgroups(), pwd.getpwuid(os.getuid()).pw_name)
            """;

    @TempDir
    Path dir;

    @Test
    void pythonInTheGuestTalksHttpToTheHost() throws Exception {
        Path task = Files.createDirectories(dir.resolve("task"));
        Files.writeString(task.resolve("handler.py"), "def handler(event, context):\n    return event\n");
        Path runtime = Files.createDirectories(dir.resolve("runtime"));
        try (UnixHttpStub api = UnixHttpStub.start(dir.resolve("api.sock"));
                MicrovmSandboxBackend backend = new MicrovmSandboxBackend(TestGuests.config())) {
            SandboxSpec spec = new SandboxSpec("runtime-api", List.of("/usr/bin/python3", "-c", CLIENT),
                    Map.of("AWS_LAMBDA_RUNTIME_API", MicrovmSandboxBackend.GUEST_RUNTIME_API, "PATH", "/usr/bin:/bin"),
                    task, runtime, Files.createDirectories(dir.resolve("scratch")),
                    new RuntimeApiAddress.UnixSocket(api.path()), ResourceLimits.forMemory(256, 64), false);

            Sandbox sandbox = backend.launch(spec);
            String output = new String(sandbox.output().readAllBytes(), UTF_8);
            SandboxExit exit = sandbox.exit().get(60, TimeUnit.SECONDS);

            assertThat(exit).as(output).isEqualTo(new SandboxExit(0, false, false));
            assertThat(output).isEqualTo("""
                    new connection 0 hello /2018-06-01/runtime/invocation/next
                    new connection 1 hello /2018-06-01/runtime/invocation/next
                    keep-alive 0 hello /2018-06-01/runtime/invocation/0/response
                    keep-alive 1 hello /2018-06-01/runtime/invocation/1/response
                    keep-alive 2 hello /2018-06-01/runtime/invocation/2/response
                    task ['handler.py'] cwd /var/task
                    user 993 990 [990] sbx_user1051
                    """);
            assertThat(api.requestLines).containsExactly(
                    "GET /2018-06-01/runtime/invocation/next HTTP/1.1",
                    "GET /2018-06-01/runtime/invocation/next HTTP/1.1",
                    "POST /2018-06-01/runtime/invocation/0/response HTTP/1.1",
                    "POST /2018-06-01/runtime/invocation/1/response HTTP/1.1",
                    "POST /2018-06-01/runtime/invocation/2/response HTTP/1.1");
            assertThat(api.connections).hasValue(3);
            assertThat(sandbox.toString()).contains("tcg", "256 MB", "1 vCPU");
        }
    }
}
