package dev.hearth.sandbox.gvisor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hearth.sandbox.spi.ResourceLimits;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

final class TestOciBundle {

    @TempDir
    private Path dir;

    @Test
    void specIsReadOnlyUnprivilegedAndLimited() throws Exception {
        Path hostRoot = Files.createDirectories(dir.resolve("host"));
        Files.createDirectories(hostRoot.resolve("usr/bin"));
        Files.createSymbolicLink(hostRoot.resolve("bin"), Path.of("usr/bin"));
        Files.createDirectories(hostRoot.resolve("etc/ssl/certs"));
        Files.writeString(hostRoot.resolve("etc/ld.so.cache"), "cache");
        Files.writeString(hostRoot.resolve("etc/shadow"), "root:secret");
        RootfsSkeleton.Layout rootfs = new RootfsSkeleton(dir.resolve("rootfs"), hostRoot, 993, 990).ensure();
        List<String> argv = SandboxInit.argv(Path.of("/usr/bin/socat"), List.of("/var/runtime/bootstrap"), Map.of());

        Path bundle = OciBundle.write(dir.resolve("bundle"), new OciBundle.Contents(rootfs, Path.of("/srv/task"),
                Path.of("/srv/runtime"), Path.of("/srv/api.sock"), argv, List.of("A=1"), 993, 990,
                new ResourceLimits(256, 0.5, 100, 64), "hearth-gvisor/s-1", Optional.of(Path.of("/srv/opt"))));
        JsonNode spec = new ObjectMapper().readTree(bundle.resolve("config.json").toFile());
        // the spec holds the function's environment: its owner's only
        assertThat(Files.getPosixFilePermissions(bundle)).isEqualTo(java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
        assertThat(Files.getPosixFilePermissions(bundle.resolve("config.json")))
                .isEqualTo(java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));

        assertThat(spec.at("/root/readonly").asBoolean()).isTrue();
        assertThat(spec.at("/process/user/uid").asInt()).isEqualTo(993);
        assertThat(spec.at("/process/capabilities/bounding").size()).isZero();
        assertThat(spec.at("/process/noNewPrivileges").asBoolean()).isTrue();
        assertThat(spec.at("/process/env").toString()).isEqualTo("[\"A=1\"]");
        assertThat(spec.at("/linux/cgroupsPath").asText()).isEqualTo("hearth-gvisor/s-1");
        List<String> mounts = new ArrayList<>();
        spec.at("/mounts").forEach(mount -> mounts.add(mount.at("/destination").asText() + " <- "
                + mount.at("/source").asText() + " " + mount.at("/options")));
        assertThat(mounts).containsExactly(
                "/proc <- proc [\"nosuid\",\"noexec\",\"nodev\"]",
                "/tmp <- tmpfs [\"nosuid\",\"nodev\",\"mode=1777\",\"size=64m\"]",
                "/usr <- " + hostRoot.resolve("usr") + " [\"rbind\",\"ro\",\"nosuid\",\"nodev\"]",
                "/etc/ld.so.cache <- " + hostRoot.resolve("etc/ld.so.cache") + " [\"rbind\",\"ro\",\"nosuid\",\"nodev\"]",
                "/etc/ssl/certs <- " + hostRoot.resolve("etc/ssl/certs") + " [\"rbind\",\"ro\",\"nosuid\",\"nodev\"]",
                "/var/task <- /srv/task [\"rbind\",\"ro\",\"nosuid\",\"nodev\"]",
                "/var/runtime <- /srv/runtime [\"rbind\",\"ro\",\"nosuid\",\"nodev\"]",
                "/opt <- /srv/opt [\"rbind\",\"ro\",\"nosuid\",\"nodev\"]",
                "/hearth/runtime-api.sock <- /srv/api.sock [\"bind\",\"nosuid\",\"nodev\"]");
        assertThat(Files.readSymbolicLink(dir.resolve("rootfs/bin"))).isEqualTo(Path.of("usr/bin"));
        assertThat(dir.resolve("rootfs/etc/shadow")).doesNotExist();
        assertThat(dir.resolve("rootfs/opt")).isEmptyDirectory();
        assertThat(dir.resolve("rootfs/etc/passwd")).content().contains("sbx_user:x:993:990:");
    }

    @Test
    void environmentNamesThatNoProcessCanHoldAreRefused() {
        assertThat(SandboxInit.environment(Map.of("B", "2", "A", "x=y"))).containsExactly("A=x=y", "B=2");
        assertThatThrownBy(() -> SandboxInit.environment(Map.of("A=B", "1")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'A=B'");
    }
}
