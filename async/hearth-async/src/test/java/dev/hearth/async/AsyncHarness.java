package dev.hearth.async;

import dev.hearth.controlplane.ControlPlaneLimits;
import dev.hearth.controlplane.FunctionResolver;
import dev.hearth.controlplane.FunctionService;
import dev.hearth.controlplane.api.CreateFunctionInput;
import dev.hearth.controlplane.api.FunctionCodeInput;
import dev.hearth.core.AccountContext;
import dev.hearth.core.FunctionRef;
import dev.hearth.http.ApiRequest;
import dev.hearth.http.ApiResponse;
import dev.hearth.http.Route;
import dev.hearth.packages.PackageLimits;
import dev.hearth.packages.PackageStore;
import dev.hearth.queue.spi.NewEvent;
import dev.hearth.queue.sqlite.SqliteEventQueue;
import dev.hearth.queue.sqlite.SqliteQueueConfig;
import dev.hearth.store.spi.FunctionVersion;
import dev.hearth.threads.HearthThreads;
import dev.hearth.store.sqlite.SqliteFunctionStore;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Real parts for the asynchronous path in a temporary directory: SQLite function store, package
 * store, control plane and resolver, the SQLite queue and config store, and the service running
 * against a {@link ScriptedTarget}, with millisecond retry delays.
 */
final class AsyncHarness implements AutoCloseable {
    static final AccountContext ACCOUNT = AccountContext.DEFAULT;
    static final AsyncConfig FAST = AsyncConfig.defaults()
            .withRetryDelays(List.of(Duration.ofMillis(5), Duration.ofMillis(10)), Duration.ofMillis(2), Duration.ofMillis(20))
            .withLeaseDuration(Duration.ofSeconds(3));

    final Path dir;
    final ScriptedTarget target = new ScriptedTarget();
    final SqliteFunctionStore store;
    final PackageStore packages;
    final FunctionService functions;
    final FunctionResolver resolver;
    final SqliteEventQueue queue;
    final EventInvokeConfigStore configs;
    final ExecutorService executor = HearthThreads.perTaskVirtual("async-test");
    final AsyncInvocationService service;

    AsyncHarness(Clock clock) {
        try {
            dir = Files.createTempDirectory("hearth-async");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        store = SqliteFunctionStore.open(dir.resolve("functions.db"));
        packages = PackageStore.open(dir.resolve("packages"), PackageLimits.defaults());
        functions = new FunctionService(store, packages, ACCOUNT, "python3.12"::equals, ControlPlaneLimits.LAMBDA_DEFAULTS, clock);
        resolver = new FunctionResolver(store, ACCOUNT, new SplittableRandom(1));
        functions.addListener(resolver);
        queue = SqliteEventQueue.open(SqliteQueueConfig.of(dir.resolve("queue.db")), clock);
        configs = EventInvokeConfigStore.open(dir.resolve("event-invoke-configs.db"));
        service = AsyncInvocationService.start(queue, configs, resolver, target, ACCOUNT, FAST, clock, executor);
        functions.addListener(service.functionChangeListener());
    }

    AsyncHarness() {
        this(Clock.systemUTC());
    }

    void createFunction(String name) {
        functions.createFunction(new CreateFunctionInput(name, "python3.12", "arn:aws:iam::000000000000:role/r",
                "app.handler", new FunctionCodeInput(zip(name), null, null, null, null), null, null, null, true, null,
                null, null, null, null, null, null));
    }

    /**
     * Accepts an event as the invocation service does (the function must resolve; the event is
     * committed to the queue with the qualifier invoked, then the pollers are woken); returns its id.
     */
    String invokeAsync(String function, Optional<String> qualifier, String payload) {
        String requestId = UUID.randomUUID().toString();
        resolver.resolve(new FunctionRef(ACCOUNT, function, qualifier));
        queue.enqueue(new NewEvent(requestId, function, qualifier.orElse(FunctionVersion.LATEST),
                payload.getBytes(StandardCharsets.UTF_8)));
        service.wake();
        return requestId;
    }

    /** Calls one of the service's routes, chosen by its operation name, without a socket. */
    ApiResponse call(String operation, Map<String, String> path, Map<String, String> query, String body) throws Exception {
        Route route = service.routes().stream().filter(r -> r.operation().equals(operation)).findFirst().orElseThrow();
        return route.endpoint().handle(request(route.method(), path, query, body, UUID.randomUUID().toString()));
    }

    static ApiRequest request(String method, Map<String, String> path, Map<String, String> query, String body, String requestId) {
        Map<String, List<String>> queryLists = new HashMap<>();
        query.forEach((k, v) -> queryLists.put(k, List.of(v)));
        return new ApiRequest(method, "/", "", path, queryLists, Map.of(), body.getBytes(StandardCharsets.UTF_8), requestId,
                ACCOUNT);
    }

    static String arn(String function) {
        return ACCOUNT.functionArn(function);
    }

    static byte[] zip(String marker) {
        try (ByteArrayOutputStream bytes = new ByteArrayOutputStream(); ZipOutputStream zip = new ZipOutputStream(bytes)) {
            zip.putNextEntry(new ZipEntry("app.py"));
            zip.write(("def handler(e, c):\n    return '" + marker + "'\n").getBytes(StandardCharsets.UTF_8));
            zip.closeEntry();
            zip.finish();
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        service.close();
        executor.close();
        configs.close();
        queue.close();
        packages.close();
        store.close();
    }
}
