package dev.hearth.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.BindException;
import org.junit.jupiter.api.Test;

/** How {@code hearth server} words a start-up failure: always one line. */
final class TestServerCommandFailureLine {

    @Test
    void aRefusalIsItsMessage() {
        assertThat(ServerCommand.oneLine(new StartupRefusal("no QEMU; fix: apt-get install qemu-system-x86"), "127.0.0.1", 9400))
                .isEqualTo("no QEMU; fix: apt-get install qemu-system-x86");
    }

    @Test
    void aPortInUseNamesTheOptionThatChangesIt() {
        IOException failure = new IOException("Failed to bind to /127.0.0.1:9400", new BindException("Address already in use"));
        assertThat(ServerCommand.oneLine(new IllegalStateException("wrapped", failure), "127.0.0.1", 9400))
                .isEqualTo("cannot listen on 127.0.0.1:9400: Address already in use; stop what holds the port or choose"
                        + " another --port (HEARTH_PORT; 0 picks a free one)");
    }

    @Test
    void anUnexpectedFailureSaysHowToSeeItsStackTrace() {
        assertThat(ServerCommand.oneLine(new IllegalStateException("first\n  second\r\nthird"), "127.0.0.1", 9400))
                .isEqualTo("first second third (HEARTH_DEBUG=1 prints the stack trace)");
        assertThat(ServerCommand.oneLine(new NullPointerException(), "127.0.0.1", 9400))
                .isEqualTo("java.lang.NullPointerException (HEARTH_DEBUG=1 prints the stack trace)");
    }
}
