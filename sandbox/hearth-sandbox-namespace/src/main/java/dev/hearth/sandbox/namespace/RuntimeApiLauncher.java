package dev.hearth.sandbox.namespace;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The sandbox's first process: a perl program (Debian's {@code perl-base}, which every Debian
 * system has: it is {@code Essential}) that opens the Runtime API inside the sandbox and then
 * becomes the runtime. In order:
 * <ol>
 *   <li>listens on {@code 127.0.0.1:}{@value #PORT} in the sandbox's own network namespace;</li>
 *   <li>forks the forwarder, twice, so that it is the sandbox init's child and never the runtime's
 *       (a runtime that waits for its children must not wait for it): it accepts on the listening
 *       socket and, per connection, a child relays bytes both ways to the bind-mounted Runtime API
 *       unix socket ({@code TCP_NODELAY}, half-closes passed on), named
 *       {@code hearth-runtime-api-forwarder} in {@code ps};</li>
 *   <li>reads its {@link #request} from stdin — the runtime's command and the function's
 *       environment — waiting for it if need be (a stem cell's launcher waits here until a function
 *       claims the cell), then reopens stdin on {@code /dev/null};</li>
 *   <li>{@code exec}s the runtime's command with exactly the function's environment (looked up on
 *       its {@code PATH}, as a shell would). A command that cannot be executed ends with status 127
 *       (not found) or 126 and a message naming it.</li>
 * </ol>
 * The socket listens before the runtime starts, so the runtime's first connection never fails:
 * until the forwarder accepts, it waits in the kernel's listen backlog. Nothing polls, and the
 * forwarder starts while the runtime's interpreter does. The program uses perl built-ins only (no
 * modules), with the Linux constants for x86-64 and arm64. Failures before the runtime's command runs end
 * with {@link #LAUNCH_FAILED} and a message starting {@code hearth:}. Stateless.
 */
final class RuntimeApiLauncher {

    /** The port of the Runtime API inside every sandbox. */
    static final int PORT = 9001;
    /** Status of a launch that failed before the runtime's command ran. */
    static final int LAUNCH_FAILED = 125;

    /**
     * The program. Arguments: the Runtime API socket's path inside the sandbox, then the command.
     * Constants: AF_UNIX 1, AF_INET 2, SOCK_STREAM 1, IPPROTO_TCP 6, TCP_NODELAY 1, SHUT_WR 1,
     * EINTR 4, EAGAIN 11, ENOENT 2, ENOTDIR 20.
     */
    static final String PROGRAM = LaunchProgram.TAKE + """
            sub fail { print STDERR "hearth: @_\\n"; exit %2$d }
            my $api = shift @ARGV;
            socket(my $listener, 2, 1, 0) or fail("cannot create the Runtime API socket: $!");
            bind($listener, pack('S n C4 x8', 2, %1$d, 127, 0, 0, 1)) && listen($listener, 128)
                or fail("cannot listen on 127.0.0.1:%1$d: $!");
            defined(my $forwarder = fork) or fail("cannot start the Runtime API forwarder: $!");
            if ($forwarder == 0) {
                defined(my $detached = fork) or fail("cannot start the Runtime API forwarder: $!");
                exit 0 if $detached;
                $0 = 'hearth-runtime-api-forwarder';
                open(STDOUT, '>', '/dev/null');
                open(STDIN, '<', '/dev/null');
                $SIG{CHLD} = 'IGNORE';
                $SIG{PIPE} = 'IGNORE';
                while (1) {
                    my $client;
                    if (!accept($client, $listener)) {
                        next if $! == 4;
                        print STDERR "hearth-runtime-api-forwarder: accept failed: $!\\n";
                        exit 1;
                    }
                    my $relay = fork;
                    if (!defined $relay) {
                        print STDERR "hearth-runtime-api-forwarder: cannot fork: $!\\n";
                    } elsif ($relay == 0) {
                        close $listener;
                        relay($client);
                        exit 0;
                    }
                }
            }
            waitpid($forwarder, 0);
            close $listener;
            my ($count, @fields) = split /\\0/, take(take(10) + 0), -1;
            pop @fields;
            open(STDIN, '<', '/dev/null') or fail("cannot reopen stdin: $!");
            my @command = splice(@fields, 0, $count);
            %%ENV = map { my ($name, $value) = split /=/, $_, 2; ($name, $value) } @fields;
            { exec { $command[0] } @command; }
            my $errno = $! + 0;
            print STDERR "hearth: cannot execute $command[0]: $!\\n";
            exit($errno == 2 || $errno == 20 ? 127 : 126);

            sub relay {
                my ($client) = @_;
                setsockopt($client, 6, 1, 1);
                my $upstream;
                unless (socket($upstream, 1, 1, 0) && connect($upstream, pack('S Z*', 1, $api))) {
                    print STDERR "hearth-runtime-api-forwarder: cannot connect to $api: $!\\n";
                    return;
                }
                my %%peer = (fileno($client) => [$client, $upstream], fileno($upstream) => [$upstream, $client]);
                while (%%peer) {
                    my $wanted = '';
                    vec($wanted, $_, 1) = 1 for keys %%peer;
                    my $ready = $wanted;
                    if (select($ready, undef, undef, undef) < 0) {
                        next if $! == 4;
                        return;
                    }
                    for my $fd (keys %%peer) {
                        next unless vec($ready, $fd, 1);
                        my ($from, $to) = @{$peer{$fd}};
                        my $got = sysread($from, my $buffer, 65536);
                        next if !defined $got && ($! == 4 || $! == 11);
                        if (!$got) {
                            shutdown($to, 1);
                            delete $peer{$fd};
                            next;
                        }
                        for (my $sent = 0; $sent < $got;) {
                            my $wrote = syswrite($to, $buffer, $got - $sent, $sent);
                            return unless defined $wrote;
                            $sent += $wrote;
                        }
                    }
                }
            }
            """.formatted(PORT, LAUNCH_FAILED);

    private RuntimeApiLauncher() {}

    /**
     * The launcher's argv; paths as seen inside the sandbox. It waits for {@link #request} on stdin
     * (after it listens), so a sandbox can be built before its command is known.
     */
    static List<String> argv(Path perl, String runtimeApiSocket) {
        return List.of(perl.toString(), "-e", PROGRAM, "--", runtimeApiSocket);
    }

    /**
     * What the launcher reads from stdin: ten ASCII digits giving the length of the rest, then the
     * number of the command's arguments, the arguments and the {@link #environment} entries, each
     * ended by a NUL byte.
     *
     * @throws IllegalArgumentException as {@link #environment} does, or for a NUL in the command
     */
    static byte[] request(List<String> command, Map<String, String> environment) {
        List<String> fields = new ArrayList<>();
        fields.add(Integer.toString(command.size()));
        fields.addAll(command);
        fields.addAll(environment(environment));
        return LaunchProgram.encode(fields);
    }

    /**
     * The environment as {@code NAME=VALUE} entries, sorted by name.
     *
     * @throws IllegalArgumentException when a name is empty or holds {@code =} or NUL, or a value
     *     holds NUL: no process environment can carry those
     */
    static List<String> environment(Map<String, String> environment) {
        List<String> entries = new ArrayList<>();
        for (Map.Entry<String, String> variable : new TreeMap<>(environment).entrySet()) {
            String name = variable.getKey();
            String value = variable.getValue();
            if (name.isEmpty() || name.contains("=") || name.indexOf('\0') >= 0 || value.indexOf('\0') >= 0) {
                throw new IllegalArgumentException("environment variable cannot be passed to a process: '"
                        + name.replace("\0", "\\0") + "'");
            }
            entries.add(name + "=" + value);
        }
        return entries;
    }
}
