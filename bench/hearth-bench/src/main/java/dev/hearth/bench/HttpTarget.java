package dev.hearth.bench;

import java.net.URI;
import java.util.Map;

/**
 * One endpoint the load driver calls: a POST of a fixed payload to {@code uri} with extra headers.
 * Immutable.
 *
 * @param name shown in tables ("echo (bare Jetty)", "hearth python3.12")
 * @param uri where requests go (http, with an explicit port)
 * @param headers added to every request
 */
public record HttpTarget(String name, URI uri, Map<String, String> headers) {
    public HttpTarget {
        headers = Map.copyOf(headers);
        if (!"http".equals(uri.getScheme()) || uri.getPort() < 0) {
            throw new IllegalArgumentException("an http URI with a port is needed: " + uri);
        }
    }

    /** Hearth's Invoke API for {@code function} (unqualified: {@code $LATEST}) at {@code endpoint}. */
    public static HttpTarget hearthInvoke(String name, URI endpoint, String function) {
        return new HttpTarget(name, endpoint.resolve("/2015-03-31/functions/" + function + "/invocations"), Map.of());
    }

    /** The same endpoint with one more header. */
    public HttpTarget withHeader(String name, String value) {
        Map<String, String> more = new java.util.HashMap<>(headers);
        more.put(name, value);
        return new HttpTarget(this.name, uri, more);
    }

    /** The encoded request carrying {@code payload}. */
    byte[] request(byte[] payload) {
        return KeepAliveConnection.post(uri, headers, payload);
    }
}
