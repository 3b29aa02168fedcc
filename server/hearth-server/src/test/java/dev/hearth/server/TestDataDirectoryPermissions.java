package dev.hearth.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import dev.hearth.core.AccountContext;
import dev.hearth.logs.SqliteLogStore;
import dev.hearth.store.sqlite.SqliteFunctionStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hearth's databases and key are readable by Hearth's user only, so that the unprivileged user
 * sandboxes run as (uid 65534) cannot read other functions' variables, logs or events, while the
 * data directory itself stays searchable for the packages and runtimes below it.
 */
final class TestDataDirectoryPermissions {
    private static final AccountContext SERVER_DEFAULT = AccountContext.DEFAULT;
    private static final AccountContext OTHER = new AccountContext("eu-west-1", "111122223333");

    @TempDir
    Path temp;

    @Test
    void databasesKeyAndCellsAreHearthsOnly() throws Exception {
        Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rwx--x--x"));
        Path root = temp.resolve("data");
        List<Path> privateFiles = new ArrayList<>();
        try (DataDirectory data = DataDirectory.open(root)) {
            data.secretKey();
            privateFiles.add(root.resolve("secret.key"));
            for (AccountContext scope : List.of(SERVER_DEFAULT, OTHER)) {
                DataDirectory.CellDirectory cell = data.cell(scope, SERVER_DEFAULT);
                try (SqliteFunctionStore store = SqliteFunctionStore.open(cell.functionsDatabase());
                        SqliteLogStore logs = SqliteLogStore.open(cell.logsDatabase())) {
                    privateFiles.add(cell.functionsDatabase());
                    privateFiles.add(cell.logsDatabase());
                    privateFiles.add(cell.queueDatabase());
                    privateFiles.add(cell.eventInvokeConfigDatabase());
                    try (var files = Files.list(cell.dir())) {
                        files.filter(f -> f.getFileName().toString().matches(".*\\.db(-wal|-shm|-journal)?"))
                                .forEach(privateFiles::add);
                    }
                    privateFiles.removeIf(f -> !Files.exists(f)); // an earlier cell's journal files went when it closed
                    assertModes(privateFiles);
                }
            }
            assertThat(mode(root.resolve("cells"))).isEqualTo("rwx------");
            assertThat(mode(root.resolve("cells/eu-west-1"))).isEqualTo("rwx------");
            assertThat(mode(root.resolve("cells/eu-west-1/111122223333"))).isEqualTo("rwx------");
            assertThat(mode(root)).isEqualTo("rwx--x--x");
        }
        privateFiles.removeIf(f -> !Files.exists(f)); // SQLite's journal files go when it closes
        assertModes(privateFiles);

        assumeThat(isRoot()).as("reading as uid 65534 needs root (setpriv)").isTrue();
        assumeThat(Files.isExecutable(Path.of("/usr/bin/setpriv"))).as("setpriv is installed").isTrue();
        Path readable = Files.writeString(root.resolve("probe"), "probe");
        Files.setPosixFilePermissions(readable, PosixFilePermissions.fromString("rw-r--r--"));
        assertThat(readAsSandboxUser(readable)).as("the check itself: a world-readable file is read").isZero();
        for (Path file : privateFiles) {
            assertThat(readAsSandboxUser(file)).as(file.toString()).isNotZero();
        }
    }

    @Test
    void anOlderWorldReadableDatabaseIsMadePrivate() throws Exception {
        Path root = temp.resolve("data");
        Files.createDirectories(root);
        Path old = Files.writeString(root.resolve("functions.db"), "");
        Path oldWal = Files.writeString(root.resolve("functions.db-wal"), "");
        Files.setPosixFilePermissions(old, PosixFilePermissions.fromString("rw-r--r--"));
        Files.setPosixFilePermissions(oldWal, PosixFilePermissions.fromString("rw-r--r--"));
        try (DataDirectory data = DataDirectory.open(root)) {
            data.cell(SERVER_DEFAULT, SERVER_DEFAULT).functionsDatabase();
        }
        assertThat(mode(old)).isEqualTo("rw-------");
        assertThat(mode(oldWal)).isEqualTo("rw-------");
    }

    private static void assertModes(List<Path> files) throws IOException {
        for (Path file : files) {
            assertThat(mode(file)).as(file.toString()).isEqualTo("rw-------");
        }
    }

    private static String mode(Path path) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
    }

    private static boolean isRoot() throws IOException {
        return Files.readString(Path.of("/proc/self/status"), StandardCharsets.UTF_8).lines()
                .anyMatch(line -> line.matches("Uid:\\s+0\\s.*"));
    }

    private static int readAsSandboxUser(Path file) throws Exception {
        Process p = new ProcessBuilder("setpriv", "--reuid", "65534", "--regid", "65534", "--clear-groups", "cat", file.toString())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return p.exitValue();
    }
}
