package dev.hearth.sandbox.spi.testing;

/**
 * A fake runtime's function: called once per event, on the sandbox's runtime thread (a virtual
 * thread), one event at a time per sandbox. It may block (a slow function); a kill interrupts it.
 * An exception it throws is reported as a runtime reports an unhandled exception: an error whose
 * type is the exception's simple class name and whose message is the exception's message.
 */
@FunctionalInterface
public interface FakeHandler {
    FakeAction handle(FakeEvent event) throws Exception;
}
