/**
 * The {@code namespace} sandbox backend: each sandbox runs under bubblewrap in its own user, mount,
 * pid, ipc, uts, network and cgroup namespaces, as an unprivileged user with no capabilities, inside
 * one cgroup per sandbox (memory, CPU, process limits) and behind a seccomp filter generated with
 * libseccomp. The Runtime API reaches the sandbox as a bind-mounted unix socket, forwarded to
 * {@code 127.0.0.1:9001} inside by a small perl forwarder that listens before the runtime starts.
 * Cgroups come from {@code dev.hearth.sandbox.cgroups}. The entry point is
 * {@link dev.hearth.sandbox.namespace.NamespaceSandboxBackend}.
 */
package dev.hearth.sandbox.namespace;
