package dev.hearth.sandbox.spi.testing;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.util.Objects;

/** What a fake runtime does with one event; made by a {@link FakeHandler}. */
public sealed interface FakeAction {

    /** Posts {@code body} to {@code /invocation/<id>/response}. */
    record Respond(byte[] body) implements FakeAction {
        public Respond {
            Objects.requireNonNull(body, "body");
        }
    }

    /**
     * Posts Lambda's error document {@code {"errorMessage":..., "errorType":...}} to
     * {@code /invocation/<id>/error}, with the {@code Lambda-Runtime-Function-Error-Type} header.
     */
    record Fail(String errorType, String errorMessage) implements FakeAction {
        public Fail {
            Objects.requireNonNull(errorType, "errorType");
            Objects.requireNonNull(errorMessage, "errorMessage");
        }
    }

    /** The runtime process exits with {@code status} without answering (a crash, {@code sys.exit}). */
    record Exit(int status) implements FakeAction {}

    /** The sandbox is ended for exceeding its memory limit: status 137, {@code outOfMemory} true. */
    record OutOfMemory() implements FakeAction {}

    /** The runtime never answers; only a kill ends it (a function past its timeout). */
    record Hang() implements FakeAction {}

    static FakeAction respond(byte[] body) {
        return new Respond(body);
    }

    static FakeAction respond(String body) {
        return new Respond(body.getBytes(UTF_8));
    }

    static FakeAction fail(String errorType, String errorMessage) {
        return new Fail(errorType, errorMessage);
    }

    static FakeAction exit(int status) {
        return new Exit(status);
    }

    static FakeAction outOfMemory() {
        return new OutOfMemory();
    }

    static FakeAction hang() {
        return new Hang();
    }
}
