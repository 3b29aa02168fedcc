package dev.hearth.controlplane;

/**
 * Told after a change to a function commits (configuration, code, versions, aliases, deletion), so
 * that caches and warm sandboxes of that function can be refreshed. Called on the thread that made
 * the change; must be quick and must not throw.
 */
@FunctionalInterface
public interface FunctionChangeListener {
    void functionChanged(String functionName, boolean deleted);
}
