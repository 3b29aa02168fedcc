package dev.hearth.sandbox.microvm;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.io.OutputStream;

/**
 * Writes a cpio archive in the "newc" format the Linux initramfs unpacker reads. Entries carry
 * fixed owner (root), inode numbers and modification time 0, so the same entries give the same
 * bytes (reproducible images). Archives may be concatenated: the kernel unpacks each in turn, which
 * is how a sandbox's launch files are added to the shared initramfs.
 *
 * <p>Threading: not thread-safe; one writer per archive. Does not close the stream.
 */
final class CpioArchive {
    private static final int DIRECTORY = 0040000;
    private static final int REGULAR = 0100000;
    private static final int SYMLINK = 0120000;

    private final OutputStream out;
    private long written;
    private int inode = 1;

    CpioArchive(OutputStream out) {
        this.out = out;
    }

    void directory(String path, int mode) throws IOException {
        entry(path, DIRECTORY | mode, new byte[0]);
    }

    void file(String path, int mode, byte[] content) throws IOException {
        entry(path, REGULAR | mode, content);
    }

    void symlink(String path, String target) throws IOException {
        entry(path, SYMLINK | 0777, target.getBytes(UTF_8));
    }

    /** Writes the trailer that ends the archive. */
    void finish() throws IOException {
        entry("TRAILER!!!", 0, new byte[0]);
        out.flush();
    }

    private void entry(String path, int mode, byte[] content) throws IOException {
        byte[] name = (path + "\0").getBytes(UTF_8);
        boolean trailer = path.equals("TRAILER!!!");
        String header = "070701" + hex(trailer ? 0 : inode++) + hex(mode) + hex(0) + hex(0)
                + hex((mode & DIRECTORY) == DIRECTORY && (mode & REGULAR) == 0 ? 2 : 1) + hex(0)
                + hex(content.length) + hex(0) + hex(0) + hex(0) + hex(0) + hex(name.length) + hex(0);
        write(header.getBytes(US_ASCII));
        write(name);
        pad();
        write(content);
        pad();
    }

    private void write(byte[] bytes) throws IOException {
        out.write(bytes);
        written += bytes.length;
    }

    private void pad() throws IOException {
        while (written % 4 != 0) {
            out.write(0);
            written++;
        }
    }

    private static String hex(long value) {
        return String.format("%08x", value);
    }
}
