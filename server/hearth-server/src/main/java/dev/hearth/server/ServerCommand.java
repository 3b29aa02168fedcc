package dev.hearth.server;

import dev.hearth.async.AsyncConfig;
import dev.hearth.core.AccountContext;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
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
            description = "Isolation backend: process, namespace, gvisor, microvm (env HEARTH_SANDBOX; default: the strongest this host supports).")
    String sandbox;

    @Option(names = "--idle-timeout", defaultValue = "${env:HEARTH_IDLE_TIMEOUT:-PT10M}",
            description = "How long an idle warm sandbox is kept, ISO-8601 (env HEARTH_IDLE_TIMEOUT; default ${DEFAULT-VALUE}).")
    Duration idleTimeout;

    @Option(names = "--concurrency-limit", defaultValue = "${env:HEARTH_CONCURRENCY_LIMIT:-" + HearthConfig.DEFAULT_CONCURRENCY_LIMIT + "}",
            description = "Account concurrency limit: invocations running at once (env HEARTH_CONCURRENCY_LIMIT; default ${DEFAULT-VALUE}).")
    int concurrencyLimit;

    @Override
    public Integer call() throws Exception {
        HearthConfig config = new HearthConfig(host, port, (dataDir == null ? HearthConfig.defaultDataDir() : dataDir).toAbsolutePath(), Optional.ofNullable(credentials),
                new AccountContext(region, accountId), Optional.ofNullable(sandbox), idleTimeout, concurrencyLimit,
                AsyncConfig.defaults());
        EmbeddedHearth hearth = EmbeddedHearth.start(config);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().name("hearth-shutdown").unstarted(() -> {
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
        stopped.await();
        return 0;
    }
}
