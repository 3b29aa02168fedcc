package dev.hearth.invocation;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hearth.concurrency.ConcurrencyLimits;
import dev.hearth.concurrency.CounterService;
import dev.hearth.concurrency.ReservedConcurrencyService;
import dev.hearth.controlplane.ControlPlaneLimits;
import dev.hearth.controlplane.FunctionResolver;
import dev.hearth.controlplane.FunctionService;
import dev.hearth.controlplane.ResolvedFunction;
import dev.hearth.controlplane.VersionState;
import dev.hearth.controlplane.VersionStates;
import dev.hearth.controlplane.api.CreateFunctionInput;
import dev.hearth.controlplane.api.FunctionCodeInput;
import dev.hearth.controlplane.api.PublishVersionInput;
import dev.hearth.core.AccountContext;
import dev.hearth.core.FunctionRef;
import dev.hearth.core.LambdaErrorType;
import dev.hearth.core.LambdaException;
import dev.hearth.packages.PackageLimits;
import dev.hearth.packages.PackageStore;
import dev.hearth.queue.spi.Lease;
import dev.hearth.queue.sqlite.SqliteEventQueue;
import dev.hearth.queue.sqlite.SqliteQueueConfig;
import dev.hearth.runtimes.RuntimeCatalog;
import dev.hearth.sandbox.spi.testing.FakeAction;
import dev.hearth.sandbox.spi.testing.FakeRuntime;
import dev.hearth.sandbox.spi.testing.FakeSandboxBackend;
import dev.hearth.store.sqlite.SqliteFunctionStore;
import dev.hearth.worker.InvocationResult;
import dev.hearth.worker.Worker;
import dev.hearth.worker.WorkerConfig;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The invocation core on real parts — SQLite function store, package store, control plane, SQLite
 * queue, Counter service, and a worker on the fake sandbox backend (in-JVM runtimes speaking the
 * real Runtime API): resolution, version states, permits, and durable acceptance of events.
 */
final class TestInvocationService {
    private static final AccountContext ACCOUNT = AccountContext.DEFAULT;
    private static final String RUNTIME = "provided.al2023";

    @TempDir
    Path dir;

    private SqliteFunctionStore store;
    private PackageStore packages;
    private SqliteEventQueue queue;
    private FakeSandboxBackend backend;
    private Worker worker;
    private FunctionService functions;
    private CounterService counter;
    private final AtomicInteger accepted = new AtomicInteger();
    private VersionStates states = VersionStates.ALWAYS_ACTIVE;
    private InvocationService invocations;

    @BeforeEach
    void start() throws IOException {
        Clock clock = Clock.systemUTC();
        store = SqliteFunctionStore.open(dir.resolve("functions.db"));
        packages = PackageStore.open(dir.resolve("packages"), PackageLimits.defaults());
        queue = SqliteEventQueue.open(SqliteQueueConfig.of(dir.resolve("queue.db")), clock);
        functions = new FunctionService(store, packages, ACCOUNT, RUNTIME::equals, ControlPlaneLimits.LAMBDA_DEFAULTS, clock);
        FunctionResolver resolver = new FunctionResolver(store, ACCOUNT, new SplittableRandom(1));
        functions.addListener(resolver);
        counter = ReservedConcurrencyService.load(store, ConcurrencyLimits.forAccountLimit(1000), ACCOUNT).counter();
        backend = new FakeSandboxBackend().runtime(FakeRuntime.text(payload -> "echo:" + payload));
        worker = new Worker(backend, RuntimeCatalog.open(dir.resolve("runtimes")), (account, group, stream, at, message) -> {},
                WorkerConfig.defaults(dir.resolve("work"), 17_408, () -> 16_000), clock);
        invocations = new InvocationService(resolver, version -> states.stateOf(version), new FunctionRevisions(packages),
                worker, counter, queue);
        invocations.whenEventAccepted(accepted::incrementAndGet);
        functions.createFunction(new CreateFunctionInput("f", RUNTIME, "arn:aws:iam::000000000000:role/r", "fake.handler",
                new FunctionCodeInput(zip(), null, null, null, null), null, null, null, false, null, null, null, null,
                null, null, null));
    }

    @AfterEach
    void stop() {
        worker.close();
        backend.close();
        queue.close();
        packages.close();
        store.close();
    }

    @Test
    void aSynchronousInvocationRunsTheResolvedVersionOnTheWorkerUnderAPermit() {
        ResolvedFunction resolved = invocations.resolve(FunctionRef.of(ACCOUNT, "f"));
        InvocationResult result = invocations.invoke(resolved, "req-1", "\"hi\"".getBytes(UTF_8), Optional.empty(), false);

        assertThat(new String(result.payload(), UTF_8)).isEqualTo("echo:\"hi\"");
        assertThat(result.executedVersion()).isEqualTo("$LATEST");
        assertThat(result.functionError()).isEmpty();
        assertThat(backend.launched()).singleElement().satisfies(sandbox ->
                assertThat(sandbox.environment()).containsEntry("AWS_LAMBDA_FUNCTION_NAME", "f"));
        assertThat(counter.inFlight()).as("the permit is returned").isZero();

        InvocationResult event = invocations.invokeEvent(resolved, "event-1", "{}".getBytes(UTF_8));
        assertThat(new String(event.payload(), UTF_8)).isEqualTo("echo:{}");
        assertThat(backend.launched()).as("an event takes the same warm sandbox").hasSize(1);
    }

