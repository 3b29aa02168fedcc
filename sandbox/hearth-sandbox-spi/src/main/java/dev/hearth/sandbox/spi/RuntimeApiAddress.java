package dev.hearth.sandbox.spi;

import java.nio.file.Path;

/** The host side of one sandbox's Runtime API listener. */
public sealed interface RuntimeApiAddress {

    /** A TCP listener on {@code host:port} (loopback). */
    record Tcp(String host, int port) implements RuntimeApiAddress {
        public String hostPort() {
            return host + ":" + port;
        }
    }

    /** A unix-domain socket at {@code path}. */
    record UnixSocket(Path path) implements RuntimeApiAddress {}
}
