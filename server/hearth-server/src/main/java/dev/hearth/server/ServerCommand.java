package dev.hearth.server;

import dev.hearth.async.AsyncConfig;
import dev.hearth.core.AccountContext;
import dev.hearth.sandbox.spi.OutboundPolicy;
import dev.hearth.threads.HearthThreads;
import dev.hearth.worker.StreamingLimits;
import java.net.BindException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code hearth server}: runs every component in this JVM until SIGTERM or SIGINT, then stops them
 * cleanly from a shutdown hook (in-flight requests finish, databases close).
 */
@Command(name = "server", mixinStandardHelpOptions = true,
        description = "Start Hearth: the Lambda API, workers and sandboxes, in one process on embedded defaults.")
final class ServerCommand implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(ServerCommand.class);
    /** Environment variable that adds the stack trace to a start-up failure's one line. */
    static final String DEBUG_VARIABLE = "HEARTH_DEBUG";
    /** Exit status when Hearth does not start (picocli uses 2 for a bad command line). */
    static final int STARTUP_FAILED = 1;

    @Option(names = "--port", defaultValue = "${env:HEARTH_PORT:-" + HearthConfig.DEFAULT_PORT + "}",
            description = "Port to listen on (env HEARTH_PORT; default ${DEFAULT-VALUE}). 0 picks a free port.")
    int port;

    @Option(names = "--host", defaultValue = "${env:HEARTH_HOST:-" + HearthConfig.DEFAULT_HOST + "}",
            description = "Address to listen on (env HEARTH_HOST; default ${DEFAULT-VALUE}).")
    String host;

    @Option(names = "--data-dir", defaultValue = "${env:HEARTH_DATA_DIR}",
            description = "Where Hearth keeps its state (env HEARTH_DATA_DIR; default ~/.hearth, or /var/lib/hearth when run as root).")
    Path dataDir;

    @Option(names = "--credentials", defaultValue = "${env:HEARTH_CREDENTIALS}",
            description = "AWS credentials file whose keys may sign requests (env HEARTH_CREDENTIALS). Without it, signatures are not checked.")
    Path credentials;

    @Option(names = "--region", defaultValue = "${env:HEARTH_REGION:-us-east-1}",
            description = "Region reported in ARNs (env HEARTH_REGION; default ${DEFAULT-VALUE}).")
    String region;

    @Option(names = "--account-id", defaultValue = "${env:HEARTH_ACCOUNT_ID:-000000000000}",
            description = "Account id reported in ARNs (env HEARTH_ACCOUNT_ID; default ${DEFAULT-VALUE}).")
    String accountId;

    @Option(names = "--sandbox", defaultValue = "${env:HEARTH_SANDBOX}",
            description = "Isolation backend: process, namespace, gvisor, microvm (env HEARTH_SANDBOX; default: the strongest this host supports). "
                    + "microvm runs the QEMU named by env HEARTH_QEMU (default qemu-system-x86_64 on PATH).")
    String sandbox;

    @Option(names = "--sandbox-allow-network", defaultValue = "${env:HEARTH_SANDBOX_ALLOW_NETWORK}",
            description = "Private address ranges (CIDR, comma-separated, e.g. 10.1.0.0/16,fd00::/8) that functions may "
                    + "reach besides the internet (env HEARTH_SANDBOX_ALLOW_NETWORK; default none). The host's own "
                    + "addresses stay unreachable.")
    String sandboxAllowNetwork;

    @Option(names = "--idle-timeout", defaultValue = "${env:HEARTH_IDLE_TIMEOUT:-PT10M}",
            description = "How long an idle warm sandbox is kept, ISO-8601 (env HEARTH_IDLE_TIMEOUT; default ${DEFAULT-VALUE}).")
    Duration idleTimeout;

    @Option(names = "--keep-alive", defaultValue = "${env:HEARTH_KEEP_ALIVE:-fixed}",
            converter = KeepAliveConverter.class,
            description = "Keep-alive policy: fixed (every idle sandbox kept for --idle-timeout) or adaptive "
                    + "(per-function inter-arrival histograms decide how long to keep and when to pre-warm) "
                    + "(env HEARTH_KEEP_ALIVE; default ${DEFAULT-VALUE}).")
    ScalingConfig.KeepAlive keepAlive;

    @Option(names = "--scaling-rate", defaultValue = "${env:HEARTH_SCALING_RATE:-" + ScalingConfig.DEFAULT_SANDBOXES_PER_10_SECONDS + "}",
            description = "New sandboxes one function may start per 10 seconds; beyond it invocations get 429 "
                    + "FunctionInvocationRateLimitExceeded (env HEARTH_SCALING_RATE; default ${DEFAULT-VALUE}, as in Lambda).")
    int scalingRate;

    @Option(names = "--host-memory", defaultValue = "${env:HEARTH_HOST_MEMORY}",
            description = "Megabytes that running invocations may reserve together (env HEARTH_HOST_MEMORY; "
                    + "default: this host's RAM less 1 GiB).")
    Long hostMemoryMb;

    @Option(names = "--capacity-wait", defaultValue = "${env:HEARTH_CAPACITY_WAIT:-PT2S}",
            description = "How long an invocation waits for host capacity before 429 HostCapacityExceeded, ISO-8601 "
                    + "(env HEARTH_CAPACITY_WAIT; default ${DEFAULT-VALUE}).")
    Duration capacityWait;

    @Option(names = "--stream-bandwidth", defaultValue = "${env:HEARTH_STREAM_BANDWIDTH:-2097152}",
            description = "Bytes per second a streamed response may flow at once past its first 6 MiB "
                    + "(env HEARTH_STREAM_BANDWIDTH; default ${DEFAULT-VALUE}, Lambda's 2 MiB/s).")
    long streamBandwidth;

    @Option(names = "--concurrency-limit", defaultValue = "${env:HEARTH_CONCURRENCY_LIMIT:-" + HearthConfig.DEFAULT_CONCURRENCY_LIMIT + "}",
            description = "Account concurrency limit: invocations running at once (env HEARTH_CONCURRENCY_LIMIT; default ${DEFAULT-VALUE}).")
    int concurrencyLimit;

    @Option(names = "--public-url", defaultValue = "${env:HEARTH_PUBLIC_URL}",
            description = "URL clients reach this server at; GetFunction's Code.Location and every other URL Hearth hands out "
                    + "are built from it, never from a request's Host header (env HEARTH_PUBLIC_URL; default: the listen address, "
                    + "e.g. http://127.0.0.1:9400).")
    URI publicUrl;

    @Option(names = "--url-port", defaultValue = "${env:HEARTH_URL_PORT}",
            description = "Port function URLs are served on, a listener of their own (env HEARTH_URL_PORT; default "
                    + FunctionUrlListenerConfig.DEFAULT_PORT + ", or a free port when --port is 0). 0 picks a free port.")
    Integer urlPort;

    @Option(names = "--url-domain", defaultValue = "${env:HEARTH_URL_DOMAIN:-" + FunctionUrlListenerConfig.DEFAULT_DOMAIN + "}",
            description = "Domain of function URLs: http://<url-id>.lambda-url.<region>.<domain>:<url-port>/ "
                    + "(env HEARTH_URL_DOMAIN; default ${DEFAULT-VALUE}, whose subdomains curl and browsers send to loopback).")
    String urlDomain;

    @Option(names = "--code-s3-endpoint", defaultValue = "${env:HEARTH_CODE_S3_ENDPOINT}",
            description = "S3-compatible store (AWS S3, MinIO, Ceph RGW, S3Proxy) that CreateFunction's and UpdateFunctionCode's "
                    + "S3Bucket/S3Key are read from, path-style (env HEARTH_CODE_S3_ENDPOINT; default: none, S3 code is refused).")
    URI codeS3Endpoint;

    @Option(names = "--code-s3-region", defaultValue = "${env:HEARTH_CODE_S3_REGION:-" + CodeS3Config.DEFAULT_REGION + "}",
            description = "Region that requests to --code-s3-endpoint are signed for (env HEARTH_CODE_S3_REGION; default ${DEFAULT-VALUE}).")
    String codeS3Region;

    @Option(names = "--code-s3-credentials", defaultValue = "${env:HEARTH_CODE_S3_CREDENTIALS}",
            description = "AWS shared-credentials file with the key for --code-s3-endpoint (env HEARTH_CODE_S3_CREDENTIALS; "
                    + "default: the AWS SDK's default chain: AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, ~/.aws/credentials, ...).")
    Path codeS3Credentials;

    @Option(names = "--code-s3-profile", defaultValue = "${env:HEARTH_CODE_S3_PROFILE}",
            description = "Profile of that credentials file (or of ~/.aws/credentials) to use (env HEARTH_CODE_S3_PROFILE; default: default).")
    String codeS3Profile;

    /**
     * Starts the server and waits for SIGTERM/SIGINT. A start-up failure is one line on stderr
     * ({@link #oneLine}) and exit status 1; {@value #DEBUG_VARIABLE}{@code =1} adds its stack trace.
     */
    @Override
    public Integer call() throws Exception {
        HearthConfig config;
        EmbeddedHearth hearth;
        try {
            config = config();
            hearth = EmbeddedHearth.start(config);
        } catch (Exception e) {
            System.err.println("Hearth did not start: " + oneLine(e, host, port));
            if (debug()) {
                e.printStackTrace();
            }
            return STARTUP_FAILED;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(HearthThreads.daemon("shutdown").newThread(() -> {
            ConsoleLogging.duringShutdown("ServerCommand", "Stopping Hearth");
            try {
                hearth.close();
                ConsoleLogging.duringShutdown("ServerCommand", "Hearth stopped");
            } catch (Exception e) {
                System.err.println("Hearth did not stop cleanly: " + e);
                e.printStackTrace();
            } finally {
                stopped.countDown();
            }
        }));
        LOG.info("Hearth listening on {} (data dir {})", hearth.endpoint(), config.dataDir());
        LOG.info("Function URLs on http://<url-id>.lambda-url.<region>.{}:{}/ and path-style on {}/<url-id>/",
                config.functionUrls().domain(), hearth.functionUrlBase().replaceAll(".*:", ""), hearth.functionUrlBase());
        stopped.await();
        return 0;
    }

    private HearthConfig config() {
        try {
            return new HearthConfig(host, port, (dataDir == null ? HearthConfig.defaultDataDir() : dataDir).toAbsolutePath(),
                    Optional.ofNullable(credentials), new AccountContext(region, accountId), Optional.ofNullable(sandbox),
                    new ScalingConfig(keepAlive, idleTimeout, scalingRate,
                            hostMemoryMb == null ? OptionalLong.empty() : OptionalLong.of(hostMemoryMb), capacityWait),
                    concurrencyLimit,
                    AsyncConfig.defaults(),
                    Optional.ofNullable(publicUrl),
                    Optional.ofNullable(codeS3Endpoint).map(endpoint -> new CodeS3Config(endpoint, codeS3Region,
                            Optional.ofNullable(codeS3Credentials), Optional.ofNullable(codeS3Profile))),
                    StreamingLimits.LAMBDA.withBytesPerSecond(streamBandwidth),
                    new FunctionUrlListenerConfig(urlPort != null ? urlPort : FunctionUrlListenerConfig.defaultPort(port), urlDomain),
                    sandboxAllowNetwork == null ? OutboundPolicy.DEFAULT : OutboundPolicy.parse(sandboxAllowNetwork));
        } catch (IllegalArgumentException e) {
            throw new StartupRefusal(e.getMessage() + " (see: hearth server --help)", e);
        }
    }

    /**
     * A start-up failure in one line: a {@link StartupRefusal}'s message (what is wrong, then the
     * fix); a port or address that cannot be bound, with the option that changes it; else the
     * failure's own message and how to see its stack trace.
     */
    static String oneLine(Throwable failure, String host, int port) {
        String line;
        if (failure instanceof StartupRefusal refusal) {
            line = refusal.getMessage();
        } else if (bindFailure(failure) instanceof BindException bind) {
            line = "cannot listen on " + host + ":" + port + ": " + bind.getMessage()
                    + (String.valueOf(bind.getMessage()).contains("in use")
                            ? "; stop what holds the port or choose another --port (HEARTH_PORT; 0 picks a free one)"
                            : "; choose another --host (HEARTH_HOST) or --port (HEARTH_PORT)");
        } else {
            String message = failure.getMessage() == null ? failure.getClass().getName() : failure.getMessage();
            line = message + " (" + DEBUG_VARIABLE + "=1 prints the stack trace)";
        }
        return line.strip().replaceAll("\\s+", " ").replace(" )", ")");
    }

    private static Throwable bindFailure(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof BindException) {
                return t;
            }
        }
        return null;
    }

    private static boolean debug() {
        String value = System.getenv(DEBUG_VARIABLE);
        return value != null && !value.isBlank() && !value.equals("0") && !value.equalsIgnoreCase("false");
    }

    /** {@code fixed} / {@code adaptive}, case-insensitive. */
    static final class KeepAliveConverter implements picocli.CommandLine.ITypeConverter<ScalingConfig.KeepAlive> {
        @Override
        public ScalingConfig.KeepAlive convert(String value) {
            try {
                return ScalingConfig.KeepAlive.valueOf(value.trim().toUpperCase(java.util.Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new picocli.CommandLine.TypeConversionException("expected fixed or adaptive, got '" + value + "'");
            }
        }
    }
}
