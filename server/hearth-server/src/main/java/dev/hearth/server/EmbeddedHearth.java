package dev.hearth.server;

import dev.hearth.controlplane.S3CodeReader;
import dev.hearth.core.AccountContext;
import java.util.function.Function;
import dev.hearth.frontend.CodeDownloads;
import dev.hearth.frontend.FunctionUrlEndpoint;
import dev.hearth.frontend.MetricsApi;
import dev.hearth.http.ApiService;
import dev.hearth.http.HttpApiServer;
import dev.hearth.http.ServiceForwarder;
import dev.hearth.http.RequestAuthenticator;
import dev.hearth.http.Route;
import dev.hearth.http.SigV4Authenticator;
import dev.hearth.logs.CloudWatchLogsApi;
import dev.hearth.packages.PackageLimits;
import dev.hearth.packages.PackageStore;
import dev.hearth.placement.CapacitySettings;
import dev.hearth.placement.HostMemory;
import dev.hearth.runtimes.RuntimeCatalog;
import dev.hearth.sandbox.spi.RuntimeApiTransport;
import dev.hearth.sandbox.spi.SandboxBackend;
import dev.hearth.sigv4.CredentialsFile;
import dev.hearth.sigv4.SigV4Verifier;
import dev.hearth.scheduler.SchedulerApi;
import dev.hearth.sqs.api.SqsApi;
import dev.hearth.threads.HearthThreads;
import dev.hearth.worker.Worker;
import dev.hearth.worker.WorkerConfig;
import dev.hearth.worker.keepalive.AdaptiveKeepAlive;
import dev.hearth.worker.keepalive.FixedKeepAlive;
import dev.hearth.worker.keepalive.KeepAlivePolicy;
import dev.hearth.worker.runtimeapi.RuntimeApiServer;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every Hearth component in one JVM on embedded defaults: SQLite metadata, packages on local disk,
 * the HTTP frontend. {@link #start} brings it up; {@link #close} stops it cleanly, newest component
 * first, and releases the data directory.
 *
 * <p>Threading: start and close from one thread; the running components are thread-safe.
 */
public final class EmbeddedHearth implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedHearth.class);

    private final HearthConfig config;
    private final StartedComponents running = new StartedComponents();
    private HttpApiServer http;
    private HttpApiServer urls;

    private EmbeddedHearth(HearthConfig config) {
        this.config = config;
    }

    /** Starts a server; on failure everything started so far is stopped again and the failure thrown. */
    public static EmbeddedHearth start(HearthConfig config) throws Exception {
        EmbeddedHearth hearth = new EmbeddedHearth(config);
        try {
            hearth.startComponents();
            return hearth;
        } catch (Exception | Error e) {
            try {
                hearth.close();
            } catch (Exception closing) {
                e.addSuppressed(closing);
            }
            throw e;
        }
    }

    private void startComponents() throws Exception {
        Clock clock = Clock.systemUTC();
        Optional<CredentialsFile> credentials = credentials(); // first: a bad credentials file refuses at once
        RequestAuthenticator callers = authenticator(credentials, clock);
        DataDirectory data = own(DataDirectory.open(config.dataDir()));
        RuntimeCatalog runtimes = RuntimeCatalog.open(data.runtimes());
        PackageStore packages = own(PackageStore.open(data.packages(), PackageLimits.defaults()));

        SandboxBackend backend = own(SandboxBackends.choose(config.sandbox(), data.backends(), config.sandboxOutbound()));
        requireShortSocketPaths(backend, data);
        ScalingConfig scaling = config.scaling();
        long hostTotalMb = HostMemory.totalMb();
        WorkerConfig workerConfig = WorkerConfig.defaults(data.sandboxes(), hostTotalMb, WorkerConfig.PROC_MEMINFO)
                .withKeepAlive(keepAlivePolicy(scaling))
                .withScalingRate(scaling.sandboxesPer10Seconds(), Duration.ofSeconds(10))
                .withCapacity(scaling.hostMemoryMb().isPresent()
                        ? new CapacitySettings(scaling.hostMemoryMb().getAsLong(), CapacitySettings.DEFAULT_HEADROOM_MB,
                                scaling.capacityWait(), CapacitySettings.DEFAULT_MAX_WAITING).withReserveObservedUse(true)
                        : CapacitySettings.forHost(hostTotalMb).withMaxWait(scaling.capacityWait()))
                .withStreaming(config.streaming());
        LOG.info("Keep-alive policy: {}; scaling rate {} new sandboxes per function per 10 s; running invocations may reserve {} MB",
                workerConfig.keepAlive().name(), scaling.sandboxesPer10Seconds(), workerConfig.capacity().runningBudgetMb());
        // The worker writes each function's logs to its own account's and region's log store
        RegionalCells[] cells = new RegionalCells[1];
        Worker worker = own(new Worker(backend, runtimes,
                (account, group, stream, at, line) -> cells[0].get(account).logs().append(group, stream, at, line),
                workerConfig, clock));

        // Every account and region has a cell of its own (functions, limits, queue, logs) on the shared worker
        CodeDownloads downloads = new CodeDownloads(packages, data.secretKey(), clock, this::publicUrl);
        // S3 code from the configured store, else from the embedded one that Hearth's endpoint serves
        Optional<EmbeddedS3Store> embeddedS3 = config.codeS3().isPresent() ? Optional.empty()
                : Optional.of(own(new EmbeddedS3Store(data.s3(), credentials, config.account(), worker::sandboxCredentials)));
        Function<AccountContext, S3CodeReader> s3Code = config.codeS3().<Function<AccountContext, S3CodeReader>>map(store -> {
            LOG.info("Reading S3 code from {} (region {})", store.endpoint(), store.region());
            SdkS3CodeReader reader = own(new SdkS3CodeReader(store));
            return account -> reader;
        }).orElseGet(() -> embeddedS3.orElseThrow()::readerFor);
        RegionalCell.Shared shared = new RegionalCell.Shared(config, packages, runtimes, worker, downloads, clock,
                own(HearthThreads.perTaskVirtual("snapstart")), own(HearthThreads.perTaskVirtual("async")),
                own(HearthThreads.scheduler("provisioned-concurrency")), s3Code, this::functionUrlOf);
        cells[0] = own(RegionalCells.open(data, config.account(), shared));
        packages.retainOnly(cells[0].referencedCode());

        // Lambda's API (with Hearth's own /hearth/ routes, which the hearth command signs as lambda) and
        // CloudWatch Logs', each request handed to the caller's cell
        List<Route> lambda = new ArrayList<>(cells[0].lambdaRoutes());
        lambda.add(downloads.route());
        lambda.addAll(new MetricsApi(worker, () -> cells[0].all().stream().map(RegionalCell::counter).toList()).routes());
        // SQS-compatible queues: before logs, so that an unsigned query-protocol POST / (no X-Amz-Target) reaches it
        List<ApiService> services = List.of(ApiService.rest("lambda", lambda),
                new SqsApi(cells[0]::messageQueues, this::publicUrl, clock).service(),
                new SchedulerApi(cells[0]::schedules).service(),
                ApiService.json("logs", CloudWatchLogsApi.TARGET_SERVICE, List.of(cells[0].logsRoute())));
        // a sandbox's own credentials are always verified, with or without --credentials
        RequestAuthenticator authenticator = new SandboxKeyAuthenticator(worker::sandboxCredentials, clock, callers);
        // Function URLs: a listener of their own, each request handed to the cell that has the URL
        FunctionUrlEndpoint urlEndpoint = new FunctionUrlEndpoint(cells[0]::functionUrl, config.functionUrls().domain(),
                authenticator, credentials.isPresent(), config.account().accountId(), clock);
        urls = own(HttpApiServer.catchAll(config.host(), config.functionUrls().port(), urlEndpoint.route(), config.account()));
        urls.start();
        http = own(new HttpApiServer(config.host(), config.port(), services, authenticator, config.account()));
        embeddedS3.ifPresent(store -> http.forward("s3", store::endpoint));
        http.start();
        // sandboxes reach these APIs at their Runtime API address (AWS_ENDPOINT_URL), signed with their own keys
        URI apis = URI.create(endpoint());
        worker.forwardAwsApis(new ServiceForwarder(() -> apis));
    }

    private static KeepAlivePolicy keepAlivePolicy(ScalingConfig scaling) {
        return switch (scaling.keepAlive()) {
            case FIXED -> new FixedKeepAlive(scaling.idleTimeout());
            case ADAPTIVE -> new AdaptiveKeepAlive(AdaptiveKeepAlive.Settings.defaults(scaling.idleTimeout()));
        };
    }

    /**
     * Backends that carry the Runtime API over a unix socket get one below the data directory per
     * sandbox ({@code sandboxes/sb-<16 hex>/runtime-api.sock}); a unix socket address holds about
     * a hundred bytes, so refuse a data directory too deep for that now rather than at every invoke.
     */
    private static void requireShortSocketPaths(SandboxBackend backend, DataDirectory data) {
        if (backend.runtimeApiTransport() != RuntimeApiTransport.UNIX_SOCKET) {
            return;
        }
        Path longest = data.sandboxes().resolve("sb-0123456789abcdef").resolve("runtime-api.sock");
        int length = longest.toString().getBytes(StandardCharsets.UTF_8).length;
        if (length > RuntimeApiServer.MAX_SOCKET_PATH_BYTES) {
            throw new IllegalStateException("the data directory " + data.root() + " is too deep for the " + backend.name()
                    + " backend: its sandboxes' Runtime API sockets would have " + length + "-byte paths, more than the "
                    + RuntimeApiServer.MAX_SOCKET_PATH_BYTES + " a unix socket address holds; choose a shorter --data-dir");
        }
    }

    private static RequestAuthenticator authenticator(Optional<CredentialsFile> credentials, Clock clock) {
        if (credentials.isEmpty()) {
            LOG.warn("No credentials configured: requests are accepted with any signature or none."
                    + " Start with --credentials FILE (an AWS credentials file) to verify SigV4 signatures.");
            return RequestAuthenticator.ACCEPT_ALL;
        }
        return new SigV4Authenticator(new SigV4Verifier(credentials.get(), clock));
    }

    private Optional<CredentialsFile> credentials() {
        if (config.credentialsFile().isEmpty()) {
            return Optional.empty();
        }
        Path file = config.credentialsFile().get();
        String fix = "; point --credentials (HEARTH_CREDENTIALS) at an AWS credentials file, or start without it";
        CredentialsFile credentials;
        try {
            credentials = CredentialsFile.load(file);
        } catch (NoSuchFileException e) {
            throw new StartupRefusal("the credentials file " + file + " does not exist" + fix, e);
        } catch (AccessDeniedException e) {
            throw new StartupRefusal("the credentials file " + file + " is not readable by this user" + fix, e);
        } catch (IOException e) {
            throw new StartupRefusal("cannot read the credentials file " + file + ": " + e.getMessage() + fix, e);
        } catch (IllegalArgumentException e) {
            throw new StartupRefusal(e.getMessage() + "; fix the file, or point --credentials (HEARTH_CREDENTIALS) at an"
                    + " AWS credentials file, or start without it", e);
        }
        LOG.info("Verifying SigV4 signatures against {} access key(s) from {}", credentials.size(), file);
        return Optional.of(credentials);
    }

    private <T extends AutoCloseable> T own(T component) {
        return running.own(component);
    }

    /** The URL clients use, e.g. {@code http://127.0.0.1:9400}. */
    public String endpoint() {
        return "http://" + listenHost() + ":" + http.port();
    }

    /** The address clients reach the listeners at: the listen address, loopback for a wildcard one. */
    private String listenHost() {
        String host = config.host().equals("0.0.0.0") ? "127.0.0.1" : config.host();
        return host.contains(":") ? "[" + host + "]" : host;
    }

    /**
     * The URL every URL this server hands out is built from: the configured public URL (without a
     * trailing slash), else {@link #endpoint()}.
     */
    public String publicUrl() {
        return config.publicUrl().map(url -> url.toString().replaceAll("/+$", "")).orElseGet(this::endpoint);
    }

    /**
     * Where function URLs are served, e.g. {@code http://127.0.0.1:9401}: the path-style form is this
     * followed by {@code /<url-id>/}.
     */
    public String functionUrlBase() {
        return "http://" + listenHost() + ":" + urls.port();
    }

    /**
     * The URL of function URL {@code urlId} in {@code region}: {@code
     * http://<url-id>.lambda-url.<region>.<domain>:<port>/}, on the configured domain and the URL
     * listener's port, never on a request's {@code Host}.
     */
    private String functionUrlOf(String urlId, String region) {
        return "http://" + FunctionUrlEndpoint.hostOf(urlId, region, config.functionUrls().domain()) + ":" + urls.port() + "/";
    }

    public HearthConfig config() {
        return config;
    }

    @Override
    public void close() throws Exception {
        running.close();
    }
}
