package dev.hearth.sandbox.spi;

import java.util.List;

/**
 * Whether a backend can run on this host.
 *
 * @param usable true when sandboxes can be launched
 * @param summary one line for the start-up log (what was found, e.g. "bubblewrap 0.8.0, cgroup v1")
 * @param missing what is missing, each item naming the fix (e.g. "bubblewrap: apt-get install bubblewrap")
 */
public record HostSupport(boolean usable, String summary, List<String> missing) {
    public HostSupport {
        missing = List.copyOf(missing);
    }

    public static HostSupport usable(String summary) {
        return new HostSupport(true, summary, List.of());
    }

    public static HostSupport unusable(String summary, List<String> missing) {
        return new HostSupport(false, summary, missing);
    }
}
