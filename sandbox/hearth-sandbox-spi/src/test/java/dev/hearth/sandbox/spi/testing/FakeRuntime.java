package dev.hearth.sandbox.spi.testing;

import java.time.Duration;
import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * The script of a fake runtime: what it does in Init, how it handles events, and what memory its
 * sandbox reports. Immutable; the {@code with…}/{@code …Init} methods return changed copies.
 *
 * <p>Init, in order: wait {@link #initDelay()} (real time, on the runtime's own thread: use it to
 * keep a sandbox in Init while a test looks at it, not to pass time in a test), then do what
 * {@link #init()} says; a runtime whose Init succeeds calls {@code /next} and from then on hands
 * every event to its {@link #handler()}.
 *
 * @param initDelay how long Init takes before the first {@code /next}
 * @param init how Init ends
 * @param handler the function, called once per event
 * @param memoryBytes the peak memory its sandbox reports from launch on (a handler may report more
 *     through {@link FakeSandbox#useMemory})
 */
public record FakeRuntime(Duration initDelay, Init init, FakeHandler handler, long memoryBytes) {

    /** Memory a fake sandbox reports unless told otherwise: 32 MiB, a small runtime's footprint. */
    public static final long DEFAULT_MEMORY_BYTES = 32L << 20;

    /** How Init ends. */
    public sealed interface Init {
        /** The runtime calls {@code /next}: it is initialised. */
        record Succeeds() implements Init {}

        /** The runtime posts {@code /init/error} ({@code errorType}, {@code errorMessage}) and exits with status 1. */
        record Fails(String errorType, String errorMessage) implements Init {}

        /** The runtime process exits with {@code status} before calling {@code /next}. */
        record Exits(int status) implements Init {}

        /** The runtime never calls {@code /next}; only a kill ends it (an Init past its timeout). */
        record Hangs() implements Init {}
    }

    public FakeRuntime {
        Objects.requireNonNull(initDelay, "initDelay");
        Objects.requireNonNull(init, "init");
        Objects.requireNonNull(handler, "handler");
        if (initDelay.isNegative() || memoryBytes < 0) {
            throw new IllegalArgumentException("negative init delay or memory: " + initDelay + ", " + memoryBytes);
        }
    }

    /** A runtime whose function is {@code handler}; Init succeeds at once. */
    public static FakeRuntime of(FakeHandler handler) {
        return new FakeRuntime(Duration.ZERO, new Init.Succeeds(), handler, DEFAULT_MEMORY_BYTES);
    }

    /** A runtime whose function answers the payload unchanged. */
    public static FakeRuntime echo() {
        return of(event -> FakeAction.respond(event.payload()));
    }

    /** A runtime whose function maps the payload, as UTF-8 text, to the response. */
    public static FakeRuntime text(UnaryOperator<String> function) {
        return of(event -> FakeAction.respond(function.apply(event.payloadText())));
    }

    public FakeRuntime withHandler(FakeHandler newHandler) {
        return new FakeRuntime(initDelay, init, newHandler, memoryBytes);
    }

    public FakeRuntime withInitDelay(Duration newInitDelay) {
        return new FakeRuntime(newInitDelay, init, handler, memoryBytes);
    }

    public FakeRuntime withMemoryBytes(long newMemoryBytes) {
        return new FakeRuntime(initDelay, init, handler, newMemoryBytes);
    }

    /** Init posts an init error, as a function that raises at import does, then exits with status 1. */
    public FakeRuntime failingInit(String errorType, String errorMessage) {
        return new FakeRuntime(initDelay, new Init.Fails(errorType, errorMessage), handler, memoryBytes);
    }

    /** The runtime exits with {@code status} during Init. */
    public FakeRuntime exitingInit(int status) {
        return new FakeRuntime(initDelay, new Init.Exits(status), handler, memoryBytes);
    }

    /** Init never ends. */
    public FakeRuntime hangingInit() {
        return new FakeRuntime(initDelay, new Init.Hangs(), handler, memoryBytes);
    }
}
