package dev.hearth.worker.runtimeapi;

import dev.hearth.runtimes.ExtensionsLauncher;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * Routes Runtime API requests to the session of the connector they arrived on. Blocking: Jetty runs
 * it on a virtual thread per request.
 */
final class RuntimeApiHandler extends Handler.Abstract {
    static final String PREFIX = "/2018-06-01/runtime/";

    /** Whether {@code path} is one of the Runtime API's (or its Extensions API's) rather than of Hearth's AWS APIs. */
    static boolean serves(String path) {
        return path.startsWith(PREFIX) || path.startsWith(ExtensionsApiHandler.PREFIX) || path.equals(TELEMETRY)
                || path.equals(LOGS) || path.equals(ExtensionsLauncher.RELAY_PATH);
    }

    private static final String TELEMETRY = "/2022-07-01/telemetry";
    private static final String LOGS = "/2020-08-15/logs";
    private static final String INVOCATION = PREFIX + "invocation/";
    private static final String NEXT = INVOCATION + "next";
    private static final String INIT_ERROR = PREFIX + "init/error";
    private static final String JSON = "application/json";
    private static final String RESPONSE_MODE = "Lambda-Runtime-Function-Response-Mode";
    private static final String ERROR_TYPE = "Lambda-Runtime-Function-Error-Type";
    private static final String ERROR_BODY = "Lambda-Runtime-Function-Error-Body";
    /** The most bytes of a streamed response read (and passed on) at once. */
    private static final int STREAM_CHUNK_BYTES = 64 * 1024;

    private final Map<Connector, RuntimeApiSession> sessions;
    private final long maxBodyBytes;

