package dev.hearth.sandbox.microvm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.StringRequestContent;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.io.Transport;

/**
 * {@link VmmControl} for Firecracker, over its REST API on the unix socket given to
 * {@code firecracker --api-sock}: the boot configuration ({@code PUT /boot-source}, {@code /drives/{id}},
 * {@code /machine-config}, {@code /vsock}), {@code InstanceStart}, pause and resume
 * ({@code PATCH /vm}), and full snapshots ({@code PUT /snapshot/create} with guest memory in its own
 * file, {@code PUT /snapshot/load} with a file memory backend). Firecracker answers 204 on success and
 * a {@code fault_message} otherwise, which becomes the {@link IOException}'s message.
 *
 * <p>Where the {@code firecracker} binary and a working {@code /dev/kvm} exist this drives the same
 * lifecycle as {@link QemuVmmControl}; the guest's Runtime API then travels over virtio-vsock
 * ({@link Machine#vsockSocket()}), as Firecracker has no user-mode network.
 */
final class FirecrackerVmmControl implements VmmControl {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);

    /**
     * A microVM's boot configuration.
     *
     * @param kernel uncompressed guest kernel ({@code vmlinux})
     * @param bootArgs the kernel command line
     * @param initrd the initramfs
     * @param drives read-only block devices, by drive id
     * @param vcpus vCPU count
     * @param memoryMib guest memory (the function's MemorySize)
     * @param vsockSocket host-side unix socket of the guest's vsock device (CID 3)
     */
    record Machine(Path kernel, String bootArgs, Path initrd, Map<String, Path> drives, int vcpus, int memoryMib,
            Path vsockSocket) {
        Machine {
            drives = Map.copyOf(drives);
        }
    }

    private final HttpClient http;
    private final Transport apiSocket;
    private boolean started;

    private FirecrackerVmmControl(HttpClient http, Path apiSocket) {
        this.http = http;
        this.apiSocket = new Transport.TCPUnix(apiSocket);
    }

    /** Connects to the API socket of a running {@code firecracker} process. */
    static FirecrackerVmmControl connect(Path apiSocket) throws IOException {
        HttpClient http = new HttpClient();
        try {
            http.start();
        } catch (Exception e) {
            throw new IOException("cannot start an HTTP client for " + apiSocket + ": " + e.getMessage(), e);
        }
        return new FirecrackerVmmControl(http, apiSocket);
    }

    /** Configures a VM before its first start (Firecracker's pre-boot API calls). */
    void configure(Machine machine) throws IOException {
        Map<String, Object> boot = new LinkedHashMap<>();
        boot.put("kernel_image_path", machine.kernel().toString());
        boot.put("boot_args", machine.bootArgs());
        boot.put("initrd_path", machine.initrd().toString());
        call(HttpMethod.PUT, "/boot-source", boot);
        for (Map.Entry<String, Path> drive : machine.drives().entrySet()) {
            call(HttpMethod.PUT, "/drives/" + drive.getKey(), Map.of("drive_id", drive.getKey(),
                    "path_on_host", drive.getValue().toString(), "is_root_device", false, "is_read_only", true));
        }
        call(HttpMethod.PUT, "/machine-config", Map.of("vcpu_count", machine.vcpus(), "mem_size_mib", machine.memoryMib(),
                "smt", false));
        call(HttpMethod.PUT, "/vsock", Map.of("guest_cid", 3, "uds_path", machine.vsockSocket().toString()));
    }

    @Override
    public void resume() throws IOException {
        if (started) {
            call(HttpMethod.PATCH, "/vm", Map.of("state", "Resumed"));
        } else {
            call(HttpMethod.PUT, "/actions", Map.of("action_type", "InstanceStart"));
            started = true;
        }
    }

    @Override
    public void pause() throws IOException {
        call(HttpMethod.PATCH, "/vm", Map.of("state", "Paused"));
    }

    @Override
    public void save(Path stateFile, Path memoryFile, Duration timeout) throws IOException {
        call(HttpMethod.PATCH, "/vm", Map.of("state", "Paused"));
        call(HttpMethod.PUT, "/snapshot/create", Map.of("snapshot_type", "Full", "snapshot_path", stateFile.toString(),
                "mem_file_path", memoryFile.toString()), timeout);
    }

    @Override
    public void load(Path stateFile, Path memoryFile, Duration timeout) throws IOException {
        call(HttpMethod.PUT, "/snapshot/load", Map.of("snapshot_path", stateFile.toString(),
                "mem_backend", Map.of("backend_type", "File", "backend_path", memoryFile.toString()),
                "resume_vm", false), timeout);
        started = true;
    }

    private void call(HttpMethod method, String path, Map<String, ?> body) throws IOException {
        call(method, path, body, REQUEST_TIMEOUT);
    }

    private void call(HttpMethod method, String path, Map<String, ?> body, Duration timeout) throws IOException {
        ContentResponse response;
        try {
            response = http.newRequest("http://localhost" + path).transport(apiSocket).method(method)
                    .headers(h -> h.put("Accept", "application/json"))
                    .body(new StringRequestContent("application/json", JSON.writeValueAsString(body), StandardCharsets.UTF_8))
                    .timeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
                    .send();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted during " + method + " " + path, e);
        } catch (TimeoutException | ExecutionException e) {
            throw new IOException("Firecracker " + method + " " + path + " failed: " + e.getMessage(), e);
        }
        if (response.getStatus() / 100 != 2) {
            throw new IOException("Firecracker " + method + " " + path + " answered " + response.getStatus() + ": "
                    + faultMessage(response.getContentAsString()));
        }
    }

    private static String faultMessage(String body) {
        try {
            JsonNode fault = JSON.readTree(body).path("fault_message");
            return fault.isMissingNode() ? body : fault.asText();
        } catch (IOException e) {
            return body;
        }
    }

    @Override
    public void close() throws IOException {
        try {
            http.stop();
        } catch (Exception e) {
            throw new IOException("cannot stop the Firecracker API client: " + e.getMessage(), e);
        }
    }
}
