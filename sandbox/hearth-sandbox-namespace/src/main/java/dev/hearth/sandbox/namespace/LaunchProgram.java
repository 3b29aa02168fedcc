package dev.hearth.sandbox.namespace;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The program every launch process runs once it has joined its sandbox's cgroup (step 1 of
 * {@link BwrapCommand}): a perl program (Debian's {@code perl-base}, {@code Essential}) that reads one
 * {@link #request} from stdin and carries it out, leaving the rest of stdin (the runtime's command
 * and the function's environment, {@link RuntimeApiLauncher#request}) to the sandbox. A {@link LaunchPool} process
 * runs it ahead of need; a direct launch starts it and sends the request at once.
 *
 * <p>Without network access it {@code exec}s the sandbox's argv, so the sandbox keeps this
 * process's pid. With network access it stays as the sandbox's supervisor, all in one process
 * (no shell, FIFOs or helper programs on the sandbox's critical path):
 * <ol>
 *   <li>starts the sandbox's argv (bubblewrap) with a pipe for its {@code --info-fd 4} and one for
 *       its {@code --block-fd 5};</li>
 *   <li>reads the sandbox's pid from bubblewrap's JSON info (to its end: closing the pipe early would
 *       kill bubblewrap with SIGPIPE) and unblocks it at once: the Runtime API is on the sandbox's
 *       loopback, and an interpreter takes longer to start than slirp4netns to be ready;</li>
 *   <li>waits (in-process, at most ~2 s) until bubblewrap has given the sandbox's loopback its
 *       address: slirp4netns {@code --configure} brings {@code lo} up too, and had it done so
 *       first, bubblewrap's own {@code RTM_NEWADDR} would fail and the sandbox die;</li>
 *   <li>installs the {@link SandboxNetwork}'s nftables rules in the sandbox's network namespace
 *       ({@code nsenter --net=/proc/PID/ns/net nft -f -}, the rules on stdin), killing the sandbox
 *       if that fails: the rules are in place before any interface but loopback exists;</li>
 *   <li>starts slirp4netns on the sandbox's network namespace ({@code tap0}, 10.0.2.0/24, the
 *       host's loopback unreachable, slirp4netns in its own mount namespace under its own seccomp
 *       filter), which ends when this process does (its exit pipe closes);</li>
 *   <li>kills the sandbox if slirp4netns could not set the network up, then waits for the sandbox
 *       and ends with its status ({@code 128 + signal} when it was killed, as a shell reports).</li>
 * </ol>
 * Failures of its own end with {@link RuntimeApiLauncher#LAUNCH_FAILED} and a message starting
 * {@code hearth:}; a process whose Hearth died before sending a request reads EOF and exits.
 * Stateless.
 */
final class LaunchProgram {

    /**
     * A perl sub shared by the programs that read a frame of {@link #encode} from stdin:
     * {@code take(SIZE, QUIET)} reads exactly SIZE bytes; EOF before the first byte exits with
     * {@link RuntimeApiLauncher#LAUNCH_FAILED} quietly when QUIET, else through the program's {@code fail}.
     */
    static final String TAKE = """
            sub take {
                my ($size, $quiet) = @_;
                my $bytes = '';
                while (length($bytes) < $size) {
                    my $got = sysread(STDIN, $bytes, $size - length($bytes), length($bytes));
                    next if !defined $got && $! == 4;
                    exit %1$d if $quiet && defined $got && $got == 0 && length($bytes) == 0;
                    fail("the launch request was cut short") unless $got;
                }
                return $bytes;
            }
            """.formatted(RuntimeApiLauncher.LAUNCH_FAILED);

    /** Arguments: none. Reads the request; see the class comment. */
    static final String PROGRAM = TAKE + """
            use POSIX ();
            use Fcntl qw(F_DUPFD);
            sub fail { print STDERR "hearth: @_\\n"; exit %1$d }
            # puts each handle on a fixed descriptor number for the next program (via copies above 9,
            # so that no placement overwrites a descriptor still to be placed)
            sub place {
                my @copies;
                while (my ($handle, $target) = splice(@_, 0, 2)) {
                    my $copy = fcntl($handle, F_DUPFD, 10) or fail("cannot duplicate a descriptor: $!");
                    push @copies, [$copy, $target];
                }
                for my $c (@copies) {
                    defined POSIX::dup2($c->[0], $c->[1]) or fail("cannot place descriptor $c->[1]: $!");
                    POSIX::close($c->[0]);
                }
            }
            sub run { my @argv = @_; { exec { $argv[0] } @argv; } fail("cannot execute $argv[0]: $!") }
            sub status { my ($s) = @_; return ($s & 127) ? 128 + ($s & 127) : $s >> 8 }

            my ($mode, $slirp, $nsenter, $nft, $rules, @argv) = split /\\0/, take(take(10, 1) + 0), -1;
            pop @argv;
            run(@argv) if $mode eq 'exec';
            fail("unknown launch mode '$mode'") unless $mode eq 'network';

            pipe(my $info_r, my $info_w) && pipe(my $block_r, my $block_w) or fail("cannot create pipes: $!");
            defined(my $sandbox = fork) or fail("cannot fork: $!");
            if ($sandbox == 0) {
                place($info_w, 4, $block_r, 5);
                run(@argv);
            }
            close $info_w;
            close $block_r;
            open(STDIN, '<', '/dev/null');
            my $pid;
            while (my $line = <$info_r>) {
                $pid = $1 if $line =~ /"child-pid"\\s*:\\s*(\\d+)/;
                last if $line =~ /^}/;
            }
            if (!defined $pid) {
                waitpid($sandbox, 0);
                exit status($?);
            }
            $SIG{PIPE} = 'IGNORE';
            syswrite($block_w, "go\\n");
            close $block_w;
            pipe(my $rules_r, my $rules_w) or fail("cannot create pipes: $!");
            defined(my $filter = fork) or fail("cannot fork: $!");
            if ($filter == 0) {
                close $rules_w;
                place($rules_r, 0);
                open(STDOUT, '>', '/dev/null');
                run($nsenter, "--net=/proc/$pid/ns/net", '--', $nft, '-f', '-');
            }
            close $rules_r;
            syswrite($rules_w, $rules);
            close $rules_w;
            waitpid($filter, 0);
            if ($? != 0) {
                print STDERR "hearth: nft could not install the sandbox's outbound rules\\n";
                kill 'KILL', $pid;
                waitpid($sandbox, 0);
                exit %1$d;
            }
            for (my $tries = 0; $tries < 4000 && -d "/proc/$pid"; $tries++) {
                if (open(my $trie, '<', "/proc/$pid/net/fib_trie")) {
                    local $/;
                    my $routes = <$trie>;
                    last if defined $routes && index($routes, '127.0.0.1') >= 0;
                }
                select(undef, undef, undef, 0.0005);
            }
            pipe(my $ready_r, my $ready_w) && pipe(my $exit_r, my $exit_w) or fail("cannot create pipes: $!");
            defined(my $network = fork) or fail("cannot fork: $!");
            if ($network == 0) {
                place($ready_w, 3, $exit_r, 4);
                open(STDOUT, '>', '/dev/null');
                open(STDERR, '>&', \\*STDOUT);
                run($slirp, '--configure', '--mtu=65520', '--disable-host-loopback', '--enable-sandbox',
                    '--enable-seccomp', '--netns-type=path', '--ready-fd=3', '--exit-fd=4', "/proc/$pid/ns/net", 'tap0');
            }
            close $ready_w;
            close $exit_r;
            my $ready = <$ready_r>;
            close $ready_r;
            if ((!defined $ready || $ready ne '1') && -d "/proc/$pid") {
                print STDERR "hearth: slirp4netns could not set up the sandbox's network\\n";
                kill 'KILL', $pid;
                waitpid($sandbox, 0);
                exit %1$d;
            }
            waitpid($sandbox, 0);
            exit status($?);
            """.formatted(RuntimeApiLauncher.LAUNCH_FAILED);

    private static final String EXEC = "exec";
    private static final String NETWORK = "network";

    private LaunchProgram() {}

    /**
     * What the program reads from stdin: ten ASCII digits giving the length of the rest, then the mode
     * ({@code exec} or {@code network}), the paths of slirp4netns, nsenter and nft and the nft
     * ruleset (all four empty without network) and the sandbox's argv, each followed by a NUL byte.
     *
     * @param network the sandbox's outbound network; empty: none
     * @param sandbox the sandbox's argv ({@link BwrapCommand#sandbox}); with a network its
     *     bubblewrap must take {@code --info-fd 4 --block-fd 5}
     * @throws IllegalArgumentException when an argument holds a NUL byte
     */
    static byte[] request(Optional<SandboxNetwork> network, List<String> sandbox) {
        List<String> fields = new ArrayList<>();
        fields.add(network.isPresent() ? NETWORK : EXEC);
        fields.add(network.map(n -> n.slirp4netns().toString()).orElse(""));
        fields.add(network.map(n -> n.nsenter().toString()).orElse(""));
        fields.add(network.map(n -> n.nft().toString()).orElse(""));
        fields.add(network.map(SandboxNetwork::ruleset).orElse(""));
        fields.addAll(sandbox);
        return encode(fields);
    }

    /** Ten digits of length, then each field NUL-ended. */
    static byte[] encode(List<String> fields) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        for (String field : fields) {
            if (field.indexOf('\0') >= 0) {
                throw new IllegalArgumentException("an argument cannot hold a NUL byte: " + field.replace("\0", "\\0"));
            }
            body.writeBytes(field.getBytes(UTF_8));
            body.write(0);
        }
        byte[] header = "%010d".formatted(body.size()).getBytes(UTF_8);
        ByteArrayOutputStream request = new ByteArrayOutputStream(header.length + body.size());
        request.writeBytes(header);
        request.writeBytes(body.toByteArray());
        return request.toByteArray();
    }
}
