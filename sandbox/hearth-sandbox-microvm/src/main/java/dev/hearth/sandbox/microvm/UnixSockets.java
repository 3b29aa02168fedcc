package dev.hearth.sandbox.microvm;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.locks.LockSupport;

/** Connects to a unix socket that a starting QEMU process is about to create. Stateless. */
final class UnixSockets {
    private UnixSockets() {}

    /**
     * Connects to {@code path}, retrying every few milliseconds until it accepts, the process dies
     * (an {@link IOException} saying so) or {@code timeout} passes.
     */
    static SocketChannel connectWhenReady(Path path, Process process, Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        IOException last = null;
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException("QEMU exited with status " + process.exitValue() + " before opening " + path);
            }
            SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
            try {
                channel.connect(UnixDomainSocketAddress.of(path));
                return channel;
            } catch (IOException e) {
                channel.close();
                last = e;
            }
            LockSupport.parkNanos(2_000_000);
        }
        throw new IOException("QEMU did not open " + path + " within " + timeout, last);
    }
}