    @Test
    void aFunctionFailureIsAResultNotAnException() {
        backend.runtime(FakeRuntime.of(event -> FakeAction.fail("ValueError", "bad input")));
        functions.publishVersion(FunctionRef.of(ACCOUNT, "f"), new PublishVersionInput(null, null, null));

        InvocationResult result = invocations.invoke(invocations.resolve(FunctionRef.of(ACCOUNT, "f").qualified("1")),
                "req-2", "{}".getBytes(UTF_8), Optional.empty(), false);

        assertThat(result.functionError()).contains("Unhandled");
        assertThat(new String(result.payload(), UTF_8)).contains("ValueError").contains("bad input");
        assertThat(result.executedVersion()).isEqualTo("1");
    }

    @Test
    void aPendingVersionIsRefusedWithSnapStartNotReady() {
        functions.publishVersion(FunctionRef.of(ACCOUNT, "f"), new PublishVersionInput(null, null, null));
        states = version -> version.isLatest() ? VersionState.ACTIVE : VersionState.pending("taking the snapshot");

        assertThatThrownBy(() -> invocations.resolve(FunctionRef.of(ACCOUNT, "f").qualified("1")))
                .isInstanceOfSatisfying(LambdaException.class, e -> {
                    assertThat(e.type()).isEqualTo(LambdaErrorType.SnapStartNotReadyException);
                    assertThat(e.httpStatus()).isEqualTo(409);
                    assertThat(e.getMessage()).contains(ACCOUNT.functionArn("f", "1"));
                });
        assertThat(invocations.resolve(FunctionRef.of(ACCOUNT, "f")).version().version()).isEqualTo("$LATEST");
    }

    @Test
    void unknownFunctionsAndOtherAccountsAreNotFound() {
        assertThatThrownBy(() -> invocations.resolve(FunctionRef.of(ACCOUNT, "nope")))
                .isInstanceOfSatisfying(LambdaException.class,
                        e -> assertThat(e.type()).isEqualTo(LambdaErrorType.ResourceNotFoundException));
        AccountContext other = new AccountContext("eu-central-1", "111122223333");
        assertThatThrownBy(() -> invocations.resolve(FunctionRef.of(other, "f")))
                .isInstanceOfSatisfying(LambdaException.class, e -> {
                    assertThat(e.type()).isEqualTo(LambdaErrorType.ResourceNotFoundException);
                    assertThat(e.getMessage()).contains(other.functionArn("f"));
                });
    }

    @Test
    void anAcceptedEventIsCommittedWithItsQualifierAndWakesThePollers() {
        functions.publishVersion(FunctionRef.of(ACCOUNT, "f"), new PublishVersionInput(null, null, null));
        byte[] largest = new byte[InvocationService.MAX_EVENT_PAYLOAD_BYTES];

        invocations.accept(invocations.resolve(FunctionRef.of(ACCOUNT, "f").qualified("1")), "event-1", largest);

        assertThat(accepted).hasValue(1);
        List<Lease> leases = queue.lease(10, Duration.ofMinutes(1));
        assertThat(leases).singleElement().satisfies(lease -> {
            assertThat(lease.event().id()).isEqualTo("event-1");
            assertThat(lease.event().functionName()).isEqualTo("f");
            assertThat(lease.event().qualifier()).isEqualTo("1");
            assertThat(lease.event().payloadSize()).isEqualTo(largest.length);
        });
        assertThat(backend.launched()).as("acceptance runs nothing").isEmpty();
    }

    @Test
    void anEventOverLambdasLimitIsRefusedAndNotStored() {
        ResolvedFunction resolved = invocations.resolve(FunctionRef.of(ACCOUNT, "f"));
        byte[] tooLarge = new byte[InvocationService.MAX_EVENT_PAYLOAD_BYTES + 1];

        assertThatThrownBy(() -> invocations.accept(resolved, "event-2", tooLarge))
                .isInstanceOfSatisfying(LambdaException.class, e -> {
                    assertThat(e.type()).isEqualTo(LambdaErrorType.RequestEntityTooLargeException);
                    assertThat(e.httpStatus()).isEqualTo(413);
                    assertThat(e.getMessage())
                            .isEqualTo("262145 byte payload is too large for the Event invocation type (limit 262144 bytes)");
                });
        assertThat(queue.counts().depth()).isZero();
        assertThat(accepted).hasValue(0);
    }

    private static byte[] zip() throws IOException {
        try (ByteArrayOutputStream bytes = new ByteArrayOutputStream(); ZipOutputStream zip = new ZipOutputStream(bytes)) {
            zip.putNextEntry(new ZipEntry("bootstrap"));
            zip.write("#!/bin/sh\n".getBytes(UTF_8));
            zip.closeEntry();
            zip.finish();
            return bytes.toByteArray();
        }
    }
}
