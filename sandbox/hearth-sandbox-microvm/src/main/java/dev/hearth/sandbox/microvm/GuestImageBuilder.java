package dev.hearth.sandbox.microvm;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds the guest from the host's Debian packages, once, into a cache directory:
 * <ul>
 *   <li>{@code vmlinux}: the xz payload of {@code /boot/vmlinuz-*} (linux-image-amd64) decompressed
 *       to the uncompressed ELF, which QEMU boots directly (PVH) without the slow emulated
 *       self-decompression;</li>
 *   <li>{@code initramfs.cpio}: static busybox (busybox-static) with its applets, the virtio, ext4
 *       and virtio-net modules in load order, and Hearth's {@code init};</li>
 *   <li>{@code system.ext4}: the {@link GuestContents} plus their shared libraries, made with
 *       {@code mkfs.ext4 -d} (e2fsprogs).</li>
 * </ul>
 * The cache key is a SHA-256 over this builder's version, the init script, the module list and the
 * path, size and modification time of every input file (a cheap stand-in for their bytes: Debian
 * packages replace files on upgrade). A build happens in a temporary directory renamed into place,
 * so concurrent builders and crashed builds never leave a half-built guest.
 *
 * <p>Threading: thread-safe; concurrent calls for the same inputs may build twice, one wins.
 */
public final class GuestImageBuilder {
    private static final Logger LOG = LoggerFactory.getLogger(GuestImageBuilder.class);
    private static final String VERSION = "hearth-guest-1";
    /** Modules the guest needs, in load order (all of them are modules in Debian's kernel). */
    static final List<String> MODULES = List.of("crc32c_generic", "libcrc32c", "virtio_ring", "virtio", "virtio_mmio",
            "virtio_blk", "virtio_console", "crc16", "mbcache", "jbd2", "ext4", "failover", "net_failover", "virtio_net");
    private static final byte[] XZ_MAGIC = {(byte) 0xFD, '7', 'z', 'X', 'Z', 0};
    private static final Duration TIMEOUT = Duration.ofMinutes(5);
    private static final Pattern LDD_LIBRARY = Pattern.compile("(?:=>\\s*)?(/\\S+)\\s+\\(0x");

    private final Path cacheDir;
    private final GuestContents contents;
    private final Path bootDir;
    private final Path busybox;

    /**
     * @param cacheDir where built guests are kept (one subdirectory per key)
     * @param contents what goes into the system image
     */
    public GuestImageBuilder(Path cacheDir, GuestContents contents) {
        this(cacheDir, contents, Path.of("/boot"), Path.of("/bin/busybox"));
    }

    GuestImageBuilder(Path cacheDir, GuestContents contents, Path bootDir, Path busybox) {
        this.cacheDir = cacheDir;
        this.contents = contents;
        this.bootDir = bootDir;
        this.busybox = busybox;
    }

