package dev.hearth.server;

import dev.hearth.async.AsyncConfig;
import dev.hearth.core.AccountContext;
import dev.hearth.sandbox.spi.OutboundPolicy;
import dev.hearth.worker.StreamingLimits;
import java.net.URI;
import java.nio.file.Path;
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
 * @param scaling keep-alive policy, scaling rate and host capacity of the worker
 * @param concurrencyLimit the account's concurrency limit: invocations of all functions running at once
 * @param async the asynchronous path's pollers, leases and retry delays (Lambda's timing by default)
 * @param publicUrl the URL clients reach this server at, which every URL Hearth hands out (GetFunction's
 *     {@code Code.Location}) is built from; empty: the listen address. Never the request's Host header.
 * @param codeS3 the S3-compatible store {@code Code.S3Bucket}/{@code S3Key} are read from; empty: S3
 *     code is refused
 * @param streaming the size limit and bandwidth cap of streamed responses (Lambda's by default)
 * @param functionUrls the function URLs' listener: its port and the domain of their host names
 * @param sandboxOutbound the private ranges sandboxes may reach besides the internet
 *     ({@code --sandbox-allow-network}); the host's own addresses are refused regardless
 */
public record HearthConfig(
        String host,
        int port,
        Path dataDir,
        Optional<Path> credentialsFile,
        AccountContext account,
        Optional<String> sandbox,
        ScalingConfig scaling,
        int concurrencyLimit,
        AsyncConfig async,
        Optional<URI> publicUrl,
        Optional<CodeS3Config> codeS3,
        StreamingLimits streaming,
        FunctionUrlListenerConfig functionUrls,
        OutboundPolicy sandboxOutbound) {

    public static final int DEFAULT_PORT = 9400;
    public static final String DEFAULT_HOST = "127.0.0.1";
    /** Lambda's default account concurrency limit. */
    public static final int DEFAULT_CONCURRENCY_LIMIT = 1000;

    public HearthConfig {
        Objects.requireNonNull(host, "host");
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("port must be 0-65535: " + port);
        }
        Objects.requireNonNull(dataDir, "dataDir");
        Objects.requireNonNull(credentialsFile, "credentialsFile");
        Objects.requireNonNull(account, "account");
        Objects.requireNonNull(sandbox, "sandbox");
        Objects.requireNonNull(scaling, "scaling");
        if (concurrencyLimit < 1) {
            throw new IllegalArgumentException("the concurrency limit must be at least 1: " + concurrencyLimit);
        }
        Objects.requireNonNull(async, "async");
        Objects.requireNonNull(publicUrl, "publicUrl");
        publicUrl.ifPresent(HearthConfig::requireHttpUrl);
        Objects.requireNonNull(codeS3, "codeS3");
        Objects.requireNonNull(streaming, "streaming");
        Objects.requireNonNull(functionUrls, "functionUrls");
        Objects.requireNonNull(sandboxOutbound, "sandboxOutbound");
    }

    /** A configuration whose sandboxes follow {@link OutboundPolicy#DEFAULT} (no private range). */
    public HearthConfig(String host, int port, Path dataDir, Optional<Path> credentialsFile, AccountContext account,
            Optional<String> sandbox, ScalingConfig scaling, int concurrencyLimit, AsyncConfig async, Optional<URI> publicUrl,
            Optional<CodeS3Config> codeS3, StreamingLimits streaming, FunctionUrlListenerConfig functionUrls) {
        this(host, port, dataDir, credentialsFile, account, sandbox, scaling, concurrencyLimit, async, publicUrl, codeS3,
                streaming, functionUrls, OutboundPolicy.DEFAULT);
    }

    /** This configuration letting sandboxes reach {@code policy}'s private ranges. */
    public HearthConfig withSandboxOutbound(OutboundPolicy policy) {
        return new HearthConfig(host, port, dataDir, credentialsFile, account, sandbox, scaling, concurrencyLimit, async, publicUrl,
                codeS3, streaming, functionUrls, policy);
    }

    private static void requireHttpUrl(URI url) {
        if (!("http".equals(url.getScheme()) || "https".equals(url.getScheme())) || url.getHost() == null
                || url.getRawQuery() != null || url.getRawFragment() != null) {
            throw new IllegalArgumentException("the public URL must be an http or https URL without query or fragment: " + url);
        }
    }

    /** This configuration handing out URLs on {@code url} (empty: the listen address). */
    public HearthConfig withPublicUrl(Optional<URI> url) {
        return new HearthConfig(host, port, dataDir, credentialsFile, account, sandbox, scaling, concurrencyLimit, async, url, codeS3, streaming, functionUrls, sandboxOutbound);
    }

    /** This configuration reading S3 code from {@code store} (empty: S3 code refused). */
    public HearthConfig withCodeS3(Optional<CodeS3Config> store) {
        return new HearthConfig(host, port, dataDir, credentialsFile, account, sandbox, scaling, concurrencyLimit, async, publicUrl, store, streaming, functionUrls, sandboxOutbound);
    }

    /** This configuration with another account concurrency limit. */
    public HearthConfig withConcurrencyLimit(int limit) {
        return new HearthConfig(host, port, dataDir, credentialsFile, account, sandbox, scaling, limit, async, publicUrl, codeS3, streaming, functionUrls, sandboxOutbound);
    }

    /** This configuration with another keep-alive policy, scaling rate or host capacity. */
    public HearthConfig withScaling(ScalingConfig newScaling) {
        return new HearthConfig(host, port, dataDir, credentialsFile, account, sandbox, newScaling, concurrencyLimit, async, publicUrl, codeS3, streaming, functionUrls, sandboxOutbound);
    }

    /** This configuration with other asynchronous settings (tests use millisecond retry delays). */
    public HearthConfig withAsync(AsyncConfig newAsync) {
        return new HearthConfig(host, port, dataDir, credentialsFile, account, sandbox, scaling, concurrencyLimit, newAsync, publicUrl, codeS3, streaming, functionUrls, sandboxOutbound);
    }

    /** This configuration with another isolation backend (empty: the strongest default). */
    public HearthConfig withSandbox(Optional<String> backend) {
        return new HearthConfig(host, port, dataDir, credentialsFile, account, backend, scaling, concurrencyLimit, async, publicUrl, codeS3, streaming, functionUrls, sandboxOutbound);
    }

    /** This configuration verifying signatures against {@code file}'s keys (empty: accept any). */
    public HearthConfig withCredentials(Optional<Path> file) {
        return new HearthConfig(host, port, dataDir, file, account, sandbox, scaling, concurrencyLimit, async, publicUrl, codeS3, streaming, functionUrls, sandboxOutbound);
    }

    /** This configuration with other limits for streamed responses (tests raise the bandwidth cap). */
    public HearthConfig withStreaming(StreamingLimits newStreaming) {
        return new HearthConfig(host, port, dataDir, credentialsFile, account, sandbox, scaling, concurrencyLimit, async, publicUrl,
                codeS3, newStreaming, functionUrls, sandboxOutbound);
    }

    /** This configuration serving function URLs as {@code listener} says (tests use port 0). */
    public HearthConfig withFunctionUrls(FunctionUrlListenerConfig listener) {
        return new HearthConfig(host, port, dataDir, credentialsFile, account, sandbox, scaling, concurrencyLimit, async, publicUrl,
                codeS3, streaming, listener, sandboxOutbound);
    }

    /** Embedded defaults, listening on loopback, with the given data directory and port. */
    public static HearthConfig defaults(Path dataDir, int port) {
        return new HearthConfig(DEFAULT_HOST, port, dataDir, Optional.empty(), AccountContext.DEFAULT, Optional.empty(),
                ScalingConfig.defaults(), DEFAULT_CONCURRENCY_LIMIT, AsyncConfig.defaults(), Optional.empty(), Optional.empty(),
                StreamingLimits.LAMBDA,
                new FunctionUrlListenerConfig(FunctionUrlListenerConfig.defaultPort(port), FunctionUrlListenerConfig.DEFAULT_DOMAIN));
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
