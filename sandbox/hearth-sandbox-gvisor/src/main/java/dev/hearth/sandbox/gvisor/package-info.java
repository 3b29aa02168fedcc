/**
 * The {@code gvisor} sandbox backend: each sandbox is an OCI bundle run by gVisor's {@code runsc}
 * on the ptrace platform, so function code talks to a user-space kernel (the Sentry) rather than
 * to the host's. The bundle has a read-only root exposing only {@code /usr} and a few files of
 * {@code /etc}, the task and runtime roots read-only, a private size-limited {@code /tmp}, an
 * unprivileged user without capabilities, and a network stack with only loopback; the Runtime API
 * arrives as a host unix socket bind-mounted into the sandbox and forwarded to
 * {@code 127.0.0.1:9001} by socat. Limits are enforced by a cgroup per sandbox that holds the whole
 * gVisor kernel. The entry point is {@link dev.hearth.sandbox.gvisor.GvisorSandboxBackend}.
 */
package dev.hearth.sandbox.gvisor;