    /** The guest for the host's current packages, built now unless already cached. */
    public GuestImage build() throws IOException {
        Path vmlinuz = newestKernel();
        String release = vmlinuz.getFileName().toString().substring("vmlinuz-".length());
        Path modulesDir = Path.of("/lib/modules", release);
        if (!Files.isDirectory(modulesDir)) {
            throw new IOException("no modules for kernel " + release + " in " + modulesDir + ": apt-get install linux-image-amd64");
        }
        checkStaticBusybox();
        byte[] init = initScript();
        List<Path> files = contentFiles();
        MessageDigest digest = ContentImageCache.sha256();
        digest.update((VERSION + "\0" + String.join(",", MODULES) + "\0").getBytes(UTF_8));
        digest.update(init);
        for (Path each : concat(List.of(vmlinuz, busybox), files)) {
            BasicFileAttributes attributes = Files.readAttributes(each, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            digest.update((each + "\0" + attributes.size() + "\0" + attributes.lastModifiedTime().toMillis() + "\0").getBytes(UTF_8));
        }
        String key = HexFormat.of().formatHex(digest.digest()).substring(0, 20);
        Path done = cacheDir.resolve("guest-" + key);
        GuestImage image = new GuestImage(done.resolve("vmlinux"), done.resolve("initramfs.cpio"), done.resolve("system.ext4"), release);
        if (Files.isDirectory(done)) {
            return image;
        }
        Files.createDirectories(cacheDir);
        Path work = Files.createTempDirectory(cacheDir, "building-" + key + "-");
        try {
            long start = System.nanoTime();
            extractKernel(vmlinuz, work.resolve("vmlinux"));
            writeInitramfs(work.resolve("initramfs.cpio"), modulesDir, init);
            Path staging = Files.createDirectory(work.resolve("system"));
            stageSystem(staging, files);
            Ext4ImageWriter.write(staging, "hearth-system", work.resolve("system.ext4"));
            deleteTree(staging);
            try {
                Files.move(work, done, StandardCopyOption.ATOMIC_MOVE);
            } catch (FileAlreadyExistsException | java.nio.file.DirectoryNotEmptyException e) {
                LOG.debug("another builder finished guest {} first", key);
            }
            LOG.info("built microvm guest {} (kernel {}) in {} ms", done, release, (System.nanoTime() - start) / 1_000_000);
        } finally {
            if (Files.exists(work)) {
                deleteTree(work);
            }
        }
        return image;
    }

    /** The newest {@code vmlinuz-*} in the boot directory. */
    Path newestKernel() throws IOException {
        try (Stream<Path> list = Files.list(bootDir)) {
            return list.filter(p -> p.getFileName().toString().startsWith("vmlinuz-"))
                    .max(Comparator.comparing(p -> p.getFileName().toString(), GuestImageBuilder::compareVersions))
                    .orElseThrow(() -> new IOException("no " + bootDir + "/vmlinuz-*: apt-get install linux-image-amd64"));
        }
    }

    /** Extracts the uncompressed kernel ELF from a bzImage whose payload is xz-compressed. */
    static void extractKernel(Path vmlinuz, Path target) throws IOException {
        byte[] image = Files.readAllBytes(vmlinuz);
        int offset = indexOf(image, XZ_MAGIC);
        if (offset < 0) {
            throw new IOException(vmlinuz + " has no xz payload; only xz-compressed kernels (Debian's) are supported");
        }
        Path payload = target.resolveSibling("vmlinux.xz");
        Files.write(payload, java.util.Arrays.copyOfRange(image, offset, image.length));
        HostCommand.runBytes(List.of("xz", "-dc", "--single-stream", payload.toString()), target, TIMEOUT);
        Files.delete(payload);
        byte[] head = new byte[4];
        try (InputStream in = Files.newInputStream(target)) {
            if (in.readNBytes(head, 0, 4) != 4 || head[0] != 0x7F || head[1] != 'E' || head[2] != 'L' || head[3] != 'F') {
                throw new IOException("the kernel extracted from " + vmlinuz + " is not an ELF file");
            }
        }
    }

    private void writeInitramfs(Path target, Path modulesDir, byte[] init) throws IOException {
        List<String> applets = HostCommand.run(List.of(busybox.toString(), "--list"), TIMEOUT).lines()
                .map(String::strip).filter(s -> !s.isEmpty() && !s.equals("busybox")).sorted().toList();
        List<Path> moduleFiles = new ArrayList<>();
        for (String module : MODULES) {
            moduleFiles.add(findModule(modulesDir, module));
        }
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(target))) {
            CpioArchive cpio = new CpioArchive(out);
            for (String dir : List.of("bin", "dev", "etc", "hearth", "hearth/modules", "mnt", "proc", "root", "run", "sys",
                    "tmp", "usr", "var", "var/runtime", "var/task", "opt")) {
                cpio.directory(dir, dir.equals("tmp") ? 01777 : 0755);
            }
            cpio.symlink("lib", "usr/lib");
            cpio.symlink("lib64", "usr/lib64");
            cpio.symlink("sbin", "bin");
            cpio.file("bin/busybox", 0755, Files.readAllBytes(busybox));
            for (String applet : applets) {
                cpio.symlink("bin/" + applet, "busybox");
            }
            cpio.file("init", 0755, init);
            cpio.file("hearth/modules.order", 0644, (String.join("\n", MODULES) + "\n").getBytes(UTF_8));
            for (int i = 0; i < MODULES.size(); i++) {
                cpio.file("hearth/modules/" + MODULES.get(i) + ".ko", 0644, Files.readAllBytes(moduleFiles.get(i)));
            }
            cpio.file("etc/passwd", 0644, "root:x:0:0:root:/root:/bin/sh\nsbx_user1051:x:993:990::/tmp:/bin/false\n".getBytes(UTF_8));
            cpio.file("etc/group", 0644, "root:x:0:\nsbx_user1051:x:990:\n".getBytes(UTF_8));
            cpio.file("etc/hosts", 0644, "127.0.0.1 localhost\n".getBytes(UTF_8));
            cpio.file("etc/resolv.conf", 0644, "nameserver 10.0.2.3\n".getBytes(UTF_8));
            cpio.finish();
        }
    }

    private static Path findModule(Path modulesDir, String module) throws IOException {
        try (Stream<Path> walk = Files.walk(modulesDir.resolve("kernel"))) {
            return walk.filter(p -> p.getFileName().toString().equals(module + ".ko")).findFirst()
                    .orElseThrow(() -> new IOException("kernel module " + module + ".ko not found under " + modulesDir
                            + " (compressed modules are not supported)"));
        }
    }

    /** Every regular file and symlink of the contents, host paths, sorted. */
    private List<Path> contentFiles() throws IOException {
        Set<Path> result = new LinkedHashSet<>();
        for (Path tree : contents.trees()) {
            if (!Files.exists(tree, LinkOption.NOFOLLOW_LINKS)) {
                throw new IOException("guest contents: " + tree + " does not exist on this host");
            }
            try (Stream<Path> walk = Files.walk(tree)) {
                walk.filter(p -> contents.excluded().stream().noneMatch(p::startsWith))
                        .filter(p -> !Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS))
                        .forEach(result::add);
            }
        }
        return result.stream().sorted().toList();
    }

    private void stageSystem(Path staging, List<Path> files) throws IOException {
        Path usr = Path.of("/usr");
        List<Path> elfFiles = new ArrayList<>();
        for (Path file : files) {
            stage(staging, usr, file, file);
            if (Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS) && isElf(file)) {
                elfFiles.add(file);
            }
        }
        for (Path library : sharedLibraries(elfFiles)) {
            Path inUsr = library.getParent().toRealPath().resolve(library.getFileName());
            if (!inUsr.startsWith(usr)) {
                throw new IOException("shared library outside /usr: " + library);
            }
            if (!Files.exists(staging.resolve(usr.relativize(inUsr).toString()), LinkOption.NOFOLLOW_LINKS)) {
                stage(staging, usr, inUsr, library.toRealPath());
            }
        }
        // scripts starting with #!/usr/bin/env find busybox's env
        Path env = staging.resolve("bin/env");
        if (!Files.exists(env, LinkOption.NOFOLLOW_LINKS)) {
            Files.createDirectories(env.getParent());
            Files.createSymbolicLink(env, Path.of("/bin/busybox"));
        }
    }

    /** Puts {@code source} (a host file) at {@code hostPath}'s place under /usr in the staging tree. */
    private static void stage(Path staging, Path usr, Path hostPath, Path source) throws IOException {
        Path target = staging.resolve(usr.relativize(hostPath.normalize()).toString());
        Files.createDirectories(target.getParent());
        if (Files.isSymbolicLink(source)) {
            Files.createSymbolicLink(target, Files.readSymbolicLink(source));
            return;
        }
        try {
            Files.createLink(target, source);
        } catch (IOException | UnsupportedOperationException e) {
            Files.copy(source, target, StandardCopyOption.COPY_ATTRIBUTES);
        }
    }

    /** The libraries (as ldd names them) that the given ELF files load, including the dynamic loader. */
    private static Set<Path> sharedLibraries(List<Path> elfFiles) throws IOException {
        Set<Path> libraries = new LinkedHashSet<>();
        for (int from = 0; from < elfFiles.size(); from += 64) {
            List<String> argv = new ArrayList<>(List.of("ldd"));
            elfFiles.subList(from, Math.min(elfFiles.size(), from + 64)).forEach(p -> argv.add(p.toString()));
            String output = HostCommand.runAllowingFailure(argv, TIMEOUT);
            for (String line : output.lines().toList()) {
                if (line.contains("not found")) {
                    LOG.warn("guest image: a library is missing on the host: {}", line.strip());
                    continue;
                }
                Matcher matcher = LDD_LIBRARY.matcher(line);
                if (matcher.find()) {
                    libraries.add(Path.of(matcher.group(1)));
                }
            }
        }
        return libraries;
    }

    private void checkStaticBusybox() throws IOException {
        if (!Files.isRegularFile(busybox)) {
            throw new IOException("no " + busybox + ": apt-get install busybox-static");
        }
        byte[] elf = Files.readAllBytes(busybox);
        ByteBuffer header = ByteBuffer.wrap(elf).order(ByteOrder.LITTLE_ENDIAN);
        if (elf.length < 64 || header.getInt(0) != 0x464C457F) {
            throw new IOException(busybox + " is not an ELF file");
        }
        long phoff = header.getLong(0x20);
        int phentsize = Short.toUnsignedInt(header.getShort(0x36));
        int phnum = Short.toUnsignedInt(header.getShort(0x38));
        for (int i = 0; i < phnum; i++) {
            if (header.getInt((int) (phoff + (long) i * phentsize)) == 3) { // PT_INTERP: dynamically linked
                throw new IOException(busybox + " is dynamically linked; the guest needs a static one: apt-get install busybox-static");
            }
        }
    }

    static byte[] initScript() throws IOException {
        try (InputStream in = GuestImageBuilder.class.getResourceAsStream("init.sh")) {
            if (in == null) {
                throw new IOException("init.sh missing from the hearth-sandbox-microvm jar");
            }
            return in.readAllBytes();
        }
    }

    private static boolean isElf(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            byte[] head = in.readNBytes(4);
            return head.length == 4 && head[0] == 0x7F && head[1] == 'E' && head[2] == 'L' && head[3] == 'F';
        }
    }

    private static int indexOf(byte[] data, byte[] pattern) {
        outer:
        for (int i = 0; i + pattern.length <= data.length; i++) {
            for (int j = 0; j < pattern.length; j++) {
                if (data[i + j] != pattern[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    /** Compares version strings numerically where both have digits ({@code 6.1.0-9} before {@code 6.1.0-56}). */
    static int compareVersions(String a, String b) {
        String[] left = a.split("(?<=\\d)(?=\\D)|(?<=\\D)(?=\\d)");
        String[] right = b.split("(?<=\\d)(?=\\D)|(?<=\\D)(?=\\d)");
        for (int i = 0; i < Math.min(left.length, right.length); i++) {
            int c = left[i].chars().allMatch(Character::isDigit) && right[i].chars().allMatch(Character::isDigit)
                    ? new java.math.BigInteger(left[i]).compareTo(new java.math.BigInteger(right[i]))
                    : left[i].compareTo(right[i]);
            if (c != 0) {
                return c;
            }
        }
        return Integer.compare(left.length, right.length);
    }

    private static List<Path> concat(List<Path> a, List<Path> b) {
        List<Path> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path each : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(each);
            }
        }
    }
}
