package dev.hearth.sandbox.microvm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.unixdomain.server.UnixDomainServerConnector;
import org.eclipse.jetty.util.Callback;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Firecracker driver against a stand-in for Firecracker's API on a unix socket (the firecracker
 * binary and a working KVM are not on this machine): the calls, their order and their JSON bodies
 * follow Firecracker's API, and its faults become clear errors.
 */
final class TestFirecrackerVmmControl {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One call the stand-in received. */
    record Call(String method, String path, JsonNode body) {}

    @TempDir
    Path dir;

    private final List<Call> calls = new CopyOnWriteArrayList<>();
    private Server server;
    private Path socket;
    private volatile String failPath = "";

    @BeforeEach
    void startFakeFirecracker() throws Exception {
        socket = dir.resolve("firecracker.sock");
        server = new Server();
        UnixDomainServerConnector connector = new UnixDomainServerConnector(server);
        connector.setUnixDomainPath(socket);
        server.addConnector(connector);
        server.setHandler(new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) throws Exception {
                String body = Content.Source.asString(request, StandardCharsets.UTF_8);
                String path = request.getHttpURI().getPath();
                calls.add(new Call(request.getMethod(), path, JSON.readTree(body)));
                if (path.equals(failPath)) {
                    response.setStatus(400);
                    response.write(true, java.nio.ByteBuffer.wrap(
                            "{\"fault_message\":\"Invalid request method\"}".getBytes(StandardCharsets.UTF_8)), callback);
                } else {
                    response.setStatus(204);
                    callback.succeeded();
                }
                return true;
            }
        });
        server.start();
    }

    @AfterEach
    void stop() throws Exception {
        server.stop();
    }

    @Test
    void bootSaveAndRestoreFollowFirecrackersApi() throws IOException {
        try (FirecrackerVmmControl vm = FirecrackerVmmControl.connect(socket)) {
            vm.configure(new FirecrackerVmmControl.Machine(Path.of("/k/vmlinux"), "console=ttyS0 rdinit=/init",
                    Path.of("/k/initramfs.cpio"), Map.of("task", Path.of("/i/task.ext4")), 1, 256, Path.of("/s/vsock.sock")));
            vm.resume();
            vm.save(Path.of("/snap/state"), Path.of("/snap/memory"), Duration.ofSeconds(5));
            vm.resume();
        }

        assertThat(calls).extracting(Call::method, Call::path).containsExactly(
                org.assertj.core.groups.Tuple.tuple("PUT", "/boot-source"),
                org.assertj.core.groups.Tuple.tuple("PUT", "/drives/task"),
                org.assertj.core.groups.Tuple.tuple("PUT", "/machine-config"),
                org.assertj.core.groups.Tuple.tuple("PUT", "/vsock"),
                org.assertj.core.groups.Tuple.tuple("PUT", "/actions"),
                org.assertj.core.groups.Tuple.tuple("PATCH", "/vm"),
                org.assertj.core.groups.Tuple.tuple("PUT", "/snapshot/create"),
                org.assertj.core.groups.Tuple.tuple("PATCH", "/vm"));
        assertThat(calls.get(0).body().path("kernel_image_path").asText()).isEqualTo("/k/vmlinux");
        assertThat(calls.get(0).body().path("initrd_path").asText()).isEqualTo("/k/initramfs.cpio");
        assertThat(calls.get(1).body().path("is_read_only").asBoolean()).isTrue();
        assertThat(calls.get(2).body().path("mem_size_mib").asInt()).isEqualTo(256);
        assertThat(calls.get(3).body().path("guest_cid").asInt()).isEqualTo(3);
        assertThat(calls.get(4).body().path("action_type").asText()).isEqualTo("InstanceStart");
        assertThat(calls.get(5).body().path("state").asText()).isEqualTo("Paused");
        assertThat(calls.get(6).body().path("snapshot_type").asText()).isEqualTo("Full");
        assertThat(calls.get(6).body().path("mem_file_path").asText()).isEqualTo("/snap/memory");
        assertThat(calls.get(7).body().path("state").asText()).isEqualTo("Resumed");
    }

    @Test
    void aRestoreLoadsWithAFileMemoryBackendThenResumes() throws IOException {
        try (FirecrackerVmmControl vm = FirecrackerVmmControl.connect(socket)) {
            vm.load(Path.of("/snap/state"), Path.of("/snap/memory"), Duration.ofSeconds(5));
            vm.resume();
        }

        assertThat(calls).hasSize(2);
        JsonNode load = calls.get(0).body();
        assertThat(calls.get(0).path()).isEqualTo("/snapshot/load");
        assertThat(load.path("mem_backend").path("backend_type").asText()).isEqualTo("File");
        assertThat(load.path("mem_backend").path("backend_path").asText()).isEqualTo("/snap/memory");
        assertThat(load.path("resume_vm").asBoolean()).isFalse();
        assertThat(calls.get(1).method()).as("a loaded VM is resumed, not started").isEqualTo("PATCH");
    }

    @Test
    void firecrackersFaultMessageBecomesTheError() throws IOException {
        failPath = "/actions";
        try (FirecrackerVmmControl vm = FirecrackerVmmControl.connect(socket)) {
            assertThatThrownBy(vm::resume).isInstanceOf(IOException.class)
                    .hasMessage("Firecracker PUT /actions answered 400: Invalid request method");
        }
    }
}
