package dev.hearth.sandbox.microvm;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * {@link VmmControl} for QEMU over QMP. Guest RAM is a memory-backend file, so saving is a migration
 * of device state only ({@code x-ignore-shared}) to a file through {@code exec:cat} (QEMU 7.2 has no
 * {@code file:} migration URI), and loading is {@code migrate-incoming} from it; the memory file
 * arguments are not used.
 */
final class QemuVmmControl implements VmmControl {
    private final QmpClient qmp;

    QemuVmmControl(QmpClient qmp) {
        this.qmp = qmp;
    }

    @Override
    public void resume() throws IOException {
        qmp.execute("cont", Map.of());
    }

    @Override
    public void pause() throws IOException {
        qmp.execute("stop", Map.of());
    }

    @Override
    public void save(Path stateFile, Path memoryFile, Duration timeout) throws IOException {
        ignoreSharedMemory();
        qmp.execute("stop", Map.of());
        qmp.execute("migrate", Map.of("uri", "exec:cat > " + LaunchFiles.quote(stateFile.toString())));
        qmp.awaitMigration(timeout);
    }

    @Override
    public void load(Path stateFile, Path memoryFile, Duration timeout) throws IOException {
        ignoreSharedMemory();
        qmp.execute("migrate-incoming", Map.of("uri", "exec:cat " + LaunchFiles.quote(stateFile.toString())));
        qmp.awaitMigration(timeout);
    }

    private void ignoreSharedMemory() throws IOException {
        qmp.execute("migrate-set-capabilities", Map.of("capabilities",
                List.of(Map.of("capability", "x-ignore-shared", "state", true))));
    }

    @Override
    public void close() throws IOException {
        qmp.close();
    }
}
