package dev.hearth.server;

import dev.hearth.core.AccountContext;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The layout of a Hearth data directory, held exclusively by one server process at a time (a lock
 * on {@code hearth.lock}), so that two servers never write the same databases.
 */
final class DataDirectory implements AutoCloseable {
    static final Set<PosixFilePermission> OWNER_ONLY_FILE = PosixFilePermissions.fromString("rw-------");
    static final Set<PosixFilePermission> OWNER_ONLY_DIRECTORY = PosixFilePermissions.fromString("rwx------");
    private final Path root;
    private final FileChannel lockChannel;
    private final FileLock lock;

    private DataDirectory(Path root, FileChannel lockChannel, FileLock lock) {
        this.root = root;
        this.lockChannel = lockChannel;
        this.lock = lock;
    }

    /**
     * Creates (if need be), locks and opens the data directory.
     *
     * @throws StartupRefusal when another server holds it, or it cannot be created or opened
     */
    static DataDirectory open(Path root) {
        try {
            Files.createDirectories(root);
            // Sandboxes run function code as an unprivileged user, which must be able to reach the
            // packages and runtime files below this directory (but not list it).
            Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwx--x--x"));
            FileChannel channel = FileChannel.open(root.resolve("hearth.lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null;
            }
            if (lock == null) {
                channel.close();
                throw new StartupRefusal("another Hearth server is using the data directory " + root
                        + "; stop it or choose another --data-dir");
            }
            return new DataDirectory(root, channel, lock);
        } catch (IOException e) {
            throw new StartupRefusal("cannot use the data directory " + root + ": " + reason(e)
                    + "; fix that or choose another --data-dir", e);
        }
    }

    /** What went wrong, in words (the JDK's messages for these name only the file). */
    private static String reason(IOException e) {
        return switch (e) {
            case AccessDeniedException denied -> "permission denied on " + denied.getFile();
            case FileAlreadyExistsException exists -> exists.getFile() + " exists and is not a directory";
            case NoSuchFileException absent -> absent.getFile() + " does not exist";
            case FileSystemException other when other.getReason() != null -> other.getFile() + ": " + other.getReason();
            default -> e.getMessage();
        };
    }

    Path root() {
        return root;
    }

    Path packages() {
        return root.resolve("packages");
    }

    Path runtimes() {
        return root.resolve("runtimes");
    }

    Path sandboxes() {
        return root.resolve("sandboxes");
    }

    /** The embedded S3 store's buckets (Hearth's own, 0700: no sandbox reads them). */
    Path s3() {
        return root.resolve("s3");
    }

    /** Where sandbox backends keep built images and state (one folder each). */
    Path backends() {
        return root.resolve("backends");
    }

    /**
     * The databases of one account in one region. The server's own account and region (its {@code
     * --account-id} and {@code --region}) keep theirs at the top of the data directory, where a
     * single-account Hearth always had them; every other one under {@code cells/REGION/ACCOUNT/}.
     */
    CellDirectory cell(AccountContext scope, AccountContext serverDefault) throws IOException {
        if (scope.equals(serverDefault)) {
            return new CellDirectory(root);
        }
        // Sandboxes need nothing below cells/: Hearth's own, 0700 all the way down.
        Path dir = root;
        for (String part : List.of("cells", scope.region(), scope.accountId())) {
            dir = dir.resolve(part);
            Files.createDirectories(dir);
            Files.setPosixFilePermissions(dir, OWNER_ONLY_DIRECTORY);
        }
        return new CellDirectory(dir);
    }

    /** The accounts and regions that have databases under {@code cells/} (the server's own is not among them). */
    List<AccountContext> existingCells() throws IOException {
        if (!Files.isDirectory(cells())) {
            return List.of();
        }
        List<AccountContext> found = new ArrayList<>();
        try (Stream<Path> regions = Files.list(cells())) {
            for (Path region : regions.filter(Files::isDirectory).sorted().toList()) {
                try (Stream<Path> accounts = Files.list(region)) {
                    for (Path account : accounts.filter(Files::isDirectory).sorted().toList()) {
                        found.add(new AccountContext(region.getFileName().toString(), account.getFileName().toString()));
                    }
                }
            }
        }
        return found;
    }

    private Path cells() {
        return root.resolve("cells");
    }

    /**
     * Where one account's databases in one region live. Each database path it hands out is a file
     * readable and writable by Hearth's user only (0600, created so if absent, corrected if an older
     * Hearth left it wider, together with SQLite's journal files): the server's own cell sits at the
     * top of the data directory, which sandboxes may traverse, and these hold every function's
     * environment variables, logs and events. SQLite gives the journal files it creates later the
     * database's mode.
     */
    record CellDirectory(Path dir) {
        Path functionsDatabase() {
            return ownerOnlyFile(dir.resolve("functions.db"));
        }

        Path logsDatabase() {
            return ownerOnlyFile(dir.resolve("logs.db"));
        }

        Path queueDatabase() {
            return ownerOnlyFile(dir.resolve("queue.db"));
        }

        Path eventInvokeConfigDatabase() {
            return ownerOnlyFile(dir.resolve("event-invoke-configs.db"));
        }

        /** The event source mappings of this cell's queues. */
        Path eventSourceMappingDatabase() {
            return ownerOnlyFile(dir.resolve("event-source-mappings.db"));
        }

        /** The account's EventBridge Scheduler schedules and schedule groups in this region. */
        Path schedulesDatabase() {
            return ownerOnlyFile(dir.resolve("schedules.db"));
        }

        /** The account's SQS-compatible queues in this region. */
        Path sqsDatabase() {
            return ownerOnlyFile(dir.resolve("sqs.db"));
        }
    }

    /** {@code file} (and SQLite's journal files beside it) made 0600, the file created empty if absent. */
    static Path ownerOnlyFile(Path file) {
        try {
            try {
                Files.createFile(file, PosixFilePermissions.asFileAttribute(OWNER_ONLY_FILE));
            } catch (FileAlreadyExistsException e) {
                // an existing database: its mode is corrected below
            }
            for (String suffix : List.of("", "-wal", "-shm", "-journal")) {
                Path f = file.resolveSibling(file.getFileName() + suffix);
                if (Files.exists(f)) {
                    Files.setPosixFilePermissions(f, OWNER_ONLY_FILE);
                }
            }
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot make " + file + " private to Hearth: " + reason(e), e);
        }
    }

    /** A random key private to this installation (created on first use, readable by its owner only). */
    byte[] secretKey() {
        Path file = root.resolve("secret.key");
        try {
            if (!Files.exists(file)) {
                byte[] key = new byte[32];
                new SecureRandom().nextBytes(key);
                Path temp = Files.createTempFile(root, "secret", ".tmp",
                        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
                Files.write(temp, key);
                Files.move(temp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            }
            Files.setPosixFilePermissions(file, OWNER_ONLY_FILE);
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or create " + file + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        try {
            lock.release();
            lockChannel.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
