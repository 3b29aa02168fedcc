package dev.hearth.sandbox.spi;

/** How a backend's sandboxes reach the Runtime API that the worker serves for them. */
public enum RuntimeApiTransport {
    /** A TCP listener on the host's loopback, one port per sandbox (sandboxes share the host's network). */
    TCP_LOOPBACK,
    /** A unix-domain socket per sandbox, which the backend carries into the sandbox (bind mount, VM channel). */
    UNIX_SOCKET
}
