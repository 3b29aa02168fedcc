package dev.hearth.http;

import java.net.URI;
import java.util.Objects;
import java.util.function.Supplier;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpURI;
import org.eclipse.jetty.proxy.ProxyHandler;
import org.eclipse.jetty.server.Request;

/**
 * Forwards the requests of one service, unchanged and streamed both ways, to the server that
 * implements it (e.g. requests signed for {@code s3} to the embedded S3 store on loopback): same
 * method, path, query, headers and body. The {@code Host} header is kept as the client sent it and no
 * {@code Via} or {@code Forwarded} header is added, so the target checks the client's SigV4
 * signature itself, exactly as if it had been called directly.
 *
 * <p>Lifecycle: started and stopped with the Jetty server that owns it (the {@link HttpApiServer}'s
 * for a forwarded service; the worker's Runtime API server for sandboxes' calls to Hearth). Thread-safe.
 * Failure: a target that cannot be reached is a {@code 502} for that request.
 */
public final class ServiceForwarder extends ProxyHandler.Reverse {
    /**
     * @param target the target's {@code http://host:port}, asked for every request (so a target may
     *     start on first use)
     */
    public ServiceForwarder(Supplier<URI> target) {
        super(request -> rewrite(target.get(), request));
        Objects.requireNonNull(target, "target");
    }

    private static HttpURI rewrite(URI target, Request request) {
        return HttpURI.build(request.getHttpURI()).scheme(target.getScheme()).host(target.getHost()).port(target.getPort());
    }

    @Override
    protected void copyRequestHeaders(Request clientToProxyRequest, org.eclipse.jetty.client.Request proxyToServerRequest) {
        super.copyRequestHeaders(clientToProxyRequest, proxyToServerRequest);
        String host = clientToProxyRequest.getHeaders().get(HttpHeader.HOST);
        if (host != null) {
            proxyToServerRequest.headers(headers -> headers.put(HttpHeader.HOST, host));
        }
    }

    @Override
    protected void addProxyHeaders(Request clientToProxyRequest, org.eclipse.jetty.client.Request proxyToServerRequest) {
        // nothing: the target sees the client's request as the client signed it
    }
}
