package dev.hearth.server;

import dev.hearth.core.AccountContext;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * Configuration of an embedded Hearth server.
 *
 * @param host address to listen on (default loopback only)
 * @param port port to listen on; 0 picks a free one
 * @param dataDir where state lives: metadata database, packages, logs, queue
 * @param credentialsFile AWS shared-credentials file whose keys may sign requests; when empty, any
 *     signature (or none) is accepted
 * @param account region and account id used in ARNs
 * @param sandbox the isolation backend's name, or empty for the strongest one this host supports
 * @param idleTimeout how long a warm sandbox is kept without invocations
 */
public record HearthConfig(
        String host,
        int port,
        Path dataDir,
        Optional<Path> credentialsFile,
        AccountContext account,
        Optional<String> sandbox,
        Duration idleTimeout) {

    public static final int DEFAULT_PORT = 9400;
    public static final String DEFAULT_HOST = "127.0.0.1";
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofMinutes(10);

    public HearthConfig {
        Objects.requireNonNull(host, "host");
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("port must be 0-65535: " + port);
        }
        Objects.requireNonNull(dataDir, "dataDir");
        Objects.requireNonNull(credentialsFile, "credentialsFile");
        Objects.requireNonNull(account, "account");
        Objects.requireNonNull(sandbox, "sandbox");
        Objects.requireNonNull(idleTimeout, "idleTimeout");
    }

    /** Embedded defaults with the given data directory and port. */
    public static HearthConfig defaults(Path dataDir, int port) {
        return new HearthConfig(DEFAULT_HOST, port, dataDir, Optional.empty(), AccountContext.DEFAULT, Optional.empty(),
                DEFAULT_IDLE_TIMEOUT);
    }

    /**
     * {@code ~/.hearth}; for root, {@code /var/lib/hearth}: sandboxes run function code as an
     * unprivileged user who must reach the packages below the data directory, and root's home is
     * usually closed to other users.
     */
    public static Path defaultDataDir() {
        if ("root".equals(System.getProperty("user.name"))) {
            return Path.of("/var/lib/hearth");
        }
        return Path.of(System.getProperty("user.home"), ".hearth");
    }
}
