package dev.hearth.runtimes;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.FileSystemException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * Copies the bootstrap files shipped as this module's resources (under {@value #RESOURCE_ROOT}) to a
 * directory named after their content digest, so a newer Hearth never reuses an older copy.
 *
 * <p>Safe when several threads or JVMs extract into the same cache directory at once: each writes a
 * private temporary directory and renames it into place atomically; the loser of the race deletes
 * its copy and uses the winner's. A directory that exists under the final name is therefore
 * complete. Files are world-readable so that sandboxes running as an unprivileged user can read them.
 */
final class BootstrapFiles {

    static final String RESOURCE_ROOT = "dev/hearth/runtimes/root";
    /** A file known to exist under the resource root; used to find where the root is. */
    private static final String ANCHOR = "python/bootstrap.py";
    /** Where the Java runtime client's native library is extracted, relative to the root. */
    static final String JAVA_JNI_LIBRARY = "java/jni/libaws-lambda-jni.so";
    static final String JAVA_RIC_JAR_PREFIX = "java/lib/aws-lambda-java-runtime-interface-client-";

    private BootstrapFiles() {}

    /**
     * Extracts the bootstrap files under {@code cacheDir} (created if missing) unless an identical
     * copy is already there.
     *
     * @return the directory holding one sub-directory per runtime family ({@code python},
     *     {@code nodejs}, {@code java}, {@code provided})
     * @throws UncheckedIOException when the resources cannot be read or the files cannot be written
     */
    static Path extract(Path cacheDir) {
        try {
            SortedMap<String, byte[]> files = readResources();
            Path target = cacheDir.resolve("runtimes-" + digest(files));
            if (Files.isDirectory(target)) {
                return target;
            }
            Files.createDirectories(cacheDir);
            Path temporary = Files.createTempDirectory(cacheDir, ".runtimes-");
            try {
                write(temporary, files);
                renameIntoPlace(temporary, target);
            } finally {
                if (Files.exists(temporary)) {
                    deleteRecursively(temporary);
                }
            }
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot extract Hearth's runtime bootstrap files into " + cacheDir, e);
        }
    }

    private static void renameIntoPlace(Path temporary, Path target) throws IOException {
        try {
            Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (FileSystemException raced) {
            // rename(2) onto a non-empty directory: another thread or JVM extracted the same content first
            if (!Files.isDirectory(target)) {
                throw raced;
            }
        }
    }

    private static void write(Path root, SortedMap<String, byte[]> files) throws IOException {
        for (var file : files.entrySet()) {
            Path path = root.resolve(file.getKey());
            Files.createDirectories(path.getParent());
            Files.write(path, file.getValue());
        }
        Files.createDirectories(root.resolve("provided"));
        Optional<String> jarName = files.keySet().stream().filter(name -> name.startsWith(JAVA_RIC_JAR_PREFIX)).findFirst();
        if (jarName.isPresent()) {
            extractJniLibrary(root.resolve(jarName.get()), root.resolve(JAVA_JNI_LIBRARY));
        }
        makeWorldReadable(root);
    }

    /**
     * The runtime client would copy its native library to the fixed path {@code /tmp/.libaws-lambda-jni.so}
     * at every start, which sandboxes sharing the host's {@code /tmp} would race on; extracting it
     * once here lets the launch command point the client at it instead.
     */
    private static void extractJniLibrary(Path ricJar, Path destination) throws IOException {
        Optional<String> entryName = jniEntryName();
        if (entryName.isEmpty()) {
            return;
        }
        try (ZipFile jar = new ZipFile(ricJar.toFile())) {
            ZipEntry entry = jar.getEntry(entryName.get());
            if (entry == null) {
                throw new IOException(ricJar + " has no " + entryName.get());
            }
            Files.createDirectories(destination.getParent());
            try (InputStream in = jar.getInputStream(entry)) {
                Files.copy(in, destination);
            }
        }
    }

    /** The runtime client's native library built for this host's architecture and C library. */
    static Optional<String> jniEntryName() {
        String arch = switch (System.getProperty("os.arch")) {
            case "amd64", "x86_64" -> "x86_64";
            case "aarch64", "arm64" -> "aarch_64";
            default -> null;
        };
        if (arch == null || !System.getProperty("os.name").equals("Linux")) {
            return Optional.empty();
        }
        boolean musl = Files.exists(Path.of("/lib/ld-musl-" + arch.replace("_", "") + ".so.1"))
                && !Files.exists(Path.of("/lib64/ld-linux-x86-64.so.2"))
                && !Files.exists(Path.of("/lib/ld-linux-aarch64.so.1"));
        return Optional.of("jni/libaws-lambda-jni.linux" + (musl ? "_musl-" : "-") + arch + ".so");
    }

    private static void makeWorldReadable(Path root) throws IOException {
        var directoryMode = PosixFilePermissions.fromString("rwxr-xr-x");
        var fileMode = PosixFilePermissions.fromString("rw-r--r--");
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.toList()) {
                Files.setPosixFilePermissions(path, Files.isDirectory(path) ? directoryMode : fileMode);
            }
        }
    }

    private static SortedMap<String, byte[]> readResources() throws IOException {
        URL anchor = BootstrapFiles.class.getClassLoader().getResource(RESOURCE_ROOT + "/" + ANCHOR);
        if (anchor == null) {
            throw new IOException("resource " + RESOURCE_ROOT + "/" + ANCHOR + " is missing from the classpath");
        }
        URI uri;
        try {
            uri = anchor.toURI();
        } catch (URISyntaxException e) {
            throw new IOException("unexpected resource URL " + anchor, e);
        }
        return switch (uri.getScheme()) {
            case "file" -> readTree(rootOf(Path.of(uri)));
            case "jar" -> readFromJar(uri);
            default -> throw new IOException("cannot list resources at " + uri + ": only directories and jars are supported");
        };
    }

    private static SortedMap<String, byte[]> readFromJar(URI uri) throws IOException {
        String spec = uri.getRawSchemeSpecificPart();
        int separator = spec.indexOf("!/");
        if (separator < 0 || spec.indexOf("!/", separator + 2) >= 0) {
            throw new IOException("cannot list resources inside nested jar " + uri);
        }
        Path jar = Path.of(URI.create(spec.substring(0, separator)));
        try (FileSystem zip = FileSystems.newFileSystem(jar)) {
            return readTree(rootOf(zip.getPath("/" + RESOURCE_ROOT + "/" + ANCHOR)));
        }
    }

    private static Path rootOf(Path anchor) {
        return anchor.getParent().getParent();
    }

    private static SortedMap<String, byte[]> readTree(Path root) throws IOException {
        SortedMap<String, byte[]> files = new TreeMap<>();
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.filter(Files::isRegularFile).toList()) {
                String relative = root.relativize(path).toString().replace('\\', '/');
                files.put(relative, Files.readAllBytes(path));
            }
        }
        return files;
    }

    private static String digest(SortedMap<String, byte[]> files) {
        MessageDigest sha256;
        try {
            sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
        for (var file : files.entrySet()) {
            sha256.update(file.getKey().getBytes(StandardCharsets.UTF_8));
            sha256.update((byte) 0);
            sha256.update(file.getValue());
            sha256.update((byte) 0);
        }
        return HexFormat.of().formatHex(sha256.digest()).substring(0, 16);
    }

    private static void deleteRecursively(Path root) throws IOException {
        List<Path> paths = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(root)) {
            walk.forEach(paths::add);
        }
        paths.sort(Comparator.reverseOrder());
        for (Path path : paths) {
            Files.deleteIfExists(path);
        }
    }
}
