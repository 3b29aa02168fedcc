package dev.hearth.server;

import dev.hearth.async.AsyncConfig;
import dev.hearth.async.AsyncInvocationService;
import dev.hearth.async.EventInvokeConfigStore;
import dev.hearth.concurrency.ConcurrencyLimits;
import dev.hearth.concurrency.CounterService;
import dev.hearth.concurrency.ProvisionedConcurrencyService;
import dev.hearth.concurrency.ReservedConcurrencyService;
import dev.hearth.controlplane.ControlPlaneLimits;
import dev.hearth.controlplane.FunctionResolver;
import dev.hearth.controlplane.FunctionPolicies;
import dev.hearth.controlplane.FunctionService;
import dev.hearth.controlplane.FunctionUrlAddresses;
import dev.hearth.controlplane.FunctionUrls;
import dev.hearth.controlplane.LayerService;
import dev.hearth.controlplane.S3CodeReader;
import dev.hearth.core.AccountContext;
import dev.hearth.core.FunctionNameMember;
import dev.hearth.core.FunctionRef;
import dev.hearth.eventsources.EventSourceMappingApi;
import dev.hearth.eventsources.EventSourceMappingStore;
import dev.hearth.eventsources.EventSourceMappings;
import dev.hearth.frontend.CodeDownloads;
import dev.hearth.frontend.CodeSigningApi;
import dev.hearth.frontend.ConcurrencyApi;
import dev.hearth.frontend.FunctionUrlApi;
import dev.hearth.frontend.FunctionUrlDirectory;
import dev.hearth.frontend.InvokeApi;
import dev.hearth.frontend.ResponseStreamingApi;
import dev.hearth.frontend.LayersApi;
import dev.hearth.frontend.ManagementApi;
import dev.hearth.frontend.PolicyApi;
import dev.hearth.frontend.ProvisionedConcurrencyApi;
import dev.hearth.http.Route;
import dev.hearth.invocation.FunctionRevisions;
import dev.hearth.invocation.InvocationService;
import dev.hearth.invocation.ProvisionedConcurrencyReconciler;
import dev.hearth.invocation.SnapStartPreparation;
import dev.hearth.logs.CloudWatchLogsApi;
import dev.hearth.logs.SqliteLogStore;
import dev.hearth.packages.PackageStore;
import dev.hearth.queue.sqlite.SqliteEventQueue;
import dev.hearth.queue.sqlite.SqliteQueueConfig;
import dev.hearth.runtimes.RuntimeCatalog;
import dev.hearth.scheduler.ScheduleEngine;
import dev.hearth.scheduler.Schedules;
import dev.hearth.sqs.spi.MessageAttribute;
import dev.hearth.sqs.spi.MessageQueues;
import dev.hearth.sqs.spi.NewMessage;
import dev.hearth.sqs.sqlite.SqliteMessageQueues;
import dev.hearth.store.sqlite.SqliteFunctionStore;
import dev.hearth.threads.HearthThreads;
import dev.hearth.worker.ProvisionedCapacity;
import dev.hearth.worker.Worker;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Everything one account has in one region, as Lambda is regional and per account: its functions,
 * versions, aliases and settings (control plane and resolver over its own function store), its
 * concurrency limits (Counter service), provisioned concurrency, SnapStart states, its invocation
 * service and asynchronous queue with pollers and event invoke configs, and its CloudWatch Logs. Two
 * cells never see each other's functions, queues or logs; a function of one name in two cells is two
 * functions (the worker keys sandboxes by the unqualified ARN, which names account and region).
 *
 * <p>What cells share is the host: the worker and its sandboxes, the package store (content-addressed,
 * so a package is stored once whoever uploaded it), the runtimes, and the HTTP endpoint, whose
 * requests reach their cell by the caller's account and region ({@link RegionalCells}).
 *
 * <p>Lifecycle: {@link #open} starts the cell's pollers and reconciler; {@link #close} stops them and
 * closes its databases, newest first. Threading: thread-safe once open.
 */
final class RegionalCell implements AutoCloseable {
    /** What every cell of a server shares, and the server's settings a cell follows. */
    record Shared(HearthConfig config, PackageStore packages, RuntimeCatalog runtimes, Worker worker,
            CodeDownloads downloads, Clock clock, ExecutorService snapStartThreads, ExecutorService asyncThreads,
            ScheduledExecutorService reconcilerThread, Function<AccountContext, S3CodeReader> s3Code,
            FunctionUrlAddresses urlAddresses) {}

    private final AccountContext scope;
    private final StartedComponents running = new StartedComponents();
    private FunctionService functions;
    private CounterService counter;
    private SqliteLogStore logs;
    private MessageQueues messageQueues;
    private Schedules schedules;
    private Map<String, Route> lambdaRoutes;
    private Route logsRoute;
    private FunctionUrls functionUrls;
    private InvocationService urlInvocations;
    private FunctionPolicies urlPolicies;

    private RegionalCell(AccountContext scope) {
        this.scope = scope;
    }

    /** Opens (creating if need be) the databases of {@code scope} in {@code dir} and starts its components. */
    static RegionalCell open(AccountContext scope, DataDirectory.CellDirectory dir, Shared shared) throws Exception {
        RegionalCell cell = new RegionalCell(scope);
        try {
            cell.start(dir, shared);
            return cell;
        } catch (Exception | Error e) {
            try {
                cell.close();
            } catch (Exception closing) {
                e.addSuppressed(closing);
            }
            throw e;
        }
    }

    private void start(DataDirectory.CellDirectory dir, Shared shared) {
        HearthConfig config = shared.config();
        Clock clock = shared.clock();
        Worker worker = shared.worker();
        logs = own(SqliteLogStore.open(dir.logsDatabase()));
        messageQueues = own(SqliteMessageQueues.open(dir.sqsDatabase(), clock));
        SqliteFunctionStore store = own(SqliteFunctionStore.open(dir.functionsDatabase()));
        functions = new FunctionService(store, shared.packages(), scope, shared.runtimes()::isKnown,
                ControlPlaneLimits.LAMBDA_DEFAULTS, clock);
        functions.useS3Code(shared.s3Code().apply(scope));
        FunctionResolver resolver = new FunctionResolver(store, scope, new SplittableRandom());
        functions.addListener(resolver);
        ReservedConcurrencyService reservations = ReservedConcurrencyService.load(store,
                ConcurrencyLimits.forAccountLimit(config.concurrencyLimit()), scope);
        counter = reservations.counter();
        functions.addListener((name, deleted) -> {
            if (deleted) {
                reservations.functionDeleted(name);
                worker.retire(scope.functionArn(name));
            }
        });

        // The invocation core: every entry point (Invoke, the async pollers) runs invocations through it
        SqliteEventQueue queue = own(SqliteEventQueue.open(SqliteQueueConfig.of(dir.queueDatabase()), clock));
        FunctionRevisions revisions = new FunctionRevisions(shared.packages());
        // SnapStart: snapshots are taken when a version is published, where the backend can take them
        SnapStartPreparation snapStart = new SnapStartPreparation(store, scope, resolver, revisions, worker,
                shared.snapStartThreads());
        functions.addListener(snapStart::functionChanged);
        functions.useVersionStates(snapStart);
        InvocationService invocations = new InvocationService(resolver, snapStart, revisions, worker, counter, queue);
        // Provisioned concurrency: configurations in the store, sandboxes in the worker, one reconciler between
        ProvisionedConcurrencyService provisioned = new ProvisionedConcurrencyService(store, counter, scope, clock,
                (function, version) -> {
                    ProvisionedCapacity capacity = worker.provisioned(scope.functionArn(function), version);
                    return new ProvisionedConcurrencyService.Readiness(capacity.ready(), capacity.failure());
                });
        ProvisionedConcurrencyReconciler reconciler = own(new ProvisionedConcurrencyReconciler(provisioned, scope,
                resolver, revisions, worker, shared.reconcilerThread(), Duration.ofSeconds(1)));
        functions.addListener((name, deleted) -> reconciler.trigger());
        // Asynchronous invocation: events accepted by the invocation service, run by pollers through it
        EventInvokeConfigStore eventInvokeConfigs = own(EventInvokeConfigStore.open(dir.eventInvokeConfigDatabase()));
        AsyncConfig async = config.async();
        AsyncInvocationService pollers = own(AsyncInvocationService.start(queue, eventInvokeConfigs, resolver, invocations,
                scope, async, clock, shared.asyncThreads()));
        invocations.whenEventAccepted(pollers::wake);
        functions.addListener(pollers.functionChangeListener());
        // Event source mappings: pollers read this cell's SQS-compatible queues and invoke through the invocation core
        EventSourceMappingStore mappingStore = own(EventSourceMappingStore.open(dir.eventSourceMappingDatabase()));
        EventSourceMappings eventSources = own(EventSourceMappings.start(mappingStore, messageQueues,
                (function, requestId, payload) -> invocations.invokeEvent(invocations.resolve(function), requestId, payload),
                scope, shared.asyncThreads()));
        functions.addListener(eventSources);

        List<Route> routes = new ArrayList<>(new ManagementApi(functions, shared.downloads(), counter::accountLimit,
                counter::unreservedConcurrentExecutions).routes());
        routes.addAll(new ConcurrencyApi(reservations, scope).routes());
        routes.addAll(new LayersApi(functions.layers(), shared.downloads()).routes());
        routes.addAll(new CodeSigningApi(functions.codeSigningConfigs(), scope).routes());
        routes.addAll(new ProvisionedConcurrencyApi(provisioned, scope, reconciler::trigger).routes());
        routes.addAll(new InvokeApi(invocations, scope).routes());
        routes.addAll(new ResponseStreamingApi(invocations, scope).routes());
        routes.addAll(pollers.routes());
        routes.addAll(new EventSourceMappingApi(eventSources, resolver::resolve, clock).routes());
        // Resource-based policies: a caller of another account reaches this cell's functions only through them
        FunctionPolicies policies = new FunctionPolicies(store, scope);
        routes.addAll(new PolicyApi(policies, scope).routes());
        // Function URLs: configured here, served by the server's URL listener through this cell's invocation core
        functionUrls = new FunctionUrls(store, scope, clock, shared.urlAddresses());
        functions.addListener(functionUrls);
        routes.addAll(new FunctionUrlApi(functionUrls, scope).routes());
        urlInvocations = invocations;
        urlPolicies = policies;
        lambdaRoutes = routes.stream().map(route -> crossAccountGuarded(route, policies))
                .collect(Collectors.toUnmodifiableMap(Route::operation, Function.identity()));
        logsRoute = new CloudWatchLogsApi(logs, scope).service().routes().getFirst();
        // Schedules: fired by a thread of their own, each fire an asynchronous invocation through the invocation core
        ScheduleEngine scheduleEngine = own(ScheduleEngine.open(dir.schedulesDatabase(), scope, clock,
                (functionArn, payload) -> invocations.accept(invocations.resolve(FunctionRef.parse(functionArn, scope,
                        FunctionNameMember.NAMESPACED_FUNCTION_NAME)), UUID.randomUUID().toString(), payload),
                this::sendScheduleDeadLetter));
        scheduleEngine.start(own(HearthThreads.scheduler("schedules")), Duration.ofSeconds(1));
        schedules = scheduleEngine.schedules();
    }

    /** A schedule's undeliverable fire, to a queue of this cell's (the only queues a schedule's DeadLetterConfig may name). */
    private void sendScheduleDeadLetter(String queueArn, String body, Map<String, String> attributes) {
        String[] arn = queueArn.split(":", 6);
        if (arn.length != 6 || !arn[3].equals(scope.region()) || !arn[4].equals(scope.accountId())) {
            throw new IllegalArgumentException(queueArn + " is not a queue of account " + scope.accountId() + " in " + scope.region());
        }
        Map<String, MessageAttribute> messageAttributes = new java.util.LinkedHashMap<>();
        attributes.forEach((name, value) -> messageAttributes.put(name, MessageAttribute.string("String", value)));
        messageQueues.send(arn[5], List.of(NewMessage.of(body).withAttributes(messageAttributes)));
    }

    /**
     * {@code route} checking, for a caller of another account (one {@link RegionalCells} routed here
     * because the request's {@code FunctionName} is this account's ARN), that the function's
     * resource-based policy allows it the operation's action, before the operation runs. Routes that
     * name no function stay as they are: only the caller's own cell serves them.
     */
    private Route crossAccountGuarded(Route route, FunctionPolicies policies) {
        if (!route.template().contains("{FunctionName}")) {
            return route;
        }
        String action = FunctionPolicies.actionOf(route.operation());
        return new Route(route.method(), route.template(), route.operation(), route.maxBodyBytes(), route.access(), request -> {
            String caller = request.caller().accountId();
            if (!caller.equals(scope.accountId())) {
                policies.authorize(caller, action, FunctionRef.parse(request.path("FunctionName"), request.query("Qualifier"),
                        scope, FunctionNameMember.NAMESPACED_FUNCTION_NAME));
            }
            return route.endpoint().handle(request);
        });
    }

    AccountContext scope() {
        return scope;
    }

    /** This cell's Lambda API operations, by operation name. */
    Map<String, Route> lambdaRoutes() {
        return lambdaRoutes;
    }

    /** This cell's CloudWatch Logs endpoint ({@code POST /}, dispatching on {@code X-Amz-Target}). */
    Route logsRoute() {
        return logsRoute;
    }

    /** This cell's SQS-compatible queues (served by the endpoint's {@code sqs} service). */
    MessageQueues messageQueues() {
        return messageQueues;
    }

    /** This cell's EventBridge Scheduler schedules (served by the endpoint's {@code scheduler} service). */
    Schedules schedules() {
        return schedules;
    }

    /** Where the worker writes this cell's functions' logs. */
    SqliteLogStore logs() {
        return logs;
    }

    CounterService counter() {
        return counter;
    }

    /** This cell's function URL of id {@code urlId}, with what serving it needs, if this cell has it. */
    Optional<FunctionUrlDirectory.Target> functionUrl(String urlId) {
        return functionUrls.byUrlId(urlId).map(url -> new FunctionUrlDirectory.Target(url, urlInvocations, urlPolicies));
    }

    /** This cell's layers (which other cells' functions may use where their policies allow). */
    LayerService layers() {
        return functions.layers();
    }

    /** CodeSha256 of every package a version of this cell refers to. */
    Set<String> referencedCode() {
        return functions.referencedCode();
    }

    private <T extends AutoCloseable> T own(T component) {
        return running.own(component);
    }

    @Override
    public void close() throws Exception {
        running.close();
    }

    @Override
    public String toString() {
        return "cell " + scope.region() + "/" + scope.accountId();
    }
}
