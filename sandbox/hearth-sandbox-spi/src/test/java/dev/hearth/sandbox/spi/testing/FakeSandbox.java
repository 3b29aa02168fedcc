package dev.hearth.sandbox.spi.testing;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.hearth.sandbox.spi.Sandbox;
import dev.hearth.sandbox.spi.SandboxExit;
import dev.hearth.sandbox.spi.SandboxSpec;
import dev.hearth.sandbox.spi.SandboxUsage;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A sandbox of the {@link FakeSandboxBackend}: no process, but one virtual thread that plays the
 * runtime of its {@link FakeRuntime} script against the Runtime API named in its
 * {@link SandboxSpec#runtimeApi()}. The command, environment and directories of the spec are kept
 * for assertions ({@link #spec()}) and otherwise ignored.
 *
 * <p>As a {@link Sandbox} it keeps the SPI's promises that do not need processes: {@link #kill()}
 * is idempotent and ends it with status 137 and {@code killed} true; when its runtime exits on its
 * own (a script's exit, an init error, a failed Runtime API call) it ends with that status; once it
 * has ended, {@link #output()} reaches EOF after what was printed. A runtime whose {@code /next} is
 * refused (the worker shutting it down) exits with status 1, as real runtimes do.
 *
 * <p>For tests it is also observable ({@link #isAlive()}, {@link #wasKilled()}, {@link #events()},
 * {@link #calledNext()}, {@link #toldInitialised()}) and controllable: {@link #crash(int)} ends it
 * as if its process died, {@link #useMemory(long)} changes the memory it reports, {@link #print}
 * writes to its output.
 *
 * <p>Threading: thread-safe. Its runtime handles one event at a time, on its own thread.
 */
public final class FakeSandbox implements Sandbox {
    private static final Duration FOREVER = Duration.ofDays(365);

    private final SandboxSpec spec;
    private final FakeRuntime runtime;
    private final boolean forSnapshot;
    private final boolean restored;
    private final FakeOutput output = new FakeOutput();
    private final CompletableFuture<SandboxExit> exit = new CompletableFuture<>();
    private final AtomicLong peakMemory;
    private final AtomicInteger events = new AtomicInteger();
    private volatile boolean killed;
    private volatile boolean calledNext;
    private volatile boolean toldInitialised;
    private volatile Thread runtimeThread;
    private volatile boolean frozen;
    private volatile boolean freezing;
    private volatile boolean servedWhileFrozen;
    private volatile CountDownLatch freezeGate;
    private final AtomicInteger freezes = new AtomicInteger();
    private final AtomicInteger thaws = new AtomicInteger();

    /** Signals that the runtime exits on its own with a status. */
    private static final class RuntimeExit extends Exception {
        final SandboxExit exit;

        RuntimeExit(int status, boolean outOfMemory) {
            super(null, null, false, false);
            this.exit = new SandboxExit(status, outOfMemory, false);
        }
    }

    FakeSandbox(SandboxSpec spec, FakeRuntime runtime, boolean forSnapshot, boolean restored) {
        this.spec = spec;
        this.runtime = runtime;
        this.forSnapshot = forSnapshot;
        this.restored = restored;
        this.peakMemory = new AtomicLong(runtime.memoryBytes());
    }

    void start() {
        runtimeThread = Thread.ofVirtual().name("fake-runtime-" + spec.sandboxId()).start(this::run);
        if (exit.isDone()) {
            runtimeThread.interrupt();
        }
    }

    // ---- Sandbox -------------------------------------------------------------------------------

    @Override
    public String id() {
        return spec.sandboxId();
    }

    @Override
    public InputStream output() {
        return output;
    }

    @Override
    public CompletableFuture<SandboxExit> exit() {
        return exit;
    }

    @Override
    public SandboxUsage usage() {
        return new SandboxUsage(peakMemory.get());
    }

    @Override
    public void initialised() {
        toldInitialised = true;
    }

    /** It can: freezing is recorded ({@link #frozen()}, {@link #freezes()}, {@link #thaws()}). */
    @Override
    public boolean canFreeze() {
        return true;
    }

    /** Waits at the gate of {@link #holdFreezes()}, if any, then is frozen until {@link #thaw()}. */
    @Override
    public void freeze() {
        freezing = true;
        CountDownLatch gate = freezeGate;
        if (gate != null) {
            try {
                gate.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while freezing " + id(), e);
            }
        }
        freezes.incrementAndGet();
        frozen = isAlive();
        freezing = false;
    }

    @Override
    public void thaw() {
        thaws.incrementAndGet();
        frozen = false;
    }

    @Override
    public void kill() {
        killed = true;
        end(new SandboxExit(137, false, true));
    }

    // ---- for tests -----------------------------------------------------------------------------

    /** Whether it is frozen now. */
    public boolean frozen() {
        return frozen;
    }

    /** Whether a {@link #freeze()} has begun and not finished (it may wait at {@link #holdFreezes()}'s gate). */
    public boolean freezing() {
        return freezing;
    }

    /** How many times {@link #freeze()} completed. */
    public int freezes() {
        return freezes.get();
    }

    /** How many times {@link #thaw()} was called. */
    public int thaws() {
        return thaws.get();
    }

    /** Whether its runtime was handed an event while it was frozen (a worker bug: it must thaw first). */
    public boolean servedWhileFrozen() {
        return servedWhileFrozen;
    }

    /**
     * Makes every later {@link #freeze()} wait until the returned latch is counted down (a freeze
     * that takes long, for races).
     */
    public CountDownLatch holdFreezes() {
        CountDownLatch gate = new CountDownLatch(1);
        freezeGate = gate;
        return gate;
    }

    /** What the sandbox was launched with. */
    public SandboxSpec spec() {
        return spec;
    }

    /** The sandbox's environment ({@link SandboxSpec#environment()}). */
    public Map<String, String> environment() {
        return spec.environment();
    }

    /** The script its runtime plays. */
    public FakeRuntime runtime() {
        return runtime;
    }

    /** Whether it has not ended yet. */
    public boolean isAlive() {
        return !exit.isDone();
    }

    /** Whether {@link #kill()} was called (by the worker, the backend's close, or a test). */
    public boolean wasKilled() {
        return killed;
    }

    /** How it ended, once it has. */
    public Optional<SandboxExit> exitNow() {
        return Optional.ofNullable(exit.getNow(null));
    }

    /** Events its runtime has received so far. */
    public int events() {
        return events.get();
    }

    /** Whether its runtime has finished Init and called {@code /next} at least once. */
    public boolean calledNext() {
        return calledNext;
    }

    /** Whether the worker called {@link Sandbox#initialised()}. */
    public boolean toldInitialised() {
        return toldInitialised;
    }

    /** Whether it was launched for a snapshot ({@code SandboxSnapshots.launchForSnapshot}). */
    public boolean launchedForSnapshot() {
        return forSnapshot;
    }

    /** Whether it was restored from an image (its runtime skipped Init). */
    public boolean restored() {
        return restored;
    }

    /** Ends the sandbox as if its runtime process died with {@code status} (not a kill). */
    public void crash(int status) {
        end(new SandboxExit(status, false, false));
    }

    /** Reports {@code bytes} of memory in use; {@link #usage()} keeps the peak. */
    public void useMemory(long bytes) {
        peakMemory.accumulateAndGet(bytes, Math::max);
    }

    /** Writes {@code line} and a newline to the output. */
    public void print(String line) {
        output.write((line + "\n").getBytes(UTF_8));
    }

    private void end(SandboxExit how) {
        if (exit.complete(how)) {
            output.end();
            Thread thread = runtimeThread;
            if (thread != null && thread != Thread.currentThread()) {
                thread.interrupt();
            }
        }
    }

    // ---- the runtime ---------------------------------------------------------------------------

    private void run() {
        RuntimeApiClient api = new RuntimeApiClient(spec.runtimeApi());
        try {
            if (!restored) {
                initialise(api);
            }
            serve(api);
        } catch (RuntimeExit e) {
            end(e.exit);
        } catch (InterruptedException e) {
            end(new SandboxExit(137, false, true));
        } catch (IOException e) {
            if (isAlive()) {
                print("fake runtime: the Runtime API failed: " + e);
                end(new SandboxExit(1, false, false));
            }
        }
    }

    private void initialise(RuntimeApiClient api) throws InterruptedException, IOException, RuntimeExit {
        if (runtime.initDelay().isPositive()) {
            Thread.sleep(runtime.initDelay());
        }
        switch (runtime.init()) {
            case FakeRuntime.Init.Succeeds _ -> { }
            case FakeRuntime.Init.Fails fails -> {
                print("fake runtime: Init failed: " + fails.errorType() + ": " + fails.errorMessage());
                api.post(RuntimeApiClient.PREFIX + "init/error",
                        Map.of("Lambda-Runtime-Function-Error-Type", fails.errorType()),
                        errorDocument(fails.errorType(), fails.errorMessage()));
                throw new RuntimeExit(1, false);
            }
            case FakeRuntime.Init.Exits exits -> throw new RuntimeExit(exits.status(), false);
            case FakeRuntime.Init.Hangs _ -> hangUntilKilled();
        }
    }

    private void serve(RuntimeApiClient api) throws InterruptedException, IOException, RuntimeExit {
        while (isAlive()) {
            calledNext = true;
            RuntimeApiClient.Response next = api.get(RuntimeApiClient.PREFIX + "invocation/next");
            if (frozen) {
                servedWhileFrozen = true;
            }
            if (next.status() != 200) {
                print("fake runtime: /next answered " + next.status() + " " + next.text() + "; exiting");
                throw new RuntimeExit(1, false);
            }
            FakeEvent event = new FakeEvent(this, events.incrementAndGet(),
                    next.header("Lambda-Runtime-Aws-Request-Id").orElseThrow(),
                    Long.parseLong(next.header("Lambda-Runtime-Deadline-Ms").orElse("0")),
                    next.header("Lambda-Runtime-Invoked-Function-Arn").orElse(""),
                    next.header("Lambda-Runtime-Client-Context"), next.body());
            String invocation = RuntimeApiClient.PREFIX + "invocation/" + event.requestId();
            switch (handle(event)) {
                case FakeAction.Respond respond -> report(api.post(invocation + "/response", Map.of(), respond.body()));
                case FakeAction.Fail fail -> report(api.post(invocation + "/error",
                        Map.of("Lambda-Runtime-Function-Error-Type", fail.errorType()),
                        errorDocument(fail.errorType(), fail.errorMessage())));
                case FakeAction.Exit exits -> throw new RuntimeExit(exits.status(), false);
                case FakeAction.OutOfMemory _ -> throw new RuntimeExit(137, true);
                case FakeAction.Hang _ -> hangUntilKilled();
            }
        }
    }

    private FakeAction handle(FakeEvent event) throws InterruptedException {
        try {
            return runtime.handler().handle(event);
        } catch (InterruptedException e) {
            throw e;
        } catch (Exception e) {
            print("fake runtime: unhandled " + e);
            return FakeAction.fail(e.getClass().getSimpleName(), String.valueOf(e.getMessage()));
        }
    }

    private void report(RuntimeApiClient.Response answer) {
        if (answer.status() != 202) {
            print("fake runtime: the Runtime API answered " + answer.status() + " " + answer.text());
        }
    }

    private static void hangUntilKilled() throws InterruptedException {
        while (true) {
            Thread.sleep(FOREVER);
        }
    }

    private static byte[] errorDocument(String errorType, String errorMessage) {
        return ("{\"errorMessage\":" + quote(errorMessage) + ",\"errorType\":" + quote(errorType) + "}").getBytes(UTF_8);
    }

    private static String quote(String text) {
        StringBuilder json = new StringBuilder("\"");
        for (char c : text.toCharArray()) {
            switch (c) {
                case '"' -> json.append("\\\"");
                case '\\' -> json.append("\\\\");
                case '\n' -> json.append("\\n");
                case '\r' -> json.append("\\r");
                case '\t' -> json.append("\\t");
                default -> {
                    if (c < 0x20) {
                        json.append(String.format("\\u%04x", (int) c));
                    } else {
                        json.append(c);
                    }
                }
            }
        }
        return json.append('"').toString();
    }

    @Override
    public String toString() {
        return "FakeSandbox[" + id() + (isAlive() ? ", alive" : ", ended " + exit.getNow(null)) + "]";
    }
}
