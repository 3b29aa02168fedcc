package dev.hearth.worker.runtimeapi;

import java.net.URLDecoder;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * A sandbox's one way to Hearth's own AWS APIs (Lambda, S3, CloudWatch Logs ...): the address of its
 * Runtime API, which its {@code AWS_ENDPOINT_URL} names. Runtime API paths go to the Runtime API;
 * every other request must be signed with the sandbox's own access key ({@link
 * RuntimeApiSession#sandboxAccessKeyId()}) and is handed to the forwarder the server installs
 * ({@link RuntimeApiServer#forwardAwsApis}), which streams it unchanged to Hearth's API endpoint;
 * there the signature and the session token are verified. So a sandbox reaches exactly one address of
 * the host, whatever its network, and acts only as its function's account.
 *
 * <p>Threading: thread-safe. Failure: no forwarder installed is 503; another key, or none, is 403.
 */
final class AwsApiPassage extends Handler.Wrapper {
    private static final Pattern CREDENTIAL_KEY = Pattern.compile("Credential=([^/,\\s]+)/");

    private final Map<Connector, RuntimeApiSession> sessions;
    private volatile Handler forwarder;

    /** @param runtimeApi the Runtime API's own handler */
    AwsApiPassage(Handler runtimeApi, Map<Connector, RuntimeApiSession> sessions) {
        super(runtimeApi);
        this.sessions = sessions;
    }

    /** Installs the handler that carries sandboxes' signed requests on to Hearth's API; started with this one. */
    void forwardTo(Handler handler) {
        handler.setServer(getServer());
        addBean(handler, true);
        if (isRunning() && !handler.isRunning()) {
            try {
                handler.start(); // a bean added to a running container is not started by it
            } catch (Exception e) {
                throw new IllegalStateException("the forwarder to Hearth's APIs did not start: " + e.getMessage(), e);
            }
        }
        forwarder = handler;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        if (RuntimeApiHandler.serves(request.getHttpURI().getPath())) {
            return super.handle(request, response, callback);
        }
        RuntimeApiSession session = sessions.get(request.getConnectionMetaData().getConnector());
        if (session == null) {
            return refuse(response, callback, 403, "AccessDeniedException", "This sandbox is shutting down.");
        }
        String signedWith = accessKeyOf(request);
        if (!session.sandboxAccessKeyId().equals(signedWith)) {
            return refuse(response, callback, 403, "AccessDeniedException", signedWith == null
                    ? "Requests to Hearth's APIs from a sandbox must be signed with the sandbox's credentials"
                            + " (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN)."
                    : "Requests to Hearth's APIs from a sandbox must be signed with the sandbox's own credentials,"
                            + " not with access key " + signedWith + ".");
        }
        Handler to = forwarder;
        if (to == null) {
            return refuse(response, callback, 503, "ServiceException", "Hearth's APIs are not reachable from sandboxes yet.");
        }
        return to.handle(request, response, callback);
    }

    /** The access key id a request's SigV4 signature names, in its header or its presigned query. */
    private static String accessKeyOf(Request request) {
        String authorization = request.getHeaders().get(HttpHeader.AUTHORIZATION);
        if (authorization != null) {
            Matcher m = CREDENTIAL_KEY.matcher(authorization);
            return m.find() ? m.group(1) : null;
        }
        String query = request.getHttpURI().getQuery();
        if (query != null) {
            for (String pair : query.split("&")) {
                if (pair.startsWith("X-Amz-Credential=")) {
                    String value = URLDecoder.decode(pair.substring("X-Amz-Credential=".length()), StandardCharsets.UTF_8);
                    int slash = value.indexOf('/');
                    return slash > 0 ? value.substring(0, slash) : null;
                }
            }
        }
        return null;
    }

    private static boolean refuse(Response response, Callback callback, int status, String type, String message) {
        byte[] body = ("{\"Type\":\"User\",\"message\":\"" + message.replace("\"", "'") + "\"}").getBytes(StandardCharsets.UTF_8);
        response.setStatus(status);
        response.getHeaders().put("x-amzn-ErrorType", type);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
        response.write(true, ByteBuffer.wrap(body), callback);
        return true;
    }
}
