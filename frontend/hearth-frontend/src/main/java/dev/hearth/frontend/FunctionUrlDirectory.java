package dev.hearth.frontend;

import dev.hearth.controlplane.FunctionPolicies;
import dev.hearth.controlplane.FunctionUrl;
import dev.hearth.invocation.InvocationService;
import java.util.Optional;

/**
 * Finds a function URL by its id among every account and region the server serves, with what serving
 * it needs of the URL's own cell. Thread-safe.
 */
@FunctionalInterface
public interface FunctionUrlDirectory {
    /** A URL and the cell it belongs to: where its function is invoked and its policy read. */
    record Target(FunctionUrl url, InvocationService invocations, FunctionPolicies policies) {}

    Optional<Target> find(String urlId);
}
