package dev.hearth.server;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Where function URLs are served: a listener of their own (never the API's port, so that a function's
 * pages never share an origin with Hearth's API or console) on the server's host.
 *
 * @param port the listener's port; 0 picks a free one
 * @param domain the domain of the URLs' host names, {@code <url-id>.lambda-url.<region>.<domain>};
 *     {@code localhost} by default, whose subdomains curl and browsers send to loopback themselves
 */
public record FunctionUrlListenerConfig(int port, String domain) {
    public static final int DEFAULT_PORT = 9401;
    public static final String DEFAULT_DOMAIN = "localhost";
    private static final Pattern DOMAIN = Pattern.compile("[a-z0-9]([a-z0-9-]*[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*");

    /** The listener's port when none is configured: {@link #DEFAULT_PORT}, or a free one when the API's port is 0. */
    public static int defaultPort(int apiPort) {
        return apiPort == 0 ? 0 : DEFAULT_PORT;
    }

    public FunctionUrlListenerConfig {
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("the function URL port must be 0-65535: " + port);
        }
        Objects.requireNonNull(domain, "domain");
        if (!DOMAIN.matcher(domain).matches()) {
            throw new IllegalArgumentException("the function URL domain must be a DNS name in lower case, such as localhost: " + domain);
        }
    }
}
