package dev.hearth.server;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The start-up check that a backend's unprivileged sandbox user can reach the data directory. */
final class TestSandboxUserReach {
    /** Neither owner nor group of anything the test creates. */
    private static final SandboxUserReach.User STRANGER = new SandboxUserReach.User(65534, 65534);

    @TempDir
    Path temp;

    @Test
    void aDirectoryOnTheWayThatOthersCannotSearchIsRefusedWithTheFix() throws Exception {
        Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rwx--x--x"));
        Path closed = Files.createDirectory(temp.resolve("closed"), PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rwx------")));
        Path dataDir = Files.createDirectories(closed.resolve("data"));
        Path real = closed.toRealPath();
        assertThatThrownBy(() -> SandboxUserReach.require(dataDir, STRANGER, "namespace"))
                .isInstanceOf(StartupRefusal.class)
                .hasMessageStartingWith("the namespace backend's sandbox user 65534:65534 cannot reach the data directory "
                        + dataDir + ": " + real + " is not searchable by it (mode 700, owner ")
                .hasMessageEndingWith("); fix: chmod o+x " + real + ", or choose a --data-dir it can reach"
                        + " (root's default is /var/lib/hearth)");

        Files.setPosixFilePermissions(closed, PosixFilePermissions.fromString("rwx-----x"));
        assertThatCode(() -> SandboxUserReach.require(dataDir, STRANGER, "namespace")).doesNotThrowAnyException();
    }

    @Test
    void theDataDirectoryItselfMustBeSearchable() throws Exception {
        Path dataDir = Files.createDirectory(temp.resolve("data"), PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rwxr-xr--")));
        Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rwx--x--x"));
        assertThatThrownBy(() -> SandboxUserReach.require(dataDir, STRANGER, "process"))
                .hasMessageContaining(dataDir.toRealPath() + " is not searchable by it (mode 754")
                .hasMessageContaining("fix: chmod o+x " + dataDir.toRealPath());
    }

    @Test
    void theGroupsBitsApplyToAMemberOfTheGroup() throws Exception {
        Path dataDir = Files.createDirectory(temp.resolve("data"), PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rwx---rwx")));
        Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rwx--x--x"));
        int group = (Integer) Files.getAttribute(dataDir, "unix:gid");
        SandboxUserReach.User member = new SandboxUserReach.User(65534, group);
        assertThatThrownBy(() -> SandboxUserReach.require(dataDir, member, "namespace"))
                .hasMessageContaining("fix: chmod g+x " + dataDir.toRealPath());
    }
}
