package dev.hearth.server;

import dev.hearth.controlplane.FunctionPolicies;
import dev.hearth.controlplane.LayerService;
import dev.hearth.core.AccountContext;
import dev.hearth.core.FunctionNameMember;
import dev.hearth.core.FunctionRef;
import dev.hearth.core.LambdaErrorType;
import dev.hearth.core.LambdaException;
import dev.hearth.frontend.FunctionUrlDirectory;
import dev.hearth.http.ApiRequest;
import dev.hearth.http.Route;
import dev.hearth.scheduler.Schedules;
import dev.hearth.sqs.spi.MessageQueues;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's {@link RegionalCell}s, one per (account, region) that has been used: the server's
 * own (its {@code --account-id} and {@code --region}) and those found in the data directory are
 * opened at start, any other the first time a caller of that account and region arrives.
 *
 * <p>Routing: {@link #lambdaRoutes} and {@link #logsRoute} are the routes the HTTP endpoint serves;
 * each hands a request to the same operation of the caller's cell ({@link ApiRequest#caller()}), or,
 * when its {@code FunctionName} is another account's ARN in the caller's region, of that account's
 * cell, where the function's resource-based policy decides.
 *
 * <p>Threading: thread-safe; finding an open cell takes no lock (it is on every request's path);
 * opening one happens once, under this registry's lock (a first request of a new account and region
 * waits for it). Failure: a cell that cannot be opened is a
 * {@code ServiceException} for that request and is tried again by the next one.
 */
final class RegionalCells implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RegionalCells.class);

    private final DataDirectory data;
    private final AccountContext serverDefault;
    private final RegionalCell.Shared shared;
    private final Map<AccountContext, RegionalCell> cells = new ConcurrentHashMap<>();
    /** Open cells in opening order (closed newest first); guarded by {@code this}. */
    private final List<RegionalCell> opened = new ArrayList<>();
    private volatile boolean closed;

    private RegionalCells(DataDirectory data, AccountContext serverDefault, RegionalCell.Shared shared) {
        this.data = data;
        this.serverDefault = serverDefault;
        this.shared = shared;
    }

    /** Opens the server's own cell and every cell the data directory has. */
    static RegionalCells open(DataDirectory data, AccountContext serverDefault, RegionalCell.Shared shared)
            throws Exception {
        RegionalCells cells = new RegionalCells(data, serverDefault, shared);
        try {
            cells.get(serverDefault);
            for (AccountContext existing : data.existingCells()) {
                cells.get(existing);
            }
            return cells;
        } catch (Exception | Error e) {
            try {
                cells.close();
            } catch (Exception closing) {
                e.addSuppressed(closing);
            }
            throw e;
        }
    }

    /** The cell of {@code scope}, opened on first use. */
    RegionalCell get(AccountContext scope) {
        RegionalCell cell = cells.get(scope);
        return cell != null && !closed ? cell : open(scope);
    }

    private synchronized RegionalCell open(AccountContext scope) {
        if (closed) {
            throw new LambdaException(LambdaErrorType.ServiceException, "Hearth is shutting down.");
        }
        RegionalCell cell = cells.get(scope);
        if (cell == null) {
            try {
                cell = RegionalCell.open(scope, data.cell(scope, serverDefault), shared);
                cell.layers().useDirectory(this::openLayers);
            } catch (Exception e) {
                throw new LambdaException(LambdaErrorType.ServiceException, "Hearth could not open the databases of account "
                        + scope.accountId() + " in " + scope.region() + ": " + e.getMessage(), Map.of(), e);
            }
            opened.add(cell);
            cells.put(scope, cell);
            if (!scope.equals(serverDefault)) {
                LOG.info("Serving account {} in region {}", scope.accountId(), scope.region());
            }
        }
        return cell;
    }

    /** The layers of an open cell, for cross-account layer use (a cell never opened has no layers). */
    private Optional<LayerService> openLayers(String accountId, String region) {
        if (!AccountContext.isRegionName(region)) {
            return Optional.empty();
        }
        return Optional.ofNullable(cells.get(new AccountContext(region, accountId))).map(RegionalCell::layers);
    }

    /**
     * The function URL of id {@code urlId} in whichever cell has it. Every cell with data is open from
     * the start and a cell is opened before its first URL can be created, so asking the open cells is
     * complete; each answers from memory.
     */
    Optional<FunctionUrlDirectory.Target> functionUrl(String urlId) {
        for (RegionalCell cell : all()) {
            Optional<FunctionUrlDirectory.Target> target = cell.functionUrl(urlId);
            if (target.isPresent()) {
                return target;
            }
        }
        return Optional.empty();
    }

    synchronized List<RegionalCell> all() {
        return List.copyOf(opened);
    }

    /** CodeSha256 of every package any cell refers to: what the shared package store must keep. */
    Set<String> referencedCode() {
        Set<String> live = new HashSet<>();
        all().forEach(cell -> live.addAll(cell.referencedCode()));
        return live;
    }

    /**
     * Lambda's operations, each handing the request to the same operation of the caller's cell. The
     * templates (method, path, limits, access) are the server's own cell's: every cell has the same.
     */
    List<Route> lambdaRoutes() {
        List<Route> routes = new ArrayList<>();
        for (Route template : get(serverDefault).lambdaRoutes().values()) {
            routes.add(delegating(template, cell -> cell.lambdaRoutes().get(template.operation())));
        }
        return routes;
    }

    /** The SQS-compatible queues of the caller's account and region (its cell opened on first use). */
    MessageQueues messageQueues(AccountContext caller) {
        return get(caller).messageQueues();
    }

    /** The schedules of the caller's account and region (its cell opened on first use). */
    Schedules schedules(AccountContext caller) {
        return get(caller).schedules();
    }

    /** The CloudWatch Logs endpoint, handing each request to the caller's cell's logs. */
    Route logsRoute() {
        return delegating(get(serverDefault).logsRoute(), RegionalCell::logsRoute);
    }

    private Route delegating(Route template, Function<RegionalCell, Route> sameInCell) {
        return new Route(template.method(), template.template(), template.operation(), template.maxBodyBytes(),
                template.access(), request -> sameInCell.apply(cellFor(request, template.operation())).endpoint().handle(request));
    }

    /**
     * The cell that serves {@code request}: the caller's, unless its {@code FunctionName} path member is
     * an ARN of another account in the caller's region; then that account's cell, which checks the
     * function's resource-based policy. An account Hearth has no cell of has no function, so no policy
     * allows the caller: denied, as Lambda denies (it does not say whether the function exists).
     */
    private RegionalCell cellFor(ApiRequest request, String operation) {
        AccountContext caller = request.caller();
        String functionName = request.pathParameters().get("FunctionName");
        if (functionName == null) {
            return get(caller);
        }
        AccountContext owner = FunctionRef.ownerOf(functionName, caller);
        if (!owner.region().equals(caller.region()) || owner.accountId().equals(caller.accountId())) {
            return get(caller);
        }
        RegionalCell cell = closed ? null : cells.get(owner);
        if (cell == null) {
            String arn = FunctionRef.parse(functionName, request.query("Qualifier"), owner,
                    FunctionNameMember.NAMESPACED_FUNCTION_NAME).arn();
            throw FunctionPolicies.denied(caller.accountId(), FunctionPolicies.actionOf(operation), arn);
        }
        return cell;
    }

    @Override
    public void close() throws Exception {
        List<RegionalCell> open;
        synchronized (this) {
            closed = true;
            open = new ArrayList<>(opened);
            opened.clear();
            cells.clear();
        }
        try (StartedComponents closing = new StartedComponents()) {
            open.forEach(closing::own);
        }
    }
}