    RuntimeApiHandler(Map<Connector, RuntimeApiSession> sessions, long maxBodyBytes) {
        this.sessions = sessions;
        this.maxBodyBytes = maxBodyBytes;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        RuntimeApiSession session = sessions.get(request.getConnectionMetaData().getConnector());
        if (session == null) {
            reply(response, callback, RuntimeApiReply.shuttingDown());
            return true;
        }
        String path = request.getHttpURI().getPath();
        String method = request.getMethod();
        if (path.startsWith(ExtensionsApiHandler.PREFIX)) {
            ExtensionsApiHandler.handle(session.extensions(), request, response, callback);
            return true;
        }
        if (path.equals(TELEMETRY) || path.equals(LOGS)) {
            if (!method.equals("PUT")) {
                return methodNotAllowed(response, callback);
            }
            String identifier = Optional.ofNullable(request.getHeaders().get(ExtensionAnswer.IDENTIFIER)).orElse("");
            String subscription;
            try (InputStream in = Content.Source.asInputStream(request)) {
                subscription = new String(in.readNBytes(64 * 1024), StandardCharsets.UTF_8);
            }
            ExtensionAnswer answer = session.telemetry().subscribe(identifier, subscription, path.equals(LOGS));
            response.setStatus(answer.status());
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, JSON);
            Content.Sink.write(response, true, answer.body(), callback);
            return true;
        }
        if (path.equals(ExtensionsLauncher.RELAY_PATH)) {
            Optional<TelemetryApi.Batch> batch = session.telemetry().awaitBatch();
            if (batch.isEmpty()) {
                reply(response, callback, RuntimeApiReply.shuttingDown());
                return true;
            }
            byte[] json = batch.get().json().getBytes(StandardCharsets.UTF_8);
            response.setStatus(200);
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, JSON);
            response.getHeaders().put(ExtensionsLauncher.RELAY_PORT_HEADER, Integer.toString(batch.get().port()));
            response.getHeaders().put(ExtensionsLauncher.RELAY_TARGET_HEADER, batch.get().path());
            response.getHeaders().put(HttpHeader.CONTENT_LENGTH, json.length);
            response.write(true, ByteBuffer.wrap(json), callback);
            return true;
        }
        if (path.equals(NEXT)) {
            if (!method.equals("GET")) {
                return methodNotAllowed(response, callback);
            }
            next(session, response, callback);
            return true;
        }
        if (path.equals(INIT_ERROR)) {
            if (!method.equals("POST")) {
                return methodNotAllowed(response, callback);
            }
            Body body = readBody(request);
            reply(response, callback, session.initError(errorType(request), body.bytes()));
            return true;
        }
        if (path.startsWith(INVOCATION)) {
            String rest = path.substring(INVOCATION.length());
            int slash = rest.indexOf('/');
            if (slash > 0) {
                String requestId = rest.substring(0, slash);
                String action = rest.substring(slash + 1);
                if (action.equals("response") || action.equals("error")) {
                    if (!method.equals("POST")) {
                        return methodNotAllowed(response, callback);
                    }
                    boolean logsMarked = requestId.equals(request.getHeaders().get(RuntimeApiSession.LOG_MARKER_HEADER));
                    if (action.equals("response") && isStreamingMode(request)) {
                        reply(response, callback, streamedResponse(session, request, requestId, logsMarked));
                        return true;
                    }
                    Body body = readBody(request);
                    RuntimeApiReply reply;
                    if (body.size() > maxBodyBytes) {
                        if (action.equals("response")) {
                            reply = session.responseTooLarge(requestId, body.size(), maxBodyBytes, logsMarked);
                        } else {
                            reply = session.error(requestId, "Function.ResponseSizeTooLarge", errorTooLarge(body.size()),
                                    logsMarked);
                            reply = reply.isAccepted() ? RuntimeApiReply.payloadTooLarge(maxBodyBytes) : reply;
                        }
                    } else if (action.equals("response")) {
                        reply = session.response(requestId, body.bytes(), logsMarked);
                    } else {
                        reply = session.error(requestId, errorType(request), body.bytes(), logsMarked);
                    }
                    reply(response, callback, reply);
                    return true;
                }
            }
        }
        reply(response, callback, new RuntimeApiReply(404, "InvalidRequest", "No such Runtime API resource: " + method + " " + path));
        return true;
    }

    private void next(RuntimeApiSession session, Response response, Callback callback) throws InterruptedException {
        RuntimeApiSession.NextOutcome outcome = session.awaitNext();
        switch (outcome) {
            case RuntimeApiReply refusal -> reply(response, callback, refusal);
            case NextEvent event -> {
                session.delivering(event);
                response.setStatus(200);
                HttpFields.Mutable headers = response.getHeaders();
                headers.put(HttpHeader.CONTENT_TYPE, JSON);
                headers.put("Lambda-Runtime-Aws-Request-Id", event.requestId());
                headers.put("Lambda-Runtime-Deadline-Ms", Long.toString(event.deadlineEpochMillis()));
                headers.put("Lambda-Runtime-Invoked-Function-Arn", event.invokedFunctionArn());
                headers.put("Lambda-Runtime-Trace-Id", event.traceId());
                event.clientContext().ifPresent(c -> headers.put("Lambda-Runtime-Client-Context", c));
                event.cognitoIdentity().ifPresent(c -> headers.put("Lambda-Runtime-Cognito-Identity", c));
                response.write(true, ByteBuffer.wrap(event.payload()), callback);
            }
        }
    }

    /**
     * A response posted in streaming mode: passed on chunk by chunk when the invocation's caller takes
     * a stream; otherwise read whole (as Lambda buffers a streamed response for a buffered Invoke),
     * with the runtime's error trailers turning it into the invocation's error.
     */
    private RuntimeApiReply streamedResponse(RuntimeApiSession session, Request request, String requestId,
            boolean logsMarked) throws IOException {
        String contentType = Optional.ofNullable(request.getHeaders().get(HttpHeader.CONTENT_TYPE))
                .orElse("application/octet-stream");
        Optional<StreamedResponse> opened = session.openStream(requestId, contentType);
        if (opened.isEmpty()) {
            Body body = readBody(request);
            Optional<StreamedResponse.StreamError> error = trailerError(request);
            if (body.size() > maxBodyBytes) {
                return session.responseTooLarge(requestId, body.size(), maxBodyBytes, logsMarked);
            }
            return error.isPresent()
                    ? session.error(requestId, error.get().errorType(), error.get().body(), logsMarked)
                    : session.response(requestId, body.bytes(), logsMarked);
        }
        StreamedResponse stream = opened.get();
        try (InputStream in = Content.Source.asInputStream(request)) {
            byte[] buffer = new byte[STREAM_CHUNK_BYTES];
            for (int n; (n = in.read(buffer)) >= 0; ) {
                if (n > 0 && !stream.write(buffer, 0, n)) {
                    return stream.end(Optional.empty(), logsMarked);
                }
            }
        } catch (IOException e) {
            return stream.broken(String.valueOf(e.getMessage()));
        }
        return stream.end(trailerError(request), logsMarked);
    }

    private static boolean isStreamingMode(Request request) {
        return "streaming".equalsIgnoreCase(request.getHeaders().get(RESPONSE_MODE));
    }

    /** The error a runtime reported in its chunked body's trailers, once the body has been read. */
    private static Optional<StreamedResponse.StreamError> trailerError(Request request) {
        HttpFields trailers = request.getTrailers();
        if (trailers == null) {
            return Optional.empty();
        }
        String type = trailers.get(ERROR_TYPE);
        String body = trailers.get(ERROR_BODY);
        if (type == null && body == null) {
            return Optional.empty();
        }
        byte[] decoded = new byte[0];
        if (body != null) {
            try {
                decoded = Base64.getDecoder().decode(body.strip());
            } catch (IllegalArgumentException e) {
                decoded = body.getBytes(StandardCharsets.UTF_8);
            }
        }
        return Optional.of(new StreamedResponse.StreamError(type == null ? "" : type, decoded));
    }

    private byte[] errorTooLarge(long size) {
        return ("{\"errorMessage\":" + JsonText.quote("Error payload size (" + size
                + " bytes) exceeded maximum allowed payload size (" + maxBodyBytes + " bytes).")
                + ",\"errorType\":\"Function.ResponseSizeTooLarge\"}").getBytes(StandardCharsets.UTF_8);
    }

    private static String errorType(Request request) {
        return Optional.ofNullable(request.getHeaders().get("Lambda-Runtime-Function-Error-Type")).orElse("");
    }

    /** The body, kept only up to one byte over the limit; beyond that only counted. */
    private Body readBody(Request request) throws IOException {
        long declared = request.getLength();
        if (declared > maxBodyBytes) {
            Content.Source.consumeAll(request);
            return new Body(new byte[0], declared);
        }
        try (InputStream in = Content.Source.asInputStream(request)) {
            if (declared >= 0) {
                // exactly the declared length: no over-sized read buffer per response
                byte[] body = in.readNBytes((int) declared);
                return new Body(body, body.length);
            }
            byte[] kept = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBodyBytes + 1));
            long size = kept.length;
            if (size > maxBodyBytes) {
                byte[] skip = new byte[64 * 1024];
                for (int n; (n = in.read(skip)) > 0; ) {
                    size += n;
                }
                return new Body(new byte[0], size);
            }
            return new Body(kept, size);
        }
    }

    private record Body(byte[] bytes, long size) {}

    private static boolean methodNotAllowed(Response response, Callback callback) {
        reply(response, callback, new RuntimeApiReply(405, "MethodNotAllowed", "Method not allowed"));
        return true;
    }

    private static void reply(Response response, Callback callback, RuntimeApiReply reply) {
        response.setStatus(reply.status());
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, JSON);
        Content.Sink.write(response, true, reply.body(), callback);
    }
}
