package dev.hearth.runtimes;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Starts a function's external extensions before its runtime, as Lambda does: every executable
 * regular file in the layers' {@code extensions} directory, in the order of their names, each in the
 * background with the sandbox's whole environment (so {@code AWS_LAMBDA_RUNTIME_API} names the
 * sandbox's Extensions API), then {@code exec}s the runtime's own command, which keeps the
 * sandbox's first process. A POSIX {@code /bin/sh} inside the sandbox does it (every backend has
 * one).
 *
 * <p>An extension's output lands in the function's log like the runtime's, each line marked with
 * {@link #EXTENSION_LINE_MARK} (by {@code sed -u}, where the sandbox's {@code sed} has it) so that the
 * worker tells extension lines from function lines (the Telemetry API's {@code extension} and
 * {@code function} streams) and strips the mark.
 *
 * <p>With extensions, the launcher also starts Hearth's telemetry relay ({@link #RELAY}, perl
 * built-ins and {@code IO::Socket::INET} of Debian's {@code perl-base}; where the sandbox has no
 * {@code /usr/bin/perl}, there is no relay and telemetry is not delivered): the worker has no network
 * path into an isolated sandbox, so the relay, inside, long-polls {@link #RELAY_PATH} at the
 * Runtime API address (the one address every backend gives a sandbox) and posts each batch of
 * telemetry it is handed, as Lambda does, to the subscribed extension's listener on the sandbox's
 * loopback ({@code Host: sandbox.localdomain:PORT}). Stateless.
 */
public final class ExtensionsLauncher {
    /** Where Lambda looks for external extensions, under the layers' root. */
    public static final String EXTENSIONS_DIRECTORY = "extensions";
    /** The first character of every output line of an external extension (ASCII unit separator). */
    public static final char EXTENSION_LINE_MARK = '\u001f';
    /**
     * The relay's long poll: answered 200 with a batch (the JSON array as body, the listener's port
     * and path in {@link #RELAY_PORT_HEADER} and {@link #RELAY_TARGET_HEADER}), or with an error
     * status when the sandbox shuts down, which ends the relay.
     */
    public static final String RELAY_PATH = "/hearth/telemetry-relay/next";
    public static final String RELAY_PORT_HEADER = "Hearth-Relay-Port";
    public static final String RELAY_TARGET_HEADER = "Hearth-Relay-Path";

    static final String RELAY = """
            use strict; use IO::Socket::INET;
            $0 = 'hearth-telemetry-relay';
            $SIG{PIPE} = 'IGNORE';
            my ($host, $port) = split /:/, $ENV{AWS_LAMBDA_RUNTIME_API};
            sub exchange {
                my ($to_host, $to_port, $request) = @_;
                my $s = IO::Socket::INET->new(PeerAddr => $to_host, PeerPort => $to_port, Proto => 'tcp') or return undef;
                binmode $s;
                print $s $request;
                local $/;
                my $answer = <$s>;
                close $s;
                return $answer;
            }
            while (1) {
                my $answer = exchange($host, $port, "GET %1$s HTTP/1.1\\r\\nHost: $host\\r\\nConnection: close\\r\\n\\r\\n");
                exit 0 unless defined $answer;
                my ($head, $body) = split /\\r\\n\\r\\n/, $answer, 2;
                exit 0 unless $head =~ m{^HTTP/1\\.[01] 200 };
                my ($to) = $head =~ /^%2$s:\\s*(\\d+)/mi;
                my ($path) = $head =~ /^%3$s:\\s*(\\S+)/mi;
                next unless $to && $path;
                exchange('127.0.0.1', $to, "POST $path HTTP/1.1\\r\\nHost: sandbox.localdomain:$to\\r\\n"
                    . "Content-Type: application/json\\r\\nContent-Length: " . length($body)
                    . "\\r\\nConnection: close\\r\\n\\r\\n" . $body);
            }
            """.formatted(RELAY_PATH, RELAY_PORT_HEADER, RELAY_TARGET_HEADER);

    static final String SCRIPT = """
            dir=$1; relay=$2; shift 2
            mark=$(printf '\\037')
            marking=
            if echo | sed -u 's/^//' >/dev/null 2>&1; then marking=1; fi
            started=
            for extension in "$dir"/*; do
              if [ -f "$extension" ] && [ -x "$extension" ]; then
                started=1
                if [ -n "$marking" ]; then { "$extension" 2>&1 | sed -u "s/^/$mark/"; } & else "$extension" & fi
              fi
            done
            if [ -n "$started" ] && [ -x /usr/bin/perl ]; then /usr/bin/perl -e "$relay" & fi
            exec "$@"
            """;

    private ExtensionsLauncher() {}

    /**
     * {@code runtime} preceded by the start of the extensions in {@code optRoot}{@code /extensions}
     * (a path as seen inside the sandbox); the runtime's variables are kept.
     */
    public static RuntimeLaunch wrap(RuntimeLaunch runtime, String optRoot) {
        Objects.requireNonNull(optRoot, "optRoot");
        List<String> command = new ArrayList<>(List.of("/bin/sh", "-c", SCRIPT, "hearth-extensions",
                optRoot + "/" + EXTENSIONS_DIRECTORY, RELAY));
        command.addAll(runtime.command());
        return new RuntimeLaunch(command, runtime.environment());
    }
}
